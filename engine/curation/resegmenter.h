// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/curation/segmentrow.h"
#include "engine/segment/segmentation.h"

#include <QVector>

namespace taglane::engine {

/// Carries labels and probabilities from one segmentation onto another.
/// Stateless; any thread.
///
/// Verdicts (per tag): a new segment inherits verdict V (present or absent)
/// when the old segments holding V cover more than half of the new segment
/// and no conflicting verdict covers more; otherwise it is Unknown. The
/// inherited label keeps the actor and time of the old segment holding V
/// that overlaps the new one most. Gaps count as uncovered, so a verdict
/// never spreads into time nobody reviewed.
///
/// Probabilities (per model version and tag): the overlap-weighted mean of
/// the old segments' values; old segments without a value (NaN) are left out
/// of both sums. A new segment that no valued old segment overlaps gets NaN.
class Resegmenter
{
public:
    /// Rows for `target` (ids taken from `target`) from `oldRows`, which
    /// must be ordered and non-overlapping with `tagCount` labels each.
    static QVector<SegmentRow> remap(const QVector<SegmentRow> &oldRows, const QVector<Segment> &target, int tagCount);

    /// Length of the overlap of [a0, a1) and [b0, b1), 0 when disjoint.
    static double overlap(double a0, double a1, double b0, double b1);
};

} // namespace taglane::engine
