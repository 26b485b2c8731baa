// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/tracklabels.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// CAL500exp per-track segment CSV (`<stem>.csv`): header
/// `Start_Time,End_Time,<tags...>`, one row per segment in time order.
/// Curator verdicts are written as 1 / 0; cells without a verdict come from
/// the model: its probability (Soft) or probability >= threshold (Hard);
/// a cell with neither is left empty. Tag names in the header are escaped
/// with CsvField::defuse() (formula injection; the readers undo it).
/// Stateless; any thread.
class Cal500CsvWriter
{
public:
    enum class Values { Soft, Hard };

    static QByteArray toCsv(const TrackLabels &labels, Values values = Values::Soft, float threshold = 0.5f);
    /// Writes atomically; fails with a sentence naming the file.
    static Status write(const QString &path, const TrackLabels &labels, Values values = Values::Soft,
                        float threshold = 0.5f);
};

} // namespace taglane::engine
