// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"
#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/jobs/inferenceplan.h"
#include "engine/jobs/inferencerequest.h"
#include "engine/jobs/inferenceresult.h"

#include <atomic>
#include <functional>

namespace taglane::engine {

class Tagger;

/// Runs one tagging job to the end on the calling thread: decode (or
/// resample), lay out chunks and segments, predict in batches, map chunks to
/// segments, summarise the song. Shared by InferenceWorker and the command
/// line. Stateless; run() blocks, so call it from a worker thread (or a
/// program without an event loop).
class InferenceRunner
{
public:
    struct Callbacks
    {
        /// Once, after decoding, before the first forward pass.
        std::function<void(const InferencePlan &plan)> onPlan;
        /// After decoding steps and after each batch: the job's fraction done
        /// and the chunk rows new since the last call (often none), which
        /// start at index firstChunk of the plan's grid.
        std::function<void(double fraction, int firstChunk, const ProbabilityRows &rows)> onProgress;
        /// Checked between decode blocks and between batches.
        const std::atomic_bool *cancel = nullptr;
    };

    /// The job's audio at `sampleRate`: the request's buffer (resampled when
    /// its rate differs) or the decoded file. Fails with a sentence naming the file.
    static Result<AudioBuffer> prepareAudio(const InferenceRequest &request, int sampleRate,
                                            const ProgressSink &progress = {});

    /// Runs the whole job with an already loaded model. When the cancel flag
    /// is raised it stops at the next batch and returns a failure; callers
    /// tell a cancellation from an error by the flag.
    static Result<InferenceResult> run(Tagger &tagger, const InferenceRequest &request,
                                       const Callbacks &callbacks);

    /// The job's layout for a track of totalSamples at the model's rate:
    /// the covering chunk grid, the segments the request asks for, the
    /// model and device. Any thread.
    static InferencePlan layOut(const Tagger &tagger, const InferenceRequest &request, qint64 totalSamples);

    /// Fails with a sentence naming the track and the model when a chunk
    /// row, a segment row or the song summary holds NaN or an infinite
    /// value (a broken model, or audio it cannot take), so that callers
    /// never save such probabilities. Any thread.
    static Status checkFinite(const InferenceResult &result);

    /// Whether the architecture's song-level score is the 16-chunk protocol.
    static bool usesSixteenChunkSummary(const QString &architecture);
};

} // namespace taglane::engine
