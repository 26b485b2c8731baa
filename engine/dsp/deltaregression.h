// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <vector>

namespace taglane::engine {

/// Delta (time-derivative) features by linear regression over 2k+1 frames
/// (HTK Book, eq. 5.16):
///     d(n) = sum_{i=-k..k} i c(n+i) / sum_{i=-k..k} i^2
/// so the deltas of a linear ramp c(n) = a n + b equal its slope a.
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
