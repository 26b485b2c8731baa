// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/storequery.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace taglane::engine {

Result<std::shared_ptr<StoreConnection>> StoreQuery::open(const QString &storePath)
{
    using R = Result<std::shared_ptr<StoreConnection>>;
    const QString file = QFileInfo(storePath).absoluteFilePath();
    if (!QFileInfo(file).isFile())
        return R::failure(QCoreApplication::translate("StoreQuery", "The annotation store %1 does not exist.").arg(file));
    auto connection = std::make_shared<StoreConnection>();
    QString error;
    if (!connection->open(file, QStringLiteral("query"), true, &error))
        return R::failure(QCoreApplication::translate("StoreQuery", "Cannot read the annotation store %1: %2").arg(file, error));
    return connection;
}

} // namespace taglane::engine
