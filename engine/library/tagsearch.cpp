// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/tagsearch.h"

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
    SqlWriter(TagSearch::Scope scope, const QHash<QString, qint64> &tagIds) : m_scope(scope), m_tagIds(tagIds) {}

    bool write(const TagQueryNode &n, QString &sql, QString &error, int &errorPosition)
    {
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
            if (tracks)
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
            join += QStringLiteral(" AND (SELECT e.actor FROM edit_log e WHERE e.seq = v.edit_seq) = ?");
            m_values << n.curator;
        }
        sql = QStringLiteral("EXISTS (SELECT 1 %1)").arg(segments.arg(join));
        return true;
    }

    const QVariantList &values() const { return m_values; }

private:
    TagSearch::Scope m_scope;
    const QHash<QString, qint64> &m_tagIds;
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

    SqlWriter writer(options.scope, tagIds);
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
    const QString sql = options.scope == Scope::Tracks
        ? QStringLiteral("SELECT t.id, t.path, 0, 0.0, t.duration_s FROM tracks t LEFT JOIN (%1) m ON m.track_id = t.id"
                         " WHERE %2 ORDER BY t.path, t.id%3")
        : QStringLiteral("SELECT t.id, t.path, s.id, s.start_s, s.end_s FROM tracks t"
                         " JOIN segments s ON s.segmentation_id = t.current_segmentation_id"
                         " LEFT JOIN (%1) m ON m.track_id = t.id WHERE %2 ORDER BY t.path, t.id, s.start_s%3");
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(sql.arg(runs, condition, options.limit > 0 ? QStringLiteral(" LIMIT %1").arg(options.limit) : QString()));
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
        h.trackPath = q.value(1).toString();
        h.segmentId = q.value(2).toLongLong();
        h.start = q.value(3).toDouble();
        h.end = q.value(4).toDouble();
        hits << h;
    }
    return hits;
}

} // namespace taglane::engine
