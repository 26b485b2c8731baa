// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/mainwindow.h"
#include "app/cli/modelname.h"

#include "app/gui/trackviewfeatures.h"

#include "widgets/evaluationview.h"
#include "widgets/exportdialog.h"
#include "widgets/inferencecontroller.h"
#include "widgets/storestatuslabel.h"
#include "widgets/libraryview.h"
#include "widgets/modellistmodel.h"
#include "widgets/modelpanel.h"
#include "widgets/nowplayingpanel.h"
#include "widgets/playbackcontroller.h"
#include "widgets/retraincontroller.h"
#include "widgets/retraindialog.h"
#include "widgets/timeaxis.h"
#include "widgets/timeruler.h"
#include "widgets/trackview.h"
#include "widgets/vocabularyeditor.h"

#include "engine/audio/audiodecoder.h"
#include "engine/formats/importedfile.h"
#include "engine/formats/labelimporter.h"
#include "engine/formats/storelabels.h"
#include "engine/jobs/inferenceplan.h"
#include "engine/store/annotationstore.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QPainterPath>
#include <QProgressBar>
#include <QSettings>
#include <QThread>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

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

QString positionKey(const QString &path)
{
    return QStringLiteral("positions/")
           + QString::fromLatin1(QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
}
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_track(new widgets::TrackView(this))
    , m_store(new engine::AnnotationStore(this))
{
    setCentralWidget(m_track);
    setAcceptDrops(true);
    setWindowTitle(tr("Taglane"));
    resize(1500, 940);
    m_inference = new widgets::InferenceController(m_track, this);
    createDocks();
    createMenus();
    createStatusBar();
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("windowGeometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("windowState")).toByteArray());

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

    connect(m_inference, &widgets::InferenceController::runningChanged, this, &MainWindow::onTaggingRunning);
    connect(m_inference, &widgets::InferenceController::progress, this,
            [this](double f) { m_tagProgress->setValue(int(f * 1000.0)); });
    connect(m_inference, &widgets::InferenceController::started, this, [this](const engine::InferencePlan &plan) {
        statusBar()->showMessage(tr("Tagging with %1 on %2: %n segment(s)...", nullptr, plan.segments.size())
                                     .arg(plan.modelName, plan.device));
    });
    connect(m_inference, &widgets::InferenceController::finished, this,
            [this](const QString &summary) { statusBar()->showMessage(summary); });
    connect(m_inference, &widgets::InferenceController::cancelled, this,
            [this]() { statusBar()->showMessage(tr("Tagging was cancelled."), 5000); });
    connect(m_inference, &widgets::InferenceController::failed, this, [this](const QString &message) {
        statusBar()->showMessage(message, 15000);
        warn(tr("Tagging Failed"), tr("The track could not be tagged."), message);
    });

    // The mark stays until an edit commits again; one box per distinct problem.
    m_saveProblem->setStore(m_store);
    connect(m_saveProblem, &widgets::StoreStatusLabel::problemAppeared, this, [this](const QString &message) {
        warn(tr("Cannot Save"), tr("An edit could not be saved to the annotation store."), message);
    });
    connect(m_saveProblem, &widgets::StoreStatusLabel::problemGone, this, [this]() {
        statusBar()->showMessage(tr("Edits are being saved again; the edits that failed were not saved."), 15000);
    });
}

MainWindow::~MainWindow() = default;

QString MainWindow::defaultStorePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/taglane.sqlite");
}

void MainWindow::openStore(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const auto report = m_store->open(path, engine::AnnotationStore::OpenMode::ReadWriteElseReadOnly);
    if (!report.ok()) {
        warn(tr("Annotation Store"), tr("Taglane could not open its annotation store; labels will not be saved."),
             report.error());
        m_library->setStore(nullptr);
        return;
    }
    m_track->setStore(m_store);
    m_library->setStore(m_store);
    if (!report->messages.isEmpty()) {
        statusBar()->showMessage(report->messages.join(QLatin1Char(' ')), 15000);
        if (report->readOnly || !report->movedAsidePath.isEmpty())
            warn(tr("Annotation Store"),
                 report->readOnly ? tr("The annotation store is open read-only: your edits will not be saved.")
                                  : tr("The annotation store was damaged and has been replaced by a new one."),
                 report->messages.join(QLatin1Char('\n')));
    }
    if (report->readOnly)
        setWindowTitle(windowTitle() + tr(" (read-only store)"));
}

void MainWindow::createDocks()
{
    m_models = new widgets::ModelPanel(this);
    m_modelDock = new QDockWidget(tr("Models"), this);
    m_modelDock->setObjectName(QStringLiteral("modelDock"));
    m_modelDock->setWidget(m_models);
    addDockWidget(Qt::RightDockWidgetArea, m_modelDock);
    connect(m_models, &widgets::ModelPanel::selectionChanged, this, &MainWindow::updateTagAction);
    connect(m_models, &widgets::ModelPanel::compareRequested, this, &MainWindow::showEvaluation);

    m_nowPlaying = new widgets::NowPlayingPanel(m_track, this);
    m_nowPlayingDock = new QDockWidget(tr("Now Playing"), this);
    m_nowPlayingDock->setObjectName(QStringLiteral("nowPlayingDock"));
    m_nowPlayingDock->setWidget(m_nowPlaying);
    addDockWidget(Qt::RightDockWidgetArea, m_nowPlayingDock);

    m_library = new widgets::LibraryView(this);
    m_libraryDock = new QDockWidget(tr("Library"), this);
    m_libraryDock->setObjectName(QStringLiteral("libraryDock"));
    m_libraryDock->setWidget(m_library);
    addDockWidget(Qt::BottomDockWidgetArea, m_libraryDock);
    m_libraryDock->hide();
    connect(m_library, &widgets::LibraryView::openRequested, this, &MainWindow::openFile);
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
    QAction *exportAction = file->addAction(tr("&Export..."), this, &MainWindow::showExport);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
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
    m_editMenu->addAction(tr("&Vocabulary..."), this, &MainWindow::showVocabulary);

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
            statusBar()->showMessage(tr("The selected model was not retrained from a listed version."), 5000);
    });
    model->addSeparator();
    model->addAction(tr("&Import Checkpoint..."), m_models, &widgets::ModelPanel::importCheckpoint);
    model->addAction(tr("&Refresh Models"), m_models, &widgets::ModelPanel::refresh);

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
    m_tagProgress = new QProgressBar(this);
    m_tagProgress->setRange(0, 1000);
    m_tagProgress->setMaximumWidth(220);
    m_tagProgress->setFormat(tr("Tagging %p%"));
    m_tagProgress->hide();
    m_tagCancel = new QToolButton(this);
    m_tagCancel->setDefaultAction(m_cancelTagAction);
    m_tagCancel->setText(tr("Cancel"));
    m_tagCancel->setToolTip(tr("Stop tagging; the rows computed so far stay in the lane"));
    m_tagCancel->hide();
    m_saveProblem = new widgets::StoreStatusLabel(this);
    statusBar()->addPermanentWidget(m_saveProblem);
    statusBar()->addPermanentWidget(m_facts);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    statusBar()->addPermanentWidget(m_tagProgress);
    statusBar()->addPermanentWidget(m_tagCancel);
}

