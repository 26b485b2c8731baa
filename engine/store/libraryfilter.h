// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/store/verdict.h"

#include <QString>

#include <optional>

namespace taglane::engine {

/// Which tracks the library view lists. Cells are those of each track's
/// current segmentation. Value type; any thread.
///  - no tag, no verdict: all tracks
///  - tag and Present/Absent: tracks with a segment where the tag has that verdict
///  - tag and Unknown: tracks with a segment where the tag is not reviewed
///  - tag only: tracks with a segment where the tag is reviewed (either verdict)
///  - Present/Absent only: tracks with any cell of that verdict
///  - Unknown only: tracks not fully reviewed
struct LibraryFilter
{
    QString tag;                       ///< tag name; empty = any tag
    std::optional<Verdict> verdict;
};

} // namespace taglane::engine
