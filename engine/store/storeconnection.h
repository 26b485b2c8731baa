// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSqlDatabase>
#include <QString>

namespace taglane::engine {

struct StoreLocation;

/// Owns one named QSqlDatabase connection to a store: an SQLite file
/// (QSQLITE) or a PostgreSQL database named by a postgresql:// URI (QPSQL;
/// see StoreLocation). A connection belongs to the thread that made it:
/// make, use and destroy it there.
class StoreConnection
{
public:
    StoreConnection() = default;
    ~StoreConnection() { close(); }
    StoreConnection(const StoreConnection &) = delete;
    StoreConnection &operator=(const StoreConnection &) = delete;

    /// Opens `path` with a fresh connection name ("taglane-store-<role>-<n>"),
    /// a busy timeout and foreign keys on. With readOnly the file is opened
    /// with SQLITE_OPEN_READONLY. A PostgreSQL URI opens a QPSQL connection
    /// (read-only: every transaction READ ONLY). Calling thread.
    bool open(const QString &path, const QString &role, bool readOnly, QString *error);
    /// Closes and removes the connection. Calling thread (the one that opened it).
    void close();

    bool isOpen() const { return !m_name.isEmpty(); }
    bool isPostgres() const { return m_postgres; }
    QSqlDatabase &db() { return m_db; }

private:
    bool openPostgres(const StoreLocation &location, bool readOnly, QString *error);

    bool m_postgres = false;
    QString m_name;
    QSqlDatabase m_db;
};

} // namespace taglane::engine
