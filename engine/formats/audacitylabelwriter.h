// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/tracklabels.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// Audacity label track: one line per segment, `start<TAB>end<TAB>title`,
/// times in decimal seconds (shortest exact form), the title listing the
/// present tags (PresentTags) separated by "; " (empty when none). Tabs and
/// line breaks in tag names become spaces; a title a spreadsheet would run
/// as a formula is escaped with CsvField::defuse() (the reader undoes it).
/// Stateless; any thread.
class AudacityLabelWriter
{
public:
    static QByteArray toText(const TrackLabels &labels, float threshold = 0.5f);
    /// Writes atomically; fails with a sentence naming the file.
    static Status write(const QString &path, const TrackLabels &labels, float threshold = 0.5f);
};

} // namespace taglane::engine
