// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the retrainer: reading a curated track's cells by the model's
// tag order. Include only from engine .cpp files.
#pragma once

#include "engine/corpus/labelledtrack.h"
#include "engine/model/vocabulary.h"

#include <limits>
#include <vector>

namespace taglane::engine::detail {

/// Column of each of `tags` in a track's own tag list (-1 where it lacks it).
inline std::vector<int> columnsOf(const LabelledTrack &track, const Vocabulary &tags)
{
    std::vector<int> c(size_t(tags.size()), -1);
    for (int t = 0; t < tags.size(); ++t)
        c[size_t(t)] = track.tags.indexOf(tags.at(t).name);
    return c;
}

/// The track's value of segment for the tag at index `tag` of the columns'
/// vocabulary; NaN (unknown) where the track lacks the tag.
inline float cellOf(const LabelledTrack &track, const std::vector<int> &columns, int segment, int tag)
{
    const int c = columns[size_t(tag)];
    return c >= 0 ? track.value(segment, c) : std::numeric_limits<float>::quiet_NaN();
}

} // namespace taglane::engine::detail
