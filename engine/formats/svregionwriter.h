// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/tracklabels.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// Sonic Visualiser region layer CSV: one row `time,value,duration,label`
/// per (segment, present tag) (PresentTags), value 1 for a curator verdict
/// or the model's probability, label the tag (RFC 4180 quoted when needed,
/// escaped with CsvField::defuse() against formula injection).
/// A segment without present tags is one row with value 0 and an empty
/// label, so the segmentation survives. Optionally a lower-case header line. Stateless; any thread.
class SvRegionWriter
{
public:
    static QByteArray toCsv(const TrackLabels &labels, float threshold = 0.5f, bool header = false);
    /// Writes atomically; fails with a sentence naming the file.
    static Status write(const QString &path, const TrackLabels &labels, float threshold = 0.5f, bool header = false);
};

} // namespace taglane::engine
