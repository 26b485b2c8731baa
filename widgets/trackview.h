// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/trackloader.h"

#include "engine/dsp/featureextractor.h"
#include "engine/model/vocabulary.h"

#include <QWidget>

#include <memory>

class QAction;
class QScrollBar;
class QUndoStack;

namespace taglane::engine {
class AnnotationStore;
struct InferencePlan;
struct InferenceProgress;
struct InferenceResult;
} // namespace taglane::engine

namespace taglane::widgets {

class ColorLegend;
class PlaybackController;
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
    TrackLoader *loader() const { return m_loader; }
    QScrollBar *horizontalScrollBar() const { return m_hScroll; }

    QAction *zoomInAction() const { return m_zoomIn; }
    QAction *zoomOutAction() const { return m_zoomOut; }
    QAction *fitAction() const { return m_fit; }
    QAction *playPauseAction() const { return m_playPause; }
    QAction *stopAction() const { return m_stop; }
    QAction *melAction() const { return m_mel; }
    QAction *erbAction() const { return m_erb; }

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
    /// The open track's undo stack (one per track).
    QUndoStack *undoStack() const { return m_undoStack; }
    /// Shows an already decoded track (what openFile() does once decoding ends).
    void setTrack(std::shared_ptr<const LoadedTrack> track);

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

private:
    void createActions();
    void syncScrollBar();
    void onScrollBar(int value);
    void onPlaybackState();
    void showMessage(const QString &text);

    TimeAxis *m_axis = nullptr;
    TimeRuler *m_ruler = nullptr;
    WaveformView *m_waveform = nullptr;
    SpectrogramView *m_spectrogram = nullptr;
    ColorLegend *m_legend = nullptr;
    TagLaneView *m_tagLane = nullptr;
    TagLaneModel *m_tagModel = nullptr;
    engine::AnnotationStore *m_store = nullptr;
    QUndoStack *m_undoStack = nullptr;
    QScrollBar *m_hScroll = nullptr;
    QScrollBar *m_vScroll = nullptr;
    PlaybackController *m_playback = nullptr;
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
};

} // namespace taglane::widgets
