// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/corpus/labelledtrack.h"
#include "engine/model/vocabulary.h"
#include "engine/segment/segmentation.h"

#include <vector>

namespace taglane::engine {

/// How clip probabilities become one score per tag for the whole track.
enum class ClipJoinRule
{
    Mean, ///< average over the clips (the clip-CNN study's join)
    Max   ///< the most confident clip
};

/// What a track-level truth means when the labels vary in time.
enum class TrackTruthRule
{
    Majority, ///< positive over more than half of the labelled duration
    Presence  ///< positive in at least one segment
};

/// The arithmetic of the clip study: joining clip outputs into track and
/// segment scores, and track-level truth from segment labels. Stateless;
/// any thread.
class ClipJoin
{
public:
    /// probs is [clips][tags] row-major; returns [tags] (NaN when clips is 0).
    static std::vector<double> joinTrack(const std::vector<float> &probs, int clips, int tags, ClipJoinRule rule);
    /// One row of scores per segment ([segments][tags]): the mean of the
    /// clips whose centre (seconds) lies in [start, end) of the segment, or
    /// the clip whose centre is nearest the segment's middle when none does.
    /// NaN rows when there are no clips.
    static std::vector<double> segmentScores(const std::vector<float> &probs, const std::vector<double> &centres,
                                             int tags, const Segmentation &segments);
    /// Track-level truth per tag of `tags` (matched by name): 1, 0, or NaN
    /// where the track has no known value for the tag. Majority weighs each
    /// known segment by its duration; values above 0.5 count as positive.
    static std::vector<float> trackTruth(const LabelledTrack &track, const Vocabulary &tags, TrackTruthRule rule);
};

} // namespace taglane::engine
