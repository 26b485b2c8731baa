// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/mainwindow.h"

#include "engine/model/tagger.h"
#include "widgets/modelfolders.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QStyleFactory>
#include <QTextStream>
#include <QTimer>
#include <QTranslator>

namespace taglane::app {

/// Loads Taglane's translation for the system locale from the resources, and
/// Qt's own (qtbase) translation when installed.
static void installTranslations(QApplication &app)
{
    const QLocale locale = QLocale::system();
    auto *own = new QTranslator(&app);
    if (own->load(locale, QStringLiteral("taglane"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        app.installTranslator(own);
    auto *qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app.installTranslator(qt);
}

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
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Taglane"));
    QCoreApplication::setApplicationName(QStringLiteral("Taglane"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TAGLANE_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/taglane.svg")));
    taglane::app::installTranslations(app);
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
                                         QCoreApplication::translate("main", "Annotation store to use (default: %1).")
                                             .arg(taglane::app::MainWindow::defaultStorePath()),
                                         QStringLiteral("FILE"));
    parser.addOption(storeOption);
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
    for (QCommandLineOption *o : {&tagWith, &cursor, &screenshot}) {
        o->setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(*o);
    }
    parser.process(app);

    taglane::app::MainWindow window;
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
    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty())
        QTimer::singleShot(0, &window, [&window, path = files.front()]() { window.openFile(path); });
    return app.exec();
}
