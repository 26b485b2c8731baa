// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

namespace taglane::engine {

/// One band of a filter bank over the bins 0..nFft/2 of a spectrum, stored
/// sparsely: weights[i] applies to bin firstBin + i; all other bins weigh 0.
struct BandFilter
{
    int firstBin = 0;
    std::vector<float> weights;
    double centreHz = 0.0;

    /// sum_k spectrum[k] * weight(k), accumulated in float. Any thread.
    float apply(const float *spectrum) const
    {
        float sum = 0.0f;
        const float *s = spectrum + firstBin;
        const float *w = weights.data();
        const int n = int(weights.size());
        for (int i = 0; i < n; ++i)
            sum += s[i] * w[i];
        return sum;
    }
};

} // namespace taglane::engine
