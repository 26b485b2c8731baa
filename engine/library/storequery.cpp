// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/storequery.h"

#include "engine/store/storelocation.h"
#include "engine/store/storesql_p.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSqlQuery>

namespace taglane::engine {

Result<std::shared_ptr<StoreConnection>> StoreQuery::open(const QString &storePath)
{
    using R = Result<std::shared_ptr<StoreConnection>>;
    if (StoreLocation::isPostgresUri(storePath)) {
        auto connection = std::make_shared<StoreConnection>();
        QString error;
        if (!connection->open(storePath, QStringLiteral("query"), true, &error))
            return R::failure(QCoreApplication::translate("StoreQuery", "Cannot read the annotation store %1: %2")
                                  .arg(StoreLocation::redacted(storePath), error));
        return connection;
    }
    const QString file = QFileInfo(storePath).absoluteFilePath();
    if (!QFileInfo(file).isFile())
        return R::failure(QCoreApplication::translate("StoreQuery", "The annotation store %1 does not exist.").arg(file));
    auto connection = std::make_shared<StoreConnection>();
    QString error;
    if (!connection->open(file, QStringLiteral("query"), true, &error))
        return R::failure(QCoreApplication::translate("StoreQuery", "Cannot read the annotation store %1: %2").arg(file, error));
    return connection;
}

Result<qint64> StoreQuery::modelVersionId(QSqlDatabase &db, const QString &version, const QString &storePath)
{
    using R = Result<qint64>;
    if (version.isEmpty())
        return qint64(0);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT id FROM model_versions WHERE version = ?"));
    q.addBindValue(version);
    QString error;
    if (!storesql::run(q, &error))
        return R::failure(QCoreApplication::translate("StoreQuery", "Cannot read the model versions of the annotation "
                                                                    "store %1: %2")
                              .arg(storePath, error));
    if (!q.next())
        return R::failure(QCoreApplication::translate("StoreQuery", "The model version \"%1\" has tagged nothing in %2.")
                              .arg(version, storePath));
    return q.value(0).toLongLong();
}

} // namespace taglane::engine
