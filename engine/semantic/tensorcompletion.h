// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QtGlobal>

#include <array>
#include <vector>

namespace taglane::engine {

/// Options of the HaLRTC solver. See engine/semantic/NOTES.md.
struct CompletionOptions
{
    /// mu_i, the weight of each unfolding's nuclear norm (>= 0, not all 0). A
    /// zero weight drops that unfolding (no SVD). completeMatrix() ignores it.
    std::array<double, 3> weights{{1.0 / 3, 1.0 / 3, 1.0 / 3}};
    /// Starting ADMM penalty; 0 = automatic: max mu / (initialThreshold *
    /// largest singular value of the starting unfoldings), so the first
    /// thresholding removes that fraction of the top singular value.
    double rho = 0.0;
    double initialThreshold = 0.5;  ///< used when rho == 0; > 0
    double rhoGrowth = 1.05;        ///< rho *= growth after each iteration; >= 1 (1 = fixed rho)
    double rhoMax = 1e10;
    int maxIterations = 500;
    /// Stop when max(|X - X_prev| / |X_prev|, max_i |M_i - X| / |X|) (Frobenius) falls below.
    double tolerance = 1e-6;
};

/// Soft observation of the unobserved entries: the objective gains
/// (weight / 2) * sum over unobserved entries of (X - values)^2.
struct SideInformation
{
    std::vector<double> values;  ///< same shape as the tensor, finite
    double weight = 1.0;         ///< lambda > 0
};

struct CompletionResult
{
    std::vector<double> values;          ///< the completed tensor, observed entries exactly as given
    int iterations = 0;
    double residual = 0.0;               ///< the stopping quantity at the last iteration
    bool converged = false;              ///< residual < tolerance before maxIterations
    std::vector<double> residualTrace;   ///< the stopping quantity after each iteration
    double rho = 0.0;                    ///< the starting penalty used
};

/// Low-rank tensor completion by HaLRTC (Liu, Musialski, Wonka and Ye 2013,
/// algorithm 3): minimise sum_i mu_i |X_(i)|_* over the three unfoldings
/// subject to X = T on the observed entries, by ADMM with singular value
/// thresholding (Eigen's BDCSVD). Stateless; any thread; blocks.
class TensorCompletion
{
public:
    /// values: [n0][n1][n2] row-major (unobserved entries are ignored and may
    /// be NaN); observed: 1 where the entry is known. Fails with a message on
    /// empty or mismatched sizes, nothing observed (and no side information),
    /// non-finite observed values or bad options.
    static Result<CompletionResult> complete(const std::vector<double> &values, const std::vector<quint8> &observed,
                                             int n0, int n1, int n2, const CompletionOptions &options = {},
                                             const SideInformation *side = nullptr);

    /// The matrix case ([rows][cols] row-major): minimise |X|_* subject to
    /// X = M on the observed entries (singular value thresholding ADMM).
    static Result<CompletionResult> completeMatrix(const std::vector<double> &values,
                                                   const std::vector<quint8> &observed, int rows, int cols,
                                                   const CompletionOptions &options = {},
                                                   const SideInformation *side = nullptr);
};

} // namespace taglane::engine
