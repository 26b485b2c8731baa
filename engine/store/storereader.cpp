// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/storereader.h"

#include "engine/store/storesql_p.h"

#include <QCoreApplication>
#include <QSqlQuery>
#include <QTimeZone>

#include <limits>

namespace taglane::engine {

namespace {

const char kTrackColumns[] =
    "SELECT id, path, content_hash, size_bytes, duration_s, sample_rate, channels, added_at FROM tracks ";

TrackRecord trackFrom(const QSqlQuery &q)
{
    TrackRecord t;
    t.id = q.value(0).toLongLong();
    t.path = q.value(1).toString();
    t.contentHash = q.value(2).toString();
    t.sizeBytes = q.value(3).toLongLong();
    t.durationSeconds = q.value(4).toDouble();
    t.sampleRate = q.value(5).toInt();
    t.channels = q.value(6).toInt();
    t.added = QDateTime::fromMSecsSinceEpoch(q.value(7).toLongLong(), QTimeZone::utc());
    return t;
}

QDateTime timeFrom(const QVariant &ms)
{
    return ms.isNull() || ms.toLongLong() <= 0 ? QDateTime() : QDateTime::fromMSecsSinceEpoch(ms.toLongLong(), QTimeZone::utc());
}

} // namespace

QString StoreReader::failure(const QString &what, const QString &error) const
{
    return QCoreApplication::translate("StoreReader", "Cannot read %1 from the annotation store %2: %3")
        .arg(what, m_fileName, error);
}

std::optional<TrackRecord> StoreReader::track(qint64 id) const
{
    QSqlQuery q(m_db);
    q.prepare(QString::fromLatin1(kTrackColumns) + QStringLiteral("WHERE id = ?"));
    q.addBindValue(id);
    if (q.exec() && q.next())
        return trackFrom(q);
    return std::nullopt;
}

std::optional<TrackRecord> StoreReader::trackByPath(const QString &path) const
{
    QSqlQuery q(m_db);
    q.prepare(QString::fromLatin1(kTrackColumns) + QStringLiteral("WHERE path = ? ORDER BY id DESC LIMIT 1"));
    q.addBindValue(path);
    if (q.exec() && q.next())
        return trackFrom(q);
    return std::nullopt;
}

QVector<TrackRecord> StoreReader::tracksByHash(const QString &contentHash) const
{
    QVector<TrackRecord> tracks;
    QSqlQuery q(m_db);
    q.prepare(QString::fromLatin1(kTrackColumns) + QStringLiteral("WHERE content_hash = ? ORDER BY id"));
    q.addBindValue(contentHash);
    if (q.exec()) {
        while (q.next())
            tracks << trackFrom(q);
    }
    return tracks;
}

Result<LabelGrid> StoreReader::labelGrid(qint64 trackId, const QVector<StoredTag> &columns, const QString &modelVersion,
                                         const std::optional<QPair<qint64, Segmentation>> &queuedSegmentation,
                                         QHash<int, QVector<CuratorVerdict>> *votes) const
{
    using R = Result<LabelGrid>;
    LabelGrid grid;
    grid.trackId = trackId;
    QString error;
    QSqlQuery q(m_db);
    if (queuedSegmentation) {
        grid.segmentationId = queuedSegmentation->first;
        grid.segmentation = queuedSegmentation->second;
    } else {
        q.prepare(QStringLiteral("SELECT current_segmentation_id FROM tracks WHERE id = ?"));
        q.addBindValue(trackId);
        if (!storesql::run(q, &error))
            return R::failure(failure(QStringLiteral("track %1").arg(trackId), error));
        if (!q.next())
            return R::failure(QCoreApplication::translate("StoreReader", "The annotation store %1 has no track with id %2.")
                                  .arg(m_fileName).arg(trackId));
        grid.segmentationId = q.value(0).toLongLong();
        q.prepare(QStringLiteral("SELECT source FROM segmentations WHERE id = ?"));
        q.addBindValue(grid.segmentationId);
        if (!storesql::run(q, &error))
            return R::failure(failure(QStringLiteral("segmentations"), error));
        if (q.next())
            grid.source = segmentSourceFromName(q.value(0).toString());
        QVector<Segment> segments;
        q.prepare(QStringLiteral("SELECT id, start_s, end_s FROM segments WHERE segmentation_id = ? ORDER BY ordinal"));
        q.addBindValue(grid.segmentationId);
        if (!storesql::run(q, &error))
            return R::failure(failure(QStringLiteral("segments"), error));
        while (q.next())
            segments.append(Segment{q.value(0).toLongLong(), q.value(1).toDouble(), q.value(2).toDouble()});
        Result<Segmentation> seg = Segmentation::fromSegments(segments, m_fileName);
        if (!seg)
            return R::failure(seg.error());
        grid.segmentation = std::move(seg).value();
    }

    QHash<qint64, int> columnOf;
    for (const StoredTag &t : columns) {
        columnOf.insert(t.id, grid.tags.size());
        grid.tags << t.tag;
        grid.tagIds << t.id;
    }
    const int cells = grid.rows() * grid.columns();
    grid.verdicts.fill(Verdict::Unknown, cells);
    grid.verdictTimes.fill(0, cells);
    grid.probabilities.fill(std::numeric_limits<float>::quiet_NaN(), cells);

    // Labels are looked up by segment id (one primary-key range per row), so
    // segments carried over from an earlier segmentation keep theirs.
    QSqlQuery verdicts(m_db);
    verdicts.setForwardOnly(true);
    // Every curator's verdicts (schema 6): the caller picks the view.
    verdicts.prepare(QStringLiteral("SELECT tag_id, verdict, changed_at, curator FROM verdicts WHERE segment_id = ?"));
    for (int r = 0; r < grid.rows(); ++r) {
        verdicts.bindValue(0, grid.segmentation.at(r).id);
        if (!storesql::run(verdicts, &error))
            return R::failure(failure(QStringLiteral("verdicts"), error));
        while (verdicts.next()) {
            const int c = columnOf.value(verdicts.value(0).toLongLong(), -1);
            const Verdict v = verdictFromInt(verdicts.value(1).toInt());
            if (c < 0 || v == Verdict::Unknown)
                continue;
            (*votes)[grid.cell(r, c)].append(CuratorVerdict{verdicts.value(3).toString(), v, verdicts.value(2).toLongLong()});
        }
    }

    q.prepare(modelVersion.isEmpty()
                  ? QStringLiteral("SELECT m.id, m.version FROM prediction_runs r JOIN model_versions m ON m.id = r.model_version_id"
                                   " WHERE r.track_id = ? ORDER BY r.created_at DESC, r.edit_seq DESC LIMIT 1")
                  : QStringLiteral("SELECT id, version FROM model_versions WHERE version = ?"));
    q.addBindValue(modelVersion.isEmpty() ? QVariant(trackId) : QVariant(modelVersion));
    if (!storesql::run(q, &error))
        return R::failure(failure(QStringLiteral("model versions"), error));
    if (!q.next())
        return grid;   // no predictions yet (or an unknown version): probabilities stay NaN
    const qint64 modelId = q.value(0).toLongLong();
    grid.modelVersion = q.value(1).toString();
    q.finish();
    QSqlQuery predictions(m_db);
    predictions.setForwardOnly(true);
    predictions.prepare(QStringLiteral("SELECT tag_id, probability FROM predictions WHERE segment_id = ? AND model_version_id = ?"));
    for (int r = 0; r < grid.rows(); ++r) {
        predictions.bindValue(0, grid.segmentation.at(r).id);
        predictions.bindValue(1, modelId);
        if (!storesql::run(predictions, &error))
            return R::failure(failure(QStringLiteral("predictions"), error));
        while (predictions.next()) {
            const int c = columnOf.value(predictions.value(0).toLongLong(), -1);
            if (c >= 0)
                grid.probabilities[grid.cell(r, c)] = predictions.value(1).toFloat();
        }
    }
    return grid;
}

Result<QVector<LibraryRow>> StoreReader::library(const LibraryFilter &filter, qint64 filterTagId, int activeTags) const
{
    // Cells of a track's current segmentation, optionally for one tag.
    const QString cells = QStringLiteral("FROM segments s JOIN verdicts v ON v.segment_id = s.id%1"
                                         " WHERE s.segmentation_id = t.current_segmentation_id")
                              .arg(filter.tag.isEmpty() ? QString() : QStringLiteral(" AND v.tag_id = :tag"));
    QString where;
    const bool unknown = filter.verdict && *filter.verdict == Verdict::Unknown;
    if (!filter.tag.isEmpty() && unknown)
        where = QStringLiteral(" WHERE t.segment_count > (SELECT count(DISTINCT s.id) %1)").arg(cells);
    else if (!filter.tag.isEmpty() || (filter.verdict && !unknown))
        where = QStringLiteral(" WHERE EXISTS (SELECT 1 %1%2)")
                    .arg(cells, filter.verdict ? QStringLiteral(" AND v.verdict = :verdict") : QString());
    else if (unknown)
        where = QStringLiteral(" WHERE t.reviewed_cells < t.segment_count * :tags");

    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT t.id, t.path, t.content_hash, t.duration_s, t.segment_count, t.reviewed_cells,"
                             " t.last_edit_at FROM tracks t%1 ORDER BY t.path, t.id").arg(where));
    if (!filter.tag.isEmpty())   // every branch with a tag uses `cells`
        q.bindValue(QStringLiteral(":tag"), filterTagId);
    if (where.contains(QLatin1String(":verdict")))
        q.bindValue(QStringLiteral(":verdict"), static_cast<int>(*filter.verdict));
    if (where.contains(QLatin1String(":tags")))
        q.bindValue(QStringLiteral(":tags"), activeTags);
    QString error;
    if (!storesql::run(q, &error))
        return Result<QVector<LibraryRow>>::failure(failure(QStringLiteral("the library"), error));
    QVector<LibraryRow> rows;
    while (q.next()) {
        LibraryRow row;
        row.trackId = q.value(0).toLongLong();
        row.path = q.value(1).toString();
        row.contentHash = q.value(2).toString();
        row.durationSeconds = q.value(3).toDouble();
        row.segmentCount = q.value(4).toInt();
        row.reviewedCells = q.value(5).toLongLong();
        const qint64 total = qint64(row.segmentCount) * activeTags;
        row.reviewedShare = total > 0 ? double(row.reviewedCells) / double(total) : 0.0;
        row.lastEdit = timeFrom(q.value(6));
        rows << row;
    }
    return rows;
}

