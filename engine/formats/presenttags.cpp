// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/presenttags.h"

namespace taglane::engine {

bool PresentTags::isPresent(const LabelCell &cell, float threshold)
{
    if (cell.verdict != Verdict::Unknown)
        return cell.verdict == Verdict::Present;
    return cell.hasProbability() && cell.probability >= threshold;
}

QVector<int> PresentTags::of(const TrackLabels &labels, int segment, float threshold)
{
    QVector<int> out;
    for (int t = 0; t < labels.tags.size(); ++t)
        if (isPresent(labels.cell(segment, t), threshold))
            out << t;
    return out;
}

} // namespace taglane::engine
