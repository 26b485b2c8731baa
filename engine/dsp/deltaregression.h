// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <vector>

namespace taglane::engine {

/// Delta (time-derivative) features by linear regression over 2k+1 frames,
/// normalised as in the MIA-ERNN study:
///     d(n) = sum_{i=-k..k} i c(n+i) / sqrt(sum_{i=-k..k} i^2)
/// so the deltas of a linear ramp c(n) = a n + b equal a sqrt(sum i^2)
/// (HTK divides by sum i^2 instead, which would give a itself).
/// Frames beyond either end of the sequence replicate the end frame
/// (c(-1) = c(0), c(T) = c(T-1)), as HTK and librosa's mode='nearest' do.
class DeltaRegression
{
public:
    /// values: `frames` frames of `rows` values each, frame-major
    /// (values[t * rows + r]); returns the deltas in the same layout.
    /// k >= 1. Any thread.
    static std::vector<float> apply(const std::vector<float> &values, int rows, qint64 frames, int k);
};

} // namespace taglane::engine
