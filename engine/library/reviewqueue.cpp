// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/reviewqueue.h"

#include "engine/library/storequery.h"
#include "engine/store/storedialect.h"
#include "engine/store/storelocation.h"
#include "engine/store/storesql_p.h"

#include <QCoreApplication>
#include <QHash>
#include <QSqlQuery>

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <tuple>
#include <vector>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ReviewQueue", text);
}

// Per track, the model version that scores its cells: the one chosen
// (bound as :model), or the one whose run on the track is newest.
const char kChosenRuns[] = "SELECT track_id, model_version_id FROM prediction_runs WHERE model_version_id = :model";
const char kNewestRuns[] =
    "SELECT r.track_id, r.model_version_id FROM prediction_runs r WHERE NOT EXISTS (SELECT 1 FROM prediction_runs n"
    " WHERE n.track_id = r.track_id AND (n.created_at > r.created_at"
    " OR (n.created_at = r.created_at AND n.edit_seq > r.edit_seq)))";

// Uncurated cells of the current segmentations with the scoring version's probability.
const char kScoredCells[] =
    "SELECT t.id AS track_id, t.path AS path, s.id AS segment_id, s.start_s AS start_s, s.end_s AS end_s,"
    " p.tag_id AS tag_id, g.name AS tag, g.position AS position, m.version AS version, p.probability AS probability,"
    " abs(p.probability - 0.5) AS distance"
    " FROM (%1) runs JOIN tracks t ON t.id = runs.track_id"
    " JOIN segments s ON s.segmentation_id = t.current_segmentation_id"
    " JOIN predictions p ON p.segment_id = s.id AND p.model_version_id = runs.model_version_id"
    " JOIN tags g ON g.id = p.tag_id AND g.position IS NOT NULL"
    " JOIN model_versions m ON m.id = p.model_version_id"
    " WHERE NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.segment_id = s.id AND v.tag_id = p.tag_id)";

// The most uncertain cells first, read in order from the partial index of
// schema 4 (predictions with |p - 0.5| < 0.05): exact whenever the band
// holds as many uncurated cells as asked for. %1: the condition on the
// scoring version. Ties in |p - 0.5| come in key order, as in kSortedCells.
const char kBandCells[] =
    "SELECT t.id, t.path, s.id, s.start_s, s.end_s, p.tag_id, g.name, g.position, m.version, p.probability,"
    " abs(p.probability - 0.5)"
    " FROM predictions p INDEXED BY predictions_uncertain"
    " JOIN segments s ON s.id = p.segment_id"
    " JOIN tracks t ON t.id = s.track_id AND t.current_segmentation_id = s.segmentation_id"
    " JOIN tags g ON g.id = p.tag_id AND g.position IS NOT NULL"
    " JOIN model_versions m ON m.id = p.model_version_id"
    " WHERE abs(p.probability - 0.5) < 0.05 AND %1"
    " AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.segment_id = s.id AND v.tag_id = p.tag_id)"
    " ORDER BY abs(p.probability - 0.5) LIMIT :limit";
const char kSortedCells[] =
    "%1 ORDER BY distance, p.segment_id, p.model_version_id, p.tag_id LIMIT :limit";
const char kChosenVersion[] = "p.model_version_id = :model";
const char kNewestVersion[] =
    "p.model_version_id = (SELECT r.model_version_id FROM prediction_runs r WHERE r.track_id = t.id"
    " ORDER BY r.created_at DESC, r.edit_seq DESC LIMIT 1)";

ReviewCell cellFrom(const QSqlQuery &q)
{
    ReviewCell c;
    c.trackId = q.value(0).toLongLong();
    c.trackPath = q.value(1).toString();
    c.segmentId = q.value(2).toLongLong();
    c.start = q.value(3).toDouble();
    c.end = q.value(4).toDouble();
    c.tagId = q.value(5).toLongLong();
    c.tag = q.value(6).toString();
    return c;
}

} // namespace

