// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/storeschema.h"

#include "engine/store/storedialect.h"
#include "engine/store/storesql_p.h"
#include "engine/store/verdictrule.h"

#include <QCoreApplication>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StoreSchema", text);
}

// Version 1: the first layout. Never edit these statements; add a migration.
const char *const kVersion1[] = {
    "CREATE TABLE store_info(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "INSERT INTO store_info(key, value) VALUES('application', 'taglane')",
    "CREATE TABLE tracks(id INTEGER PRIMARY KEY, path TEXT NOT NULL, content_hash TEXT NOT NULL,"
    " size_bytes INTEGER NOT NULL DEFAULT 0, duration_s REAL NOT NULL DEFAULT 0,"
    " sample_rate INTEGER NOT NULL DEFAULT 0, channels INTEGER NOT NULL DEFAULT 0,"
    " added_at INTEGER NOT NULL, current_segmentation_id INTEGER)",
    "CREATE INDEX tracks_by_path ON tracks(path)",
    "CREATE INDEX tracks_by_hash ON tracks(content_hash)",
    "CREATE TABLE segmentations(id INTEGER PRIMARY KEY, track_id INTEGER NOT NULL REFERENCES tracks(id),"
    " source TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL)",
    "CREATE INDEX segmentations_by_track ON segmentations(track_id)",
    "CREATE TABLE segments(id INTEGER PRIMARY KEY, segmentation_id INTEGER NOT NULL REFERENCES segmentations(id),"
    " track_id INTEGER NOT NULL REFERENCES tracks(id), ordinal INTEGER NOT NULL,"
    " start_s REAL NOT NULL, end_s REAL NOT NULL)",
    "CREATE INDEX segments_by_segmentation ON segments(segmentation_id, ordinal)",
    "CREATE TABLE tags(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, category TEXT NOT NULL,"
    " position INTEGER)",
    "CREATE TABLE model_versions(id INTEGER PRIMARY KEY, version TEXT NOT NULL UNIQUE, name TEXT NOT NULL DEFAULT '',"
    " architecture TEXT NOT NULL DEFAULT '', parent_version TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL DEFAULT 0, manifest TEXT NOT NULL DEFAULT '{}')",
    "CREATE TABLE verdicts(segment_id INTEGER NOT NULL REFERENCES segments(id),"
    " tag_id INTEGER NOT NULL REFERENCES tags(id), track_id INTEGER NOT NULL,"
    " verdict INTEGER NOT NULL, edit_seq INTEGER NOT NULL, changed_at INTEGER NOT NULL,"
    " PRIMARY KEY(segment_id, tag_id)) WITHOUT ROWID",
    "CREATE TABLE predictions(segment_id INTEGER NOT NULL REFERENCES segments(id),"
    " model_version_id INTEGER NOT NULL REFERENCES model_versions(id),"
    " tag_id INTEGER NOT NULL REFERENCES tags(id), probability REAL NOT NULL,"
    " PRIMARY KEY(segment_id, model_version_id, tag_id)) WITHOUT ROWID",
    "CREATE TABLE edit_log(seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL,"
    " kind TEXT NOT NULL, track_id INTEGER, detail TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX edit_log_by_track ON edit_log(track_id, seq)",
};

// Version 2: library summary counters kept per track (so the library view
// does not aggregate a million verdicts) and prediction runs (which model
// versions tagged a track, and when).
const char *const kVersion2[] = {
    "ALTER TABLE tracks ADD COLUMN segment_count INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE tracks ADD COLUMN reviewed_cells INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE tracks ADD COLUMN last_edit_at INTEGER",
    "CREATE TABLE prediction_runs(track_id INTEGER NOT NULL REFERENCES tracks(id),"
    " model_version_id INTEGER NOT NULL REFERENCES model_versions(id),"
    " created_at INTEGER NOT NULL, edit_seq INTEGER NOT NULL,"
    " PRIMARY KEY(track_id, model_version_id)) WITHOUT ROWID",
    "INSERT INTO prediction_runs(track_id, model_version_id, created_at, edit_seq)"
    " SELECT DISTINCT s.track_id, p.model_version_id, 0, 0 FROM predictions p"
    " JOIN segments s ON s.id = p.segment_id",
    "UPDATE tracks SET"
    " segment_count = (SELECT count(*) FROM segments s WHERE s.segmentation_id = tracks.current_segmentation_id),"
    " reviewed_cells = (SELECT count(*) FROM segments s JOIN verdicts v ON v.segment_id = s.id"
    "   JOIN tags t ON t.id = v.tag_id"
    "   WHERE s.segmentation_id = tracks.current_segmentation_id AND t.position IS NOT NULL AND v.verdict != 0),"
    " last_edit_at = (SELECT max(e.at) FROM edit_log e WHERE e.track_id = tracks.id)",
};