Result<QVector<EditLogEntry>> StoreReader::editLog(qint64 trackId, qint64 beforeSeq, int limit) const
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT seq, at, actor, kind, track_id, detail FROM edit_log WHERE seq < ?%1"
                             " ORDER BY seq DESC LIMIT ?")
                  .arg(trackId > 0 ? QStringLiteral(" AND track_id = ?") : QString()));
    q.addBindValue(beforeSeq > 0 ? beforeSeq : std::numeric_limits<qint64>::max());
    if (trackId > 0)
        q.addBindValue(trackId);
    q.addBindValue(limit);
    QString error;
    if (!storesql::run(q, &error))
        return Result<QVector<EditLogEntry>>::failure(failure(QStringLiteral("the edit log"), error));
    QVector<EditLogEntry> entries;
    while (q.next()) {
        EditLogEntry e;
        e.seq = q.value(0).toLongLong();
        e.at = timeFrom(q.value(1));
        e.actor = q.value(2).toString();
        e.kind = q.value(3).toString();
        e.trackId = q.value(4).toLongLong();
        e.detail = q.value(5).toString();
        entries << e;
    }
    return entries;
}

Result<QVector<StoredTag>> StoreReader::tags() const
{
    QVector<StoredTag> tags;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, name, category, position FROM tags ORDER BY position IS NULL, position, id")))
        return Result<QVector<StoredTag>>::failure(
            failure(QCoreApplication::translate("StoreReader", "the tags"), storesql::message(q.lastError())));
    while (q.next())
        tags << StoredTag{q.value(0).toLongLong(), Tag{q.value(1).toString(), q.value(2).toString()},
                          q.value(3).isNull() ? -1 : q.value(3).toInt()};
    if (q.lastError().isValid())
        return Result<QVector<StoredTag>>::failure(
            failure(QCoreApplication::translate("StoreReader", "the tags"), storesql::message(q.lastError())));
    return tags;
}

