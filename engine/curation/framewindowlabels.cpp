// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/curation/framewindowlabels.h"

#include "engine/curation/resegmenter.h"

#include <algorithm>
#include <cmath>

namespace taglane::engine {

QVector<QVector<Verdict>> verdictsFromFrameWindows(const std::vector<std::vector<float>> &frames, double hopSeconds,
                                                  const Segmentation &segments, double threshold)
{
    QVector<QVector<Verdict>> out;
    size_t tags = 0;
    for (const auto &f : frames)
        tags = std::max(tags, f.size());
    for (const Segment &seg : segments.segments()) {
        QVector<Verdict> row(int(tags), Verdict::Unknown);
        if (hopSeconds > 0.0 && !frames.empty()) {
            const auto firstFrame = size_t(std::max(0.0, std::floor(seg.start / hopSeconds)));
            std::vector<double> sum(tags, 0.0);
            std::vector<double> weight(tags, 0.0);
            for (size_t k = firstFrame; k < frames.size() && double(k) * hopSeconds < seg.end; ++k) {
                const double w = Resegmenter::overlap(seg.start, seg.end, double(k) * hopSeconds,
                                                      double(k + 1) * hopSeconds);
                if (w <= 0.0)
                    continue;
                for (size_t t = 0; t < frames[k].size(); ++t) {
                    sum[t] += w * double(frames[k][t]);
                    weight[t] += w;
                }
            }
            for (size_t t = 0; t < tags; ++t)
                if (weight[t] > 0.0)
                    row[int(t)] = sum[t] / weight[t] >= threshold ? Verdict::Present : Verdict::Absent;
        }
        out << row;
    }
    return out;
}

} // namespace taglane::engine
