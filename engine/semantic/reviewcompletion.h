// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/semantic/tensorcompletion.h"

#include <vector>

namespace taglane::engine {

struct ReviewCompletionOptions
{
    /// lambda, the weight of the model's probabilities as soft observations
    /// of the uncurated cells. 0 = automatic: 1 / (0.35 (sqrt(tags) +
    /// sqrt(segments))), i.e. singular values below the spectral norm of
    /// per-cell noise of standard deviation 0.35 are treated as noise.
    double sideWeight = 0.0;
    CompletionOptions admm;  ///< weights are ignored (one matrix)
};

/// "Complete my review": fills a track's tag x segment matrix from the cells
/// the curator has decided, with the model's probabilities as side
/// information. Minimises |X|_* + (lambda / 2) sum_{uncurated} (X - P)^2
/// subject to X = verdict on the curated cells (present 1, absent 0), by the
/// HaLRTC ADMM on the one matrix. Curated cells come back exactly; the
/// others are scores (not clipped to [0, 1]) to rank or threshold.
/// Stateless; any thread; blocks.
class ReviewCompletion
{
public:
    /// verdicts and probabilities: [tags][segments] row-major. A verdict is
    /// 1 (present), 0 (absent) or NaN (not curated); probabilities are in
    /// [0, 1]. No curated cell at all is allowed (the result is then the
    /// low-rank smoothing of the probabilities). Fails with a message on
    /// empty or mismatched sizes or values out of range.
    static Result<CompletionResult> complete(const std::vector<double> &verdicts,
                                             const std::vector<double> &probabilities, int tags, int segments,
                                             const ReviewCompletionOptions &options = {});

    /// The lambda used when sideWeight is 0.
    static double automaticSideWeight(int tags, int segments);
};

} // namespace taglane::engine
