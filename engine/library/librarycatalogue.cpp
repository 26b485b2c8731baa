// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/librarycatalogue.h"

#include "engine/store/storedialect.h"

#include "engine/library/storequery.h"
#include "engine/store/storelocation.h"
#include "engine/store/storesql_p.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QHash>
#include <QSqlQuery>
#include <QTimeZone>

namespace taglane::engine {

namespace {

QString failure(const QString &store, const QString &what, const QString &error)
{
    return QCoreApplication::translate("LibraryCatalogue", "Cannot read %1 from the annotation store %2: %3")
        .arg(what, StoreLocation::redacted(store), error);
}

} // namespace

QString LibraryCatalogue::fileStateName(LibraryEntry::FileState state)
{
    switch (state) {
    case LibraryEntry::FileState::Missing: return QStringLiteral("missing");
    case LibraryEntry::FileState::Changed: return QStringLiteral("changed");
    case LibraryEntry::FileState::Present: break;
    }
    return QStringLiteral("present");
}

Result<QVector<LibraryEntry>> LibraryCatalogue::list(const QString &storePath, int topTags)
{
    using R = Result<QVector<LibraryEntry>>;
    auto connection = StoreQuery::open(storePath);
    if (!connection)
        return R::failure(connection.error());
    QSqlDatabase &db = connection.value()->db();
    QString error;

    QHash<qint64, QString> tagNames;
    int activeTags = 0;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT id, name, position FROM tags")))
            return R::failure(failure(storePath, QStringLiteral("the tags"), storesql::message(q.lastError())));
        while (q.next()) {
            tagNames.insert(q.value(0).toLongLong(), q.value(1).toString());
            if (!q.value(2).isNull())
                ++activeTags;
        }
    }

    QVector<LibraryEntry> entries;
    QHash<qint64, int> indexOf;
    QHash<qint64, qint64> segmentationOf;
    QHash<QString, qint64> newestByPath;   // path -> highest track id
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT id, path, content_hash, duration_s, segment_count, reviewed_cells, last_edit_at,"
                                   " size_bytes, current_segmentation_id FROM tracks ORDER BY path, id")))
            return R::failure(failure(storePath, QStringLiteral("the library"), storesql::message(q.lastError())));
        while (q.next()) {
            LibraryEntry e;
            e.row.trackId = q.value(0).toLongLong();
            e.row.path = q.value(1).toString();
            e.row.contentHash = q.value(2).toString();
            e.row.durationSeconds = q.value(3).toDouble();
            e.row.segmentCount = q.value(4).toInt();
            e.row.reviewedCells = q.value(5).toLongLong();
            const qint64 cells = qint64(e.row.segmentCount) * activeTags;
            e.row.reviewedShare = cells > 0 ? double(e.row.reviewedCells) / double(cells) : 0.0;
            if (!q.value(6).isNull() && q.value(6).toLongLong() > 0)
                e.row.lastEdit = QDateTime::fromMSecsSinceEpoch(q.value(6).toLongLong(), QTimeZone::utc());
            e.sizeBytes = q.value(7).toLongLong();
            segmentationOf.insert(e.row.trackId, q.value(8).toLongLong());
            newestByPath[e.row.path] = std::max(newestByPath.value(e.row.path), e.row.trackId);
            indexOf.insert(e.row.trackId, int(entries.size()));
            entries.append(e);
        }
    }
    for (LibraryEntry &e : entries) {
        const QFileInfo info(e.row.path);
        if (!info.isFile())
            e.file = LibraryEntry::FileState::Missing;
        else if ((e.sizeBytes > 0 && info.size() != e.sizeBytes) || newestByPath.value(e.row.path) != e.row.trackId)
            e.file = LibraryEntry::FileState::Changed;
    }

    QHash<qint64, qint64> newestModelOf;   // track -> model version id of its newest run
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT r.track_id, m.version, r.created_at, m.id FROM prediction_runs r"
                                   " JOIN model_versions m ON m.id = r.model_version_id"
                                   " ORDER BY r.track_id, r.created_at, r.edit_seq")))
            return R::failure(failure(storePath, QStringLiteral("the prediction runs"), storesql::message(q.lastError())));
        while (q.next()) {
            const int index = indexOf.value(q.value(0).toLongLong(), -1);
            if (index < 0)
                continue;
            LibraryModelRun run;
            run.modelVersion = q.value(1).toString();
            if (q.value(2).toLongLong() > 0)
                run.at = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), QTimeZone::utc());
            entries[index].runs.append(run);
            entries[index].topTagsModel = run.modelVersion;
            newestModelOf.insert(q.value(0).toLongLong(), q.value(3).toLongLong());
        }
    }

    if (topTags <= 0)
        return entries;
    // The writer keeps every track's tags ranked (schema 5): the top N are
    // a range of that table. A store without it (read before its upgrade)
    // averages the predictions of each track here.
    const bool ranked = storesql::scalar(db, QStringLiteral("SELECT count(*) FROM (%1) AS found")
                                                 .arg(StoreDialect::of(db).existingObjects({QStringLiteral("track_tag_ranks")})),
                                         &error)
                            .toInt()
        > 0;
    if (ranked) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT track_id, model_version_id, tag_id, mean FROM track_tag_ranks WHERE rank < ?"
                                 " ORDER BY track_id, model_version_id, rank"));
        q.addBindValue(topTags);
        if (!storesql::run(q, &error))
            return R::failure(failure(storePath, QStringLiteral("the ranked tags"), error));
        while (q.next()) {
            const qint64 track = q.value(0).toLongLong();
            const auto newest = newestModelOf.constFind(track);
            if (newest == newestModelOf.constEnd() || newest.value() != q.value(1).toLongLong())
                continue;
            entries[indexOf.value(track)].topTags.append({tagNames.value(q.value(2).toLongLong()), q.value(3).toFloat()});
        }
        return entries;
    }
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT p.tag_id, avg(p.probability) AS mean FROM segments s"
                             " JOIN predictions p ON p.segment_id = s.id AND p.model_version_id = ?"
                             " WHERE s.segmentation_id = ? GROUP BY p.tag_id ORDER BY mean DESC, p.tag_id LIMIT ?"));
    for (auto it = newestModelOf.constBegin(); it != newestModelOf.constEnd(); ++it) {
        q.bindValue(0, it.value());
        q.bindValue(1, segmentationOf.value(it.key()));
        q.bindValue(2, topTags);
        if (!storesql::run(q, &error))
            return R::failure(failure(storePath, QStringLiteral("the predictions"), error));
        LibraryEntry &e = entries[indexOf.value(it.key())];
        while (q.next())
            e.topTags.append({tagNames.value(q.value(0).toLongLong()), q.value(1).toFloat()});
    }
    return entries;
}

} // namespace taglane::engine
