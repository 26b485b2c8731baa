// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/curation/resegmenter.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace taglane::engine {

double Resegmenter::overlap(double a0, double a1, double b0, double b1)
{
    return std::max(0.0, std::min(a1, b1) - std::max(a0, b0));
}

QVector<SegmentRow> Resegmenter::remap(const QVector<SegmentRow> &oldRows, const QVector<Segment> &target, int tagCount)
{
    QStringList versions;
    for (const SegmentRow &r : oldRows)
        for (auto it = r.probabilities.cbegin(); it != r.probabilities.cend(); ++it)
            if (!versions.contains(it.key()))
                versions << it.key();

    QVector<SegmentRow> out;
    out.reserve(target.size());
    int first = 0;   // first old row that can still overlap (both lists are ordered)
    for (const Segment &seg : target) {
        SegmentRow row;
        row.segment = seg;
        row.labels.resize(tagCount);
        while (first < oldRows.size() && oldRows.at(first).segment.end <= seg.start)
            ++first;
        QVector<int> hits;
        QVector<double> weights;
        for (int o = first; o < oldRows.size() && oldRows.at(o).segment.start < seg.end; ++o) {
            const double w = overlap(seg.start, seg.end, oldRows.at(o).segment.start, oldRows.at(o).segment.end);
            if (w > 0.0) {
                hits << o;
                weights << w;
            }
        }
        const double length = seg.duration();
        for (int t = 0; t < tagCount; ++t) {
            double cover[3] = {0.0, 0.0, 0.0};
            int best[3] = {-1, -1, -1};
            double bestWeight[3] = {0.0, 0.0, 0.0};
            for (int h = 0; h < hits.size(); ++h) {
                const SegmentRow &o = oldRows.at(hits[h]);
                if (t >= o.labels.size())
                    continue;
                const int v = int(o.labels.at(t).verdict);
                cover[v] += weights[h];
                if (weights[h] > bestWeight[v]) {
                    bestWeight[v] = weights[h];
                    best[v] = hits[h];
                }
            }
            for (int v : {int(Verdict::Present), int(Verdict::Absent)}) {
                const int other = v == int(Verdict::Present) ? int(Verdict::Absent) : int(Verdict::Present);
                if (cover[v] > 0.5 * length && cover[v] >= cover[other] && best[v] >= 0) {
                    row.labels[t] = oldRows.at(best[v]).labels.at(t);
                    break;
                }
            }
        }
        for (const QString &version : versions) {
            QVector<float> values(tagCount, std::numeric_limits<float>::quiet_NaN());
            bool any = false;
            for (int t = 0; t < tagCount; ++t) {
                double sum = 0.0;
                double weight = 0.0;
                for (int h = 0; h < hits.size(); ++h) {
                    const auto it = oldRows.at(hits[h]).probabilities.constFind(version);
                    if (it == oldRows.at(hits[h]).probabilities.cend() || t >= it->size() || std::isnan(it->at(t)))
                        continue;
                    sum += weights[h] * double(it->at(t));
                    weight += weights[h];
                }
                if (weight > 0.0) {
                    values[t] = float(sum / weight);
                    any = true;
                }
            }
            if (any)
                row.probabilities.insert(version, values);
        }
        out << row;
    }
    return out;
}

} // namespace taglane::engine
