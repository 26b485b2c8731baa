// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace taglane::engine {

/// What AnnotationStore::open found and did. Value type; any thread.
struct StoreOpenReport
{
    bool created = false;         ///< a new, empty store was made
    bool readOnly = false;        ///< edits are refused (asked for, or another instance holds the store)
    int schemaVersionFound = 0;   ///< 0 for a new store
    int schemaVersion = 0;        ///< after migrations
    QString movedAsidePath;       ///< where a damaged store was moved, if it was
    qint64 rescuedTracks = 0;     ///< tracks copied from the damaged store into the new one
    qint64 rescuedVerdicts = 0;   ///< verdicts copied likewise
    QStringList messages;         ///< user-readable notes (migration, damage, read-only fallback)
};

} // namespace taglane::engine
