// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSqlDatabase>
#include <QString>

namespace taglane::engine {

/// Owns one named QSqlDatabase connection to a store file. A connection
/// belongs to the thread that made it: make, use and destroy it there.
class StoreConnection
{
public:
    StoreConnection() = default;
    ~StoreConnection() { close(); }
    StoreConnection(const StoreConnection &) = delete;
    StoreConnection &operator=(const StoreConnection &) = delete;

    /// Opens `path` with a fresh connection name ("taglane-store-<role>-<n>"),
    /// a busy timeout and foreign keys on. With readOnly the file is opened
    /// with SQLITE_OPEN_READONLY. Calling thread.
    bool open(const QString &path, const QString &role, bool readOnly, QString *error);
    /// Closes and removes the connection. Calling thread (the one that opened it).
    void close();

    bool isOpen() const { return !m_name.isEmpty(); }
    QSqlDatabase &db() { return m_db; }

private:
    QString m_name;
    QSqlDatabase m_db;
};

} // namespace taglane::engine
