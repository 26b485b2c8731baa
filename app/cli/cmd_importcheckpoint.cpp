// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "engine/model/checkpointimport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

namespace taglane::app {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}
} // namespace

int runImportCheckpoint(const QStringList &args)
{
    using namespace taglane::engine;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Imports a published MagnaTagATune checkpoint (a PyTorch state dict saved with torch.save) into a "
           "Taglane model bundle. Every key and shape is checked; on any problem nothing is written."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("CHECKPOINT"), tr("the .pth state dict"), QStringLiteral("CHECKPOINT.pth"));
    const QCommandLineOption archOption(QStringLiteral("arch"),
                                        tr("architecture: %1").arg(importableArchitectures().join(QStringLiteral(", "))),
                                        QStringLiteral("ARCH"));
    const QCommandLineOption tagsOption(QStringLiteral("tags"), tr("tags in output order, one per line"),
                                        QStringLiteral("TAGS.txt"));
    const QCommandLineOption outOption(QStringLiteral("out"), tr("the bundle folder to write (NAME.tlmodel)"),
                                       QStringLiteral("BUNDLE"));
    const QCommandLineOption nameOption(QStringLiteral("name"), tr("a human name for the model"), QStringLiteral("NAME"));
    parser.addOption(archOption);
    parser.addOption(tagsOption);
    parser.addOption(outOption);
    parser.addOption(nameOption);

    QTextStream out(stdout);
    QTextStream err(stderr);
    const QString command = QStringLiteral("taglane-cli import-checkpoint");
    if (!parser.parse(QStringList{command} + args)) {
        err << command << ": " << parser.errorText() << "\n";
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1 || !parser.isSet(archOption) || !parser.isSet(tagsOption) || !parser.isSet(outOption)) {
        err << tr("%1: give --arch, --tags, --out and one checkpoint file\n").arg(command) << parser.helpText();
        return 2;
    }

    const auto tags = loadTagList(parser.value(tagsOption));
    if (!tags) {
        err << command << ": " << tags.error() << "\n";
        return 1;
    }
    CheckpointImport request;
    request.architecture = parser.value(archOption);
    request.checkpointPath = positional.first();
    request.tags = tags.value();
    request.bundleFolder = parser.value(outOption);
    request.name = parser.value(nameOption);
    const auto bundle = importCheckpoint(request);
    if (!bundle) {
        err << command << ": " << bundle.error() << "\n";
        return 1;
    }
    const ModelManifest &m = bundle->manifest();
    out << tr("Wrote %1: %2, %3 tags, %4 samples per chunk at %5 Hz, version %6\n")
               .arg(bundle->folder(), m.architecture)
               .arg(m.tags.size())
               .arg(m.chunkSamples)
               .arg(m.sampleRate)
               .arg(m.version);
    return 0;
}

} // namespace taglane::app
