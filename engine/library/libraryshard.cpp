// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/libraryshard.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("LibraryShard", text);
}
constexpr int kMaxShards = 100000;
} // namespace

Result<LibraryShard> LibraryShard::parse(const QString &text)
{
    static const QRegularExpression form(QStringLiteral("^\\s*(\\d{1,6})\\s*/\\s*(\\d{1,6})\\s*$"));
    const QRegularExpressionMatch m = form.match(text);
    if (!m.hasMatch())
        return Result<LibraryShard>::failure(
            tr("'%1' is not a shard: write I/N, the I-th of N shards, for instance 2/8.").arg(text));
    LibraryShard shard;
    shard.index = m.captured(1).toInt();
    shard.count = m.captured(2).toInt();
    if (shard.count < 1 || shard.count > kMaxShards)
        return Result<LibraryShard>::failure(tr("The number of shards in '%1' must be from 1 to %2.").arg(text).arg(kMaxShards));
    if (shard.index < 1 || shard.index > shard.count)
        return Result<LibraryShard>::failure(
            tr("The shard in '%1' must be from 1 to %2 (shards count from 1).").arg(text).arg(shard.count));
    return shard;
}

int LibraryShard::shardOf(const QString &contentHash, int count)
{
    if (count < 1 || contentHash.size() < 15)
        return 0;
    bool ok = false;
    const quint64 h = contentHash.left(15).toULongLong(&ok, 16);
    if (!ok)
        return 0;
    return 1 + int(h % quint64(count));
}

} // namespace taglane::engine
