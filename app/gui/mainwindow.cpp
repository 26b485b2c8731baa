// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/mainwindow.h"

#include "widgets/playbackcontroller.h"
#include "widgets/timeaxis.h"
#include "widgets/timeruler.h"
#include "widgets/trackview.h"

#include "engine/audio/audiodecoder.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QToolButton>

namespace taglane::app {

namespace {
const char *const recentKey = "recentFiles";
constexpr int maxRecent = 10;
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_track(new widgets::TrackView(this))
{
    setCentralWidget(m_track);
    setAcceptDrops(true);
    setWindowTitle(tr("Taglane"));
    resize(1400, 900);
    restoreGeometry(QSettings().value(QStringLiteral("windowGeometry")).toByteArray());
    createMenus();
    createStatusBar();

    connect(m_track, &widgets::TrackView::loadStarted, this, &MainWindow::onLoadStarted);
    connect(m_track, &widgets::TrackView::loadProgress, this,
            [this](double f) { m_progress->setValue(int(f * 1000.0)); });
    connect(m_track, &widgets::TrackView::trackLoaded, this, &MainWindow::onLoaded);
    connect(m_track, &widgets::TrackView::loadFailed, this, &MainWindow::onLoadFailed);
    connect(m_track, &widgets::TrackView::loadCancelled, this, [this](const QString &path) {
        onLoadFinishedOrCancelled();
        statusBar()->showMessage(tr("Opening %1 was cancelled.").arg(QFileInfo(path).fileName()), 5000);
    });
    connect(m_track, &widgets::TrackView::loadWarnings, this, [this](const QString &path, const QStringList &warnings) {
        statusBar()->showMessage(tr("%1 opened with warnings: %2").arg(QFileInfo(path).fileName(), warnings.join(QStringLiteral("; "))));
    });
    connect(m_track, &widgets::TrackView::statusMessage, this,
            [this](const QString &text) { statusBar()->showMessage(text, 10000); });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open..."), this,
                                    &MainWindow::chooseFile);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open an audio file"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_track->melAction());
    view->addAction(m_track->erbAction());
    view->addSeparator();
    view->addAction(m_track->zoomInAction());
    view->addAction(m_track->zoomOutAction());
    view->addAction(m_track->fitAction());

    QMenu *play = menuBar()->addMenu(tr("&Playback"));
    play->addAction(m_track->playPauseAction());
    play->addAction(m_track->stopAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Taglane"), this, &MainWindow::about);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    // The track view's shortcuts work anywhere in the window.
    for (QAction *a : m_track->actions())
        a->setShortcutContext(Qt::WindowShortcut);

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(open);
    bar->addSeparator();
    bar->addAction(m_track->playPauseAction());
    bar->addAction(m_track->stopAction());
    bar->addSeparator();
    bar->addAction(m_track->zoomInAction());
    bar->addAction(m_track->zoomOutAction());
    bar->addAction(m_track->fitAction());
    bar->addSeparator();
    bar->addAction(m_track->melAction());
    bar->addAction(m_track->erbAction());
    bar->addSeparator();
    m_clock = new QLabel(this);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(mono.pointSizeF() * 1.15);
    m_clock->setFont(mono);
    m_clock->setContentsMargins(10, 0, 10, 0);
    m_clock->setToolTip(tr("Cursor position / track length"));
    bar->addWidget(m_clock);
    connect(m_track->timeAxis(), &widgets::TimeAxis::cursorChanged, this, &MainWindow::updateClock);
    connect(m_track->timeAxis(), &widgets::TimeAxis::totalDurationChanged, this, &MainWindow::updateClock);
    updateClock();
}

void MainWindow::updateClock()
{
    const widgets::TimeAxis *axis = m_track->timeAxis();
    m_clock->setText(QStringLiteral("%1 / %2").arg(widgets::TimeRuler::formatTime(axis->cursor(), 0.001),
                                                   widgets::TimeRuler::formatTime(axis->totalDuration(), 0.001)));
}

void MainWindow::createStatusBar()
{
    m_facts = new QLabel(tr("Open an audio file (Ctrl+O) or drop one here."), this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("Decoding %p%"));
    m_progress->hide();
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop opening this file"));
    m_cancel->hide();
    connect(m_cancel, &QToolButton::clicked, m_track, &widgets::TrackView::cancelLoad);
    statusBar()->addPermanentWidget(m_facts);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
}

bool MainWindow::isSupported(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return engine::AudioDecoder::supportedSuffixes().contains(suffix, Qt::CaseInsensitive);
}

void MainWindow::chooseFile()
{
    QStringList patterns;
    for (const QString &s : engine::AudioDecoder::supportedSuffixes())
        patterns << QStringLiteral("*.%1").arg(s);
    const QString filter = tr("Audio files (%1)").arg(patterns.join(QLatin1Char(' '))) + QStringLiteral(";;")
                           + tr("All files (*)");
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("lastDirectory"), QDir::homePath()).toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Audio File"), dir, filter);
    if (!path.isEmpty())
        openFile(path);
}

void MainWindow::openFile(const QString &path)
{
    QSettings().setValue(QStringLiteral("lastDirectory"), QFileInfo(path).absolutePath());
    m_track->openFile(QFileInfo(path).absoluteFilePath());
}

void MainWindow::onLoadStarted(const QString &path)
{
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    statusBar()->showMessage(tr("Opening %1...").arg(QFileInfo(path).fileName()));
}

void MainWindow::onLoadFinishedOrCancelled()
{
    m_progress->hide();
    m_cancel->hide();
}

void MainWindow::onLoaded(const QString &path)
{
    onLoadFinishedOrCancelled();
    setWindowTitle(tr("Taglane - %1").arg(QFileInfo(path).fileName()));
    m_facts->setText(m_track->describeTrack());
    statusBar()->showMessage(tr("Opened %1 in %2 s.")
                                 .arg(QFileInfo(path).fileName())
                                 .arg(m_track->track()->loadSeconds, 0, 'f', 2),
                             5000);
    rememberRecent(path);
}

void MainWindow::onLoadFailed(const QString &path, const QString &message)
{
    onLoadFinishedOrCancelled();
    statusBar()->showMessage(message, 15000);
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot Open File"),
                                tr("Taglane could not open %1.").arg(QFileInfo(path).fileName()),
                                QMessageBox::Ok, this);
    box->setInformativeText(message);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::rememberRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(QLatin1String(recentKey)).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > maxRecent)
        recent.removeLast();
    settings.setValue(QLatin1String(recentKey), recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QLatin1String(recentKey)).toStringList();
    for (const QString &path : recent) {
        QAction *a = m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path]() { openFile(path); });
        a->setToolTip(path);
        a->setStatusTip(path);
    }
    if (!recent.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("&Clear List"), this, [this]() {
            QSettings().remove(QLatin1String(recentKey));
            updateRecentMenu();
        });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.front().isLocalFile() && isSupported(urls.front().toLocalFile()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.front().isLocalFile())
        return;
    openFile(urls.front().toLocalFile());
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_track->playback()->stop();
    m_track->cancelLoad();
    QSettings().setValue(QStringLiteral("windowGeometry"), saveGeometry());
    QMainWindow::closeEvent(event);
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About Taglane"),
                       tr("<h3>Taglane %1</h3>"
                          "<p>A workstation for time-varying music tags: waveform, Mel and ERB "
                          "spectrograms, a tag lane, playback, and model-assisted labelling.</p>"
                          "<p>Licensed under the GNU General Public License, version 3 or later.</p>")
                           .arg(QStringLiteral(TAGLANE_VERSION)));
}

} // namespace taglane::app
