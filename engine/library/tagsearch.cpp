// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/tagsearch.h"

#include "engine/store/storedialect.h"

#include "engine/library/storequery.h"
#include "engine/store/storelocation.h"
#include "engine/store/storesql_p.h"

#include <QCoreApplication>
#include <QHash>
#include <QSqlQuery>
#include <QVariantList>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TagSearch", text);
}

/// Turns the query into an SQL condition over `s` (a segment) or `t` (a
/// track) and `m` (the scoring model run), with values to bind in order.
class SqlWriter
{
public:
    /// `ranked`: the store keeps each track's mean probabilities (schema 5).
    SqlWriter(TagSearch::Scope scope, const QHash<QString, qint64> &tagIds, bool ranked = false)
        : m_scope(scope), m_tagIds(tagIds), m_ranked(ranked)
    {
    }

    bool write(const TagQueryNode &n, QString &sql, QString &error, int &errorPosition)
    {
        if (&n == m_met) {
            sql = QStringLiteral("true");
            return true;
        }
        switch (n.kind) {
        case TagQueryNode::Kind::And:
        case TagQueryNode::Kind::Or: {
            QStringList parts;
            for (const TagQueryNode &c : n.children) {
                QString part;
                if (!write(c, part, error, errorPosition))
                    return false;
                parts << part;
            }
            sql = QStringLiteral("(%1)").arg(parts.join(n.kind == TagQueryNode::Kind::And ? QStringLiteral(" AND ")
                                                                                           : QStringLiteral(" OR ")));
            return true;
        }
        case TagQueryNode::Kind::Not: {
            QString inner;
            if (!write(n.children.front(), inner, error, errorPosition))
                return false;
            sql = QStringLiteral("(NOT %1)").arg(inner);
            return true;
        }
        case TagQueryNode::Kind::Probability:
        case TagQueryNode::Kind::Curated:
        case TagQueryNode::Kind::Curator:
            break;
        }
        qint64 tagId = 0;
        if (!n.tag.isEmpty()) {
            tagId = m_tagIds.value(n.tag);
            if (tagId == 0) {
                errorPosition = n.position;
                error = tr("Unknown tag \"%1\" at position %2 (no tag of the store has that name).").arg(n.tag).arg(n.position + 1);
                return false;
            }
        }
        const bool tracks = m_scope == TagSearch::Scope::Tracks;
        // The segments a cell condition looks at: this one, or the track's.
        // (A segment's own cells are looked up by key, without a join.)
        const QString segments = tracks ? QStringLiteral("FROM segments x %1 WHERE x.segmentation_id = t.current_segmentation_id")
                                        : QStringLiteral("FROM %1");
        if (n.kind == TagQueryNode::Kind::Probability) {
            static const char *const kOps[] = {"<", "<=", ">", ">=", "=", "!="};
            const QString op = QLatin1String(kOps[int(n.compare)]);
            const QString join = tracks ? QStringLiteral("JOIN predictions p ON p.segment_id = x.id"
                                                         " AND p.model_version_id = m.model_version_id AND p.tag_id = ?")
                                        : QStringLiteral("predictions p WHERE p.segment_id = s.id"
                                                         " AND p.model_version_id = m.model_version_id AND p.tag_id = ?");
            m_values << tagId;
            if (tracks && m_ranked)
                sql = QStringLiteral("coalesce((SELECT g.mean FROM track_tag_ranks g WHERE g.track_id = t.id"
                                     " AND g.model_version_id = m.model_version_id AND g.tag_id = ?) %1 ?, false)").arg(op);
            else if (tracks)
                sql = QStringLiteral("coalesce((SELECT avg(p.probability) %1) %2 ?, false)").arg(segments.arg(join), op);
            else
                sql = QStringLiteral("EXISTS (SELECT 1 %1 AND p.probability %2 ?)").arg(segments.arg(join), op);
            m_values << n.value;
            return true;
        }
        QString join = tracks ? QStringLiteral("JOIN verdicts v ON v.segment_id = x.id")
                              : QStringLiteral("verdicts v WHERE v.segment_id = s.id");
        if (tagId != 0) {
            join += QStringLiteral(" AND v.tag_id = ?");
            m_values << tagId;
        }
        if (n.kind == TagQueryNode::Kind::Curated) {
            if (n.verdict) {
                join += QStringLiteral(" AND v.verdict = ?");
                m_values << int(*n.verdict);
            } else {
                join += QStringLiteral(" AND v.verdict != 0");
            }
        } else {
            // The verdict's curator (schema 6), or the actor its edit was logged under (an imported file's curator).
            join += QStringLiteral(" AND (v.curator = ? OR (SELECT e.actor FROM edit_log e WHERE e.seq = v.edit_seq) = ?)");
            m_values << n.curator << n.curator;
        }
        sql = QStringLiteral("EXISTS (SELECT 1 %1)").arg(segments.arg(join));
        return true;
    }