// Tags that hold verdicts or predictions but have no position become
// active, after the active ones in id order; then the counters of reviewed
// cells (which count active tags only) are recounted.
const char *const kRepair[] = {
    "CREATE TEMP TABLE promoted_tags AS SELECT id FROM tags WHERE position IS NULL"
    " AND (EXISTS (SELECT 1 FROM verdicts v WHERE v.tag_id = tags.id)"
    "   OR EXISTS (SELECT 1 FROM predictions p WHERE p.tag_id = tags.id))",
    "CREATE TEMP TABLE promoted_base AS SELECT coalesce(max(position), -1) + 1 AS first FROM tags"
    " WHERE position IS NOT NULL",
    "UPDATE tags SET position = (SELECT first FROM promoted_base)"
    " + (SELECT count(*) FROM promoted_tags p WHERE p.id < tags.id)"
    " WHERE id IN (SELECT id FROM promoted_tags)",
    "DROP TABLE promoted_tags",
    "DROP TABLE promoted_base",
    "UPDATE tracks SET"
    " segment_count = (SELECT count(*) FROM segments s WHERE s.segmentation_id = tracks.current_segmentation_id),"
    " reviewed_cells = (SELECT count(*) FROM segments s JOIN verdicts v ON v.segment_id = s.id"
    "   JOIN tags t ON t.id = v.tag_id"
    "   WHERE s.segmentation_id = tracks.current_segmentation_id AND t.position IS NOT NULL AND v.verdict != 0)",
};

// Version 3: no label outside the vocabulary (see kRepair), verdicts by tag.
const char *const kVersion3[] = {
    "CREATE INDEX verdicts_by_tag ON verdicts(tag_id)",
};

// Version 4: the review queue reads the most uncertain predictions first
// (|p - 0.5| ascending) from this index instead of sorting every
// prediction. Partial, so it holds only the cells near 0.5 (a few per cent
// of them, about one byte per predicted cell in all); ReviewQueue falls back
// to a full sort when the band holds too few uncurated cells.
//
// And the spread (max - min) of the probabilities that two or more model
// versions gave one cell, kept by the writer as predictions arrive, indexed
// so that the disagreement queue reads the largest first.
const char *const kVersion4[] = {
    "CREATE INDEX IF NOT EXISTS predictions_uncertain ON predictions(abs(probability - 0.5))"
    " WHERE abs(probability - 0.5) < 0.05",
    "CREATE TABLE IF NOT EXISTS cell_spreads(segment_id INTEGER NOT NULL, tag_id INTEGER NOT NULL,"
    " spread REAL NOT NULL, PRIMARY KEY(segment_id, tag_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS cell_spreads_by_spread ON cell_spreads(spread)",
};

// Recomputes every spread from the predictions (after schema 4 and a rescue).
const char *const kSpreads[] = {
    "INSERT OR REPLACE INTO cell_spreads(segment_id, tag_id, spread)"
    " SELECT segment_id, tag_id, max(probability) - min(probability) FROM predictions"
    " GROUP BY segment_id, tag_id HAVING count(*) >= 2",
};

