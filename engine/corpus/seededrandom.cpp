// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/seededrandom.h"

namespace taglane::engine {

quint64 SeededRandom::derive(quint64 seed, quint64 stream)
{
    quint64 z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int SeededRandom::uniformInt(int low, int high)
{
    if (high <= low)
        return low;
    const quint64 span = quint64(qint64(high) - qint64(low)) + 1;
    // Rejection keeps the draw unbiased.
    const quint64 limit = ~quint64(0) - (~quint64(0) % span);
    quint64 x = m_engine();
    while (x >= limit)
        x = m_engine();
    return int(qint64(low) + qint64(x % span));
}

double SeededRandom::uniformReal(double low, double high)
{
    const double unit = double(m_engine() >> 11) * (1.0 / 9007199254740992.0); // 53 bits in [0, 1)
    return low + (high - low) * unit;
}

bool SeededRandom::chance(double p)
{
    return uniformReal(0.0, 1.0) < p;
}

int SeededRandom::weighted(const std::vector<double> &weights)
{
    double total = 0.0;
    for (double w : weights)
        total += w > 0.0 ? w : 0.0;
    if (total <= 0.0)
        return 0;
    double x = uniformReal(0.0, total);
    for (size_t i = 0; i < weights.size(); ++i) {
        const double w = weights[i] > 0.0 ? weights[i] : 0.0;
        if (x < w)
            return int(i);
        x -= w;
    }
    return int(weights.size()) - 1;
}

} // namespace taglane::engine