Result<ReviewQueue::Strategy> ReviewQueue::parseStrategy(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("uncertainty"))
        return Strategy::Uncertainty;
    if (n == QLatin1String("disagreement"))
        return Strategy::Disagreement;
    if (n == QLatin1String("diverse"))
        return Strategy::Diverse;
    return Result<Strategy>::failure(
        tr("Unknown review strategy \"%1\": use uncertainty, disagreement or diverse.").arg(name));
}

QString ReviewQueue::strategyName(Strategy strategy)
{
    switch (strategy) {
    case Strategy::Disagreement: return QStringLiteral("disagreement");
    case Strategy::Diverse: return QStringLiteral("diverse");
    case Strategy::Uncertainty: break;
    }
    return QStringLiteral("uncertainty");
}

Result<QVector<ReviewCell>> ReviewQueue::build(const QString &storePath, const Options &options)
{
    using R = Result<QVector<ReviewCell>>;
    auto connection = StoreQuery::open(storePath);
    if (!connection)
        return R::failure(connection.error());
    QSqlDatabase &db = connection.value()->db();
    const auto readFailure = [&](const QString &error) {
        return R::failure(tr("Cannot read the review queue from the annotation store %1: %2").arg(StoreLocation::redacted(storePath), error));
    };
    QString error;
    const int limit = std::max(0, options.limit);

    const Result<qint64> chosen = StoreQuery::modelVersionId(db, options.modelVersion, StoreLocation::redacted(storePath));
    if (!chosen)
        return R::failure(chosen.error());
    const qint64 modelId = chosen.value();
    const QString runs = QString::fromLatin1(modelId > 0 ? kChosenRuns : kNewestRuns);
    QVector<ReviewCell> cells;
    if (limit == 0)
        return cells;

    if (options.strategy == Strategy::Disagreement) {
        // Cells that two or more versions scored, largest spread first: from
        // the writer's cell_spreads in order (schema 4), else grouped here
        // over the tracks that two or more versions tagged. Ties come in
        // descending key order either way.
        const QString chosen = modelId > 0 ? QStringLiteral(" AND EXISTS (SELECT 1 FROM predictions o WHERE o.segment_id = s.id"
                                                            " AND o.model_version_id = :model AND o.tag_id = g.id)")
                                           : QString();
        const QString kept = QStringLiteral(
            "SELECT t.id, t.path, s.id, s.start_s, s.end_s, c.tag_id, g.name, c.spread"
            " FROM cell_spreads c INDEXED BY cell_spreads_by_spread"
            " JOIN segments s ON s.id = c.segment_id"
            " JOIN tracks t ON t.id = s.track_id AND t.current_segmentation_id = s.segmentation_id"
            " JOIN tags g ON g.id = c.tag_id AND g.position IS NOT NULL"
            " WHERE NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.segment_id = s.id AND v.tag_id = c.tag_id)%1"
            " ORDER BY c.spread DESC, c.segment_id DESC, c.tag_id DESC LIMIT :limit").arg(chosen);
        const QString grouped = QStringLiteral(
            "SELECT t.id, t.path, s.id, s.start_s, s.end_s, p.tag_id, g.name,"
            " max(p.probability) - min(p.probability) AS spread"
            " FROM (SELECT track_id FROM prediction_runs GROUP BY track_id HAVING count(*) >= 2) multi"
            " JOIN tracks t ON t.id = multi.track_id"
            " JOIN segments s ON s.segmentation_id = t.current_segmentation_id"
            " JOIN predictions p ON p.segment_id = s.id"
            " JOIN tags g ON g.id = p.tag_id AND g.position IS NOT NULL"
            " WHERE NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.segment_id = s.id AND v.tag_id = p.tag_id)%1"
            " GROUP BY s.id, p.tag_id HAVING count(*) >= 2"
            " ORDER BY spread DESC, s.id DESC, p.tag_id DESC LIMIT :limit").arg(chosen);
        const auto readSpreads = [&](const QString &sql) {
            cells.clear();
            QSqlQuery q(db);
            q.setForwardOnly(true);
            if (!q.prepare(StoreDialect::of(db).translate(sql))) {
                error = storesql::message(q.lastError());
                return false;
            }
            if (modelId > 0)
                q.bindValue(QStringLiteral(":model"), modelId);
            q.bindValue(QStringLiteral(":limit"), limit);
            if (!storesql::run(q, &error))
                return false;
            while (q.next()) {
                ReviewCell c = cellFrom(q);
                c.score = q.value(7).toDouble();
                cells << c;
            }
            return true;
        };
        if (!readSpreads(kept) && !readSpreads(grouped))
            return readFailure(error);
        QSqlQuery each(db);
        each.setForwardOnly(true);
        each.prepare(QStringLiteral("SELECT m.version, p.probability, m.id FROM predictions p"
                                    " JOIN model_versions m ON m.id = p.model_version_id"
                                    " WHERE p.segment_id = ? AND p.tag_id = ? ORDER BY m.id"));
        for (ReviewCell &c : cells) {
            each.bindValue(0, c.segmentId);
            each.bindValue(1, c.tagId);
            if (!storesql::run(each, &error))
                return readFailure(error);
            double sum = 0.0;
            while (each.next()) {
                sum += each.value(1).toDouble();
                c.byModel.append({each.value(0).toString(), each.value(1).toFloat()});
                if (each.value(2).toLongLong() == modelId) {
                    c.modelVersion = each.value(0).toString();
                    c.probability = each.value(1).toFloat();
                }
            }
            if (modelId == 0 && !c.byModel.isEmpty())
                c.probability = float(sum / c.byModel.size());   // the versions' mean
        }
        return cells;
    }

    // Uncertainty: the `limit` most uncertain cells. Diverse: a pool of the
    // 10 x limit most uncertain, mixed below.
    const qint64 wanted = options.strategy == Strategy::Uncertainty ? qint64(limit) : qint64(limit) * 10;
    const auto readCells = [&](const QString &sql, QVector<ReviewCell> &into) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.prepare(StoreDialect::of(db).translate(sql))) {
            error = storesql::message(q.lastError());
            return false;
        }
        q.bindValue(QStringLiteral(":limit"), wanted);
        if (modelId > 0)
            q.bindValue(QStringLiteral(":model"), modelId);
        if (!storesql::run(q, &error))
            return false;
        while (q.next()) {
            ReviewCell c = cellFrom(q);
            c.modelVersion = q.value(8).toString();
            c.probability = q.value(9).toFloat();
            c.score = 0.5 - q.value(10).toDouble();
            into << c;
        }
        return true;
    };
    QVector<ReviewCell> pool;
    const QString version = QString::fromLatin1(modelId > 0 ? kChosenVersion : kNewestVersion);
    // A store without the index (older than schema 4) takes the full sort.
    if (!readCells(QString::fromLatin1(kBandCells).arg(version), pool) || pool.size() < wanted) {
        pool.clear();
        if (!readCells(QString::fromLatin1(kSortedCells).arg(QString::fromLatin1(kScoredCells).arg(runs)), pool))
            return readFailure(error);
    }
    if (options.strategy == Strategy::Uncertainty)
        return pool;

    // Greedy picks: fewest picks of the cell's track plus its tag so far,
    // then the most uncertain, then the pool's order. A cell's key only
    // grows as others are picked, so a heap with keys refreshed when they
    // surface gives the same picks as scanning the pool for each one.
    using Key = std::tuple<int, double, int>;
    QHash<qint64, int> trackPicks, tagPicks;
    const auto keyOf = [&](int i) {
        const ReviewCell &c = pool.at(i);
        return Key{trackPicks.value(c.trackId) + tagPicks.value(c.tagId), -c.score, i};
    };
    std::priority_queue<Key, std::vector<Key>, std::greater<Key>> heap;
    for (int i = 0; i < pool.size(); ++i)
        heap.push(keyOf(i));
    while (cells.size() < limit && !heap.empty()) {
        const Key top = heap.top();
        heap.pop();
        const Key now = keyOf(std::get<2>(top));
        if (now != top) {
            heap.push(now);   // picks since it was pushed made it less attractive
            continue;
        }
        const ReviewCell &c = pool.at(std::get<2>(top));
        ++trackPicks[c.trackId];
        ++tagPicks[c.tagId];
        cells << c;
    }
    return cells;
}

} // namespace taglane::engine
