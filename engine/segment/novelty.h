// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"
#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/segment/segmentation.h"

#include <vector>

namespace taglane::engine {

struct NoveltySettings
{
    double minSeconds = 3.0;      ///< no segment shorter (CAL500exp: 3 s)
    double maxSeconds = 16.0;     ///< no segment longer (CAL500exp: 16 s)
    double kernelSeconds = 6.0;   ///< width of the checkerboard kernel
    double frameSeconds = 0.5;    ///< hop of the feature frames the similarity matrix is built from
};

/// Boundaries by self-similarity novelty (Foote 2000): a self-similarity
/// matrix of frame features, a Gaussian-tapered checkerboard kernel slid
/// along its diagonal, peak picking on the novelty curve, then segments
/// constrained to [minSeconds, maxSeconds]. Any thread; blocks.
struct NoveltyResult
{
    Segmentation segments;
    std::vector<float> curve;     ///< novelty per feature frame
    double frameSeconds = 0.0;
};
Result<NoveltyResult> noveltySegmentation(const AudioBuffer &audio, const NoveltySettings &settings = {},
                                          const ProgressSink &progress = {});

} // namespace taglane::engine