Result<QSet<qint64>> StoreReader::tagsWithVerdicts() const
{
    QSet<qint64> ids;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT DISTINCT tag_id FROM verdicts")))
        return Result<QSet<qint64>>::failure(
            failure(QCoreApplication::translate("StoreReader", "the tags with verdicts"), storesql::message(q.lastError())));
    while (q.next())
        ids.insert(q.value(0).toLongLong());
    if (q.lastError().isValid())
        return Result<QSet<qint64>>::failure(
            failure(QCoreApplication::translate("StoreReader", "the tags with verdicts"), storesql::message(q.lastError())));
    return ids;
}

Result<QHash<qint64, VerdictRule>> StoreReader::verdictRules() const
{
    using R = Result<QHash<qint64, VerdictRule>>;
    QHash<qint64, VerdictRule> rules;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT tag_id, rule, lead FROM verdict_rules")))
        return R::failure(failure(QCoreApplication::translate("StoreReader", "the verdict rules"), storesql::message(q.lastError())));
    while (q.next()) {
        const Result<VerdictRule> rule = VerdictRule::fromStored(q.value(1).toString(), q.value(2).toString());
        if (!rule)
            return R::failure(failure(QCoreApplication::translate("StoreReader", "the verdict rule of tag %1")
                                          .arg(q.value(0).toLongLong()), rule.error()));
        rules.insert(q.value(0).toLongLong(), rule.value());
    }
    return rules;
}

