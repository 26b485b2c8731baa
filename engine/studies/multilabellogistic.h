// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <vector>

namespace taglane::engine {

/// Options of the binary-relevance logistic regression.
struct LogisticOptions
{
    double l2 = 1e-3;        ///< ridge weight on the (standardised) coefficients, bias excluded
    double alpha = 1.0;      ///< positive-penalty weight, as in the CNN's loss
    int maxIterations = 30;  ///< Newton steps per tag
    double tolerance = 1e-6; ///< stop when the mean loss improves by less
};

/// The classical multi-label baseline of the clip study: one L2-regularised
/// logistic regression per tag (binary relevance) on standardised features,
/// fitted by Newton's method (iteratively reweighted least squares) with
/// Eigen. Minimises per tag, over the known cells only,
/// mean(-[alpha y log p + (1 - y) log(1 - p)]) + l2/2 |w|^2.
/// Value type; fit() and predict() block, any thread (one at a time per object).
class MultiLabelLogistic
{
public:
    /// x: [n][d] row-major; y: [n][tags] with 1, 0 or NaN (unknown).
    /// Fails on inconsistent sizes or non-finite features.
    Status fit(const std::vector<float> &x, int n, int d, const std::vector<float> &y, int tags,
               const LogisticOptions &options = {});
    /// Probabilities [n][tags] for x [n][d]; empty before fit().
    std::vector<float> predict(const std::vector<float> &x, int n) const;

    int dimension() const { return m_d; }
    int tags() const { return m_tags; }
    bool isFitted() const { return m_d > 0; }
    /// Newton steps taken for each tag by the last fit().
    const std::vector<int> &iterations() const { return m_iterations; }

private:
    int m_d = 0;
    int m_tags = 0;
    std::vector<double> m_mean, m_scale;  // [d]
    std::vector<double> m_weights;        // [tags][d + 1], bias last
    std::vector<int> m_iterations;
};

} // namespace taglane::engine