void MainWindow::updateTagAction()
{
    const bool ready = m_track->hasTrack() && !m_models->selectedFolder().isEmpty();
    m_tagAction->setEnabled(ready);
}

void MainWindow::tagTrack()
{
    if (!m_track->hasTrack()) {
        statusBar()->showMessage(tr("Open a track before tagging it."), 5000);
        return;
    }
    m_inference->start(m_models->selectedFolder(), m_models->segmentationSettings(), m_models->batchSize());
}

void MainWindow::retrainModel()
{
    if (m_retrain) {
        m_retrain->show();
        m_retrain->raise();
        m_retrain->activateWindow();
        return;
    }
    auto *dialog = new widgets::RetrainDialog(m_store, m_models->selectedFolder(), m_library->selectedTrackIds(),
                                              widgets::ModelFolders::userFolder(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_retrain = dialog;
    connect(dialog, &widgets::RetrainDialog::versionWritten, this, [this](const QString &folder) {
        m_models->refresh();
        statusBar()->showMessage(tr("New model version saved in %1.").arg(QDir::toNativeSeparators(folder)), 10000);
    });
    connect(dialog, &widgets::RetrainDialog::useModelRequested, this, &MainWindow::useModel);
    connect(dialog->controller(), &widgets::RetrainController::runningChanged, this, [this](bool running) {
        if (running)
            statusBar()->showMessage(tr("Retraining the model in the background..."));
    });
    dialog->show();
}

bool MainWindow::chooseModel(const QString &nameOrFolder)
{
    const QString folder = QFileInfo(resolveModelArgument(nameOrFolder)).absoluteFilePath();
    m_models->refresh();
    return m_models->selectFolder(folder);
}

void MainWindow::useModel(const QString &folder)
{
    m_models->refresh();
    if (!m_models->selectFolder(folder)) {
        warn(tr("Use Model"), tr("The new model version is not listed in the model panel."), folder);
        return;
    }
    m_modelDock->show();
    if (m_track->hasTrack()) {
        statusBar()->showMessage(tr("Re-tagging the open track with the new model..."));
        tagTrack();
    }
}

widgets::EvaluationView *MainWindow::showEvaluation(const QString &folder, const QString &other)
{
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Evaluate Model"));
    dialog->resize(1180, 760);
    auto *view = new widgets::EvaluationView(dialog);
    view->setModelList(m_models->models());
    view->selectModel(folder.isEmpty() ? m_models->selectedFolder() : folder);
    view->selectCompareModel(other);
    QSettings settings;
    view->setDataFolder(settings.value(QStringLiteral("evaluationFolder")).toString());
    connect(view, &widgets::EvaluationView::evaluationStarted, view,
            [view]() { QSettings().setValue(QStringLiteral("evaluationFolder"), view->dataFolder()); });
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(dialog, &QDialog::rejected, view, &widgets::EvaluationView::cancel);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(view, 1);
    layout->addWidget(buttons);
    dialog->show();
    return view;
}

void MainWindow::onTaggingRunning(bool running)
{
    m_tagProgress->setValue(0);
    m_tagProgress->setVisible(running);
    m_tagCancel->setVisible(running);
    m_cancelTagAction->setEnabled(running);
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

void MainWindow::rememberPosition()
{
    if (!m_openPath.isEmpty())
        QSettings().setValue(positionKey(m_openPath), m_track->timeAxis()->cursor());
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
    rememberPosition();
    m_openPath = path;
    // Where the track was left (the store keeps no position, the settings do).
    const double position = QSettings().value(positionKey(path), 0.0).toDouble();
    if (position > 0.0 && position < m_track->timeAxis()->totalDuration()) {
        m_track->timeAxis()->setCursor(position);
        m_track->timeAxis()->ensureCursorVisible();
    }
    setWindowTitle(tr("Taglane - %1").arg(QFileInfo(path).fileName()) + (m_store->isReadOnly() ? tr(" (read-only store)") : QString()));
    m_facts->setText(m_track->describeTrack());
    statusBar()->showMessage(tr("Opened %1 in %2 s.")
                                 .arg(QFileInfo(path).fileName())
                                 .arg(m_track->track()->loadSeconds, 0, 'f', 2),
                             5000);
    rememberRecent(path);
    updateTagAction();
}

void MainWindow::onLoadFailed(const QString &path, const QString &message)
{
    onLoadFinishedOrCancelled();
    statusBar()->showMessage(message, 15000);
    warn(tr("Cannot Open File"), tr("Taglane could not open %1.").arg(QFileInfo(path).fileName()), message);
}

void MainWindow::warn(const QString &title, const QString &text, const QString &details)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setInformativeText(details);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::showExport()
{
    auto *dialog = new widgets::ExportDialog(m_track, m_store, m_library->selectedTrackIds(), this);
    dialog->setThreshold(features::thresholdOf(m_track, 0.5));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showVocabulary()
{
    auto *dialog = new widgets::VocabularyEditor(m_track, m_store, this);
    const int row = m_models->models()->rowOfFolder(m_models->selectedFolder());
    if (row >= 0)
        dialog->setModelTags(m_models->models()->entry(row).manifest.tags.names());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::importLabels()
{
    if (!m_store->isOpen() || m_store->isReadOnly()) {
        warn(tr("Import Labels"), tr("Labels can only be imported into a writable annotation store."), m_store->path());
        return;
    }
    const QList<QPair<QString, engine::LabelFormat>> filters{
        {tr("CAL500exp segment CSV (*.csv)"), engine::LabelFormat::Cal500Exp},
        {tr("Catalogue CSV (*.csv)"), engine::LabelFormat::Catalogue},
        {tr("JAMS (*.jams *.json)"), engine::LabelFormat::Jams},
        {tr("Audacity label track (*.txt)"), engine::LabelFormat::Audacity},
        {tr("Sonic Visualiser regions (*.csv)"), engine::LabelFormat::SonicVisualiser},
    };
    QStringList names;
    for (const auto &f : filters)
        names << f.first;
    QSettings settings;
    QString chosen;
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Import Labels"), settings.value(QStringLiteral("importFolder"), QDir::homePath()).toString(),
        names.join(QStringLiteral(";;")), &chosen);
    if (paths.isEmpty())
        return;
    settings.setValue(QStringLiteral("importFolder"), QFileInfo(paths.front()).absolutePath());
    engine::LabelFormat format = engine::LabelFormat::Cal500Exp;
    for (const auto &f : filters) {
        if (f.first == chosen)
            format = f.second;
    }
    // Parse on a worker thread; the store is written here (its owner thread).
    auto files = std::make_shared<QVector<engine::ImportedFile>>();
    auto errors = std::make_shared<QStringList>();
    QThread *thread = QThread::create([paths, format, files, errors]() {
        for (const QString &path : paths) {
            auto read = engine::LabelImporter::read(path, format);
            if (read.ok())
                files->push_back(std::move(read).value());
            else
                errors->push_back(read.error());
        }
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(thread, &QThread::finished, this, [this, files, errors]() { storeImported(*files, *errors); });
    statusBar()->showMessage(tr("Reading %n label file(s)...", nullptr, int(paths.size())));
    thread->start();
}

void MainWindow::storeImported(const QVector<engine::ImportedFile> &files, const QStringList &readErrors)
{
    QStringList errors = readErrors;
    QStringList warnings;
    QVector<engine::StoreImportItem> items;
    for (const engine::ImportedFile &file : files) {
        warnings += file.warnings;
        for (const engine::TrackLabels &labels : file.tracks) {
            auto item = engine::StoreLabels::resolve(labels, QFileInfo(file.source).absolutePath(), file.source);
            if (item.ok())
                items.push_back(std::move(item).value());
            else
                errors << item.error();
        }
    }
    if (!errors.isEmpty()) {   // all or nothing: a bad file changes nothing
        statusBar()->showMessage(tr("Nothing was imported."), 10000);
        warn(tr("Import Labels"), tr("Nothing was imported: %n problem(s) were found.", nullptr, int(errors.size())),
             errors.join(QLatin1Char('\n')));
        return;
    }
    // Queued here, reported once the store says each file committed: the GUI thread never waits for the disk.
    const auto queued = engine::StoreLabels::queueItems(*m_store, items);
    if (!queued.ok()) {
        warn(tr("Import Labels"), tr("The labels could not be stored."), queued.error());
        return;
    }
    const qint64 last = queued->isEmpty() ? 0 : queued->last().upToSeq;
    auto pending = std::make_shared<QMetaObject::Connection>();
    const auto report = [this, files = queued.value(), warnings, pending]() {
        QObject::disconnect(*pending);
        QStringList failed;
        int tracks = 0;
        for (const auto &file : files) {
            const engine::Status saved = file.error.isEmpty() ? m_store->savedStatus(file.afterSeq, file.upToSeq)
                                                              : engine::Status::failure(file.error);
            if (saved)
                tracks += int(file.trackIds.size());
            else
                failed << tr("%1: %2").arg(file.origin, saved.error());
        }
        if (!failed.isEmpty())
            m_store->reloadTags();
        m_library->refresh();
        m_libraryDock->show();
        QString message = tr("Imported labels for %n track(s).", nullptr, tracks);
        if (!warnings.isEmpty())
            message += QLatin1Char(' ') + tr("%n line(s) were skipped.", nullptr, int(warnings.size()));
        statusBar()->showMessage(message, 10000);
        if (!failed.isEmpty()) {
            warn(tr("Import Labels"), tr("%n label file(s) could not be saved; nothing of them was kept.", nullptr, int(failed.size())),
                 failed.join(QLatin1Char('\n')));
        }
    };
    if (m_store->durableSeq() >= last) {
        report();
        return;
    }
    statusBar()->showMessage(tr("Saving the imported labels..."));
    *pending = connect(m_store, &engine::AnnotationStore::durable, this, [this, last, report](qint64 seq) {
        if (seq >= last)
            report();
    });
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
    if (m_retrain && m_retrain->isRunning()) {
        const auto answer = QMessageBox::question(this, tr("Quit Taglane"),
                                                  tr("A retrain is running. Cancel it and quit? Nothing of it will be kept."),
                                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        event->ignore();
        if (answer != QMessageBox::Yes)
            return;
        // Close once the worker has stopped (between two batches).
        connect(m_retrain, &QDialog::finished, this, &QWidget::close, Qt::QueuedConnection);
        m_retrain->cancelAndClose();
        return;
    }
    m_track->playback()->stop();
    m_track->cancelLoad();
    m_inference->cancel();
    rememberPosition();
    QSettings settings;
    settings.setValue(QStringLiteral("windowGeometry"), saveGeometry());
    settings.setValue(QStringLiteral("windowState"), saveState());
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
