// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QPair>
#include <QString>
#include <QVector>

namespace taglane::engine {

/// Copies a whole annotation store (tracks, segmentations, segments, tags,
/// verdicts, predictions, prediction runs, model versions, spreads, edit
/// log: every table of the schema, ids kept) between SQLite and PostgreSQL
/// in either direction, or between two stores of one kind. Any thread
/// (it opens connections of its own there).
class StoreCopy
{
public:
    /// Rows copied, per table, in copy order.
    using Counts = QVector<QPair<QString, qint64>>;

    /// Copies `from` (a store at the current schema, read in one snapshot,
    /// so a writer may keep working there) to `to`, which must be new: a
    /// missing or empty SQLite file, an empty PostgreSQL database, or a
    /// Taglane store holding no rows. The copy is one transaction: all of
    /// it or nothing. Refuses (changing nothing) otherwise.
    static Result<Counts> copy(const QString &from, const QString &to);
};

} // namespace taglane::engine