// Version 5: the tags of each track ranked by their mean probability over
// the track's current segments, per model version that tagged it, kept by
// the writer as predictions and segmentations arrive (StoreSchema::
// refreshTrackTagRanks), so that the library view reads the top N tags of
// 10,000 tracks without averaging 20 million predictions (and a search on
// whole tracks reads the means). About 25 bytes per (track, version, tag):
// well under one byte per predicted cell.
//
// And the likely cells (p >= 0.5) by tag, so that a search for `TAG >= x`
// (x >= 0.5) reads that tag's likely cells instead of probing every segment
// of the library. Partial: tags are mostly absent, so it holds a minority of
// the cells (about 5 bytes per predicted cell when a quarter of them are
// likely). By tag and then segment, not by probability: new segments have
// the highest ids, so a track's cells go at the end of each tag's range
// (ordered by probability they went all over the index, and writing
// predictions ran six times slower). TagSearch names the partial index's
// condition in its query, which is what lets SQLite use it.
const char *const kVersion5[] = {
    "CREATE INDEX IF NOT EXISTS predictions_likely ON predictions(tag_id, segment_id, probability)"
    " WHERE probability >= 0.5",
    "CREATE TABLE IF NOT EXISTS track_tag_ranks(track_id INTEGER NOT NULL, model_version_id INTEGER NOT NULL,"
    " rank INTEGER NOT NULL, tag_id INTEGER NOT NULL, mean REAL NOT NULL,"
    " PRIMARY KEY(track_id, model_version_id, rank)) WITHOUT ROWID",
};

// Ranks every track's tags again from the predictions (after schema 5 and a rescue).
const char *const kTagRanks[] = {
    "DELETE FROM track_tag_ranks",
    "INSERT INTO track_tag_ranks(track_id, model_version_id, rank, tag_id, mean)"
    " SELECT track_id, model_version_id,"
    "  row_number() OVER (PARTITION BY track_id, model_version_id ORDER BY mean DESC, tag_id) - 1, tag_id, mean"
    " FROM (SELECT t.id AS track_id, p.model_version_id, p.tag_id, avg(p.probability) AS mean FROM tracks t"
    "  JOIN segments s ON s.segmentation_id = t.current_segmentation_id JOIN predictions p ON p.segment_id = s.id"
    "  GROUP BY t.id, p.model_version_id, p.tag_id) AS means",
};

// Version 6: curators per verdict. Each verdict carries its curator; two
// curators judging the same cell keep two rows (the key becomes (segment,
// tag, curator)). The verdicts of an older store are given to the curator
// who opens it for writing first (the :curator placeholder, bound by
// upgrade(): the store's curator, by default the login name); a row copied
// in without one (a rescue from an older store) gets 'unknown'. And the
// per-tag rule that decides a cell several curators judged (VerdictRule; a
// tag without a row uses the majority).
const char *const kVersion6[] = {
    "CREATE TABLE verdicts_v6(segment_id INTEGER NOT NULL REFERENCES segments(id),"
    " tag_id INTEGER NOT NULL REFERENCES tags(id), curator TEXT NOT NULL DEFAULT 'unknown', track_id INTEGER NOT NULL,"
    " verdict INTEGER NOT NULL, edit_seq INTEGER NOT NULL, changed_at INTEGER NOT NULL,"
    " PRIMARY KEY(segment_id, tag_id, curator)) WITHOUT ROWID",
    "INSERT INTO verdicts_v6(segment_id, tag_id, curator, track_id, verdict, edit_seq, changed_at)"
    " SELECT segment_id, tag_id, CAST(:curator AS TEXT), track_id, verdict, edit_seq, changed_at FROM verdicts",
    "DROP TABLE verdicts",
    "ALTER TABLE verdicts_v6 RENAME TO verdicts",
    "CREATE INDEX IF NOT EXISTS verdicts_by_tag ON verdicts(tag_id)",
    "CREATE TABLE IF NOT EXISTS verdict_rules(tag_id INTEGER NOT NULL REFERENCES tags(id), rule TEXT NOT NULL,"
    " lead TEXT NOT NULL DEFAULT '', PRIMARY KEY(tag_id)) WITHOUT ROWID",
};

// Reviewed cells count each judged cell once, however many curators judged
// it (schema 6; after kRepair, which counts rows).
const char *const kReviewedCells[] = {
    "UPDATE tracks SET"
    " reviewed_cells = (SELECT count(*) FROM (SELECT DISTINCT v.segment_id, v.tag_id FROM segments s"
    "   JOIN verdicts v ON v.segment_id = s.id JOIN tags t ON t.id = v.tag_id"
    "   WHERE s.segmentation_id = tracks.current_segmentation_id AND t.position IS NOT NULL AND v.verdict != 0) AS cells)",
};

template <std::size_t N>
QStringList toList(const char *const (&statements)[N])
{
    QStringList list;
    for (const char *s : statements)
        list << QString::fromLatin1(s);
    return list;
}

} // namespace

