// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/segment/chunkgrid.h"

#include <algorithm>
#include <cmath>

namespace taglane::engine {

ChunkGrid ChunkGrid::covering(qint64 totalSamples, qint64 chunkSamples, int sampleRate, double minTailSeconds)
{
    ChunkGrid grid;
    grid.m_chunkSamples = chunkSamples;
    grid.m_totalSamples = std::max<qint64>(0, totalSamples);
    grid.m_sampleRate = sampleRate;
    if (totalSamples <= 0 || chunkSamples <= 0)
        return grid;

    const qint64 whole = totalSamples / chunkSamples;
    if (whole == 0) {
        grid.m_padded = true;
        grid.m_chunks.push_back({0, 0, totalSamples});
        return grid;
    }
    for (qint64 k = 0; k < whole; ++k)
        grid.m_chunks.push_back({k * chunkSamples, k * chunkSamples, (k + 1) * chunkSamples});

    const qint64 tailStart = whole * chunkSamples;
    const qint64 tail = totalSamples - tailStart;
    if (tail > 0) {
        const qint64 minTail = qint64(std::llround(std::max(0.0, minTailSeconds) * sampleRate));
        if (tail >= minTail)
            grid.m_chunks.push_back({totalSamples - chunkSamples, tailStart, totalSamples});
        else
            grid.m_chunks.back().ownEnd = totalSamples;
    }
    return grid;
}

ChunkGrid ChunkGrid::evaluationProtocol(qint64 totalSamples, qint64 chunkSamples, int sampleRate, int count)
{
    ChunkGrid grid;
    grid.m_chunkSamples = chunkSamples;
    grid.m_totalSamples = std::max<qint64>(0, totalSamples);
    grid.m_sampleRate = sampleRate;
    if (totalSamples <= 0 || chunkSamples <= 0 || count <= 0)
        return grid;
    if (totalSamples < chunkSamples) {
        grid.m_padded = true;
        grid.m_chunks.push_back({0, 0, totalSamples});
        return grid;
    }
    const qint64 step = (totalSamples - chunkSamples) / count;
    for (int i = 0; i < count; ++i) {
        const qint64 start = i * step;
        grid.m_chunks.push_back({start, start, start + chunkSamples});
    }
    return grid;
}

std::vector<qint64> ChunkGrid::starts() const
{
    std::vector<qint64> out;
    out.reserve(m_chunks.size());
    for (const Chunk &c : m_chunks)
        out.push_back(c.start);
    return out;
}

} // namespace taglane::engine
