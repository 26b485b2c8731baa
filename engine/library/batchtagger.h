// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/model/tagger.h"
#include "engine/segment/segmentationsettings.h"
#include "engine/store/trackrecord.h"

#include <QVector>

#include <atomic>
#include <functional>

namespace taglane::engine {

class AnnotationStore;

/// What tagging one library track gave. Value type; any thread.
struct BatchTrackResult
{
    enum class Outcome {
        Tagged,      ///< predictions are in the store (durable)
        Skipped,     ///< the track's file is missing or holds other content now
        Failed,      ///< it could not be decoded or saved (error says why)
    };
    TrackRecord track;
    Outcome outcome = Outcome::Tagged;
    QString error;
    int segments = 0;
    bool keptSegments = false;         ///< the track's current segmentation was kept
    double audioSeconds = 0.0;
    double seconds = 0.0;              ///< inference and saving (decoding ran alongside the previous track)
    bool padded = false;
};

/// Tags library tracks of an annotation store with one loaded model and
/// saves the predictions with their provenance: the model version and the
/// time in the store's prediction runs, the segments in a segmentation whose
/// origin names the model and the segmentation settings.
///
/// Resumable: each track's segmentation and predictions commit in one
/// transaction and are durable before the track is reported, so a run
/// killed at any point and started again (untaggedTracks(), then run())
/// tags exactly the tracks that were not finished, once each.
///
/// A track that has a current segmentation keeps it (the model's chunk rows
/// are mapped onto its segments), so verdicts stay on their segments and the
/// versions that tag a track can be compared segment by segment; the
/// requested segmentation applies to tracks without segments.
///
/// The next track is decoded (and its content hash checked) on a second
/// thread while the model runs on the current one. Store's owner thread.
class BatchTagger
{
public:
    struct Options
    {
        SegmentationSettings segmentation;
        int batchSize = 8;
    };

    BatchTagger(AnnotationStore &store, Tagger &tagger, Options options);

    /// Tracks of the library that the model version has no committed
    /// prediction run for, by path; with `only` non-empty, just those ids.
    Result<QVector<TrackRecord>> untaggedTracks(const QVector<qint64> &only = {}) const;

    /// Tags `tracks` in order; onTrack(index, result) after each one. Stops
    /// early when cancel is raised (between tracks), or with a failure when
    /// the model gives NaN or infinite probabilities (nothing of that track
    /// is saved) or the store cannot register the model.
    Status run(const QVector<TrackRecord> &tracks,
               const std::function<void(int, const BatchTrackResult &)> &onTrack,
               const std::atomic_bool *cancel = nullptr);

private:
    AnnotationStore &m_store;
    Tagger &m_tagger;
    Options m_options;
};

} // namespace taglane::engine
