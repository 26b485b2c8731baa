// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/segment/framelabels.h"

#include <algorithm>
#include <cmath>

namespace taglane::engine {

FrameLabels::FrameLabels(int tagCount, double hopSeconds, std::vector<float> values, double firstCentreSeconds)
    : m_tags(std::max(0, tagCount))
    , m_hop(hopSeconds > 0.0 && std::isfinite(hopSeconds) ? hopSeconds : 1.0)
    , m_first(std::isfinite(firstCentreSeconds) ? firstCentreSeconds : 0.0)
    , m_values(std::move(values))
{
    m_frames = m_tags > 0 ? qint64(m_values.size() / size_t(m_tags)) : 0;
    m_values.resize(size_t(m_frames) * size_t(m_tags));
}

std::pair<qint64, qint64> FrameLabels::framesIn(double start, double end) const
{
    if (m_frames == 0)
        return {0, 0};
    // First frame with centre >= start, first frame with centre >= end.
    auto firstAtOrAfter = [this](double t) {
        const double k = std::ceil((t - m_first) / m_hop - 1e-9);
        return qint64(std::clamp(k, 0.0, double(m_frames)));
    };
    const qint64 a = firstAtOrAfter(start);
    const qint64 b = firstAtOrAfter(end);
    if (b > a)
        return {a, b};
    const double middle = 0.5 * (start + end);
    const auto nearest = qint64(std::clamp(std::round((middle - m_first) / m_hop), 0.0, double(m_frames - 1)));
    return {nearest, nearest + 1};
}

std::vector<float> FrameLabels::segmentMeans(const Segment &segment) const
{
    std::vector<float> means(size_t(m_tags), 0.0f);
    const auto [a, b] = framesIn(segment.start, segment.end);
    if (b <= a)
        return means;
    std::vector<double> sums(size_t(m_tags), 0.0);
    for (qint64 f = a; f < b; ++f)
        for (int t = 0; t < m_tags; ++t)
            sums[size_t(t)] += double(at(f, t));
    for (int t = 0; t < m_tags; ++t)
        means[size_t(t)] = float(sums[size_t(t)] / double(b - a));
    return means;
}

std::vector<std::vector<float>> FrameLabels::segmentMeans(const Segmentation &segments) const
{
    std::vector<std::vector<float>> out;
    out.reserve(size_t(segments.size()));
    for (const Segment &s : segments.segments())
        out.push_back(segmentMeans(s));
    return out;
}

std::vector<std::vector<bool>> FrameLabels::segmentLabels(const Segmentation &segments, float threshold) const
{
    std::vector<std::vector<bool>> out;
    out.reserve(size_t(segments.size()));
    for (const Segment &s : segments.segments()) {
        const std::vector<float> means = segmentMeans(s);
        std::vector<bool> present(means.size());
        for (size_t t = 0; t < means.size(); ++t)
            present[t] = means[t] >= threshold;
        out.push_back(std::move(present));
    }
    return out;
}

} // namespace taglane::engine
