// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internal helpers for the store's .cpp files; not part of the engine API.

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>

namespace taglane::engine::storesql {

/// Runs one statement; on failure writes "statement: error" to *error.
/// The database's own message when there is one, else Qt's.
inline QString message(const QSqlError &e)
{
    return e.databaseText().isEmpty() ? e.text() : e.databaseText();
}

inline bool exec(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    if (error)
        *error = message(q.lastError());
    return false;
}

/// Runs a prepared query; on failure writes its error to *error.
inline bool run(QSqlQuery &q, QString *error)
{
    if (q.exec())
        return true;
    if (error)
        *error = message(q.lastError());
    return false;
}

/// First column of the first row of `sql`, or an invalid QVariant. On
/// failure *nativeCode gets SQLite's result code (0 when there is none).
inline QVariant scalar(QSqlDatabase &db, const QString &sql, QString *error = nullptr, int *nativeCode = nullptr)
{
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        if (error)
            *error = message(q.lastError());
        if (nativeCode)
            *nativeCode = q.lastError().nativeErrorCode().toInt();
        return {};
    }
    return q.next() ? q.value(0) : QVariant();
}

/// True for SQLite's "the file is damaged" results (SQLITE_CORRUPT,
/// SQLITE_NOTADB and their extended codes), false for I/O errors, a full
/// disk, a busy or read-only file and everything else that is not damage.
inline bool isCorruption(int nativeCode)
{
    const int primary = nativeCode & 0xff;
    return primary == 11 || primary == 26;
}

} // namespace taglane::engine::storesql