QStringList StoreSchema::migration(int toVersion)
{
    switch (toVersion) {
    case 1: return toList(kVersion1);
    case 2: return toList(kVersion2);
    case 3: return toList(kVersion3) + toList(kRepair);
    case 4: return toList(kVersion4) + toList(kSpreads);
    case 5: return toList(kVersion5) + toList(kTagRanks);
    case 6: return toList(kVersion6);
    default: return {};
    }
}

QStringList StoreSchema::repairStatements()
{
    return toList(kRepair) + toList(kReviewedCells) + toList(kSpreads) + toList(kTagRanks);
}

QStringList StoreSchema::refreshTrackTagRanks()
{
    return {QStringLiteral("DELETE FROM track_tag_ranks WHERE track_id = ?"),
            QStringLiteral("INSERT INTO track_tag_ranks(track_id, model_version_id, rank, tag_id, mean)"
                           " SELECT CAST(? AS INTEGER), model_version_id,"
                           "  row_number() OVER (PARTITION BY model_version_id ORDER BY mean DESC, tag_id) - 1, tag_id, mean"
                           " FROM (SELECT p.model_version_id, p.tag_id, avg(p.probability) AS mean FROM tracks t"
                           "  JOIN segments s ON s.segmentation_id = t.current_segmentation_id"
                           "  JOIN predictions p ON p.segment_id = s.id WHERE t.id = ?"
                           "  GROUP BY p.model_version_id, p.tag_id) AS means")};
}

namespace {

// PostgreSQL keeps the schema version in store_info (it has no user_version).
const char kPgVersionKey[] = "schema_version";
// The advisory lock (pg_advisory_xact_lock) that serialises schema creation
// and migration between processes opening one PostgreSQL store at once.
constexpr qint64 kPgMigrationLock = 0x7461676c616e6531;   // "taglane1"

Result<int> pgVersionOf(QSqlDatabase &db, const QString &fileName)
{
    QString error;
    const QVariant tables = storesql::scalar(db, QStringLiteral("SELECT count(*) FROM information_schema.tables"
                                                                " WHERE table_schema = current_schema()"), &error);
    if (!tables.isValid())
        return Result<int>::failure(tr("Cannot read the annotation store %1: %2").arg(fileName, error));
    const QVariant info = storesql::scalar(db, QStringLiteral("SELECT count(*) FROM information_schema.tables"
                                                              " WHERE table_schema = current_schema() AND table_name = 'store_info'"), &error);
    if (!info.isValid())
        return Result<int>::failure(tr("Cannot read the annotation store %1: %2").arg(fileName, error));
    if (info.toInt() == 0) {
        if (tables.toInt() > 0)
            return Result<int>::failure(tr("%1 is a PostgreSQL database but not a Taglane annotation store (it holds "
                                           "other tables). Give an empty database.").arg(fileName));
        return 0;
    }
    const QVariant app = storesql::scalar(db, QStringLiteral("SELECT value FROM store_info WHERE key = 'application'"), &error);
    if (app.toString() != QLatin1String("taglane"))
        return Result<int>::failure(tr("%1 is a PostgreSQL database but not a Taglane annotation store.").arg(fileName));
    const QVariant version = storesql::scalar(
        db, QStringLiteral("SELECT value FROM store_info WHERE key = '%1'").arg(QLatin1String(kPgVersionKey)), &error);
    bool ok = false;
    const int v = version.toString().toInt(&ok);
    if (!ok || v <= 0)
        return Result<int>::failure(tr("The annotation store %1 has no valid schema version (store_info.%2): %3")
                                        .arg(fileName, QLatin1String(kPgVersionKey), error.isEmpty() ? version.toString() : error));
    return v;
}

// One migration statement; a statement naming :curator gets the curator
// bound (schema 6 gives an older store's verdicts to that curator).
bool runMigrationStatement(QSqlDatabase &db, const QString &statement, const QString &curator, QString *error)
{
    if (!statement.contains(QLatin1String(":curator")))
        return storesql::exec(db, statement, error);
    QSqlQuery q(db);
    if (!q.prepare(statement)) {
        *error = storesql::message(q.lastError());
        return false;
    }
    q.bindValue(QStringLiteral(":curator"), curator.isEmpty() ? loginCurator() : curator);
    return storesql::run(q, error);
}

} // namespace

