// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/segment/segmentation.h"

#include "engine/segment/chunkgrid.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

Result<Segmentation> Segmentation::fromSegments(QVector<Segment> segments, const QString &sourceName)
{
    const QString name = sourceName.isEmpty() ? QCoreApplication::translate("Segmentation", "the segmentation")
                                               : sourceName;
    for (int i = 0; i < segments.size(); ++i) {
        const Segment &s = segments.at(i);
        if (!std::isfinite(s.start) || !std::isfinite(s.end) || s.start < 0.0 || s.end <= s.start)
            return Result<Segmentation>::failure(
                QCoreApplication::translate("Segmentation", "%1: segment %2 has an invalid span [%3, %4).")
                    .arg(name).arg(i + 1).arg(s.start).arg(s.end));
        if (i > 0 && s.start < segments.at(i - 1).end)
            return Result<Segmentation>::failure(
                QCoreApplication::translate("Segmentation",
                                            "%1: segment %2 starts at %3 s, before the previous one ends (%4 s).")
                    .arg(name).arg(i + 1).arg(s.start).arg(segments.at(i - 1).end));
    }
    return Segmentation(std::move(segments));
}

Segmentation Segmentation::fixedWindows(double durationSeconds, double windowSeconds, double minSeconds)
{
    QVector<Segment> out;
    if (!(durationSeconds > 0.0) || !(windowSeconds > 0.0))
        return Segmentation();
    // Boundaries are computed as k * w (not by accumulating) so that they
    // stay exact multiples of the window.
    const auto count = qint64(std::ceil(durationSeconds / windowSeconds - 1e-9));
    for (qint64 k = 0; k < count; ++k) {
        const double start = double(k) * windowSeconds;
        const double end = std::min(durationSeconds, double(k + 1) * windowSeconds);
        if (end <= start)
            break;
        out.push_back({qint64(out.size() + 1), start, end});
    }
    if (out.size() > 1 && out.last().duration() < minSeconds) {
        out.removeLast();
        out.last().end = durationSeconds;
    }
    return Segmentation(std::move(out));
}

Segmentation Segmentation::fromChunkGrid(const ChunkGrid &grid)
{
    QVector<Segment> out;
    for (const ChunkGrid::Chunk &c : grid.chunks())
        out.push_back({qint64(out.size() + 1), grid.seconds(c.ownStart), grid.seconds(c.ownEnd)});
    return Segmentation(std::move(out));
}

int Segmentation::indexAt(double seconds) const
{
    auto it = std::upper_bound(m_segments.cbegin(), m_segments.cend(), seconds,
                               [](double t, const Segment &s) { return t < s.start; });
    if (it == m_segments.cbegin())
        return -1;
    --it;
    return seconds < it->end ? int(it - m_segments.cbegin()) : -1;
}

int Segmentation::indexOfId(qint64 id) const
{
    for (int i = 0; i < m_segments.size(); ++i)
        if (m_segments.at(i).id == id)
            return i;
    return -1;
}

} // namespace taglane::engine
