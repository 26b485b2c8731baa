// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"
#include "engine/core/result.h"
#include "engine/jobs/inferenceresult.h"
#include "engine/library/batchtagger.h"
#include "engine/model/modelbundle.h"
#include "engine/segment/segmentationsettings.h"
#include "engine/store/trackrecord.h"

namespace taglane::engine {

class AnnotationStore;

/// A library track read for tagging: its audio at the model's rate, or why
/// it is skipped or failed. Value type; any thread.
struct PreparedLibraryTrack
{
    BatchTrackResult::Outcome outcome = BatchTrackResult::Outcome::Tagged;
    QString error;
    AudioBuffer audio;
};

/// What save() queued for one track.
struct QueuedLibraryTrack
{
    qint64 afterSeq = 0;       ///< edits numbered in (afterSeq, upToSeq] are the track's
    qint64 upToSeq = 0;
    int segments = 0;
    bool keptSegments = false;
};

/// The steps of tagging one library track, shared by BatchTagger::run
/// (which then waits for the store) and the GUI's Tag Library (whose store
/// is owned by a thread that must not wait): prepare() and the inference run
/// on a worker thread, save() runs on the owner thread and only queues
/// edits; the GUI checks AnnotationStore::savedStatus(afterSeq, upToSeq) once
/// durable() has passed upToSeq. A track's current segmentation is kept when
/// it has one; segmentation and predictions go in one atomic group with the
/// model version and time as provenance, so a track counts as tagged for
/// BatchTagger::untaggedTracks exactly when its edits committed.
class LibraryTagSteps
{
public:
    /// Checks that the file still holds the track's content, then decodes it
    /// at `sampleRate`. Any thread (it reads the file).
    static PreparedLibraryTrack prepare(const TrackRecord &track, int sampleRate);

    /// "NAME (VERSION), SEGMENTATION": the origin of segmentations it saves.
    static QString origin(const ModelManifest &manifest, const SegmentationSettings &segmentation);

    /// Queues the track's predictions from `inferred` (and the plan's
    /// segments when the track has none). Fails, queuing nothing, when the
    /// probabilities are not finite, the rows do not fit the tags, or the
    /// store refuses. Owner thread; never waits on the disk beyond one label
    /// grid read (well under a millisecond).
    static Result<QueuedLibraryTrack> save(AnnotationStore &store, const ModelManifest &manifest,
                                           const SegmentationSettings &segmentation, const TrackRecord &track,
                                           const InferenceResult &inferred);
};

} // namespace taglane::engine
