// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/segment/segmentmapper.h"

#include "engine/segment/chunkgrid.h"
#include "engine/segment/segmentation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace taglane::engine {

namespace {

double overlapSeconds(const ChunkGrid &grid, int chunk, const Segment &s)
{
    const ChunkGrid::Chunk &c = grid.at(chunk);
    const double lo = std::max(s.start, grid.seconds(c.ownStart));
    const double hi = std::min(s.end, grid.seconds(c.ownEnd));
    return std::max(0.0, hi - lo);
}

/// The chunk whose owned span is closest to the segment's middle.
int nearestChunk(const ChunkGrid &grid, const Segment &s)
{
    const double mid = 0.5 * (s.start + s.end);
    int best = 0;
    double bestDistance = std::numeric_limits<double>::infinity();
    for (int i = 0; i < grid.size(); ++i) {
        const double a = grid.seconds(grid.at(i).ownStart);
        const double b = grid.seconds(grid.at(i).ownEnd);
        const double d = mid < a ? a - mid : (mid > b ? mid - b : 0.0);
        if (d < bestDistance) {
            bestDistance = d;
            best = i;
        }
    }
    return best;
}

/// Chunks [first, second) whose owned spans overlap s. Owned spans of a
/// covering grid are ordered and disjoint, so two binary searches find them.
std::pair<int, int> overlappingChunks(const ChunkGrid &grid, const Segment &s)
{
    const auto &chunks = grid.chunks();
    const auto lo = std::partition_point(chunks.begin(), chunks.end(), [&](const ChunkGrid::Chunk &c) {
        return grid.seconds(c.ownEnd) <= s.start;
    });
    const auto hi = std::partition_point(lo, chunks.end(), [&](const ChunkGrid::Chunk &c) {
        return grid.seconds(c.ownStart) < s.end;
    });
    return {int(lo - chunks.begin()), int(hi - chunks.begin())};
}

/// Index of the last chunk segment s needs.
int lastChunkNeeded(const ChunkGrid &grid, const Segment &s)
{
    const auto [lo, hi] = overlappingChunks(grid, s);
    return hi > lo ? hi - 1 : nearestChunk(grid, s);
}

} // namespace

ProbabilityRows SegmentMapper::mapToSegments(const ChunkGrid &grid, const ProbabilityRows &rows,
                                             const Segmentation &segments, int firstSegment)
{
    ProbabilityRows out;
    if (grid.isEmpty() || rows.empty())
        return out;
    const int available = std::min(grid.size(), int(rows.size()));
    const size_t columns = rows.front().size();
    for (int si = std::max(0, firstSegment); si < segments.size(); ++si) {
        const Segment &s = segments.at(si);
        if (lastChunkNeeded(grid, s) >= available)
            break;
        std::vector<double> sum(columns, 0.0);
        double weight = 0.0;
        const auto [lo, hi] = overlappingChunks(grid, s);
        for (int ci = lo; ci < std::min(hi, available); ++ci) {
            const double w = overlapSeconds(grid, ci, s);
            if (w <= 0.0)
                continue;
            weight += w;
            for (size_t t = 0; t < columns; ++t)
                sum[t] += w * double(rows[size_t(ci)][t]);
        }
        std::vector<float> row(columns);
        if (weight > 0.0) {
            for (size_t t = 0; t < columns; ++t)
                row[t] = float(sum[t] / weight);
        } else {
            row = rows[size_t(nearestChunk(grid, s))];
        }
        out.push_back(std::move(row));
    }
    return out;
}

int SegmentMapper::completeSegments(const ChunkGrid &grid, const Segmentation &segments, int chunksDone)
{
    if (grid.isEmpty())
        return 0;
    int n = 0;
    while (n < segments.size() && lastChunkNeeded(grid, segments.at(n)) < chunksDone)
        ++n;
    return n;
}

std::vector<float> SegmentMapper::mean(const ProbabilityRows &rows)
{
    if (rows.empty())
        return {};
    std::vector<double> sum(rows.front().size(), 0.0);
    for (const auto &r : rows)
        for (size_t t = 0; t < sum.size() && t < r.size(); ++t)
            sum[t] += double(r[t]);
    std::vector<float> out(sum.size());
    for (size_t t = 0; t < sum.size(); ++t)
        out[t] = float(sum[t] / double(rows.size()));
    return out;
}

} // namespace taglane::engine
