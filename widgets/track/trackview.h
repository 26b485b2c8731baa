// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/track/trackloader.h"

#include "engine/dsp/featureextractor.h"
#include "engine/jobs/inferenceplan.h"
#include "engine/model/vocabulary.h"
#include "engine/segment/segmentationsettings.h"
#include "engine/segment/segmentmapper.h"
#include "engine/store/segmentsource.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QAction;
class QScrollBar;
class QThread;
class QUndoStack;

namespace taglane::engine {
class AnnotationStore;
class TrackDocument;
struct InferenceProgress;
struct InferenceResult;
} // namespace taglane::engine

namespace taglane::widgets {

class AttentionController;
class AttentionView;
class ColorLegend;
class LaneControls;
class LaneLegend;
class OverviewStrip;
class PlaybackController;
class SegmentPlayback;
class SpectrogramView;
class TagLaneModel;
class TagLaneView;
class TimeAxis;
class TimeRuler;
class WaveformView;

/// One open track: a time ruler, the waveform, the spectrogram with its
/// legend and the tag lane stacked on one TimeAxis, with a horizontal
/// scrollbar, playback, loading on a worker thread, and the actions
/// (zoom, fit, play, stop, Mel/ERB) a window puts in its menus.
/// A failed load leaves the open track as it was. GUI thread only.
class TrackView : public QWidget
{
    Q_OBJECT

public:
    explicit TrackView(QWidget *parent = nullptr);
    ~TrackView() override;

    TimeAxis *timeAxis() const { return m_axis; }
    TimeRuler *ruler() const { return m_ruler; }
    WaveformView *waveformView() const { return m_waveform; }
    SpectrogramView *spectrogramView() const { return m_spectrogram; }
    ColorLegend *colorLegend() const { return m_legend; }
    TagLaneView *tagLaneView() const { return m_tagLane; }
    TagLaneModel *tagLaneModel() const { return m_tagModel; }
    PlaybackController *playback() const { return m_playback; }
    /// The whole-track overview with the visible window (draggable).
    OverviewStrip *overviewStrip() const { return m_overview; }
    /// Play selection (P), loop (L), play next segment to review (Shift+P).
    SegmentPlayback *segmentPlayback() const { return m_segmentPlayback; }
    TrackLoader *loader() const { return m_loader; }
    QScrollBar *horizontalScrollBar() const { return m_hScroll; }

    QAction *zoomInAction() const { return m_zoomIn; }
    QAction *zoomOutAction() const { return m_zoomOut; }
    QAction *fitAction() const { return m_fit; }
    QAction *playPauseAction() const { return m_playPause; }
    QAction *stopAction() const { return m_stop; }
    QAction *melAction() const { return m_mel; }
    QAction *erbAction() const { return m_erb; }
    /// Split the segment under the play cursor (S).
    QAction *splitAction() const { return m_split; }
    /// Merge the selected segment (or the one under the cursor) with the next (M).
    QAction *mergeAction() const { return m_merge; }
    /// Mark present every unreviewed cell at or above the threshold, in the
    /// selection when it spans several cells, else in the whole track (A).
    QAction *acceptSuggestionsAction() const { return m_accept; }
    /// Edit > Complete My Review: suggests a value for every unreviewed cell
    /// of the model's tags from the verdicts given so far and the model's
    /// probabilities (engine ReviewSuggester, on a worker thread); the lane
    /// marks them with a hollow diamond.
    QAction *completeReviewAction() const { return m_completeReview; }
    /// Edit > Accept Review Suggestions: every suggested cell still
    /// unreviewed becomes a verdict (present at or above the threshold,
    /// else absent; actor "completion"), one undo step.
    QAction *acceptCompletionAction() const { return m_acceptCompletion; }
    QAction *undoAction() const { return m_undo; }
    QAction *redoAction() const { return m_redo; }

