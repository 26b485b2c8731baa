// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QSqlDatabase>
#include <QString>

namespace taglane::engine {

/// Copies what still reads out of a damaged store into a new, empty one,
/// so that a damaged store is never presented as empty. Table by table and
/// row by row: a row that cannot be read or does not fit (a verdict whose
/// segment was lost) is counted and skipped; a table whose pages cannot be
/// read is copied up to the first unreadable row. Internal to the store;
/// runs on the thread that owns `target`.
class StoreRescue
{
public:
    struct Counts
    {
        qint64 tracks = 0;
        qint64 verdicts = 0;
        qint64 predictions = 0;
        qint64 rows = 0;          ///< all rows copied
        qint64 unreadable = 0;    ///< rows (or tables) that could not be read or written
    };

    /// `target` is a freshly created store at the current schema; `damaged`
    /// the file that was moved aside (opened read-only, never changed).
    static Result<Counts> copyReadable(QSqlDatabase &target, const QString &damaged);
};

} // namespace taglane::engine
