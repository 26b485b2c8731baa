// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli models: the model bundles Taglane finds, with the names that
// --model accepts for the bundled ones.
#include "app/cli/commandline.h"
#include "app/cli/commands.h"

#include "widgets/models/modelfolders.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QTextStream>

namespace taglane::app {

int runModels(const QStringList &args)
{
    const QString command = QStringLiteral("taglane-cli models");
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "cli", "Lists the model bundles in the user's model folder, the TAGLANE_MODEL_PATH folders and the bundled "
               "folder. A bundled model can be given to --model by its name (e.g. default, instruments)."));
    parser.addHelpOption();
    if (const auto done = parseCommandLine(parser, command, args))
        return *done;
    QTextStream out(stdout);
    const auto entries = widgets::ModelFolders::scan(widgets::ModelFolders::searchFolders());
    const QString fallback = widgets::ModelFolders::bundledDefault();
    if (entries.isEmpty()) {
        out << QCoreApplication::translate("cli", "No model bundles found.\n");
        return 0;
    }
    for (const auto &e : entries) {
        const QString stem = QFileInfo(e.folder).completeBaseName();
        const QString name = e.origin == widgets::ModelFolders::Origin::Bundled ? stem : QString();
        QString line = QStringLiteral("%1  %2  [%3]").arg(name.isEmpty() ? QStringLiteral("-") : name, -12)
                           .arg(e.manifest.name)
                           .arg(widgets::ModelFolders::originName(e.origin));
        if (e.ok())
            line += QCoreApplication::translate("cli", "  %1, %2 tags").arg(e.manifest.architecture).arg(e.manifest.tags.size());
        else
            line += QCoreApplication::translate("cli", "  unreadable: %1").arg(e.error);
        if (e.folder == fallback)
            line += QCoreApplication::translate("cli", "  (used when no model is chosen)");
        out << line << "\n    " << e.folder << "\n";
    }
    return 0;
}

} // namespace taglane::app
