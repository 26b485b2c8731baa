// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/training/retraindialog.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QToolButton;

namespace taglane::engine {
class AnnotationStore;
struct ImportedFile;
} // namespace taglane::engine

namespace taglane::widgets {
class CellNavigator;
class EvaluationView;
class InferenceController;
class LibraryAddController;
class LibraryTagController;
class LibraryTaskPanel;
class LibraryView;
class ModelPanel;
class NowPlayingPanel;
class ReviewQueueView;
class SearchView;
class StatusMessages;
class StoreStatusLabel;
class TrackView;
} // namespace taglane::widgets

namespace taglane::app {

/// The workstation window: menus, toolbar and status bar around one
/// TrackView (the views and the track logic), with docks for models, the
/// live "now playing" taggram and the library, the annotation store, and
/// tagging through an InferenceController.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    widgets::TrackView *trackView() const { return m_track; }
    widgets::ModelPanel *modelPanel() const { return m_models; }
    widgets::InferenceController *inference() const { return m_inference; }
    engine::AnnotationStore *store() const { return m_store; }

    /// Opens the annotation store (ReadWriteElseReadOnly) and hands it to
    /// the track view and the library; shows what the open reported.
    void openStore(const QString &path);
    /// Default store path: DataFolder::path() + "/taglane.sqlite" (~/.local/share/Taglane/).
    static QString defaultStorePath();

    /// Automation (screenshots, demos): once `path` is open, tag it with the
    /// bundle, put the cursor at `cursorSeconds`, and when tagging ends save
    /// a grab of the window to `screenshot` (if given) and quit.
    void scriptTagging(const QString &bundle, double cursorSeconds, const QString &screenshot);
    /// Automation (screenshots): opens the retrain dialog on the whole
    /// library with the selected model, starts it with `epochs` epochs, saves
    /// "<prefix>-running.png" two thirds into the epochs, "<prefix>-results.png"
    /// when it ends, switches to the
    /// new version, re-tags the open track, saves "<prefix>-lane.png", then,
    /// when `evaluateFolder` is given, compares the new version with its
    /// parent on it in the evaluation view, saves "<prefix>-evaluation.png",
    /// and quits. Also "<prefix>-setup.png" before the start.
    void scriptRetrain(const QString &prefix, int epochs, const QString &evaluateFolder = {});

    /// Automation (tests): writes the window's state as JSON to `path` and
    /// quits: menu titles, every action and QShortcut with its key sequences,
    /// the shortcut conflicts, the status bar's message and permanent
    /// widgets with their geometry, the default store path. When
    /// `afterLoad`, waits for the file to open (or fail) first.
    void scriptProbe(const QString &path, bool afterLoad);

    /// Automation (tests): triggers File > Export, exports the whole
    /// library as a catalogue CSV into `folder` and quits when it is written
    /// (exit code 3 when the export did not run or reported errors).
    void scriptExport(const QString &folder);

    /// The Review Queue and Search docks (mainwindowreview.cpp).
    widgets::ReviewQueueView *reviewQueue() const { return m_reviewQueue; }
    widgets::SearchView *searchView() const { return m_search; }

    /// Automation (tests): adds `folder` to the library (when given), then,
    /// when `tagAfter` >= 0, runs Model > Tag Library and quits once
    /// `tagAfter` tracks are tagged (0: when the run ends), printing
    /// "tag-library: tagged X of Y" (exit code 3 when it failed).
    void scriptLibrary(const QString &folder, int tagAfter);

    /// The library's background work (app/gui/mainwindowlibrary.cpp).
    widgets::LibraryView *libraryView() const { return m_library; }
    widgets::LibraryAddController *libraryAdd() const { return m_libraryAdd; }
    widgets::LibraryTagController *libraryTagger() const { return m_libraryTag; }