    const QVariantList &values() const { return m_values; }

    /// Segments only: the cells that `n` needs, read from the index of
    /// likely cells (schema 5) as (segment_id, model_version_id) rows. Gives
    /// the node that every candidate meets: `n` itself when it is a
    /// `TAG >= x`, `TAG > x` or `TAG = x` with x >= 0.5 or an `or` of only
    /// such terms, or the first such child of an `and`; null when `n` has
    /// none (then nothing is written).
    const TagQueryNode *writeCandidates(const TagQueryNode &n, QString &sql)
    {
        const int mark = int(m_values.size());
        const auto undo = [&]() {
            while (m_values.size() > mark)
                m_values.removeLast();
            return nullptr;
        };
        switch (n.kind) {
        case TagQueryNode::Kind::Probability: {
            const bool upward = n.compare == TagQueryNode::Compare::Greater
                || n.compare == TagQueryNode::Compare::GreaterOrEqual || n.compare == TagQueryNode::Compare::Equal;
            const qint64 tagId = m_tagIds.value(n.tag);
            if (!upward || !(n.value >= kLikely) || tagId == 0)
                return nullptr;
            static const char *const kOps[] = {"<", "<=", ">", ">=", "=", "!="};
            // The last term repeats the partial index's condition word for word.
            sql = QStringLiteral("SELECT p.segment_id, p.model_version_id FROM predictions p WHERE p.tag_id = ?"
                                 " AND p.probability %1 ? AND p.probability >= 0.5")
                      .arg(QLatin1String(kOps[int(n.compare)]));
            m_values << tagId << n.value;
            return &n;
        }
        case TagQueryNode::Kind::Or: {
            QStringList parts;
            for (const TagQueryNode &c : n.children) {
                QString part;
                if (writeCandidates(c, part) != &c)   // each alternative must be met whole
                    return undo();
                parts << part;
            }
            sql = parts.join(QStringLiteral(" UNION "));
            return &n;
        }
        case TagQueryNode::Kind::And:
            for (const TagQueryNode &c : n.children) {
                if (writeCandidates(c, sql) == &c)
                    return &c;
                undo();
            }
            return nullptr;
        case TagQueryNode::Kind::Not:
        case TagQueryNode::Kind::Curated:
        case TagQueryNode::Kind::Curator:
            break;
        }
        return nullptr;
    }

    /// A node that write() takes as true (the candidates meet it already).
    void setMet(const TagQueryNode *n) { m_met = n; }

    static constexpr double kLikely = 0.5;   ///< the partial index's lower bound (schema 5)

private:
    TagSearch::Scope m_scope;
    const QHash<QString, qint64> &m_tagIds;
    bool m_ranked = false;
    const TagQueryNode *m_met = nullptr;
    QVariantList m_values;
};

} // namespace

