// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/dsp/deltaregression.h"

#include <algorithm>
#include <cmath>

namespace taglane::engine {

std::vector<float> DeltaRegression::apply(const std::vector<float> &values, int rows, qint64 frames, int k)
{
    std::vector<float> out(size_t(std::max<qint64>(frames, 0)) * size_t(std::max(rows, 0)), 0.0f);
    if (frames <= 0 || rows <= 0 || k <= 0)
        return out;
    double denominator = 0.0;
    for (int i = 1; i <= k; ++i)
        denominator += 2.0 * i * i;
    const float scale = float(1.0 / std::sqrt(denominator));
    for (qint64 t = 0; t < frames; ++t) {
        float *d = out.data() + size_t(t) * size_t(rows);
        for (int i = 1; i <= k; ++i) {
            const float *next = values.data() + size_t(std::min(t + i, frames - 1)) * size_t(rows);
            const float *prev = values.data() + size_t(std::max<qint64>(t - i, 0)) * size_t(rows);
            const float w = float(i) * scale;
            for (int r = 0; r < rows; ++r)
                d[r] += w * (next[r] - prev[r]);
        }
    }
    return out;
}

} // namespace taglane::engine
