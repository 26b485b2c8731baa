// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/storefile.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

namespace taglane::engine {

QString StoreFile::lockPath(const QString &storePath)
{
    return storePath + QStringLiteral(".lock");
}

bool StoreFile::hasSqliteHeader(const QString &storePath)
{
    QFile file(storePath);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    return file.read(16) == QByteArray("SQLite format 3\0", 16);
}

Result<QString> StoreFile::moveAside(const QString &storePath, const QDateTime &when)
{
    const QString stamp = when.toUTC().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const QStringList sides{QString(), QStringLiteral("-wal"), QStringLiteral("-shm")};
    QString target;
    for (int n = 0; n < 1000; ++n) {
        const QString candidate = storePath + QStringLiteral(".damaged-") + stamp
            + (n > 0 ? QStringLiteral("-%1").arg(n) : QString());
        bool free = true;
        for (const QString &side : sides)
            free = free && !QFileInfo::exists(candidate + side);
        if (free) {
            target = candidate;
            break;
        }
    }
    if (target.isEmpty()) {
        return Result<QString>::failure(QCoreApplication::translate("StoreFile", "Cannot find a free name to move the damaged store %1 aside.")
                                            .arg(storePath));
    }
    for (const QString &side : sides) {
        if (!QFileInfo::exists(storePath + side))
            continue;
        if (!QFile::rename(storePath + side, target + side)) {
            return Result<QString>::failure(QCoreApplication::translate("StoreFile", "Cannot move the damaged store %1 to %2.")
                                                .arg(storePath + side, target + side));
        }
    }
    return target;
}

} // namespace taglane::engine