Result<QVector<SearchHit>> TagSearch::run(const QString &storePath, const TagQuery &query, const Options &options,
                                          int *errorPosition)
{
    using R = Result<QVector<SearchHit>>;
    auto connection = StoreQuery::open(storePath);
    if (!connection)
        return R::failure(connection.error());
    QSqlDatabase &db = connection.value()->db();
    const auto readFailure = [&](const QString &error) {
        return R::failure(tr("Cannot search the annotation store %1: %2").arg(StoreLocation::redacted(storePath), error));
    };
    QString error;

    QHash<QString, qint64> tagIds;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT name, id FROM tags")))
            return readFailure(storesql::message(q.lastError()));
        while (q.next())
            tagIds.insert(q.value(0).toString(), q.value(1).toLongLong());
    }
    const Result<qint64> chosen = StoreQuery::modelVersionId(db, options.modelVersion, StoreLocation::redacted(storePath));
    if (!chosen)
        return R::failure(chosen.error());
    const qint64 modelId = chosen.value();

    // What schema 5 adds (a store read before its upgrade has neither).
    bool ranked = false, likelyIndex = false;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(StoreDialect::of(db).existingObjects({QStringLiteral("track_tag_ranks"), QStringLiteral("predictions_likely")})))
            return readFailure(storesql::message(q.lastError()));
        while (q.next()) {
            ranked = ranked || q.value(0).toString() == QLatin1String("track_tag_ranks");
            likelyIndex = likelyIndex || q.value(0).toString() == QLatin1String("predictions_likely");
        }
    }

    // On segments, a query that needs some likely cell reads just those
    // cells from their index and checks the rest of it on them; any other
    // probes every current segment of the library.
    SqlWriter candidates(options.scope, tagIds);
    QString candidateSql;
    const TagQueryNode *met = options.scope == Scope::Segments && likelyIndex
        ? candidates.writeCandidates(query.root(), candidateSql)
        : nullptr;
    if (met && options.limit > 0) {
        // The first N in path order: probing segments in that order stops
        // after about N x segments / candidates of them, while the index
        // gives every candidate to be sorted. Probe when that is cheaper.
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT (SELECT count(*) FROM (%1) AS candidates), (SELECT coalesce(sum(segment_count), 0) FROM tracks)")
                      .arg(candidateSql));
        for (const QVariant &v : candidates.values())
            q.addBindValue(v);
        if (!storesql::run(q, &error))
            return readFailure(error);
        const double found = q.next() ? q.value(0).toDouble() : 0.0;
        const double segmentCount = q.value(1).toDouble();
        q.finish();
        if (found > 0.0 && options.limit * segmentCount / found < 4.0 * found)
            met = nullptr;
    }
    SqlWriter writer(options.scope, tagIds, ranked);
    writer.setMet(met);
    QString condition;
    int position = 0;
    if (!writer.write(query.root(), condition, error, position)) {
        if (errorPosition)
            *errorPosition = position;
        return R::failure(error);
    }
    const QString runs = modelId > 0
        ? QStringLiteral("SELECT track_id, model_version_id FROM prediction_runs WHERE model_version_id = ?")
        : QStringLiteral("SELECT r.track_id, r.model_version_id FROM prediction_runs r WHERE NOT EXISTS"
                         " (SELECT 1 FROM prediction_runs n WHERE n.track_id = r.track_id AND (n.created_at > r.created_at"
                         " OR (n.created_at = r.created_at AND n.edit_seq > r.edit_seq)))");
    // (SQLite's CROSS JOIN keeps it from finding each track's scoring run once per segment.)
    QString sql;
    if (options.scope == Scope::Tracks)
        sql = QStringLiteral("SELECT t.id, t.path, 0, 0.0, t.duration_s FROM tracks t LEFT JOIN (%1) m ON m.track_id = t.id"
                             " WHERE %2 ORDER BY t.path, t.id").arg(runs, condition);
    else if (met)
        sql = QStringLiteral("SELECT t.id, t.path, s.id, s.start_s, s.end_s FROM (%1) c"
                             " JOIN segments s ON s.id = c.segment_id"
                             " JOIN tracks t ON t.id = s.track_id AND t.current_segmentation_id = s.segmentation_id"
                             " JOIN (%2) m ON m.track_id = t.id AND m.model_version_id = c.model_version_id"
                             " WHERE %3 ORDER BY t.path, t.id, s.start_s").arg(candidateSql, runs, condition);
    else
        sql = QStringLiteral("SELECT t.id, t.path, s.id, s.start_s, s.end_s FROM tracks t LEFT JOIN (%1) m ON m.track_id = t.id"
                             " %3 segments s ON s.segmentation_id = t.current_segmentation_id"
                             " WHERE %2 ORDER BY t.path, t.id, s.start_s")
                  .arg(runs, condition,
                       // SQLite's CROSS JOIN fixes the join order; PostgreSQL allows no ON after it.
                       StoreDialect::of(db).isPostgres() ? QStringLiteral("JOIN") : QStringLiteral("CROSS JOIN"));
    if (options.limit > 0)
        sql += QStringLiteral(" LIMIT %1").arg(options.limit);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(sql);
    if (met) {
        for (const QVariant &v : candidates.values())
            q.addBindValue(v);
    }
    if (modelId > 0)
        q.addBindValue(modelId);
    for (const QVariant &v : writer.values())
        q.addBindValue(v);
    if (!storesql::run(q, &error))
        return readFailure(error);
    QVector<SearchHit> hits;
    while (q.next()) {
        SearchHit h;
        h.trackId = q.value(0).toLongLong();
        // Hits come by track: the segments of one share its path's text.
        h.trackPath = !hits.isEmpty() && hits.constLast().trackId == h.trackId ? hits.constLast().trackPath
                                                                               : q.value(1).toString();
        h.segmentId = q.value(2).toLongLong();
        h.start = q.value(3).toDouble();
        h.end = q.value(4).toDouble();
        hits << h;
    }
    return hits;
}

} // namespace taglane::engine