Result<int> StoreSchema::versionOf(QSqlDatabase &db, const QString &fileName)
{
    if (StoreDialect::of(db).isPostgres())
        return pgVersionOf(db, fileName);
    QString error;
    const QVariant version = storesql::scalar(db, QStringLiteral("PRAGMA user_version"), &error);
    if (!version.isValid())
        return Result<int>::failure(tr("Cannot read the annotation store %1: %2").arg(fileName, error));
    const QVariant tables = storesql::scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master"), &error);
    if (!tables.isValid())
        return Result<int>::failure(tr("Cannot read the annotation store %1: %2").arg(fileName, error));
    if (version.toInt() == 0 && tables.toInt() > 0) {
        return Result<int>::failure(tr("%1 is an SQLite database but not a Taglane annotation store.").arg(fileName));
    }
    if (version.toInt() > 0) {
        const QVariant app = storesql::scalar(db, QStringLiteral("SELECT value FROM store_info WHERE key = 'application'"));
        if (app.toString() != QLatin1String("taglane"))
            return Result<int>::failure(tr("%1 is an SQLite database but not a Taglane annotation store.").arg(fileName));
    }
    return version.toInt();
}

Result<int> StoreSchema::upgrade(QSqlDatabase &db, const QString &fileName, const QString &curator)
{
    const StoreDialect dialect = StoreDialect::of(db);
    Result<int> found = versionOf(db, fileName);
    if (!found)
        return found;
    if (found.value() > kCurrentVersion) {
        return Result<int>::failure(
            tr("%1 was written by a newer version of Taglane (store schema %2; this program knows up to %3). "
               "It was left unchanged; open it with a newer Taglane.")
                .arg(fileName).arg(found.value()).arg(kCurrentVersion));
    }
    if (found.value() == kCurrentVersion)
        return found;

    QString error;
    if (!storesql::exec(db, dialect.translate(QStringLiteral("BEGIN IMMEDIATE")), &error))
        return Result<int>::failure(tr("Cannot upgrade the annotation store %1: %2").arg(fileName, error));
    if (dialect.isPostgres()) {
        // Another process may be creating or migrating the same database: wait for it, then look again.
        if (!storesql::exec(db, QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kPgMigrationLock), &error)) {
            storesql::exec(db, QStringLiteral("ROLLBACK"), nullptr);
            return Result<int>::failure(tr("Cannot upgrade the annotation store %1: %2").arg(fileName, error));
        }
        found = versionOf(db, fileName);
        if (!found || found.value() >= kCurrentVersion) {
            storesql::exec(db, QStringLiteral("ROLLBACK"), nullptr);
            return found;
        }
    }
    const int from = found.value();
    for (int v = from + 1; v <= kCurrentVersion; ++v) {
        for (const QString &statement : migration(v)) {
            if (!runMigrationStatement(db, dialect.translate(statement), curator, &error)) {
                storesql::exec(db, QStringLiteral("ROLLBACK"), nullptr);
                return Result<int>::failure(tr("Cannot upgrade the annotation store %1 to schema %2: %3. "
                                               "The store was left unchanged.")
                                                .arg(fileName).arg(v).arg(error));
            }
        }
    }
    const QStringList setVersion = dialect.isPostgres()
        ? QStringList{QStringLiteral("DELETE FROM store_info WHERE key = '%1'").arg(QLatin1String(kPgVersionKey)),
                      QStringLiteral("INSERT INTO store_info(key, value) VALUES('%1', '%2')")
                          .arg(QLatin1String(kPgVersionKey)).arg(kCurrentVersion)}
        : QStringList{QStringLiteral("PRAGMA user_version = %1").arg(kCurrentVersion)};
    bool ok = true;
    for (const QString &statement : setVersion)
        ok = ok && storesql::exec(db, statement, &error);
    if (!ok || !storesql::exec(db, QStringLiteral("COMMIT"), &error)) {
        storesql::exec(db, QStringLiteral("ROLLBACK"), nullptr);
        return Result<int>::failure(tr("Cannot upgrade the annotation store %1: %2. The store was left unchanged.")
                                        .arg(fileName, error));
    }
    return from;
}

} // namespace taglane::engine
