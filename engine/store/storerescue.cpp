// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/storerescue.h"

#include "engine/store/storeconnection.h"
#include "engine/store/storeschema.h"
#include "engine/store/storesql_p.h"

#include <QCoreApplication>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StoreRescue", text);
}

// Parents before children, so foreign keys hold as rows go in.
const char *const kTables[] = {"tracks", "segmentations", "segments", "tags", "model_versions",
                               "verdicts", "predictions", "prediction_runs", "edit_log", "verdict_rules"};

QStringList columnsOf(QSqlDatabase &db, const QString &table)
{
    QStringList columns;
    QSqlQuery q(db);
    if (q.exec(QStringLiteral("PRAGMA table_info(%1)").arg(table))) {
        while (q.next())
            columns << q.value(1).toString();
    }
    return columns;
}

} // namespace

Result<StoreRescue::Counts> StoreRescue::copyReadable(QSqlDatabase &target, const QString &damaged)
{
    StoreConnection source;
    QString error;
    if (!source.open(damaged, QStringLiteral("rescue"), true, &error))
        return Result<Counts>::failure(tr("Nothing could be rescued from %1: %2").arg(damaged, error));
    // A truncated file declares more pages than it has; SQLite refuses to read
    // it at all unless the schema checks are relaxed (this never writes).
    storesql::exec(source.db(), QStringLiteral("PRAGMA writable_schema = ON"), nullptr);
    Counts counts;
    if (!storesql::exec(target, QStringLiteral("BEGIN IMMEDIATE"), &error))
        return Result<Counts>::failure(tr("Nothing could be rescued from %1: %2").arg(damaged, error));
    for (const char *name : kTables) {
        const QString table = QString::fromLatin1(name);
        const QStringList wanted = columnsOf(target, table);
        const QStringList found = columnsOf(source.db(), table);
        QStringList columns;
        for (const QString &c : wanted) {
            if (found.contains(c))
                columns << c;
        }
        if (found.isEmpty() && table == QLatin1String("verdict_rules"))
            continue;   // a store older than schema 6 has no rules
        if (columns.isEmpty()) {
            ++counts.unreadable;
            continue;
        }
        const QString list = columns.join(QStringLiteral(", "));
        QSqlQuery read(source.db());
        read.setForwardOnly(true);
        if (!read.exec(QStringLiteral("SELECT %1 FROM %2").arg(list, table))) {
            ++counts.unreadable;
            continue;
        }
        QSqlQuery write(target);
        QStringList marks;
        for (int i = 0; i < columns.size(); ++i)
            marks << QStringLiteral("?");
        write.prepare(QStringLiteral("INSERT OR IGNORE INTO %1(%2) VALUES(%3)").arg(table, list, marks.join(QLatin1Char(','))));
        qint64 copied = 0;
        while (read.next()) {
            for (int i = 0; i < columns.size(); ++i)
                write.bindValue(i, read.value(i));
            if (write.exec() && write.numRowsAffected() > 0)
                ++copied;
            else
                ++counts.unreadable;
        }
        if (read.lastError().isValid())
            ++counts.unreadable;   // the scan stopped at an unreadable page
        counts.rows += copied;
        if (table == QLatin1String("tracks"))
            counts.tracks = copied;
        else if (table == QLatin1String("verdicts"))
            counts.verdicts = copied;
        else if (table == QLatin1String("predictions"))
            counts.predictions = copied;
    }
    for (const QString &statement : StoreSchema::repairStatements()) {
        if (!storesql::exec(target, statement, &error)) {
            storesql::exec(target, QStringLiteral("ROLLBACK"), nullptr);
            return Result<Counts>::failure(tr("What was rescued from %1 could not be saved: %2").arg(damaged, error));
        }
    }
    if (!storesql::exec(target, QStringLiteral("COMMIT"), &error)) {
        storesql::exec(target, QStringLiteral("ROLLBACK"), nullptr);
        return Result<Counts>::failure(tr("What was rescued from %1 could not be saved: %2").arg(damaged, error));
    }
    return counts;
}

} // namespace taglane::engine
