// SPDX-License-Identifier: GPL-3.0-or-later
// AnnotationStore::open for a PostgreSQL database.
#include "engine/store/annotationstore.h"

#include "engine/store/storeconnection.h"
#include "engine/store/storelocation.h"
#include "engine/store/storeschema.h"
#include "engine/store/storesql_p.h"

namespace taglane::engine {

namespace {

// The session advisory lock the writing instance holds (the lock file's
// equivalent; advisory locks are per database, so one key serves all).
constexpr qint64 kPgWriterLock = 0x7461676c616e6577;   // "taglanew"

// Who holds the writer lock, as PostgreSQL knows it ("" when it cannot say).
QString lockHolder(QSqlDatabase &db)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'),"
                             " coalesce(a.usename, '') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                             " WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database"
                             " WHERE datname = current_database())"
                             " AND CAST(l.classid AS bigint) * 4294967296 + CAST(l.objid AS bigint) = ? LIMIT 1"));
    q.addBindValue(kPgWriterLock);
    if (!q.exec() || !q.next())
        return {};
    return AnnotationStore::tr("server process %1 of user %2 from %3%4")
        .arg(q.value(0).toLongLong()).arg(q.value(3).toString(), q.value(2).toString(),
             q.value(1).toString().isEmpty() ? QString() : QStringLiteral(" (%1)").arg(q.value(1).toString()));
}

} // namespace

Result<StoreOpenReport> AnnotationStore::openPostgres(const StoreLocation &location, OpenMode mode)
{
    using R = Result<StoreOpenReport>;
    StoreOpenReport report;
    const QString name = location.displayName();
    bool readOnly = mode == OpenMode::ReadOnly;
    m_read = std::make_unique<StoreConnection>();
    QString error;
    if (!m_read->open(location.uri, QStringLiteral("owner"), readOnly, &error))
        return R::failure(tr("Cannot connect to the annotation store %1: %2").arg(name, error));
    QSqlDatabase &db = m_read->db();
    if (!readOnly) {
        // One writing instance per store, as with the lock file of an SQLite store.
        const QVariant got = storesql::scalar(db, QStringLiteral("SELECT pg_try_advisory_lock(%1)").arg(kPgWriterLock), &error);
        if (!got.isValid())
            return R::failure(tr("Cannot open the annotation store %1: %2").arg(name, error));
        if (!got.toBool()) {
            QString holder = lockHolder(db);
            holder = holder.isEmpty() ? tr("another Taglane") : tr("another Taglane (%1)").arg(holder);
            if (mode != OpenMode::ReadWriteElseReadOnly)
                return R::failure(tr("The annotation store %1 is in use by %2. Close it there first.").arg(name, holder));
            report.messages << tr("The annotation store %1 is in use by %2; it was opened read-only.").arg(name, holder);
            readOnly = true;
        }
    }
    const Result<int> found = StoreSchema::versionOf(db, name);
    if (!found)
        return R::failure(found.error());
    if (readOnly) {
        if (found.value() == 0)
            return R::failure(tr("The annotation store %1 is empty (no Taglane store was created in that database yet); "
                                 "open it for writing once to create it.").arg(name));
        if (found.value() != StoreSchema::kCurrentVersion) {
            return R::failure(found.value() > StoreSchema::kCurrentVersion
                                  ? StoreSchema::upgrade(db, name).error()
                                  : tr("The annotation store %1 uses an older schema (%2); open it for writing once to upgrade it.")
                                        .arg(name).arg(found.value()));
        }
        report.readOnly = true;
        report.schemaVersionFound = report.schemaVersion = found.value();
    } else {
        const Result<int> upgraded = StoreSchema::upgrade(db, name, curator());
        if (!upgraded)
            return R::failure(upgraded.error());
        report.created = found.value() == 0 && upgraded.value() == 0;
        report.schemaVersionFound = upgraded.value();
        report.schemaVersion = StoreSchema::kCurrentVersion;
        if (upgraded.value() > 0 && upgraded.value() < StoreSchema::kCurrentVersion) {
            report.messages << tr("The annotation store %1 was upgraded from schema %2 to %3.")
                                   .arg(name).arg(upgraded.value()).arg(StoreSchema::kCurrentVersion);
            if (upgraded.value() < 6)
                report.messages << tr("Its verdicts from before curators were recorded now belong to the curator %1.")
                                       .arg(curator());
        }
    }
    // The owner connection only reads (the writer thread has its own).
    storesql::exec(db, QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"), nullptr);
    if (const Status status = finishOpen(location.uri, readOnly); !status)
        return R::failure(status.error());
    return report;
}

} // namespace taglane::engine
