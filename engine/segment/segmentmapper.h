// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

namespace taglane::engine {

class ChunkGrid;
class Segmentation;

/// Rows of tag probabilities: one row per chunk or segment, one column per tag.
using ProbabilityRows = std::vector<std::vector<float>>;

/// Turns chunk predictions into segment and song predictions. Stateless; any thread.
class SegmentMapper
{
public:
    /// `grid` must be a covering grid (ChunkGrid::covering).
    /// Segment i gets the mean of the chunk rows weighted by how many seconds
    /// of segment i each chunk's owned span covers. When the segmentation was
    /// made from the grid (Segmentation::fromChunkGrid) this is one to one.
    /// A segment that no owned span overlaps (past the end of the audio) gets
    /// the row of the nearest chunk. `rows` holds the first rows.size() chunks
    /// of the grid; segments that need a missing chunk are left out, so the
    /// result may be shorter than the segmentation (see completeSegments()).
    static ProbabilityRows mapToSegments(const ChunkGrid &grid, const ProbabilityRows &rows,
                                         const Segmentation &segments, int firstSegment = 0);

    /// How many leading segments can be computed once the first
    /// `chunksDone` chunks of the grid have predictions.
    static int completeSegments(const ChunkGrid &grid, const Segmentation &segments, int chunksDone);

    /// Column-wise mean of the rows (the song-level summary); empty for no rows.
    static std::vector<float> mean(const ProbabilityRows &rows);
};

} // namespace taglane::engine
