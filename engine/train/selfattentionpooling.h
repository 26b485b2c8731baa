// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <cstdint>
#include <vector>

namespace taglane::engine {

/// Tensor-free probes of the self-attention pooling used by cnn-sam, in
/// double precision, for tests. Row-major arrays. Any thread; blocks.
struct SelfAttentionPoolingProbe
{
    int frames = 0;  ///< T
    int dim = 0;     ///< D
    int hidden = 0;  ///< d_a
    int heads = 0;   ///< r
    std::vector<double> x;   ///< [T][D]
    std::vector<double> w1;  ///< [d_a][D]
    std::vector<double> w2;  ///< [r][d_a]
    std::vector<double> v;   ///< [r][D]: objective = sum(v * M) + penaltyWeight * ||AA^T - I||_F^2
    double penaltyWeight = 0.0;

    /// The objective for the current arrays.
    Result<double> objective() const;
    /// Autograd gradient of the objective with respect to w1 then w2 (concatenated).
    Result<std::vector<double>> gradient() const;
    /// The attention A [r][T] (each row sums to 1).
    Result<std::vector<double>> attention() const;
    /// Shape of M for a batch of `batch` random sequences.
    Result<std::vector<int64_t>> pooledShape(int batch) const;

    /// ||A A^T - I||_F^2 of a row-major [rows][cols] matrix.
    static Result<double> penalty(const std::vector<double> &a, int rows, int cols);
};

} // namespace taglane::engine
