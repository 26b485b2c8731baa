// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/mainwindow.h"

#include "engine/store/annotationstore.h"

#include "widgets/library/datafolder.h"
#include "widgets/window/contexttranslator.h"

#include "engine/model/tagger.h"
#include "widgets/models/modelfolders.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLocale>
#include <QStyleFactory>
#include <QSettings>
#include <QTextStream>
#include <QTimer>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace taglane::app {

/// A dark Fusion palette matching the track views.
static void applyDarkPalette(QApplication &app)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    const QColor window(0x23, 0x26, 0x2d), base(0x1a, 0x1c, 0x21), text(0xdd, 0xe1, 0xe8);
    const QColor highlight(0x3d, 0x8e, 0xd6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, highlight);
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x86, 0x90));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x6a, 0x6f, 0x78));
    app.setPalette(p);
}

} // namespace taglane::app

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    // As in taglane-cli tag: tagging allocates and frees input and feature
    // tensors of a few megabytes per batch while the rows it returns stay;
    // with glibc's adaptive mmap threshold those tensors land on the heap,
    // where the rows pin them (about 1 GB over an hour of audio). A fixed
    // threshold keeps large blocks mapped and returned at free().
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Taglane"));
    QCoreApplication::setApplicationName(QStringLiteral("Taglane"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TAGLANE_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/taglane.svg")));
    // Before any widget is built: tr() runs in the constructors.
    taglane::widgets::ContextTranslator::installFor(app, QLocale::system());
    taglane::app::applyDarkPalette(app);

    // LibTorch uses the cores available; before any model loads.
    taglane::engine::configureTorchThreads(0);

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Workstation for time-varying music tags"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("file"), QCoreApplication::translate("main", "Audio file to open."),
                                 QStringLiteral("[file]"));
    const QCommandLineOption storeOption(QStringLiteral("store"),
                                         QCoreApplication::translate("main", "Annotation store to use: an SQLite file or a "
                                                                     "postgresql://USER:PASSWORD@HOST:PORT/DB URI (default: %1).")
                                             .arg(taglane::app::MainWindow::defaultStorePath()),
                                         QStringLiteral("FILE"));
    parser.addOption(storeOption);
    const QCommandLineOption curatorOption(
        QStringLiteral("curator"),
        QCoreApplication::translate("main", "Curator whose verdicts this session writes and shows; kept in the settings "
                                            "for later sessions (default: the setting, else the login name %1).")
            .arg(taglane::engine::loginCurator()),
        QStringLiteral("NAME"));
    parser.addOption(curatorOption);
    const QCommandLineOption modelOption(
        QStringLiteral("model"),
        QCoreApplication::translate("main", "Model to select: a bundle folder or a bundled model's name (default: real "
                                            "music, 50 MagnaTagATune tags; instruments: 14 instrument and character tags)."),
        QStringLiteral("NAME"));
    parser.addOption(modelOption);
    // Automation (screenshots, demos); not shown in --help.
    QCommandLineOption tagWith(QStringLiteral("tag-with"), QStringLiteral("Tag the file with this model bundle."),
                               QStringLiteral("BUNDLE"));
    QCommandLineOption cursor(QStringLiteral("cursor"), QStringLiteral("Cursor position after tagging."),
                              QStringLiteral("SECONDS"));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QStringLiteral("Save the window to this PNG after tagging, then quit."),
                                  QStringLiteral("PNG"));
    QCommandLineOption probe(QStringLiteral("probe"),
                             QStringLiteral("Write the window's menus, shortcuts and status bar as JSON to this file "
                                            "once it is shown (and the file opened), then quit."),
                             QStringLiteral("JSON"));
    QCommandLineOption exportTo(QStringLiteral("export-to"),
                                QStringLiteral("Export the whole library (catalogue CSV) into this folder through "
                                               "File > Export, then quit."),
                                QStringLiteral("FOLDER"));
    QCommandLineOption addToLibrary(QStringLiteral("add-to-library"),
                                    QStringLiteral("Add this folder to the library (as File > Add Folder to Library)."),
                                    QStringLiteral("FOLDER"));
    QCommandLineOption tagLibrary(QStringLiteral("tag-library"),
                                  QStringLiteral("Run Model > Tag Library; quit once N tracks are tagged (0: when it "
                                                 "ends)."),
                                  QStringLiteral("N"));
    for (QCommandLineOption *o : {&tagWith, &cursor, &screenshot, &probe, &exportTo, &addToLibrary, &tagLibrary}) {
        o->setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(*o);
    }
    parser.process(app);

    // What earlier versions saved in ~/.local/share/Taglane/Taglane/ moves
    // to the data folder before the store opens or the models are listed.
    const QStringList moved = taglane::widgets::DataFolder::migrateLegacy();
    for (const QString &line : moved)
        qInfo("%s", qPrintable(line));
    taglane::app::MainWindow window;
    {
        QSettings settings;
        const QString saved = settings.value(QStringLiteral("curator")).toString();
        const QString curator = parser.isSet(curatorOption) ? parser.value(curatorOption)
                                                            : (saved.isEmpty() ? taglane::engine::loginCurator() : saved);
        if (const taglane::engine::Status s = window.store()->setCurator(curator); !s) {
            QTextStream(stderr) << QCoreApplication::translate("main", "taglane: --curator: %1").arg(s.error()) << "\n";
            return 2;
        }
        if (parser.isSet(curatorOption))
            settings.setValue(QStringLiteral("curator"), curator);
    }
    window.openStore(parser.isSet(storeOption) ? parser.value(storeOption) : taglane::app::MainWindow::defaultStorePath());
    if (parser.isSet(modelOption)) {
        if (!window.chooseModel(parser.value(modelOption))) {
            QTextStream(stderr) << QCoreApplication::translate("main", "taglane: the model %1 is not a bundle folder or "
                                                                       "a bundled model's name (default, instruments).\n")
                                       .arg(parser.value(modelOption));
            return 2;
        }
    } else if (!taglane::widgets::ModelFolders::bundledDefault().isEmpty()) {
        window.chooseModel(taglane::widgets::ModelFolders::bundledDefault());
    }
    if (parser.isSet(tagWith) || parser.isSet(screenshot))
        window.scriptTagging(parser.value(tagWith), parser.value(cursor).toDouble(), parser.value(screenshot));
    window.show();
    if (parser.isSet(exportTo))
        window.scriptExport(parser.value(exportTo));
    if (parser.isSet(addToLibrary) || parser.isSet(tagLibrary))
        window.scriptLibrary(parser.value(addToLibrary), parser.isSet(tagLibrary) ? parser.value(tagLibrary).toInt() : -1);
    if (parser.isSet(probe))
        window.scriptProbe(parser.value(probe), !parser.positionalArguments().isEmpty());
    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty())
        QTimer::singleShot(0, &window, [&window, path = files.front()]() { window.openFile(path); });
    return app.exec();
}
