// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/formats/tracklabels.h"

#include <QStringList>

namespace taglane::engine {

/// Which tags of a segment count as present for the formats that list
/// present tags only (Audacity, Sonic Visualiser): a curator verdict of
/// present, or no verdict and a probability >= threshold. Stateless; any thread.
class PresentTags
{
public:
    static bool isPresent(const LabelCell &cell, float threshold);
    /// Indices of the present tags of segment `segment`, in vocabulary order.
    static QVector<int> of(const TrackLabels &labels, int segment, float threshold);
};

} // namespace taglane::engine
