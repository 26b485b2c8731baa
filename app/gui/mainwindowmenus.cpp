// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: menus, toolbar, the recent-files menu and the clock.
#include "app/gui/mainwindow.h"

#include "app/gui/trackviewfeatures.h"

#include "widgets/models/inferencecontroller.h"
#include "widgets/models/modelpanel.h"
#include "widgets/playback/segmentplayback.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/timeline/timeruler.h"
#include "widgets/track/trackview.h"
#include "widgets/window/statusmessages.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileInfo>
#include <QFontDatabase>
#include <QLabel>
#include <QMenuBar>
#include <QPainter>
#include <QPainterPath>
#include <QSettings>
#include <QStyle>
#include <QToolBar>
#include <QUndoStack>


namespace taglane::app {

namespace {
const char *const recentKey = "recentFiles";
constexpr int maxRecent = 10;


/// A luggage-tag shape in the highlight colour, for "Tag Track".
QIcon tagIcon()
{
    QIcon icon;
    for (int size : {16, 24, 32, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        const double s = size / 16.0;
        QPainterPath tag;
        tag.moveTo(1.5 * s, 2.5 * s);
        tag.lineTo(8.5 * s, 2.5 * s);
        tag.lineTo(14.5 * s, 8.0 * s);
        tag.lineTo(8.5 * s, 13.5 * s);
        tag.lineTo(1.5 * s, 13.5 * s);
        tag.closeSubpath();
        QPainterPath hole;
        hole.addEllipse(QPointF(5.0 * s, 8.0 * s), 1.4 * s, 1.4 * s);
        p.fillPath(tag.subtracted(hole), QColor(0x5a, 0xb0, 0xf0));
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}
} // namespace

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
    m_exportAction = file->addAction(tr("&Export..."), this, &MainWindow::showExport);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    file->addAction(tr("Import &Labels..."), this, &MainWindow::importLabels);
    file->addAction(tr("&Import Checkpoint..."), m_models, &widgets::ModelPanel::importCheckpoint);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    m_editMenu = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = features::call_undoAction(m_track);
    QAction *redo = features::call_redoAction(m_track);
    if (!undo) {
        undo = m_track->undoStack()->createUndoAction(this, tr("&Undo"));
        undo->setShortcut(QKeySequence::Undo);
    }
    if (!redo) {
        redo = m_track->undoStack()->createRedoAction(this, tr("&Redo"));
        redo->setShortcut(QKeySequence::Redo);
    }
    m_editMenu->addAction(undo);
    m_editMenu->addAction(redo);
    m_editMenu->addSeparator();
    for (QAction *a : {features::call_splitAction(m_track), features::call_mergeAction(m_track),
                       features::call_acceptSuggestionsAction(m_track)}) {
        if (a)
            m_editMenu->addAction(a);
    }
    m_editMenu->addSeparator();
    m_editMenu->addAction(m_track->completeReviewAction());
    m_editMenu->addAction(m_track->acceptCompletionAction());
    m_editMenu->addSeparator();
    m_editMenu->addAction(tr("&Vocabulary..."), this, &MainWindow::showVocabulary);
    m_editMenu->addAction(tr("Related &Tags..."), this, &MainWindow::showTagMapping)
        ->setToolTip(tr("Which tags of different vocabularies mean the same thing"));

    m_tagAction = new QAction(tagIcon(), tr("&Tag Track"), this);
    m_tagAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_tagAction->setToolTip(tr("Tag the open track with the selected model (Ctrl+T)"));
    connect(m_tagAction, &QAction::triggered, this, &MainWindow::tagTrack);
    m_cancelTagAction = new QAction(tr("&Cancel Tagging"), this);
    m_cancelTagAction->setEnabled(false);
    connect(m_cancelTagAction, &QAction::triggered, m_inference, &widgets::InferenceController::cancel);
    m_models->setTagAction(m_tagAction);
    QMenu *model = menuBar()->addMenu(tr("&Model"));
    model->addAction(m_tagAction);
    model->addAction(m_cancelTagAction);
    model->addSeparator();
    m_retrainAction = new QAction(tr("Re&train Model..."), this);
    m_retrainAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_retrainAction->setToolTip(tr("Fine-tune the selected model on your curated verdicts (Ctrl+Shift+R)"));
    connect(m_retrainAction, &QAction::triggered, this, &MainWindow::retrainModel);
    m_models->setRetrainAction(m_retrainAction);
    model->addAction(m_retrainAction);
    QAction *evaluate = model->addAction(tr("E&valuate Model..."), this, [this]() { showEvaluation(m_models->selectedFolder()); });
    evaluate->setToolTip(tr("Per-tag metrics and ROC / precision-recall curves of a model on a labelled folder"));
    model->addAction(tr("Roll &Back to Parent Version"), this, [this]() {
        if (!m_models->rollBack())
            m_messages->show(tr("The selected model was not retrained from a listed version."), 5000);
    });
    model->addSeparator();
    model->addAction(tr("&Import Checkpoint..."), m_models, &widgets::ModelPanel::importCheckpoint);
    model->addAction(tr("&Refresh Models"), m_models, &widgets::ModelPanel::refresh);
    createLibrary(file, model);   // File > Add Folder to Library, Model > Tag Library

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_track->melAction());
    view->addAction(m_track->erbAction());
    view->addSeparator();
    view->addAction(m_track->zoomInAction());
    view->addAction(m_track->zoomOutAction());
    view->addAction(m_track->fitAction());
    view->addSeparator();
    for (QDockWidget *dock : {m_modelDock, m_nowPlayingDock, m_libraryDock})
        view->addAction(dock->toggleViewAction());
    m_modelDock->toggleViewAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    m_nowPlayingDock->toggleViewAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    m_libraryDock->toggleViewAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_3));

    QMenu *play = menuBar()->addMenu(tr("&Playback"));
    play->addAction(m_track->playPauseAction());
    play->addAction(m_track->stopAction());
    play->addSeparator();
    for (QAction *a : m_track->segmentPlayback()->actions())
        play->addAction(a);   // play the selected segment, loop, play the next one under review
    addReviewMenuEntries(view, play);   // the Review Queue and Search docks (Ctrl+4, Ctrl+5), next queued cell

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
    bar->addAction(m_tagAction);
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
    updateTagAction();
}

void MainWindow::updateClock()
{
    const widgets::TimeAxis *axis = m_track->timeAxis();
    m_clock->setText(QStringLiteral("%1 / %2").arg(widgets::TimeRuler::formatTime(axis->cursor(), 0.001),
                                                   widgets::TimeRuler::formatTime(axis->totalDuration(), 0.001)));
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

} // namespace taglane::app
