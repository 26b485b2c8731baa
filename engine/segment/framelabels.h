// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/segment/segmentation.h"

#include <vector>

namespace taglane::engine {

/// Frame-level tag probabilities (a time-varying tagger's output) and their
/// reduction to segment labels: the mean over the frames inside a segment,
/// then present when the mean is at least a threshold (0.5 in the
/// time-varying CNN study). Frame f is centred at firstCentre + f * hop
/// seconds. Value type; any thread.
class FrameLabels
{
public:
    FrameLabels() = default;
    /// `values` is frame-major: values[frame * tagCount + tag]. A size that is
    /// not a multiple of tagCount drops the incomplete last frame.
    FrameLabels(int tagCount, double hopSeconds, std::vector<float> values, double firstCentreSeconds = 0.0);

    int tagCount() const { return m_tags; }
    qint64 frameCount() const { return m_frames; }
    double hopSeconds() const { return m_hop; }
    double frameCentre(qint64 frame) const { return m_first + double(frame) * m_hop; }
    float at(qint64 frame, int tag) const { return m_values[size_t(frame) * size_t(m_tags) + size_t(tag)]; }

    /// Frames whose centre lies in [start, end) as [first, last). When none
    /// does (a span shorter than a hop), the single frame nearest the span's
    /// middle; an empty range only when there are no frames.
    std::pair<qint64, qint64> framesIn(double start, double end) const;

    /// Mean probability per tag over the frames of [start, end). Any thread.
    std::vector<float> segmentMeans(const Segment &segment) const;
    /// segmentMeans() of every segment, segment-major. Any thread.
    std::vector<std::vector<float>> segmentMeans(const Segmentation &segments) const;
    /// Present (mean >= threshold) per segment and tag. Any thread.
    std::vector<std::vector<bool>> segmentLabels(const Segmentation &segments, float threshold = 0.5f) const;

private:
    int m_tags = 0;
    qint64 m_frames = 0;
    double m_hop = 1.0;
    double m_first = 0.0;
    std::vector<float> m_values;
};

} // namespace taglane::engine
