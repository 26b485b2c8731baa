// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/studies/clipjoin.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace taglane::engine {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

} // namespace

std::vector<double> ClipJoin::joinTrack(const std::vector<float> &probs, int clips, int tags, ClipJoinRule rule)
{
    std::vector<double> out(size_t(std::max(tags, 0)), kNan);
    if (clips <= 0 || tags <= 0 || probs.size() < size_t(clips) * size_t(tags))
        return out;
    for (int t = 0; t < tags; ++t) {
        double acc = rule == ClipJoinRule::Max ? -std::numeric_limits<double>::infinity() : 0.0;
        for (int c = 0; c < clips; ++c) {
            const double p = probs[size_t(c) * size_t(tags) + size_t(t)];
            acc = rule == ClipJoinRule::Max ? std::max(acc, p) : acc + p;
        }
        out[size_t(t)] = rule == ClipJoinRule::Max ? acc : acc / clips;
    }
    return out;
}

std::vector<double> ClipJoin::segmentScores(const std::vector<float> &probs, const std::vector<double> &centres,
                                            int tags, const Segmentation &segments)
{
    const int n = segments.size();
    std::vector<double> out(size_t(n) * size_t(std::max(tags, 0)), kNan);
    const int clips = int(centres.size());
    if (clips == 0 || tags <= 0 || probs.size() < size_t(clips) * size_t(tags))
        return out;
    for (int s = 0; s < n; ++s) {
        const Segment &seg = segments.at(s);
        std::vector<int> inside;
        for (int c = 0; c < clips; ++c)
            if (centres[size_t(c)] >= seg.start && centres[size_t(c)] < seg.end)
                inside.push_back(c);
        if (inside.empty()) {
            const double middle = 0.5 * (seg.start + seg.end);
            int best = 0;
            for (int c = 1; c < clips; ++c)
                if (std::abs(centres[size_t(c)] - middle) < std::abs(centres[size_t(best)] - middle))
                    best = c;
            inside.push_back(best);
        }
        for (int t = 0; t < tags; ++t) {
            double sum = 0.0;
            for (int c : inside)
                sum += probs[size_t(c) * size_t(tags) + size_t(t)];
            out[size_t(s) * size_t(tags) + size_t(t)] = sum / double(inside.size());
        }
    }
    return out;
}

std::vector<float> ClipJoin::trackTruth(const LabelledTrack &track, const Vocabulary &tags, TrackTruthRule rule)
{
    const int n = tags.size();
    std::vector<float> out(size_t(n), std::numeric_limits<float>::quiet_NaN());
    for (int t = 0; t < n; ++t) {
        const int column = track.tags.indexOf(tags.at(t).name);
        if (column < 0)
            continue;
        double knownSeconds = 0.0, positiveSeconds = 0.0;
        bool anyKnown = false, anyPositive = false;
        for (int s = 0; s < track.segments.size(); ++s) {
            const float v = track.value(s, column);
            if (std::isnan(v))
                continue;
            const double d = std::max(0.0, track.segments.at(s).duration());
            anyKnown = true;
            knownSeconds += d;
            if (v > 0.5f) {
                anyPositive = true;
                positiveSeconds += d;
            }
        }
        if (!anyKnown)
            continue;
        if (rule == TrackTruthRule::Presence)
            out[size_t(t)] = anyPositive ? 1.0f : 0.0f;
        else
            out[size_t(t)] = knownSeconds > 0.0 && positiveSeconds > 0.5 * knownSeconds ? 1.0f : 0.0f;
    }
    return out;
}

} // namespace taglane::engine
