// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/segment/segmentation.h"
#include "engine/store/verdict.h"

#include <QVector>

#include <vector>

namespace taglane::engine {

/// (engine/segment/FrameLabels does the same with frames picked by centre
/// and bool labels; this one weighs partial frames and says Unknown where
/// no frame lies.)
/// Frame-level labels (rows = frames, columns = tags, values in [0, 1];
/// frame k spans [k * hopSeconds, (k + 1) * hopSeconds)) to segment labels,
/// the rule of the time-varying CNN tagging study: the mean of a tag over
/// the frames of the window (each frame weighted by how much of it lies in
/// the segment) is compared with `threshold`; mean >= threshold gives
/// Present, below gives Absent. A segment no frame overlaps gets Unknown.
/// Result: one row per segment, one verdict per tag. Any thread.
QVector<QVector<Verdict>> verdictsFromFrameWindows(const std::vector<std::vector<float>> &frames, double hopSeconds,
                                                  const Segmentation &segments, double threshold = 0.5);

} // namespace taglane::engine
