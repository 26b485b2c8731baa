// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/peakpyramid.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace taglane::engine {

PeakPyramid PeakPyramid::build(const AudioBuffer &buffer)
{
    PeakPyramid p;
    p.m_buffer = buffer;
    p.m_samples = buffer.size();
    if (buffer.isEmpty())
        return p;

    const float *x = buffer.data();
    const qint64 n = buffer.size();
    std::vector<Block> level(size_t((n + baseBlock - 1) / baseBlock));
    for (size_t b = 0; b < level.size(); ++b) {
        const qint64 begin = qint64(b) * baseBlock;
        const qint64 end = std::min(n, begin + baseBlock);
        float lo = x[begin], hi = x[begin];
        double squares = 0.0;
        for (qint64 i = begin; i < end; ++i) {
            lo = std::min(lo, x[i]);
            hi = std::max(hi, x[i]);
            squares += double(x[i]) * x[i];
        }
        level[b] = {lo, hi, float(squares / double(end - begin))};
    }
    p.m_levels.push_back(std::move(level));
    while (p.m_levels.back().size() > 1) {
        const auto &prev = p.m_levels.back();
        std::vector<Block> next((prev.size() + 1) / 2);
        for (size_t i = 0; i < next.size(); ++i) {
            const Block &a = prev[2 * i];
            const Block &b = 2 * i + 1 < prev.size() ? prev[2 * i + 1] : a;
            next[i] = {std::min(a.min, b.min), std::max(a.max, b.max), 0.5f * (a.meanSquare + b.meanSquare)};
        }
        p.m_levels.push_back(std::move(next));
    }
    return p;
}

std::vector<PeakPyramid::MinMax> PeakPyramid::query(double startSample, double endSample, int columns) const
{
    std::vector<MinMax> out(size_t(std::max(columns, 0)));
    if (columns <= 0 || m_levels.empty() || endSample <= startSample)
        return out;
    const double perColumn = (endSample - startSample) / columns;

    // Pick the level whose block is at most one column wide.
    int level = -1;
    double block = baseBlock;
    while (level + 1 < int(m_levels.size()) && block <= perColumn) {
        ++level;
        block *= 2;
    }
    block = level < 0 ? 1.0 : baseBlock * std::pow(2.0, level);

    const float *raw = m_buffer.data();
    for (int c = 0; c < columns; ++c) {
        const double s0 = startSample + c * perColumn;
        const double s1 = s0 + perColumn;
        if (s1 <= 0.0 || s0 >= double(m_samples))
            continue;   // outside the audio: stays silent
        qint64 i0 = qint64(std::floor(s0 / block));
        qint64 i1 = qint64(std::ceil(s1 / block));
        const qint64 count = level < 0 ? m_samples : qint64(m_levels[size_t(level)].size());
        i0 = std::clamp<qint64>(i0, 0, count);
        i1 = std::clamp<qint64>(std::max(i1, i0 + 1), 0, count);
        if (i0 >= i1)
            continue;   // outside the audio: stays silent
        MinMax m{std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest(), 0.0f};
        double squares = 0.0;
        if (level < 0) {
            for (qint64 i = i0; i < i1; ++i) {
                m.min = std::min(m.min, raw[i]);
                m.max = std::max(m.max, raw[i]);
                squares += double(raw[i]) * raw[i];
            }
        } else {
            const auto &lv = m_levels[size_t(level)];
            for (qint64 i = i0; i < i1; ++i) {
                m.min = std::min(m.min, lv[size_t(i)].min);
                m.max = std::max(m.max, lv[size_t(i)].max);
                squares += lv[size_t(i)].meanSquare;
            }
        }
        m.rms = float(std::sqrt(squares / double(i1 - i0)));
        out[size_t(c)] = m;
    }
    return out;
}

size_t PeakPyramid::memoryBytes() const
{
    size_t bytes = 0;
    for (const auto &lv : m_levels)
        bytes += lv.capacity() * sizeof(Block);
    return bytes;
}

} // namespace taglane::engine
