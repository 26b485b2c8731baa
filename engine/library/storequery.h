// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/store/storeconnection.h"

#include <memory>

namespace taglane::engine {

/// A read-only connection of its own to an annotation store file (or a
/// PostgreSQL store named by a postgresql:// URI), for the
/// library's catalogue, review queue and search: they read committed data
/// only, on the thread that opens the connection (a worker thread in the
/// GUI), without holding the store's lock. Check the store with
/// AnnotationStore::open() first; this only reports what SQLite says.
class StoreQuery
{
public:
    /// Calling thread; the connection must be used and destroyed there.
    static Result<std::shared_ptr<StoreConnection>> open(const QString &storePath);
    /// The id of a model version in the store behind `db` (0 for an empty
    /// version: no version chosen); fails when that version has tagged
    /// nothing there, or the table cannot be read. `storePath` names the
    /// store in the messages.
    static Result<qint64> modelVersionId(QSqlDatabase &db, const QString &version, const QString &storePath);
};

} // namespace taglane::engine
