// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/segment/segment.h"

#include <QVector>

namespace taglane::engine {

class ChunkGrid;

/// Ordered, non-overlapping [start, end) segments of one track, in seconds.
/// Value type; any thread.
class Segmentation
{
public:
    Segmentation() = default;

    /// Checks order and overlap (gaps are allowed); the message names `sourceName`.
    static Result<Segmentation> fromSegments(QVector<Segment> segments, const QString &sourceName = {});

    /// Fixed windows [k*w, (k+1)*w) over [0, duration). The last segment
    /// keeps the remainder; a remainder shorter than minSeconds is merged into
    /// the previous segment (so no segment is shorter than minSeconds unless
    /// the whole track is). Ids are 1, 2, 3, ...
    static Segmentation fixedWindows(double durationSeconds, double windowSeconds, double minSeconds = 3.0);

    /// One segment per chunk of the grid, spanning the chunk's owned span.
    /// Ids are 1, 2, 3, ...
    static Segmentation fromChunkGrid(const ChunkGrid &grid);

    int size() const { return m_segments.size(); }
    bool isEmpty() const { return m_segments.isEmpty(); }
    const Segment &at(int i) const { return m_segments.at(i); }
    const QVector<Segment> &segments() const { return m_segments; }
    /// Index of the segment holding `seconds`, or -1.
    int indexAt(double seconds) const;
    /// Index of the segment with this id, or -1.
    int indexOfId(qint64 id) const;

private:
    explicit Segmentation(QVector<Segment> segments) : m_segments(std::move(segments)) {}
    QVector<Segment> m_segments;
};

} // namespace taglane::engine
