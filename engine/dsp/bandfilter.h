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

    /// sum_k spectrum[k] * weight(k), accumulated in float over eight
    /// interleaved partial sums (independent chains the compiler can keep in
    /// one SIMD register). Any thread.
    float apply(const float *spectrum) const
    {
        constexpr int lanes = 8;
        const float *s = spectrum + firstBin;
        const float *w = weights.data();
        const int n = int(weights.size());
        float part[lanes] = {};
        int i = 0;
        for (; i + lanes <= n; i += lanes) {
            for (int j = 0; j < lanes; ++j)
                part[j] += s[i + j] * w[i + j];
        }
        float sum = 0.0f;
        for (; i < n; ++i)
            sum += s[i] * w[i];
        for (int j = 0; j < lanes; ++j)
            sum += part[j];
        return sum;
    }
};

} // namespace taglane::engine