Result<QVector<StoredVerdict>> StoreReader::currentVerdicts() const
{
    using R = Result<QVector<StoredVerdict>>;
    QVector<StoredVerdict> rows;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT t.id, v.segment_id, v.tag_id, v.curator, v.verdict FROM tracks t"
                               " JOIN segments s ON s.segmentation_id = t.current_segmentation_id"
                               " JOIN verdicts v ON v.segment_id = s.id WHERE v.verdict != 0"
                               " ORDER BY t.id, s.ordinal, v.tag_id, v.curator")))
        return R::failure(failure(QCoreApplication::translate("StoreReader", "the verdicts"), storesql::message(q.lastError())));
    while (q.next())
        rows << StoredVerdict{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong(),
                              q.value(3).toString(), verdictFromInt(q.value(4).toInt())};
    if (q.lastError().isValid())
        return R::failure(failure(QCoreApplication::translate("StoreReader", "the verdicts"), storesql::message(q.lastError())));
    return rows;
}

Result<QHash<QString, qint64>> StoreReader::modelVersionIds() const
{
    QHash<QString, qint64> ids;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT version, id FROM model_versions")))
        return Result<QHash<QString, qint64>>::failure(
            failure(QCoreApplication::translate("StoreReader", "the model versions"), storesql::message(q.lastError())));
    while (q.next())
        ids.insert(q.value(0).toString(), q.value(1).toLongLong());
    return ids;
}

Result<qint64> StoreReader::maxId(const QString &table, const QString &column) const
{
    QString error;
    const QVariant v = storesql::scalar(const_cast<QSqlDatabase &>(m_db),
                                        QStringLiteral("SELECT coalesce(max(%1), 0) FROM %2").arg(column, table), &error);
    if (!v.isValid())
        return Result<qint64>::failure(failure(QCoreApplication::translate("StoreReader", "the highest id of %1").arg(table),
                                               error.isEmpty() ? QCoreApplication::translate("StoreReader", "no answer") : error));
    return v.toLongLong();
}

} // namespace taglane::engine
