// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/untaggedtracks.h"

#include "engine/library/storequery.h"
#include "engine/store/storesql_p.h"

#include <QCoreApplication>
#include <QSqlQuery>
#include <QTimeZone>

namespace taglane::engine {

Result<QVector<TrackRecord>> UntaggedTracks::list(const QString &storePath, const QString &modelVersion)
{
    using R = Result<QVector<TrackRecord>>;
    auto connection = StoreQuery::open(storePath);
    if (!connection)
        return R::failure(connection.error());
    QSqlQuery q(connection.value()->db());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT t.id, t.path, t.content_hash, t.size_bytes, t.duration_s, t.sample_rate, t.channels,"
                             " t.added_at FROM tracks t WHERE NOT EXISTS (SELECT 1 FROM prediction_runs r"
                             " JOIN model_versions m ON m.id = r.model_version_id"
                             " WHERE r.track_id = t.id AND m.version = ?) ORDER BY t.path, t.id"));
    q.addBindValue(modelVersion);
    QString error;
    if (!storesql::run(q, &error))
        return R::failure(QCoreApplication::translate("UntaggedTracks", "Cannot read the library of %1: %2").arg(storePath, error));
    QVector<TrackRecord> tracks;
    while (q.next()) {
        TrackRecord t;
        t.id = q.value(0).toLongLong();
        t.path = q.value(1).toString();
        t.contentHash = q.value(2).toString();
        t.sizeBytes = q.value(3).toLongLong();
        t.durationSeconds = q.value(4).toDouble();
        t.sampleRate = q.value(5).toInt();
        t.channels = q.value(6).toInt();
        t.added = QDateTime::fromMSecsSinceEpoch(q.value(7).toLongLong(), QTimeZone::utc());
        tracks << t;
    }
    return tracks;
}

} // namespace taglane::engine