    /// The tag lane's key and its control strip (filter, order, threshold, segmentation).
    LaneLegend *laneLegend() const { return m_laneLegend; }
    /// Under the lane: the attention curves of the selected segment for a
    /// cnn-sam model (hidden for other models), computed on a worker thread.
    AttentionView *attentionView() const { return m_attention; }
    AttentionController *attentionController() const { return m_attentionController; }
    /// The cnn-sam bundle whose attention the view shows; empty hides the view.
    void setAttentionModel(const QString &bundleFolder);
    LaneControls *laneControls() const { return m_laneControls; }
    /// The open track's curation state (segments, verdicts, probabilities).
    engine::TrackDocument *document() const;

    /// Probability at or above which cells are marked and suggestions accepted.
    double threshold() const;
    void setThreshold(double threshold);
    /// Re-segments the open track (an undoable step; verdicts carry over by
    /// overlap): Fixed windows of `windowSeconds` (3 to 16 s), ModelChunks
    /// (the chunk grid of the last model run), or Novelty (computed on a
    /// worker thread, applied when done). Other sources are ignored.
    void setSegmentationSource(engine::SegmentSource source, double windowSeconds = 10.0);
    engine::SegmentSource segmentationSource() const;
    /// The n most probable tags (full names) of the segment under `seconds`
    /// for the current model, highest first; empty when there is none.
    QVector<QPair<QString, double>> topTagsAt(double seconds, int n) const;
    /// Model versions with probabilities on the open track; the lane shows the current one.
    QStringList modelVersions() const;
    QString currentModelVersion() const;
    void setCurrentModelVersion(const QString &version);

    bool hasTrack() const { return m_track != nullptr; }
    std::shared_ptr<const LoadedTrack> track() const { return m_track; }
    QString filePath() const;
    /// "name.ogg  |  3:36.2  |  44100 Hz  |  2 channels  |  OGG, Vorbis" for the status bar.
    QString describeTrack() const;
    /// The last message shown for playback or loading problems.
    QString lastStatusMessage() const { return m_lastMessage; }

    void setVocabulary(const engine::Vocabulary &vocabulary);

    // The seam between the window (which runs inference and opens the store)
    // and the lane (which owns segments, labels and their edits).
    /// The store this view's segments, verdicts and predictions persist in;
    /// null means nothing persists. The view does not own it.
    void setStore(engine::AnnotationStore *store);
    engine::AnnotationStore *store() const { return m_store; }
    /// Inference on the open track: lay out the plan's segments and tags,
    /// then fill the cells as rows arrive, then keep the final result.
    void beginInference(const engine::InferencePlan &plan);
    void addInferenceRows(const engine::InferenceProgress &progress);
    void finishInference(const engine::InferenceResult &result);
    /// The tags of the model that will tag the open track (the Models dock's
    /// choice). The lane shows, in every state of a track, the model's tags
    /// (these before tagging, the current model's after) plus the tags with
    /// verdicts; the lane bar's "All tags" shows the whole vocabulary.
    void setModelTags(const engine::Vocabulary &tags);
    /// How the next tagging run cuts the track: the lane bar's one
    /// segmentation rule ("Fixed windows": windows of N s whatever model
    /// runs; otherwise the model's chunks).
    engine::SegmentationSettings inferenceSegmentation() const;
    /// The segmentation rule chosen in the lane bar (ModelChunks, Fixed,
    /// Novelty, or Curator once segments were edited by hand).
    engine::SegmentSource segmentationRule() const { return m_segmentRule; }
    /// The open track's undo stack (one per track).
    QUndoStack *undoStack() const { return m_undoStack; }
    /// Shows an already decoded track (what openFile() does once decoding ends).
    void setTrack(std::shared_ptr<const LoadedTrack> track);

