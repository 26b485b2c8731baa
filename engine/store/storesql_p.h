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

/// First column of the first row of `sql`, or an invalid QVariant.
inline QVariant scalar(QSqlDatabase &db, const QString &sql, QString *error = nullptr)
{
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        if (error)
            *error = message(q.lastError());
        return {};
    }
    return q.next() ? q.value(0) : QVariant();
}

} // namespace taglane::engine::storesql
