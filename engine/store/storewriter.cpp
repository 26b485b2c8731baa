// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/storewriter.h"

#include "engine/store/storeconnection.h"
#include "engine/store/storedialect.h"
#include "engine/store/storelocation.h"
#include "engine/store/storeschema.h"
#include "engine/store/storesql_p.h"
#include "engine/store/writequeue.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

// Refreshes the library summary counters of one track (or all with id -1).
QString refreshCounters(const StoreDialect &dialect)
{
    return QStringLiteral(
               "UPDATE tracks SET"
               " segment_count = (SELECT count(*) FROM segments s WHERE s.segmentation_id = tracks.current_segmentation_id),"
               " reviewed_cells = (SELECT count(*) FROM (SELECT DISTINCT v.segment_id, v.tag_id FROM segments s"
               "   JOIN verdicts v ON v.segment_id = s.id JOIN tags t ON t.id = v.tag_id"
               "   WHERE s.segmentation_id = tracks.current_segmentation_id AND t.position IS NOT NULL AND v.verdict != 0)"
               "   AS cells),"
               " last_edit_at = ")
        + dialect.greatest(QStringLiteral("coalesce(last_edit_at, 0)"), QStringLiteral(":at"));
}

// A null QString binds as SQL NULL; the schema wants '' for "none".
QString text(const QString &s)
{
    return s.isNull() ? QString(QLatin1String("")) : s;
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

// Prepared statements of the writer's connection.
struct WriterStatements
{
    explicit WriterStatements(QSqlDatabase &db)
        : log(db), upsertVerdict(db), deleteVerdict(db), upsertPrediction(db), counters(db), allCounters(db), segment(db),
          dropRanks(db), addRanks(db)
    {
        log.prepare(QStringLiteral("INSERT INTO edit_log(seq, at, actor, kind, track_id, detail)"
                                   " VALUES(?, ?, ?, ?, ?, ?)"));
        upsertVerdict.prepare(QStringLiteral(
            "INSERT INTO verdicts(segment_id, tag_id, curator, track_id, verdict, edit_seq, changed_at)"
            " VALUES(?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(segment_id, tag_id, curator) DO UPDATE SET verdict = excluded.verdict,"
            " edit_seq = excluded.edit_seq, changed_at = excluded.changed_at"));
        deleteVerdict.prepare(QStringLiteral("DELETE FROM verdicts WHERE segment_id = ? AND tag_id = ? AND curator = ?"));
        upsertPrediction.prepare(QStringLiteral(
            "INSERT INTO predictions(segment_id, model_version_id, tag_id, probability) VALUES(?, ?, ?, ?)"
            " ON CONFLICT(segment_id, model_version_id, tag_id) DO UPDATE SET probability = excluded.probability"));
        const StoreDialect dialect = StoreDialect::of(db);
        counters.prepare(refreshCounters(dialect) + QStringLiteral(" WHERE id = :id"));
        allCounters.prepare(refreshCounters(dialect));
        segment.prepare(QStringLiteral(
            "INSERT INTO segments(id, segmentation_id, track_id, ordinal, start_s, end_s) VALUES(?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET segmentation_id = excluded.segmentation_id, ordinal = excluded.ordinal,"
            " start_s = excluded.start_s, end_s = excluded.end_s WHERE segments.track_id = excluded.track_id"));
        const QStringList ranks = StoreSchema::refreshTrackTagRanks();
        dropRanks.prepare(ranks.at(0));
        addRanks.prepare(ranks.at(1));
    }
    QSqlQuery log, upsertVerdict, deleteVerdict, upsertPrediction, counters, allCounters, segment, dropRanks, addRanks;
};

StoreWriter::StoreWriter(QString path, std::shared_ptr<WriteQueue> queue, QObject *parent)
    : QThread(parent), m_path(std::move(path)), m_name(StoreLocation::redacted(m_path)), m_queue(std::move(queue))
{
    setObjectName(QStringLiteral("taglane-store-writer"));
}

StoreWriter::~StoreWriter()
{
    m_queue->stop();
    wait();
}

void StoreWriter::run()
{
    StoreConnection connection;
    QString error;
    if (!connection.open(m_path, QStringLiteral("writer"), false, &error)) {
        const QString message = QCoreApplication::translate("StoreWriter", "Cannot write to the annotation store %1: %2")
                                    .arg(m_name, error);
        // Nothing can be saved: settle every edit as failed so no caller waits forever.
        for (;;) {
            const std::vector<StoreOp> ops = m_queue->takeBatch(kMaxBatchRows, 200);
            if (ops.empty() && m_queue->stopping())
                return;
            for (const StoreOp &op : ops)
                fail(op, message);
            if (!ops.empty()) {
                m_queue->markDurable(ops.back().seq);
                Q_EMIT durable(ops.back().seq);
            }
        }
    }
    m_dialect = StoreDialect::of(connection.db());
    // A commit must survive a crash: synchronous=FULL on SQLite; on PostgreSQL a commit waits for its WAL
    // flush (synchronous_commit on, whatever the server's default).
    storesql::exec(connection.db(), m_dialect.isPostgres() ? QStringLiteral("SET synchronous_commit = on")
                                                           : QStringLiteral("PRAGMA synchronous = FULL"), nullptr);
    {
        WriterStatements statements(connection.db());
        m_statements = &statements;
        m_connection = &connection;
        for (;;) {
            const std::vector<StoreOp> ops = m_queue->takeBatch(kMaxBatchRows, 500);
            if (ops.empty()) {
                if (m_queue->stopping())
                    break;
                continue;
            }
            const bool anyCancelled = std::any_of(ops.begin(), ops.end(), [](const StoreOp &op) { return op.cancelled; });
            if (!anyCancelled && applyBatch(ops, &error)) {
                if (m_failing) {
                    m_failing = false;
                    Q_EMIT writesRecovered();
                }
            } else {
                applyUnits(ops);
            }
            m_queue->markDurable(ops.back().seq);
            Q_EMIT durable(ops.back().seq);
        }
        if (!m_dialect.isPostgres())
            storesql::exec(connection.db(), QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"), nullptr);
        m_statements = nullptr;
        m_connection = nullptr;
    }
    connection.close();
}

void StoreWriter::fail(const StoreOp &op, const QString &message)
{
    m_failing = true;
    m_queue->markFailed(op.seq, message);
    Q_EMIT writeFailed(op.seq, message);
}

void StoreWriter::applyUnits(const std::vector<StoreOp> &ops)
{
    QString error;
    for (std::size_t first = 0; first < ops.size();) {
        std::size_t end = first + 1;
        while (ops[first].group != 0 && end < ops.size() && ops[end].group == ops[first].group)
            ++end;
        const std::vector<StoreOp> unit(ops.begin() + std::ptrdiff_t(first), ops.begin() + std::ptrdiff_t(end));
        if (unit.front().cancelled) {
            const QString message = QCoreApplication::translate("StoreWriter", "Edit %1 was not saved to %2: the change it "
                                                                               "belonged to was abandoned.")
                                        .arg(unit.front().seq).arg(m_name);
            for (const StoreOp &op : unit)
                fail(op, message);
        } else if (applyBatch(unit, &error)) {
            if (m_failing) {
                m_failing = false;
                Q_EMIT writesRecovered();
            }
        } else {
            const QString message = unit.size() == 1
                ? QCoreApplication::translate("StoreWriter", "Cannot save edit %1 to %2: %3").arg(unit.front().seq).arg(m_name, error)
                : QCoreApplication::translate("StoreWriter", "Cannot save edits %1-%2 to %3 (nothing of them was saved): %4")
                      .arg(unit.front().seq).arg(unit.back().seq).arg(m_name, error);
            qWarning("%s", qPrintable(message));
            for (const StoreOp &op : unit)
                fail(op, message);
        }
        first = end;
    }
}

bool StoreWriter::applyBatch(const std::vector<StoreOp> &ops, QString *error)
{
    QSqlDatabase &db = m_connection->db();
    m_touchedTracks.clear();
    m_touchedAt.clear();
    m_allTracksTouched = false;
    m_rankedTracks.clear();
    if (!storesql::exec(db, m_dialect.translate(QStringLiteral("BEGIN IMMEDIATE")), error))
        return false;
    bool ok = true;
    for (const StoreOp &op : ops) {
        if (!apply(op, error)) {
            ok = false;
            break;
        }
    }
    if (ok)
        ok = refreshTrackCounters(error) && refreshTagRanks(error);
    if (ok && storesql::exec(db, QStringLiteral("COMMIT"), error))
        return true;
    storesql::exec(db, QStringLiteral("ROLLBACK"), nullptr);
    return false;
}

bool StoreWriter::apply(const StoreOp &op, QString *error)
{
    return std::visit([&](const auto &payload) { return applyOp(payload, op, error); }, op.payload);
}

bool StoreWriter::log(const StoreOp &op, const QString &kind, qint64 trackId, const QString &detail, QString *error)
{
    QSqlQuery &q = m_statements->log;
    q.bindValue(0, op.seq);
    q.bindValue(1, op.atMs);
    q.bindValue(2, text(op.actor));
    q.bindValue(3, text(kind));
    q.bindValue(4, trackId > 0 ? QVariant(trackId) : QVariant(QMetaType::fromType<qint64>()));
    q.bindValue(5, detail);
    if (trackId > 0) {
        m_touchedTracks.insert(trackId);
        m_touchedAt[trackId] = std::max(m_touchedAt.value(trackId), op.atMs);
    }
    return storesql::run(q, error);
}

bool StoreWriter::refreshTrackCounters(QString *error)
{
    if (m_allTracksTouched) {
        QSqlQuery &all = m_statements->allCounters;
        all.bindValue(QStringLiteral(":at"), 0);
        if (!storesql::run(all, error))
            return false;
    }
    QSqlQuery &q = m_statements->counters;
    for (qint64 id : std::as_const(m_touchedTracks)) {
        q.bindValue(QStringLiteral(":at"), m_touchedAt.value(id));
        q.bindValue(QStringLiteral(":id"), id);
        if (!storesql::run(q, error))
            return false;
    }
    return true;
}

bool StoreWriter::refreshTagRanks(QString *error)
{
    QSqlQuery &drop = m_statements->dropRanks;
    QSqlQuery &add = m_statements->addRanks;
    for (qint64 id : std::as_const(m_rankedTracks)) {
        drop.bindValue(0, id);
        add.bindValue(0, id);
        add.bindValue(1, id);
        if (!storesql::run(drop, error) || !storesql::run(add, error))
            return false;
    }
    return true;
}

bool StoreWriter::applyOp(const AddTrackOp &op, const StoreOp &base, QString *error)
{
    const TrackRecord &t = op.track;
    QSqlQuery q(m_connection->db());
    q.prepare(QStringLiteral("INSERT INTO tracks(id, path, content_hash, size_bytes, duration_s, sample_rate, channels, added_at)"
                             " VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(t.id);
    q.addBindValue(text(t.path));
    q.addBindValue(text(t.contentHash));
    q.addBindValue(t.sizeBytes);
    q.addBindValue(t.durationSeconds);
    q.addBindValue(t.sampleRate);
    q.addBindValue(t.channels);
    q.addBindValue(t.added.toMSecsSinceEpoch());
    if (!storesql::run(q, error))
        return false;
    return log(base, QStringLiteral("track"), t.id, compact({{QStringLiteral("path"), t.path}}), error);
}

bool StoreWriter::applyOp(const SaveSegmentationOp &op, const StoreOp &base, QString *error)
{
    QSqlQuery q(m_connection->db());
    q.prepare(QStringLiteral("INSERT INTO segmentations(id, track_id, source, origin, created_at) VALUES(?, ?, ?, ?, ?)"));
    q.addBindValue(op.segmentationId);
    q.addBindValue(op.trackId);
    q.addBindValue(segmentSourceName(op.source));
    q.addBindValue(text(op.origin));
    q.addBindValue(base.atMs);
    if (!storesql::run(q, error))
        return false;
    QSqlQuery &s = m_statements->segment;
    for (int i = 0; i < op.segmentation.size(); ++i) {
        const Segment &seg = op.segmentation.at(i);
        s.bindValue(0, seg.id);
        s.bindValue(1, op.segmentationId);
        s.bindValue(2, op.trackId);
        s.bindValue(3, i);
        s.bindValue(4, seg.start);
        s.bindValue(5, seg.end);
        if (!storesql::run(s, error))
            return false;
    }
    QSqlQuery current(m_connection->db());
    current.prepare(QStringLiteral("UPDATE tracks SET current_segmentation_id = ? WHERE id = ?"));
    current.addBindValue(op.segmentationId);
    current.addBindValue(op.trackId);
    if (!storesql::run(current, error))
        return false;
    m_rankedTracks.insert(op.trackId);   // other segments now: other means
    return log(base, QStringLiteral("segmentation"), op.trackId,
               compact({{QStringLiteral("segmentation"), op.segmentationId},
                        {QStringLiteral("source"), segmentSourceName(op.source)},
                        {QStringLiteral("segments"), op.segmentation.size()}}),
               error);
}

bool StoreWriter::applyOp(const SetVocabularyOp &op, const StoreOp &base, QString *error)
{
    QSqlQuery q(m_connection->db());
    q.prepare(QStringLiteral("INSERT INTO tags(id, name, category, position) VALUES(?, ?, ?, ?)"
                             " ON CONFLICT(id) DO UPDATE SET category = excluded.category, position = excluded.position"));
    for (const StoredTag &t : op.tags) {
        q.bindValue(0, t.id);
        q.bindValue(1, text(t.tag.name));
        q.bindValue(2, text(t.tag.category));
        q.bindValue(3, t.position >= 0 ? QVariant(t.position) : QVariant(QMetaType::fromType<int>()));
        if (!storesql::run(q, error))
            return false;
    }
    m_allTracksTouched = true;   // the share of reviewed cells depends on the active tags
    return log(base, QStringLiteral("vocabulary"), 0, compact({{QStringLiteral("tags"), op.tags.size()}}), error);
}

bool StoreWriter::applyOp(const RegisterModelOp &op, const StoreOp &base, QString *error)
{
    const ModelManifest &m = op.manifest;
    QSqlQuery q(m_connection->db());
    q.prepare(QStringLiteral("INSERT INTO model_versions(id, version, name, architecture, parent_version, created_at, manifest)"
                             " VALUES(?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(op.id);
    q.addBindValue(text(m.version));
    q.addBindValue(text(m.name));
    q.addBindValue(text(m.architecture));
    q.addBindValue(text(m.parentVersion));
    q.addBindValue(m.created.isValid() ? m.created.toMSecsSinceEpoch() : base.atMs);
    q.addBindValue(compact(m.toJson()));
    if (!storesql::run(q, error))
        return false;
    return log(base, QStringLiteral("model"), 0, compact({{QStringLiteral("version"), m.version}}), error);
}

bool StoreWriter::applyOp(const SetVerdictsOp &op, const StoreOp &base, QString *error)
{
    QSqlQuery &up = m_statements->upsertVerdict;
    QSqlQuery &del = m_statements->deleteVerdict;
    QJsonArray cells;
    for (const VerdictEdit &e : op.edits) {
        if (e.verdict == Verdict::Unknown) {
            del.bindValue(0, e.segmentId);
            del.bindValue(1, e.tagId);
            del.bindValue(2, text(op.curator));
            if (!storesql::run(del, error))
                return false;
        } else {
            up.bindValue(0, e.segmentId);
            up.bindValue(1, e.tagId);
            up.bindValue(2, text(op.curator));
            up.bindValue(3, op.trackId);
            up.bindValue(4, static_cast<int>(e.verdict));
            up.bindValue(5, base.seq);
            up.bindValue(6, base.atMs);
            if (!storesql::run(up, error))
                return false;
        }
        if (cells.size() < 64)
            cells.append(QJsonArray{e.segmentId, e.tagId, verdictName(e.verdict)});
    }
    return log(base, QStringLiteral("verdicts"), op.trackId,
               compact({{QStringLiteral("cells"), op.edits.size()}, {QStringLiteral("curator"), op.curator},
                        {QStringLiteral("edits"), cells}}),
               error);
}

bool StoreWriter::applyOp(const SetVerdictRuleOp &op, const StoreOp &base, QString *error)
{
    QSqlQuery q(m_connection->db());
    q.prepare(QStringLiteral("INSERT INTO verdict_rules(tag_id, rule, lead) VALUES(?, ?, ?)"
                             " ON CONFLICT(tag_id) DO UPDATE SET rule = excluded.rule, lead = excluded.lead"));
    q.addBindValue(op.tagId);
    q.addBindValue(op.rule.kindName());
    q.addBindValue(text(op.rule.lead));
    if (!storesql::run(q, error))
        return false;
    return log(base, QStringLiteral("rule"), 0,
               compact({{QStringLiteral("tag"), op.tagId}, {QStringLiteral("rule"), op.rule.toString()}}), error);
}

bool StoreWriter::applyOp(const StorePredictionsOp &op, const StoreOp &base, QString *error)
{
    const PredictionBatch &b = op.batch;
    QSqlQuery &q = m_statements->upsertPrediction;
    const int columns = b.tagIds.size();
    for (int r = 0; r < b.segmentIds.size(); ++r) {
        for (int c = 0; c < columns; ++c) {
            const float p = b.probabilities.at(r * columns + c);
            if (std::isnan(p))
                continue;
            q.bindValue(0, b.segmentIds.at(r));
            q.bindValue(1, op.modelVersionId);
            q.bindValue(2, b.tagIds.at(c));
            q.bindValue(3, static_cast<double>(p));
            if (!storesql::run(q, error))
                return false;
        }
    }
    QSqlQuery run(m_connection->db());
    run.prepare(QStringLiteral("INSERT INTO prediction_runs(track_id, model_version_id, created_at, edit_seq) VALUES(?, ?, ?, ?)"
                               " ON CONFLICT(track_id, model_version_id) DO UPDATE SET created_at = excluded.created_at,"
                               " edit_seq = excluded.edit_seq"));
    run.addBindValue(b.trackId);
    run.addBindValue(op.modelVersionId);
    run.addBindValue(base.atMs);
    run.addBindValue(base.seq);
    if (!storesql::run(run, error))
        return false;
    m_rankedTracks.insert(b.trackId);
    // Cells that other versions scored too: their spread for the review queue.
    QSqlQuery others(m_connection->db());
    others.prepare(QStringLiteral("SELECT 1 FROM prediction_runs WHERE track_id = ? AND model_version_id != ? LIMIT 1"));
    others.addBindValue(b.trackId);
    others.addBindValue(op.modelVersionId);
    if (!storesql::run(others, error))
        return false;
    if (others.next()) {
        others.finish();
        QSqlQuery spread(m_connection->db());
        spread.prepare(m_dialect.translate(QStringLiteral(
            "INSERT OR REPLACE INTO cell_spreads(segment_id, tag_id, spread)"
            " SELECT segment_id, tag_id, max(probability) - min(probability) FROM predictions"
            " WHERE segment_id = ? GROUP BY segment_id, tag_id HAVING count(*) >= 2")));
        for (const qint64 segment : b.segmentIds) {
            spread.bindValue(0, segment);
            if (!storesql::run(spread, error))
                return false;
        }
    }
    return log(base, QStringLiteral("predictions"), b.trackId,
               compact({{QStringLiteral("model"), b.modelVersion},
                        {QStringLiteral("segments"), b.segmentIds.size()},
                        {QStringLiteral("tags"), columns}}),
               error);
}

bool StoreWriter::applyOp(const RelinkTrackOp &op, const StoreOp &base, QString *error)
{
    QSqlQuery q(m_connection->db());
    q.prepare(QStringLiteral("SELECT path FROM tracks WHERE id = ?"));
    q.addBindValue(op.trackId);
    if (!storesql::run(q, error))
        return false;
    const QString oldPath = q.next() ? q.value(0).toString() : QString();
    q.finish();
    QSqlQuery update(m_connection->db());
    update.prepare(QStringLiteral("UPDATE tracks SET path = ? WHERE id = ?"));
    update.addBindValue(text(op.path));
    update.addBindValue(op.trackId);
    if (!storesql::run(update, error))
        return false;
    return log(base, QStringLiteral("relink"), op.trackId,
               compact({{QStringLiteral("from"), oldPath}, {QStringLiteral("path"), op.path}}), error);
}

} // namespace taglane::engine
