// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QDateTime>
#include <QString>

namespace taglane::engine {

/// File-level helpers for an annotation store: its lock file, its SQLite
/// side files, and moving a damaged store aside. Any thread.
class StoreFile
{
public:
    /// "<store>.lock": held through QLockFile by the one instance that may write.
    static QString lockPath(const QString &storePath);
    /// True when the file starts with "SQLite format 3\0" (an empty file is a new store, not this).
    static bool hasSqliteHeader(const QString &storePath);
    /// Renames the store and its -wal/-shm files to "<store>.damaged-<UTC yyyyMMdd-HHmmss>[-n]..."
    /// (never over an existing file) and returns the store's new path.
    static Result<QString> moveAside(const QString &storePath, const QDateTime &when = QDateTime::currentDateTimeUtc());
};

} // namespace taglane::engine
