// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/mainwindow.h"
#include "app/cli/modelname.h"

#include "widgets/evaluation/evaluationview.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/library/datafolder.h"
#include "widgets/library/libraryview.h"
#include "widgets/models/inferencecontroller.h"
#include "widgets/models/modelfolders.h"
#include "widgets/models/modellistmodel.h"
#include "widgets/models/modelpanel.h"
#include "widgets/playback/nowplayingpanel.h"
#include "widgets/playback/playbackcontroller.h"
#include "widgets/track/storestatuslabel.h"
#include "widgets/track/trackview.h"
#include "widgets/training/retraincontroller.h"
#include "widgets/training/retraindialog.h"
#include "widgets/vocabulary/tagmappingeditor.h"
#include "widgets/window/statusmessages.h"

#include "engine/store/storelocation.h"
#include "engine/jobs/inferenceplan.h"
#include "engine/store/annotationstore.h"

#include <QAction>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QToolButton>
#include <QVBoxLayout>

namespace taglane::app {


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
        m_messages->show(tr("Opening %1 was cancelled.").arg(QFileInfo(path).fileName()), 5000);
    });
    connect(m_track, &widgets::TrackView::loadWarnings, this, [this](const QString &path, const QStringList &warnings) {
        m_messages->show(tr("%1 opened with warnings: %2").arg(QFileInfo(path).fileName(), warnings.join(QStringLiteral("; "))));
    });
    m_messages->followTrack(m_track);
    // Related tags (Edit > Related Tags) are shown together in the lane.
    if (const auto mapping = engine::TagMapping::load(widgets::TagMappingEditor::defaultPath()))
        m_track->tagLaneModel()->setTagMapping(mapping.value());
    else
        m_messages->show(mapping.error(), 15000);

    connect(m_inference, &widgets::InferenceController::runningChanged, this, &MainWindow::onTaggingRunning);
    connect(m_inference, &widgets::InferenceController::progress, this,
            [this](double f) { m_tagProgress->setValue(int(f * 1000.0)); });
    connect(m_inference, &widgets::InferenceController::started, this, [this](const engine::InferencePlan &plan) {
        m_messages->showBusy(tr("Tagging with %1 on %2: %n segment(s)...", nullptr, plan.segments.size())
                                 .arg(plan.modelName, plan.device),
                             QStringLiteral("tagging"));
    });
    connect(m_inference, &widgets::InferenceController::finished, this,
            [this](const QString &summary) { m_messages->show(summary, 15000); });
    connect(m_inference, &widgets::InferenceController::cancelled, this,
            [this]() { m_messages->show(tr("Tagging was cancelled."), 5000); });
    connect(m_inference, &widgets::InferenceController::failed, this, [this](const QString &message) {
        m_messages->show(message, 15000);
        warn(tr("Tagging Failed"), tr("The track could not be tagged."), message);
    });

    // The mark stays until an edit commits again; one box per distinct problem.
    m_saveProblem->setStore(m_store);
    connect(m_saveProblem, &widgets::StoreStatusLabel::problemAppeared, this, [this](const QString &message) {
        warn(tr("Cannot Save"), tr("An edit could not be saved to the annotation store."), message);
    });
    connect(m_saveProblem, &widgets::StoreStatusLabel::problemGone, this, [this]() {
        m_messages->show(tr("Edits are being saved again; the edits that failed were not saved."), 15000);
    });
}

MainWindow::~MainWindow() = default;

QString MainWindow::defaultStorePath()
{
    return widgets::DataFolder::path() + QStringLiteral("/taglane.sqlite");
}

void MainWindow::openStore(const QString &path)
{
    if (!engine::StoreLocation::isPostgresUri(path))   // a postgresql:// URI names no folder
        QDir().mkpath(QFileInfo(path).absolutePath());
    const auto report = m_store->open(path, engine::AnnotationStore::OpenMode::ReadWriteElseReadOnly);
    if (!report.ok()) {
        warn(tr("Annotation Store"), tr("Taglane could not open its annotation store; labels will not be saved."),
             report.error());
        m_library->setStore(nullptr);
        setReviewStore(nullptr);
        return;
    }
    m_track->setStore(m_store);
    m_library->setStore(m_store);
    setReviewStore(m_store);
    if (!report->messages.isEmpty()) {
        m_messages->show(report->messages.join(QLatin1Char(' ')), 15000);
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
    createReviewDocks();
}

void MainWindow::updateTagAction()
{
    const bool ready = m_track->hasTrack() && !m_models->selectedFolder().isEmpty();
    m_tagAction->setEnabled(ready);
    // Before tagging, the lane's rows are the tags of the model that will tag.
    const int selected = m_models->models()->rowOfFolder(m_models->selectedFolder());
    m_track->setModelTags(selected >= 0 ? m_models->models()->entry(selected).manifest.tags : engine::Vocabulary());
    // A cnn-sam model shows its attention for the selected segment under the lane.
    const bool attention = selected >= 0
                           && m_models->models()->entry(selected).manifest.architecture == QLatin1String("cnn-sam");
    m_track->setAttentionModel(attention ? m_models->selectedFolder() : QString());
}

void MainWindow::tagTrack()
{
    if (!m_track->hasTrack()) {
        m_messages->show(tr("Open a track before tagging it."), 5000);
        return;
    }
    m_inference->start(m_models->selectedFolder(), m_track->inferenceSegmentation(), m_models->batchSize());
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
    const auto mapping = engine::TagMapping::load(widgets::TagMappingEditor::defaultPath());
    if (mapping)
        dialog->setTagMapping(mapping.value());
    else
        m_messages->show(mapping.error(), 15000);
    m_retrain = dialog;
    connect(dialog, &widgets::RetrainDialog::versionWritten, this, [this](const QString &folder) {
        m_models->refresh();
        m_messages->show(tr("New model version saved in %1.").arg(QDir::toNativeSeparators(folder)), 10000);
    });
    connect(dialog, &widgets::RetrainDialog::useModelRequested, this, &MainWindow::useModel);
    watchRetrainForReview(dialog);
    connect(dialog->controller(), &widgets::RetrainController::runningChanged, this, [this](bool running) {
        if (running)
            m_messages->showBusy(tr("Retraining the model in the background..."), QStringLiteral("retrain"));
        else
            m_messages->clear(QStringLiteral("retrain"));
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
        m_messages->show(tr("Re-tagging the open track with the new model..."), 5000);
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

void MainWindow::warn(const QString &title, const QString &text, const QString &details)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setInformativeText(details);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
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
