// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: the library's background work: File > Add Folder to Library
// (and folders dropped on the Library dock), Model > Tag Library with its
// status-bar panel, and the open track's lane filling in when its turn comes.
#include "app/gui/mainwindow.h"

#include "widgets/library/libraryaddcontroller.h"
#include "widgets/library/librarytagcontroller.h"
#include "widgets/library/librarytaskpanel.h"
#include "widgets/library/libraryview.h"
#include "widgets/library/opentrackrefresh.h"
#include "widgets/models/inferencecontroller.h"
#include "widgets/models/modelpanel.h"
#include "widgets/track/trackview.h"
#include "widgets/window/statusmessages.h"

#include "engine/store/annotationstore.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QMenu>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>

namespace taglane::app {

void MainWindow::createLibrary(QMenu *file, QMenu *model)
{
    m_libraryAdd = new widgets::LibraryAddController(this);
    m_libraryAdd->setStore(m_store);
    m_libraryTag = new widgets::LibraryTagController(this);
    m_libraryTag->setStore(m_store);

    auto *addFolder = new QAction(tr("Add Folder to &Library..."), this);
    addFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    addFolder->setToolTip(tr("Add every audio file under a folder to the library (Ctrl+Shift+O)"));
    connect(addFolder, &QAction::triggered, this, &MainWindow::chooseLibraryFolder);
    // Before the separator above Quit.
    QAction *beforeQuit = nullptr;
    const QList<QAction *> fileActions = file->actions();
    for (auto it = fileActions.crbegin(); it != fileActions.crend() && !beforeQuit; ++it) {
        if ((*it)->isSeparator())
            beforeQuit = *it;
    }
    file->insertAction(beforeQuit, addFolder);

    m_tagLibraryAction = new QAction(tr("Tag &Library"), this);
    m_tagLibraryAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    m_tagLibraryAction->setToolTip(tr("Tag every library track that the selected model has not tagged, in the "
                                      "background (Ctrl+Shift+T)"));
    connect(m_tagLibraryAction, &QAction::triggered, this, &MainWindow::tagLibrary);
    const QList<QAction *> modelActions = model->actions();
    const qsizetype cancelAt = modelActions.indexOf(m_cancelTagAction);
    model->insertAction(cancelAt >= 0 && cancelAt + 1 < modelActions.size() ? modelActions.at(cancelAt + 1) : nullptr,
                        m_tagLibraryAction);

    m_libraryAddPanel = new widgets::LibraryTaskPanel(false, this);
    m_libraryAddPanel->setObjectName(QStringLiteral("libraryAddPanel"));
    m_libraryAddPanel->cancelButton()->setToolTip(tr("Stop adding; the files added so far stay in the library"));
    m_libraryTagPanel = new widgets::LibraryTaskPanel(true, this);
    m_libraryTagPanel->setObjectName(QStringLiteral("libraryTagPanel"));
    m_libraryTagPanel->cancelButton()->setToolTip(tr("Stop tagging the library; finished tracks stay tagged, and "
                                                      "Tag Library goes on from there next time"));
    statusBar()->addPermanentWidget(m_libraryAddPanel);
    statusBar()->addPermanentWidget(m_libraryTagPanel);

    connect(m_library, &widgets::LibraryView::addRequested, this, &MainWindow::addToLibrary);

    connect(m_libraryAddPanel, &widgets::LibraryTaskPanel::cancelRequested, m_libraryAdd,
            &widgets::LibraryAddController::cancel);
    connect(m_libraryAdd, &widgets::LibraryAddController::progress, m_libraryAddPanel,
            &widgets::LibraryTaskPanel::setProgress);
    connect(m_libraryAdd, &widgets::LibraryAddController::runningChanged, this, [this](bool running) {
        if (running)
            m_libraryAddPanel->begin(tr("Adding to library:"));
        else
            m_libraryAddPanel->end();
    });
    auto addEnded = [this](const QString &summary) {
        m_messages->show(summary, 15000);
        m_library->refresh();
    };
    connect(m_libraryAdd, &widgets::LibraryAddController::finished, this, addEnded);
    connect(m_libraryAdd, &widgets::LibraryAddController::cancelled, this,
            [addEnded, this](const QString &summary) { addEnded(tr("Adding was cancelled. %1").arg(summary)); });

    connect(m_libraryTagPanel, &widgets::LibraryTaskPanel::pauseRequested, m_libraryTag,
            &widgets::LibraryTagController::pause);
    connect(m_libraryTagPanel, &widgets::LibraryTaskPanel::resumeRequested, m_libraryTag,
            &widgets::LibraryTagController::resume);
    connect(m_libraryTagPanel, &widgets::LibraryTaskPanel::cancelRequested, m_libraryTag,
            &widgets::LibraryTagController::cancel);
    connect(m_libraryTag, &widgets::LibraryTagController::progress, m_libraryTagPanel,
            &widgets::LibraryTaskPanel::setProgress);
    connect(m_libraryTag, &widgets::LibraryTagController::pausedChanged, this, [this](bool paused) {
        m_libraryTagPanel->setPaused(paused);
        m_libraryTagPanel->setText(paused ? tr("Tag Library paused:") : tr("Tag Library:"));
    });
    connect(m_libraryTag, &widgets::LibraryTagController::runningChanged, this, [this](bool running) {
        m_tagLibraryAction->setEnabled(!running);
        if (running)
            m_libraryTagPanel->begin(tr("Tag Library: loading the model..."));
        else
            m_libraryTagPanel->end();
    });
    connect(m_libraryTag, &widgets::LibraryTagController::started, this, [this](const QString &version, int total) {
        m_libraryTagPanel->setText(m_libraryTag->isPaused() ? tr("Tag Library paused:") : tr("Tag Library:"));
        m_libraryTagPanel->setToolTip(tr("Tagging %n library track(s) with %1", nullptr, total).arg(version));
    });
    connect(m_libraryTag, &widgets::LibraryTagController::trackTagged, this,
            [this](qint64 trackId, const QString &, const QString &version) { onLibraryTrackTagged(trackId, version); });
    connect(m_libraryTag, &widgets::LibraryTagController::finished, this,
            [this](const QString &summary) { m_messages->show(summary, 15000); });
    connect(m_libraryTag, &widgets::LibraryTagController::cancelled, this, [this](const QString &summary) {
        m_messages->show(tr("Tag Library was cancelled; it goes on from here next time. %1").arg(summary), 15000);
    });
    connect(m_libraryTag, &widgets::LibraryTagController::failed, this, [this](const QString &message) {
        m_messages->show(message, 15000);
        warn(tr("Tag Library"), tr("The library could not be tagged."), message);
    });
}

void MainWindow::chooseLibraryFolder()
{
    QSettings settings;
    const QString start = settings.value(QStringLiteral("library/lastFolder"),
                                         settings.value(QStringLiteral("lastDirectory"), QDir::homePath()))
                              .toString();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Add Folder to Library"), start);
    if (folder.isEmpty())
        return;
    settings.setValue(QStringLiteral("library/lastFolder"), folder);
    addToLibrary({folder});
}

void MainWindow::addToLibrary(const QStringList &paths)
{
    if (paths.isEmpty())
        return;
    if (m_libraryAdd->isRunning()) {
        m_messages->show(tr("Files are being added to the library already; wait for that or cancel it."), 8000);
        return;
    }
    if (!m_store->isOpen() || m_store->isReadOnly()) {
        m_messages->show(tr("The annotation store is not open for writing; nothing can be added to the library."), 10000);
        return;
    }
    m_libraryDock->show();
    m_libraryAdd->start(paths);
}

void MainWindow::tagLibrary()
{
    if (m_libraryTag->isRunning()) {
        m_libraryTagPanel->show();
        return;
    }
    if (m_models->selectedFolder().isEmpty()) {
        m_messages->show(tr("Select a model in the Models dock to tag the library with."), 8000);
        return;
    }
    m_libraryTag->start(m_models->selectedFolder(), {}, m_models->batchSize());
}

void MainWindow::onLibraryTrackTagged(qint64 trackId, const QString &modelVersion)
{
    // The open track's turn: its lane shows the new predictions from the store.
    if (m_inference->isRunning())
        return;   // the lane is being tagged by hand; that run's result wins
    const auto reloaded = widgets::OpenTrackRefresh::reload(*m_track, m_store, trackId, modelVersion);
    if (!reloaded)
        m_messages->show(reloaded.error(), 10000);
    else if (reloaded.value())
        m_messages->show(tr("Tag Library tagged the open track."), 8000);
}

void MainWindow::scriptLibrary(const QString &folder, int tagAfter)
{
    auto quit = [this](int code) {
        QTimer::singleShot(100, this, [this, code]() {
            if (code != 0)
                QCoreApplication::exit(code);
            else
                close();
        });
    };
    auto tag = [this, tagAfter, quit]() {
        if (tagAfter < 0)
            return quit(0);
        auto report = [this](const char *how) {
            qInfo("tag-library: %s: tagged %d of %d", how, m_libraryTag->counts().tagged, m_libraryTag->counts().total);
        };
        connect(m_libraryTag, &widgets::LibraryTagController::trackTagged, this, [this, tagAfter, quit, report]() {
            if (tagAfter > 0 && m_libraryTag->counts().tagged == tagAfter) {
                report("stopped");
                m_libraryTag->cancel();   // as a quit would: the track under way is dropped
                quit(0);
            }
        });
        connect(m_libraryTag, &widgets::LibraryTagController::finished, this, [quit, report]() {
            report("finished");
            quit(0);
        });
        connect(m_libraryTag, &widgets::LibraryTagController::failed, this, [quit](const QString &message) {
            qWarning("tag-library failed: %s", qPrintable(message));
            quit(3);
        });
        m_tagLibraryAction->trigger();
    };
    QTimer::singleShot(300, this, [this, folder, tag, quit]() {
        if (folder.isEmpty())
            return tag();
        connect(m_libraryAdd, &widgets::LibraryAddController::finished, this, [this, tag](const QString &summary) {
            qInfo("add-to-library: %s", qPrintable(summary));
            // Tag once the additions are durable: the list is read from committed data.
            if (m_store->durableSeq() >= m_store->lastEditSeq())
                return tag();
            auto *once = new QObject(this);
            connect(m_store, &engine::AnnotationStore::durable, once, [this, once, tag]() {
                if (m_store->durableSeq() < m_store->lastEditSeq())
                    return;
                disconnect(m_store, nullptr, once, nullptr);
                once->deleteLater();
                tag();
            });
        });
        addToLibrary({folder});
        if (!m_libraryAdd->isRunning())
            quit(3);
    });
}

} // namespace taglane::app
