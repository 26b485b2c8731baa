// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/jobs/inferencerequest.h"
#include "engine/jobs/inferenceresult.h"
#include "engine/jobs/inferencerunner.h"

#include <QtGlobal>

namespace taglane::engine {

class Tagger;

/// Runs one tagging job from the track's file a window at a time, so that
/// memory stays bounded whatever the track's length (the command line's
/// path; the GUI, which holds the decoded track for its views, uses
/// InferenceRunner). It decodes and resamples the file block by block
/// (AudioStream), predicts the whole chunks in the window once it holds a
/// window's worth, drops the audio behind them, and at the end of the file
/// lays out the plan and predicts what is left (the tail chunk). The model
/// sees the same samples in the same batches as with InferenceRunner::run()
/// on the whole decoded file, so the result is the same.
///
/// Callbacks as for InferenceRunner::run(), except that onPlan comes when the
/// end of the file is reached (the grid's tail depends on the track's
/// length), after onProgress has already reported the rows of the chunks
/// before it, at the indices they have in the plan's grid.
///
/// Stateless; run() blocks, so call it from a worker thread or a program
/// without an event loop.
class ChunkedInferenceRunner
{
public:
    struct Options
    {
        /// Seconds of audio tagged at a time; rounded down to whole batches
        /// of chunks, and at least one batch.
        double windowSeconds = 60.0;
    };

    /// A request that already holds its audio goes to InferenceRunner::run().
    static Result<InferenceResult> run(Tagger &tagger, const InferenceRequest &request,
                                       const InferenceRunner::Callbacks &callbacks, const Options &options);

    /// Chunks tagged per window: windowSeconds of chunks rounded down to a
    /// multiple of batchSize, at least batchSize. Any thread.
    static qint64 windowChunks(qint64 chunkSamples, int sampleRate, int batchSize, double windowSeconds);
};

} // namespace taglane::engine