    /// The editing steps behind the actions; each returns whether it did something.
    bool splitAtCursor();
    bool mergeSelected();
    int acceptSuggestions();
    /// Starts "Complete My Review"; false (with a statusMessage) when there is
    /// no track, a completion is running, or nothing to complete from. The
    /// result arrives as reviewCompleted or reviewCompletionFailed.
    bool completeReview();
    /// From completeReview() until its result has been handled.
    bool completionRunning() const;
    /// Applies the shown suggestions as verdicts; returns how many.
    int acceptCompletion();

public Q_SLOTS:
    /// Starts decoding `path` on a worker thread; the open track stays until it succeeds.
    void openFile(const QString &path);
    void cancelLoad();
    void setFeatureType(engine::FeatureType type);

Q_SIGNALS:
    void loadStarted(const QString &path);
    void loadProgress(double fraction);
    void trackLoaded(const QString &path);
    void loadFailed(const QString &path, const QString &message);
    void loadCancelled(const QString &path);
    /// Problems that did not stop decoding (e.g. a truncated file).
    void loadWarnings(const QString &path, const QStringList &warnings);
    /// Something the status bar should say (no audio device, ...).
    void statusMessage(const QString &text);
    void thresholdChanged(double threshold);
    /// Verdicts, segments or predictions of the open track changed.
    void labelsChanged();
    /// "Complete My Review" finished: `suggestions` cells now carry a suggestion.
    void reviewCompleted(int suggestions);
    void reviewCompletionFailed(const QString &message);

private:
    void createActions();
    void createCompletionActions();
    void resetCompletion();
    void waitForCompletion();
    void syncScrollBar();
    void onScrollBar(int value);
    void onPlaybackState();
    void showMessage(const QString &text);
    void attachTrackToStore();
    void applySegmentation(const QVector<engine::Segment> &segments, engine::SegmentSource source, double windowSeconds);
    void fillFromPlanRows();
    void updateLaneStatus();
    void updateModelTags();
    void computeSnapCurve();
    void requestAttention();
    static bool sameBounds(const QVector<engine::Segment> &a, const QVector<engine::Segment> &b);

    TimeAxis *m_axis = nullptr;
    TimeRuler *m_ruler = nullptr;
    WaveformView *m_waveform = nullptr;
    SpectrogramView *m_spectrogram = nullptr;
    ColorLegend *m_legend = nullptr;
    TagLaneView *m_tagLane = nullptr;
    AttentionView *m_attention = nullptr;
    AttentionController *m_attentionController = nullptr;
    TagLaneModel *m_tagModel = nullptr;
    engine::AnnotationStore *m_store = nullptr;
    QUndoStack *m_undoStack = nullptr;
    QScrollBar *m_hScroll = nullptr;
    QScrollBar *m_vScroll = nullptr;
    PlaybackController *m_playback = nullptr;
    OverviewStrip *m_overview = nullptr;
    SegmentPlayback *m_segmentPlayback = nullptr;
    TrackLoader *m_loader = nullptr;
    std::shared_ptr<const LoadedTrack> m_track;
    QString m_lastMessage;
    bool m_syncingScroll = false;

    QAction *m_zoomIn = nullptr;
    QAction *m_zoomOut = nullptr;
    QAction *m_fit = nullptr;
    QAction *m_playPause = nullptr;
    QAction *m_stop = nullptr;
    QAction *m_mel = nullptr;
    QAction *m_erb = nullptr;
    QAction *m_split = nullptr;
    QAction *m_merge = nullptr;
    QAction *m_accept = nullptr;
    QAction *m_undo = nullptr;
    QAction *m_redo = nullptr;
    QAction *m_completeReview = nullptr;
    QAction *m_acceptCompletion = nullptr;
    QPointer<QThread> m_completionThread;
    int m_completionTicket = 0;   // bumped when the track changes: a late result is dropped

    LaneLegend *m_laneLegend = nullptr;
    LaneControls *m_laneControls = nullptr;
    engine::InferencePlan m_plan;
    engine::ProbabilityRows m_planRows;   // segment rows of the running / last job
    QVector<int> m_planColumnTags;        // plan tag column -> document tag
    bool m_planDirect = false;            // document segments equal the plan's
    int m_mappedSegments = 0;             // leading document segments filled from plan rows
    double m_windowSeconds = 10.0;
    int m_noveltyRequest = 0;
    engine::Vocabulary m_selectedModelTags;   // of the model the Models dock would run
    engine::SegmentSource m_segmentRule = engine::SegmentSource::ModelChunks;
};

} // namespace taglane::widgets
