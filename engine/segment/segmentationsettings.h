// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QString>

namespace taglane::engine {

/// How a job cuts a track into segments. Value type; any thread.
struct SegmentationSettings
{
    enum class Mode {
        Chunks,  ///< one segment per model chunk (ChunkGrid::covering)
        Fixed,   ///< fixed windows of windowSeconds (Segmentation::fixedWindows)
        Novelty  ///< self-similarity novelty boundaries, 3-16 s (noveltySegmentation); needs the decoded track
    };

    static constexpr double minWindowSeconds = 3.0;   ///< CAL500exp segments are 3-16 s
    static constexpr double maxWindowSeconds = 16.0;

    Mode mode = Mode::Chunks;
    double windowSeconds = 10.0;
    double minSeconds = 3.0;       ///< Fixed: a shorter tail merges into the previous segment
    double minTailSeconds = 1.0;   ///< Chunks: a shorter tail merges into the last chunk

    /// "chunk", "fixed:SECONDS" (3 to 16) or "novelty". The message quotes the text.
    static Result<SegmentationSettings> parse(const QString &text);
    QString toString() const;
};

} // namespace taglane::engine
