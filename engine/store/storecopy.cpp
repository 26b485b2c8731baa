// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/storecopy.h"

#include "engine/store/storeconnection.h"
#include "engine/store/storedialect.h"
#include "engine/store/storefile.h"
#include "engine/store/storelocation.h"
#include "engine/store/storeschema.h"
#include "engine/store/storesql_p.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QSqlRecord>

#include <memory>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StoreCopy", text);
}

// Rows per INSERT statement (at most 200 x 10 bound values: well within
// SQLite's and PostgreSQL's limits).
constexpr int kBatchRows = 200;

// Tables in an order that satisfies their foreign keys; tables a later
// schema adds come after these (see tablesOf).
const char *const kOrder[] = {"tags", "model_versions", "tracks", "segmentations", "segments", "verdicts",
                              "predictions", "prediction_runs", "cell_spreads", "edit_log"};

// The store's tables (not store_info, which each store writes for itself).
Result<QStringList> tablesOf(QSqlDatabase &db, const QString &name)
{
    QSqlQuery q(db);
    const bool pg = StoreDialect::of(db).isPostgres();
    if (!q.exec(pg ? QStringLiteral("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                                    " AND table_type = 'BASE TABLE'")
                   : QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")))
        return Result<QStringList>::failure(tr("Cannot list the tables of %1: %2").arg(name, storesql::message(q.lastError())));
    QStringList found;
    while (q.next())
        found << q.value(0).toString();
    found.removeAll(QStringLiteral("store_info"));
    QStringList ordered;
    for (const char *t : kOrder) {
        if (found.removeAll(QString::fromLatin1(t)) > 0)
            ordered << QString::fromLatin1(t);
    }
    found.sort();
    return ordered + found;
}

Result<qint64> rowCount(QSqlDatabase &db, const QString &table, const QString &name)
{
    QString error;
    const QVariant n = storesql::scalar(db, QStringLiteral("SELECT count(*) FROM %1").arg(table), &error);
    if (!n.isValid())
        return Result<qint64>::failure(tr("Cannot count the rows of %1 in %2: %3").arg(table, name, error));
    return n.toLongLong();
}

// Columns of a table, in declaration order.
Result<QStringList> columnsOf(QSqlDatabase &db, const QString &table, const QString &name)
{
    const QSqlRecord record = db.record(table);
    if (record.isEmpty())
        return Result<QStringList>::failure(tr("Cannot read the columns of %1 in %2.").arg(table, name));
    QStringList columns;
    for (int i = 0; i < record.count(); ++i)
        columns << record.fieldName(i);
    return columns;
}

} // namespace

Result<StoreCopy::Counts> StoreCopy::copy(const QString &from, const QString &to)
{
    using R = Result<Counts>;
    const Result<StoreLocation> source = StoreLocation::parse(from);
    if (!source)
        return R::failure(source.error());
    const Result<StoreLocation> target = StoreLocation::parse(to);
    if (!target)
        return R::failure(target.error());
    const QString fromName = source->displayName();
    const QString toName = target->displayName();
    if ((source->isPostgres() ? source->uri : source->path) == (target->isPostgres() ? target->uri : target->path))
        return R::failure(tr("Cannot copy the annotation store %1 onto itself.").arg(fromName));
    if (!source->isPostgres() && !QFileInfo(source->path).isFile())
        return R::failure(tr("The annotation store %1 does not exist.").arg(fromName));
    if (!source->isPostgres() && !StoreFile::hasSqliteHeader(source->path))
        return R::failure(tr("%1 is not an annotation store (not an SQLite database).").arg(fromName));
    std::unique_ptr<QLockFile> lock;
    if (!target->isPostgres()) {
        const QFileInfo info(target->path);
        if (info.exists() && (!info.isFile() || info.size() > 0))
            return R::failure(tr("The target %1 already exists; store copy writes a new store only. Give a new file name.")
                                  .arg(toName));
        if (!info.absoluteDir().exists())
            return R::failure(tr("Cannot create the annotation store %1: its folder does not exist.").arg(toName));
        lock = std::make_unique<QLockFile>(StoreFile::lockPath(target->path));
        lock->setStaleLockTime(0);
        if (!lock->tryLock(0))
            return R::failure(tr("The annotation store %1 is in use by another Taglane.").arg(toName));
    }

    StoreConnection in;
    QString error;
    if (!in.open(from, QStringLiteral("copy-source"), true, &error))
        return R::failure(tr("Cannot open the annotation store %1: %2").arg(fromName, error));
    const Result<int> sourceVersion = StoreSchema::versionOf(in.db(), fromName);
    if (!sourceVersion)
        return R::failure(sourceVersion.error());
    if (sourceVersion.value() != StoreSchema::kCurrentVersion) {
        return R::failure(sourceVersion.value() == 0
                              ? tr("%1 holds no Taglane store.").arg(fromName)
                              : tr("The annotation store %1 uses schema %2, this program schema %3; open it for writing "
                                   "with this Taglane once (to upgrade it), then copy it.")
                                    .arg(fromName).arg(sourceVersion.value()).arg(StoreSchema::kCurrentVersion));
    }

    StoreConnection out;
    const bool created = !target->isPostgres() && !QFileInfo::exists(target->path);
    const auto cleanUp = [&]() {
        out.close();
        if (created)
            QFile::remove(target->path);
    };
    if (!out.open(to, QStringLiteral("copy-target"), false, &error)) {
        cleanUp();
        return R::failure(tr("Cannot open the annotation store %1: %2").arg(toName, error));
    }
    const Result<int> targetVersion = StoreSchema::versionOf(out.db(), toName);
    if (!targetVersion) {
        cleanUp();
        return R::failure(targetVersion.error());
    }
    if (targetVersion.value() > StoreSchema::kCurrentVersion) {
        cleanUp();
        return R::failure(tr("The target %1 holds a store of a newer Taglane (schema %2); it was left unchanged.")
                              .arg(toName).arg(targetVersion.value()));
    }
    if (const Result<int> made = StoreSchema::upgrade(out.db(), toName); !made) {
        cleanUp();
        return R::failure(made.error());
    }
    const StoreDialect dialect = StoreDialect::of(out.db());
    if (!dialect.isPostgres())
        storesql::exec(out.db(), QStringLiteral("PRAGMA journal_mode = WAL"), nullptr);

    const Result<QStringList> tables = tablesOf(in.db(), fromName);
    if (!tables) {
        cleanUp();
        return R::failure(tables.error());
    }
    for (const QString &table : tables.value()) {
        const Result<qint64> n = rowCount(out.db(), table, toName);
        if (!n || n.value() > 0) {
            cleanUp();
            return R::failure(n ? tr("The target %1 is not empty (its table %2 holds %3 row(s)); store copy writes into "
                                     "a new or empty store only. It was left unchanged.").arg(toName, table).arg(n.value())
                                : n.error());
        }
    }

    // One snapshot of the source, one transaction on the target.
    const StoreDialect sourceDialect = StoreDialect::of(in.db());
    storesql::exec(in.db(), sourceDialect.isPostgres() ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                                                       : QStringLiteral("BEGIN"), nullptr);
    const auto abandon = [&](const QString &message) {
        storesql::exec(out.db(), QStringLiteral("ROLLBACK"), nullptr);
        storesql::exec(in.db(), QStringLiteral("ROLLBACK"), nullptr);
        cleanUp();
        return R::failure(message);
    };
    if (!storesql::exec(out.db(), dialect.translate(QStringLiteral("BEGIN IMMEDIATE")), &error))
        return abandon(tr("Cannot write to %1: %2").arg(toName, error));
    Counts counts;
    for (const QString &table : tables.value()) {
        const Result<QStringList> columns = columnsOf(in.db(), table, fromName);
        if (!columns)
            return abandon(columns.error());
        const Result<QStringList> targetColumns = columnsOf(out.db(), table, toName);
        if (!targetColumns || targetColumns.value() != columns.value())
            return abandon(tr("The table %1 has different columns in %2 and %3; cannot copy it.").arg(table, fromName, toName));
        QSqlQuery read(in.db());
        read.setForwardOnly(true);
        if (!read.exec(QStringLiteral("SELECT %1 FROM %2").arg(columns->join(QStringLiteral(", ")), table)))
            return abandon(tr("Cannot read %1 from %2: %3").arg(table, fromName, storesql::message(read.lastError())));
        // Rows go in batches of kBatchRows per INSERT (one round trip each on PostgreSQL).
        const int width = int(columns->size());
        QStringList marks;
        for (int i = 0; i < width; ++i)
            marks << QStringLiteral("?");
        const QString row = QLatin1Char('(') + marks.join(QStringLiteral(", ")) + QLatin1Char(')');
        const auto insert = [&](int rowsInBatch) {
            QStringList values;
            for (int r = 0; r < rowsInBatch; ++r)
                values << row;
            return QStringLiteral("INSERT INTO %1(%2) VALUES %3").arg(table, columns->join(QStringLiteral(", ")),
                                                                      values.join(QStringLiteral(", ")));
        };
        QSqlQuery full(out.db());
        if (!full.prepare(insert(kBatchRows)))
            return abandon(tr("Cannot write %1 to %2: %3").arg(table, toName, storesql::message(full.lastError())));
        QVariantList pending;
        qint64 rows = 0;
        const auto flush = [&](bool all) {
            const int batchRows = int(pending.size()) / width;
            if (batchRows == 0 || (!all && batchRows < kBatchRows))
                return true;
            QSqlQuery partial(out.db());
            QSqlQuery &q = batchRows == kBatchRows ? full : partial;
            if (&q == &partial && !partial.prepare(insert(batchRows))) {
                error = storesql::message(partial.lastError());
                return false;
            }
            for (int i = 0; i < pending.size(); ++i)
                q.bindValue(i, pending.at(i));
            pending.clear();
            return storesql::run(q, &error);
        };
        while (read.next()) {
            for (int i = 0; i < width; ++i)
                pending << read.value(i);
            ++rows;
            if (!flush(false))
                return abandon(tr("Cannot write rows up to %1 of %2 to %3: %4").arg(rows).arg(table, toName, error));
        }
        if (!flush(true))
            return abandon(tr("Cannot write rows up to %1 of %2 to %3: %4").arg(rows).arg(table, toName, error));
        if (read.lastError().isValid())
            return abandon(tr("Cannot read %1 from %2: %3").arg(table, fromName, storesql::message(read.lastError())));
        counts.append({table, rows});
    }
    if (dialect.isPostgres()) {
        // Identity columns continue after the copied ids.
        for (const QString &table : tables.value()) {
            const QStringList key = StoreDialect::primaryKeys().value(table);
            if (key.size() != 1)
                continue;
            QString sequence;
            const QVariant name = storesql::scalar(out.db(), QStringLiteral("SELECT pg_get_serial_sequence('%1', '%2')")
                                                                 .arg(table, key.constFirst()), &error);
            if (name.isNull() || name.toString().isEmpty())
                continue;
            if (!storesql::exec(out.db(), QStringLiteral("SELECT setval('%1', coalesce(max(%2), 0) + 1, false) FROM %3")
                                              .arg(name.toString(), key.constFirst(), table), &error))
                return abandon(tr("Cannot write to %1: %2").arg(toName, error));
        }
    }
    for (const auto &[table, rows] : std::as_const(counts)) {
        const Result<qint64> n = rowCount(out.db(), table, toName);
        if (!n || n.value() != rows)
            return abandon(tr("The copy of %1 in %2 holds %3 row(s), not %4; nothing was copied.")
                               .arg(table, toName).arg(n ? n.value() : -1).arg(rows));
    }
    if (!storesql::exec(out.db(), QStringLiteral("COMMIT"), &error))
        return abandon(tr("Cannot commit the copy to %1: %2").arg(toName, error));
    storesql::exec(in.db(), QStringLiteral("ROLLBACK"), nullptr);
    return counts;
}

} // namespace taglane::engine
