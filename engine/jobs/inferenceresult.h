// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/jobs/inferenceplan.h"
#include "engine/segment/segmentmapper.h"

#include <QMetaType>

#include <vector>

namespace taglane::engine {

/// The outcome of a finished tagging job. Torch-free value type; any thread.
struct InferenceResult
{
    enum class SummaryMethod {
        MeanOfChunks,      ///< mean of the chunk rows of the plan's grid (musicnn)
        SixteenChunks      ///< mean of 16 chunks at i*((len-chunk)/16) (FCN, CRNN; Won et al. 2020)
    };

    InferencePlan plan;
    ProbabilityRows chunkRows;          ///< one per plan.grid chunk
    ProbabilityRows segmentRows;        ///< one per plan.segments segment
    std::vector<float> song;            ///< song-level summary, one value per tag
    SummaryMethod summaryMethod = SummaryMethod::MeanOfChunks;

    bool modelFromCache = false;
    double loadSeconds = 0.0;           ///< opening the bundle and loading weights (0 when cached)
    double decodeSeconds = 0.0;         ///< decoding / resampling the track
    double inferenceSeconds = 0.0;      ///< all forward passes
    double totalSeconds = 0.0;
};

} // namespace taglane::engine

Q_DECLARE_METATYPE(taglane::engine::InferenceResult)
