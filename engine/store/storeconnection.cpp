// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/storeconnection.h"

#include "engine/store/storesql_p.h"

#include <QSqlError>

#include <atomic>

namespace taglane::engine {

bool StoreConnection::open(const QString &path, const QString &role, bool readOnly, QString *error)
{
    close();
    static std::atomic<int> counter{0};
    m_name = QStringLiteral("taglane-store-%1-%2").arg(role).arg(++counter);
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    m_db.setDatabaseName(path);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000");
    if (readOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    m_db.setConnectOptions(options);
    if (!m_db.open()) {
        if (error)
            *error = m_db.lastError().text();
        close();
        return false;
    }
    storesql::exec(m_db, QStringLiteral("PRAGMA foreign_keys = ON"), nullptr);
    return true;
}

void StoreConnection::close()
{
    if (m_name.isEmpty())
        return;
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
    m_name.clear();
}

} // namespace taglane::engine