    /// The retrain dialog while it is open (null otherwise).
    widgets::RetrainDialog *retrainDialog() const { return m_retrain; }

public Q_SLOTS:
    void openFile(const QString &path);
    void tagTrack();
    /// Opens the retrain dialog for the selected model (or raises the open one).
    void retrainModel();
    /// Opens the evaluation view (a dialog) on `folder` compared with `other`
    /// (either may be empty) and returns it.
    widgets::EvaluationView *showEvaluation(const QString &folder = {}, const QString &other = {});
    /// Makes `folder` the current model and re-tags the open track with it.
    void useModel(const QString &folder);
    /// Selects a model in the Models dock by bundle folder or bundled name
    /// ("default", "instruments"); false when it is not listed. GUI thread.
    bool chooseModel(const QString &nameOrFolder);
    /// Adds files and folders (recursively) to the library in the background.
    void addToLibrary(const QStringList &paths);
    /// Model > Tag Library: tags every library track the selected model has not tagged.
    void tagLibrary();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createDocks();
    void createReviewDocks();
    void addReviewMenuEntries(QMenu *view, QMenu *play);
    void setReviewStore(engine::AnnotationStore *store);
    void watchRetrainForReview(widgets::RetrainDialog *dialog);
    void createMenus();
    void createStatusBar();
    void createLibrary(QMenu *file, QMenu *model);
    void chooseLibraryFolder();
    void onLibraryTrackTagged(qint64 trackId, const QString &modelVersion);
    void chooseFile();
    void updateRecentMenu();
    void rememberRecent(const QString &path);
    void rememberPosition();
    void onLoadStarted(const QString &path);
    void onLoaded(const QString &path);
    void onLoadFailed(const QString &path, const QString &message);
    void onLoadFinishedOrCancelled();
    QString openHint() const;
    void onTaggingRunning(bool running);
    void updateTagAction();
    void showExport();
    void showVocabulary();
    void showTagMapping();
    void importLabels();
    void storeImported(const QVector<engine::ImportedFile> &files, const QStringList &errors);
    void about();
    void updateClock();
    void warn(const QString &title, const QString &text, const QString &details);
    static bool isSupported(const QString &path);

    widgets::TrackView *m_track = nullptr;
    engine::AnnotationStore *m_store = nullptr;
    widgets::InferenceController *m_inference = nullptr;
    widgets::ModelPanel *m_models = nullptr;
    widgets::NowPlayingPanel *m_nowPlaying = nullptr;
    widgets::LibraryView *m_library = nullptr;
    QDockWidget *m_modelDock = nullptr;
    QDockWidget *m_nowPlayingDock = nullptr;
    QDockWidget *m_libraryDock = nullptr;
    widgets::CellNavigator *m_navigator = nullptr;
    widgets::ReviewQueueView *m_reviewQueue = nullptr;
    widgets::SearchView *m_search = nullptr;
    QDockWidget *m_reviewDock = nullptr;
    QDockWidget *m_searchDock = nullptr;
    QAction *m_tagAction = nullptr;
    QAction *m_cancelTagAction = nullptr;
    QAction *m_retrainAction = nullptr;
    QAction *m_exportAction = nullptr;
    QPointer<widgets::RetrainDialog> m_retrain;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_editMenu = nullptr;
    widgets::StatusMessages *m_messages = nullptr;   ///< transient messages, never over the permanent widgets
    QLabel *m_facts = nullptr;
    QLabel *m_clock = nullptr;
    widgets::StoreStatusLabel *m_saveProblem = nullptr;   ///< shown while edits fail to save
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancel = nullptr;
    QProgressBar *m_tagProgress = nullptr;
    QToolButton *m_tagCancel = nullptr;
    QString m_openPath;
    widgets::LibraryAddController *m_libraryAdd = nullptr;
    widgets::LibraryTagController *m_libraryTag = nullptr;
    widgets::LibraryTaskPanel *m_libraryAddPanel = nullptr;
    widgets::LibraryTaskPanel *m_libraryTagPanel = nullptr;
    QAction *m_tagLibraryAction = nullptr;
};

} // namespace taglane::app
