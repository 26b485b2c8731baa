// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/library/datafolder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace taglane::widgets {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("DataFolder", text);
}
} // namespace

QString DataFolder::path()
{
    return QDir::cleanPath(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
                           + QStringLiteral("/Taglane"));
}

QString DataFolder::legacyPath()
{
    return QDir::cleanPath(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
}

QStringList DataFolder::migrateLegacy()
{
    const QString from = legacyPath();
    const QString to = path();
    QStringList messages;
    if (from.isEmpty() || from == to || !QFileInfo(from).isDir())
        return messages;
    QDir source(from);
    QDir().mkpath(to);
    const QString store = QStringLiteral("taglane.sqlite");
    // The store moves with its WAL and shared-memory files or not at all:
    // its last commits may still be in the -wal file.
    const QStringList storeParts{store, store + QStringLiteral("-wal"), store + QStringLiteral("-shm")};
    const bool storeThere = QFileInfo::exists(QDir(to).filePath(store));
    const QStringList entries = source.entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QString &name : entries) {
        const QString src = source.filePath(name);
        const QString dst = QDir(to).filePath(name);
        const bool kept = storeParts.contains(name) ? storeThere : QFileInfo::exists(dst);
        if (kept) {
            messages << tr("%1 was left in %2: %3 already exists.")
                            .arg(name, QDir::toNativeSeparators(from), QDir::toNativeSeparators(dst));
            continue;
        }
        if (!QDir().rename(src, dst)) {
            messages << tr("%1 could not be moved from %2 to %3; it stays where it was.")
                            .arg(name, QDir::toNativeSeparators(from), QDir::toNativeSeparators(to));
            continue;
        }
        messages << tr("Moved %1 from %2 to %3.").arg(name, QDir::toNativeSeparators(from), QDir::toNativeSeparators(to));
    }
    QDir().rmdir(from);   // only when empty
    return messages;
}

} // namespace taglane::widgets
