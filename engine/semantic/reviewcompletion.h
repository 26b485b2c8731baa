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

    /// complete() with lambda chosen on the track itself: for each candidate
    /// (automaticSideWeight times `factors`) the curated cells are split in
    /// `folds` (at most one fold per curated cell), each fold is hidden and
    /// predicted from the others; the probabilities themselves (no
    /// completion) compete too, on the same folds. Of the candidates whose
    /// mean squared error on the hidden verdicts is within one standard error
    /// of the lowest, the most conservative wins (P, then the largest
    /// lambda, the closest to P). The result is complete()
    /// at the winner, or the probabilities with the curated cells set (when
    /// they win; chosenWeight is then 0). With fewer than
    /// minimumCuratedForTuning curated cells nothing can be judged and the
    /// probabilities are returned (on the bench, 9 curated cells of a 14 x 6
    /// track chose completions that lost 0.02 ROC-AUC). Deterministic
    /// (seeded). Same errors as complete(). Any thread; blocks (folds x
    /// factors completions).
    static constexpr int minimumCuratedForTuning = 10;
    struct Tuned
    {
        CompletionResult completion;
        double chosenWeight = 0.0;    ///< lambda used; 0 = the probabilities won
        double chosenError = 0.0;     ///< mean squared error on the held-out verdicts
        double probabilityError = 0.0;///< the same for the probabilities
    };
    static Result<Tuned> completeTuned(const std::vector<double> &verdicts, const std::vector<double> &probabilities,
                                       int tags, int segments, const std::vector<double> &factors = {1, 2, 4, 8, 16, 32, 64},
                                       int folds = 5, quint64 seed = 1, const CompletionOptions &admm = {});
};

} // namespace taglane::engine
