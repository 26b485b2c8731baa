// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/corpus/labelledtrack.h"
#include "engine/model/vocabulary.h"
#include "engine/segment/segment.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <vector>

namespace taglane::engine {

/// Segment-level training examples for one architecture: long-term frames
/// (a fixed number of spectrogram frames, e.g. 96 or 128) cut from each
/// track at a fixed hop, grouped in runs of `sequence` consecutive frames
/// (1 except for recurrent models). Labels are partial: NaN = unknown.
///
/// A long-term frame's label for a tag is the mean of its spectrogram
/// frames' labels (each frame takes the label of the segment holding its
/// centre) thresholded at > 0.5; when fewer than half of its frames have a
/// known value the cell is unknown. Value type; any thread.
struct TrainingExamples
{
    QString architecture;
    Vocabulary tags;             ///< label columns, in model output order
    int bands = 0;
    int frames = 0;              ///< spectrogram frames per long-term frame
    int sequence = 1;            ///< long-term frames per example
    int hopFrames = 0;           ///< hop between long-term frames
    QString windows = QStringLiteral("fixed");   ///< how they were placed: "fixed" or "novelty"
    std::vector<float> features; ///< [examples][sequence][bands][frames], dB
    std::vector<float> labels;   ///< [examples][sequence][tags]; NaN = unknown
    std::vector<int> trackOf;    ///< example -> index into trackNames
    QStringList trackNames;
    QStringList warnings;

    int count() const { return int(trackOf.size()); }
    size_t featureStride() const { return size_t(sequence) * size_t(bands) * size_t(frames); }
    size_t labelStride() const { return size_t(sequence) * size_t(tags.size()); }
    /// Appends the examples of other (same architecture and tags).
    void append(const TrainingExamples &other);
    /// The examples whose track index is in `tracks`, in order.
    TrainingExamples subset(const std::vector<int> &tracks) const;
};

/// Cuts a folder's tracks into TrainingExamples for an architecture.
/// Stateless; call from a worker thread (decodes audio, computes features).
class ExampleBuilder
{
public:
    /// Mean-over-frames > 0.5 aggregation of frame labels (NaN = unknown)
    /// into one long-term frame label per tag; exposed for tests.
    /// frameLabels is [frames][tags]; returns [tags].
    static std::vector<float> aggregateFrameLabels(const std::vector<float> &frameLabels, int frames, int tags);
    /// Frame f (centre f*hop/rate seconds) takes the labels of the segment
    /// holding its centre; [frameCount][tags] with NaN where no segment does.
    /// Tags are aligned to `tags` by name; tags the track lacks are unknown.
    static std::vector<float> frameLabels(const LabelledTrack &track, const Vocabulary &tags, qint64 frameCount,
                                          int hop, int sampleRate);
    /// Start frames of the long-term frames of a track with frameCount frames.
    static std::vector<qint64> longTermStarts(qint64 frameCount, int frames, int hopFrames);
    /// Where the long-term frames go.
    ///  - Fixed: every hopFrames from the start of the track.
    ///  - Novelty: inside the segments that self-similarity novelty finds
    ///    (the adaptive segmentation of Miao and Cheng's study, Taglane's
    ///    --segments novelty): every hopFrames within a segment, never across
    ///    one of its boundaries; a segment shorter than a long-term frame gets
    ///    one, centred on it (clamped to the track).
    enum class Windows { Fixed, Novelty };
    /// Novelty placement of long-term frames within `segments` (seconds);
    /// `hop` samples per spectrogram frame at `sampleRate`. Ascending, no repeats.
    static std::vector<qint64> segmentStarts(const QVector<Segment> &segments, qint64 frameCount, int frames,
                                             int hopFrames, int hop, int sampleRate);
    static QString windowsName(Windows windows);
    /// "fixed" or "novelty"; the message lists them.
    static Result<Windows> parseWindows(const QString &name);

    /// tags: the label columns (empty: the folder's tags in first-seen order).
    /// hopFrames 0: half the long-term frame.
    static Result<TrainingExamples> fromTracks(const QVector<LabelledTrack> &tracks, const QString &architecture,
                                               const Vocabulary &tags, int hopFrames = 0,
                                               const ProgressSink &progress = {}, Windows windows = Windows::Fixed);
    static Result<TrainingExamples> fromFolder(const QString &folder, const QString &architecture,
                                               const Vocabulary &tags = {}, int hopFrames = 0,
                                               const ProgressSink &progress = {}, Windows windows = Windows::Fixed);
    /// Names of the trainable architectures ("taglane-cnn", "tvcnn",
    /// "tvcnn-lstm"); "default" is an alias of the first.
    static QStringList architectures();
    static QString resolveArchitecture(const QString &nameOrAlias);
};

} // namespace taglane::engine
