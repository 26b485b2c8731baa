// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/storeconnection.h"

#include "engine/store/storelocation.h"
#include "engine/store/storesql_p.h"

#include <QCoreApplication>
#include <QSqlError>

#include <atomic>

namespace taglane::engine {

bool StoreConnection::open(const QString &path, const QString &role, bool readOnly, QString *error)
{
    close();
    static std::atomic<int> counter{0};
    const Result<StoreLocation> location = StoreLocation::parse(path);
    if (!location) {
        if (error)
            *error = location.error();
        return false;
    }
    m_postgres = location->isPostgres();
    m_name = QStringLiteral("taglane-store-%1-%2").arg(role).arg(++counter);
    if (m_postgres)
        return openPostgres(location.value(), readOnly, error);
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

bool StoreConnection::openPostgres(const StoreLocation &location, bool readOnly, QString *error)
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        if (error)
            *error = QCoreApplication::translate("StoreConnection", "Qt's PostgreSQL driver (QPSQL) is not installed; "
                                                                    "install libqt6sql6-psql to use a PostgreSQL store.");
        close();
        return false;
    }
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
    if (!location.host.isEmpty())
        m_db.setHostName(location.host);
    if (location.port > 0)
        m_db.setPort(location.port);
    if (!location.user.isEmpty())
        m_db.setUserName(location.user);
    if (!location.password.isEmpty())
        m_db.setPassword(location.password);
    if (!location.database.isEmpty())
        m_db.setDatabaseName(location.database);
    m_db.setConnectOptions(location.options);
    if (!m_db.open()) {
        if (error) {
            QString text = storesql::message(m_db.lastError()).trimmed();
            if (!location.password.isEmpty())
                text.replace(location.password, QStringLiteral("***"));
            *error = text;
        }
        close();
        return false;
    }
    // Quiet "already exists, skipping" notices; bytewise, UTC, and (for readers) no writes at all.
    storesql::exec(m_db, QStringLiteral("SET client_min_messages = warning"), nullptr);
    storesql::exec(m_db, QStringLiteral("SET TIME ZONE 'UTC'"), nullptr);
    if (readOnly)
        storesql::exec(m_db, QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"), nullptr);
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
    m_postgres = false;
}

} // namespace taglane::engine
