// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/annotationstore.h"
#include "engine/store/storeschema.h"
#include "engine/store/contenthash.h"

#include "librarystore.h"
#include "rawdb.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QtEndian>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace taglane::engine;

namespace {

using taglane::tests::RawDb;

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

Vocabulary threeTags()
{
    return Vocabulary({Tag{QStringLiteral("Emotion-Happy"), QStringLiteral("Emotion")},
                       Tag{QStringLiteral("Genre-Rock"), QStringLiteral("Genre")},
                       Tag{QStringLiteral("Instrument_-_Piano"), QStringLiteral("Instrument")}});
}

TrackRecord makeTrack(const QString &name, double duration)
{
    TrackRecord t;
    t.path = QStringLiteral("/music/") + name;
    t.contentHash = QString::fromLatin1(QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha1).toHex());
    t.durationSeconds = duration;
    return t;
}

} // namespace

class TestAnnotationStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createsSchemaInWalMode()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("store-schema")) + QStringLiteral("/store.db");
        {
            AnnotationStore store;
            const auto report = store.open(path);
            QVERIFY2(report.ok(), qPrintable(report.error()));
            QVERIFY(report->created);
            QCOMPARE(report->schemaVersionFound, 0);
            QVERIFY(report->schemaVersion >= 2);
            QVERIFY(!store.isReadOnly());
        }
        RawDb raw(path);
        QVERIFY(raw.ok());
        QVERIFY(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt() >= 2);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        for (const char *table : {"tracks", "segmentations", "segments", "tags", "verdicts", "predictions",
                                  "model_versions", "edit_log", "prediction_runs"}) {
            QVERIFY2(raw.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%1'")
                                    .arg(QLatin1String(table))).toInt() == 1, table);
        }
    }

    void migratesFromVersion1()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("store-v1")) + QStringLiteral("/store.db");
        {
            // A store as the first release wrote it, made by hand.
            RawDb raw(path);
            const QStringList v1{
                "CREATE TABLE store_info(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
                "INSERT INTO store_info VALUES('application', 'taglane')",
                "CREATE TABLE tracks(id INTEGER PRIMARY KEY, path TEXT NOT NULL, content_hash TEXT NOT NULL,"
                " size_bytes INTEGER NOT NULL DEFAULT 0, duration_s REAL NOT NULL DEFAULT 0, sample_rate INTEGER NOT NULL DEFAULT 0,"
                " channels INTEGER NOT NULL DEFAULT 0, added_at INTEGER NOT NULL, current_segmentation_id INTEGER)",
                "CREATE TABLE segmentations(id INTEGER PRIMARY KEY, track_id INTEGER NOT NULL, source TEXT NOT NULL,"
                " origin TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL)",
                "CREATE TABLE segments(id INTEGER PRIMARY KEY, segmentation_id INTEGER NOT NULL, track_id INTEGER NOT NULL,"
                " ordinal INTEGER NOT NULL, start_s REAL NOT NULL, end_s REAL NOT NULL)",
                "CREATE TABLE tags(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, category TEXT NOT NULL, position INTEGER)",
                "CREATE TABLE model_versions(id INTEGER PRIMARY KEY, version TEXT NOT NULL UNIQUE, name TEXT NOT NULL DEFAULT '',"
                " architecture TEXT NOT NULL DEFAULT '', parent_version TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL DEFAULT 0,"
                " manifest TEXT NOT NULL DEFAULT '{}')",
                "CREATE TABLE verdicts(segment_id INTEGER NOT NULL, tag_id INTEGER NOT NULL, track_id INTEGER NOT NULL,"
                " verdict INTEGER NOT NULL, edit_seq INTEGER NOT NULL, changed_at INTEGER NOT NULL,"
                " PRIMARY KEY(segment_id, tag_id)) WITHOUT ROWID",
                "CREATE TABLE predictions(segment_id INTEGER NOT NULL, model_version_id INTEGER NOT NULL, tag_id INTEGER NOT NULL,"
                " probability REAL NOT NULL, PRIMARY KEY(segment_id, model_version_id, tag_id)) WITHOUT ROWID",
                "CREATE TABLE edit_log(seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL,"
                " track_id INTEGER, detail TEXT NOT NULL DEFAULT '')",
                "INSERT INTO tracks VALUES(1, '/music/a.flac', 'aaaa', 10, 20.0, 44100, 2, 1000, 7)",
                "INSERT INTO segmentations VALUES(7, 1, 'fixed', '', 1000)",
                "INSERT INTO segments VALUES(11, 7, 1, 0, 0.0, 10.0)",
                "INSERT INTO segments VALUES(12, 7, 1, 1, 10.0, 20.0)",
                "INSERT INTO tags VALUES(1, 'Emotion-Happy', 'Emotion', 0)",
                "INSERT INTO tags VALUES(2, 'Genre-Rock', 'Genre', 1)",
                "INSERT INTO model_versions(id, version) VALUES(1, 'm1')",
                "INSERT INTO predictions VALUES(11, 1, 2, 0.25)",
                "INSERT INTO verdicts VALUES(11, 1, 1, 1, 5, 1700000000000)",
                "INSERT INTO verdicts VALUES(11, 2, 1, 2, 5, 1700000000000)",
                "INSERT INTO verdicts VALUES(12, 2, 1, 1, 6, 1700000001000)",
                "INSERT INTO edit_log VALUES(5, 1700000000000, 'curator', 'verdicts', 1, '{}')",
                "INSERT INTO edit_log VALUES(6, 1700000001000, 'curator', 'verdicts', 1, '{}')",
                "PRAGMA user_version = 1",
            };
            for (const QString &sql : v1)
                QVERIFY(raw.exec(sql));
        }
        AnnotationStore store;
        const auto report = store.open(path);
        QVERIFY2(report.ok(), qPrintable(report.error()));
        QCOMPARE(report->schemaVersionFound, 1);
        QVERIFY(report->schemaVersion >= 2);
        QVERIFY(!report->created);
        QVERIFY(!report->messages.isEmpty());
        QCOMPARE(store.vocabulary().size(), 2);
        QCOMPARE(store.lastEditSeq(), 6);

        const auto rows = store.librarySummary();
        QVERIFY(rows.ok());
        QCOMPARE(rows->size(), 1);
        QCOMPARE(rows->at(0).segmentCount, 2);
        QCOMPARE(rows->at(0).reviewedCells, 3);
        QCOMPARE(rows->at(0).reviewedShare, 0.75);
        QCOMPARE(rows->at(0).lastEdit.toMSecsSinceEpoch(), 1700000001000);

        const auto grid = store.labelGrid(1);
        QVERIFY2(grid.ok(), qPrintable(grid.error()));
        QCOMPARE(grid->rows(), 2);
        QCOMPARE(grid->verdict(0, 0), Verdict::Present);
        QCOMPARE(grid->verdict(0, 1), Verdict::Absent);
        QCOMPARE(grid->verdict(1, 0), Verdict::Unknown);
        QCOMPARE(grid->verdict(1, 1), Verdict::Present);
        QCOMPARE(grid->modelVersion, QStringLiteral("m1"));   // from the migrated prediction runs
        QCOMPARE(grid->probability(0, 1), 0.25f);
        QVERIFY(!grid->hasProbability(1, 1));

        // New edits continue the old numbering.
        const qint64 seq = store.setVerdict(1, 12, 1, Verdict::Absent);
        QCOMPARE(seq, 7);
        QVERIFY(store.waitForDurable(seq));
    }

    void migratesFromVersion4()
    {
        // A store as schema 4 left it: no ranked tags per track, no index of likely cells.
        const QString path = taglane::tests::tempDir(QStringLiteral("store-v4")) + QStringLiteral("/store.db");
        taglane::tests::LibraryStore lib;
        lib.tags = QStringList{QStringLiteral("piano"), QStringLiteral("strings"), QStringLiteral("drums")};
        {
            AnnotationStore store;
            QVERIFY(store.open(path).ok());
            QVERIFY(taglane::tests::addLibraryTracks(store, lib, 3, 4));
            QRandomGenerator rng(5);
            QVERIFY(taglane::tests::tagLibrary(store, lib, QStringLiteral("v1"), {0, 1, 2},
                                               [&](int, int, int) { return float(rng.generateDouble()); }));
            QVERIFY(taglane::tests::tagLibrary(store, lib, QStringLiteral("v2"), {1},
                                               [&](int, int, int) { return float(rng.generateDouble()); }));
            QVERIFY(store.waitForSaved(0, store.lastEditSeq()));
        }
        {
            RawDb raw(path);
            QVERIFY(raw.exec(QStringLiteral("DROP TABLE track_tag_ranks")));
            QVERIFY(raw.exec(QStringLiteral("DROP INDEX predictions_likely")));
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 4")));
        }
        {
            AnnotationStore store;
            const auto report = store.open(path);
            QVERIFY2(report.ok(), qPrintable(report.error()));
            QCOMPARE(report->schemaVersionFound, 4);
            QCOMPARE(report->schemaVersion, StoreSchema::kCurrentVersion);   // 4 -> 5 -> 6 (curators)
        }
        RawDb raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), StoreSchema::kCurrentVersion);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                                           " AND name = 'predictions_likely'")).toInt(), 1);
        // Every (track, version) gets its tags ranked by the mean over the track's segments.
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM track_tag_ranks")).toInt(), (3 + 1) * 3);
        for (const QString &version : {QStringLiteral("v1"), QStringLiteral("v2")}) {
            for (int t = 0; t < 3; ++t) {
                if (version == QLatin1String("v2") && t != 1)
                    continue;
                QVector<QPair<double, int>> means;
                for (int g = 0; g < 3; ++g) {
                    double sum = 0.0;
                    for (int s = 0; s < 4; ++s)
                        sum += lib.probabilities[version].value({t, s, g});
                    means.append({sum / 4.0, g});
                }
                std::sort(means.begin(), means.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
                for (int rank = 0; rank < 3; ++rank) {
                    const QString where = QStringLiteral(" FROM track_tag_ranks r JOIN model_versions m ON m.id = r.model_version_id"
                                                         " WHERE r.track_id = %1 AND m.version = '%2' AND r.rank = %3")
                                              .arg(lib.trackIds.at(t)).arg(version).arg(rank);
                    QCOMPARE(raw.scalar(QStringLiteral("SELECT t.name FROM tags t WHERE t.id = (SELECT r.tag_id%1)").arg(where))
                                 .toString(),
                             lib.tags.at(means.at(rank).second));
                    QVERIFY(std::abs(raw.scalar(QStringLiteral("SELECT r.mean") + where).toDouble() - means.at(rank).first) < 1e-6);
                }
            }
        }
    }

    void refusesNewerSchema()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("store-newer")) + QStringLiteral("/store.db");
        {
            RawDb raw(path);
            QVERIFY(raw.exec(QStringLiteral("CREATE TABLE store_info(key TEXT PRIMARY KEY, value TEXT NOT NULL)")));
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO store_info VALUES('application', 'taglane')")));
            QVERIFY(raw.exec(QStringLiteral("CREATE TABLE future_things(x)")));
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 99")));
        }
        const QByteArray before = fileBytes(path);
        for (auto mode : {AnnotationStore::OpenMode::ReadWrite, AnnotationStore::OpenMode::ReadOnly}) {
            AnnotationStore store;
            const auto report = store.open(path, mode);
            QVERIFY(!report.ok());
            QVERIFY2(report.error().contains(QLatin1String("newer")), qPrintable(report.error()));
            QVERIFY(report.error().contains(path));
            QVERIFY(!store.isOpen());
        }
        QCOMPARE(fileBytes(path), before);
        QVERIFY(!QFileInfo::exists(path + QStringLiteral("-wal")) || QFileInfo(path + QStringLiteral("-wal")).size() == 0);
    }

    void refusesForeignDatabase()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("store-foreign")) + QStringLiteral("/other.db");
        {
            RawDb raw(path);
            QVERIFY(raw.exec(QStringLiteral("CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL)")));
        }
        const QByteArray before = fileBytes(path);
        AnnotationStore store;
        const auto report = store.open(path);
        QVERIFY(!report.ok());
        QVERIFY2(report.error().contains(QLatin1String("not a Taglane")), qPrintable(report.error()));
        QCOMPARE(fileBytes(path), before);
    }

    void postgresqlUriIsNeverAFile()
    {
        // A PostgreSQL URI names a database, not a file: opening one whose
        // server is unreachable fails with a connection message, and no
        // SQLite file (or folder) of that name appears.
        const QString dir = taglane::tests::tempDir(QStringLiteral("store-pguri"));
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir));
        for (const QString &uri : {QStringLiteral("postgresql://u:secret@127.0.0.1:1/db"), QStringLiteral("postgres://127.0.0.1:1/db"),
                                   QStringLiteral("postgresql://u@h/a/b")}) {
            AnnotationStore store;
            const auto report = store.open(uri);
            QVERIFY(!report.ok());
            QVERIFY2(report.error().contains(QLatin1String("Cannot connect")) || report.error().contains(QLatin1String("database name")),
                     qPrintable(report.error()));
            QVERIFY2(!report.error().contains(QLatin1String("secret")), qPrintable(report.error()));
            QVERIFY(!store.isOpen());
        }
        QVERIFY(QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
        QVERIFY(QDir::setCurrent(before));
    }

    void crudAndVerdictRoundTrip()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("store-crud")) + QStringLiteral("/store.db");
        qint64 trackId = 0;
        QVector<qint64> segIds;
        QVector<qint64> tags;
        {
            AnnotationStore store;
            QVERIFY(store.open(path).ok());
            store.setVocabulary(threeTags());
            tags = store.tagIds(threeTags().names());
            QCOMPARE(tags.size(), 3);
            QVERIFY(tags[0] > 0 && tags[1] > 0 && tags[2] > 0 && tags[0] != tags[1]);

            const auto track = store.addTrack(makeTrack(QStringLiteral("a.flac"), 30.0));
            QVERIFY(track.ok());
            trackId = track->id;
            QVERIFY(trackId > 0);
            // Adding the same file again gives the same track, even before it is committed.
            QCOMPARE(store.addTrack(makeTrack(QStringLiteral("a.flac"), 30.0))->id, trackId);
            QCOMPARE(store.findTrackByPath(QStringLiteral("/music/a.flac"))->id, trackId);

            const auto seg = store.saveSegmentation(trackId, Segmentation::fixedWindows(30.0, 10.0), SegmentSource::Fixed);
            QVERIFY2(seg.ok(), qPrintable(seg.error()));
            QCOMPARE(seg->size(), 3);
            for (const Segment &s : seg->segments())
                segIds << s.id;
            QVERIFY(store.waitForDurable(store.lastEditSeq()));

            const qint64 seq = store.setVerdicts(trackId, {{segIds[0], tags[0], Verdict::Present},
                                                           {segIds[1], tags[1], Verdict::Absent},
                                                           {segIds[2], tags[2], Verdict::Present}});
            QVERIFY(seq > 0);
            // Queued verdicts show in the grid whether or not they are committed yet.
            auto grid = store.labelGrid(trackId);
            QVERIFY2(grid.ok(), qPrintable(grid.error()));
            QCOMPARE(grid->rows(), 3);
            QCOMPARE(grid->verdict(0, 0), Verdict::Present);
            QCOMPARE(grid->verdict(1, 1), Verdict::Absent);
            QVERIFY(store.waitForDurable(seq));
            QVERIFY(store.durableSeq() >= seq);
            // Clearing a cell.
            QVERIFY(store.waitForDurable(store.setVerdict(trackId, segIds[2], tags[2], Verdict::Unknown)));
        }
        AnnotationStore store;
        const auto report = store.open(path);
        QVERIFY(report.ok());
        QVERIFY(!report->created);
        QCOMPARE(store.vocabulary().names(), threeTags().names());
        QCOMPARE(store.vocabulary().at(2).category, QStringLiteral("Instrument"));
        QCOMPARE(store.tagId(QStringLiteral("Genre-Rock")), tags[1]);
        const auto t = store.track(trackId);
        QVERIFY(t.has_value());
        QCOMPARE(t->durationSeconds, 30.0);
        QCOMPARE(store.findTracksByHash(t->contentHash).size(), 1);
        const auto grid = store.labelGrid(trackId);
        QVERIFY(grid.ok());
        QCOMPARE(grid->rows(), 3);
        QCOMPARE(grid->columns(), 3);
        QCOMPARE(grid->segmentation.at(1).id, segIds[1]);
        QCOMPARE(grid->segmentation.at(1).start, 10.0);
        int present = 0, absent = 0;
        for (Verdict v : grid->verdicts) {
            present += v == Verdict::Present;
            absent += v == Verdict::Absent;
        }
        QCOMPARE(present, 1);
        QCOMPARE(absent, 1);
        QCOMPARE(grid->verdict(0, 0), Verdict::Present);
        QCOMPARE(grid->verdict(1, 1), Verdict::Absent);
        QCOMPARE(grid->verdict(2, 2), Verdict::Unknown);
        QVERIFY(grid->verdictTimes[grid->cell(0, 0)] > 0);
        QCOMPARE(grid->verdictTimes[grid->cell(2, 2)], 0);

        // A new segmentation keeping one id carries that segment's verdicts.
        QVector<Segment> split{{segIds[0], 0.0, 5.0}, {0, 5.0, 10.0}, {segIds[1], 10.0, 30.0}};
        const auto resplit = store.saveSegmentation(trackId, Segmentation::fromSegments(split).value(), SegmentSource::Curator, {}, true);
        QVERIFY(resplit.ok());
        QCOMPARE(resplit->at(0).id, segIds[0]);
        QVERIFY(resplit->at(1).id > segIds[2]);
        // Read at once, committed or not: the new segmentation with the carried verdict.
        const auto early = store.labelGrid(trackId);
        QVERIFY(early.ok());
        QCOMPARE(early->rows(), 3);
        QCOMPARE(early->segmentation.at(1).start, 5.0);
        QCOMPARE(early->verdict(0, 0), Verdict::Present);
        QCOMPARE(early->verdict(2, 1), Verdict::Absent);
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        const auto grid2 = store.labelGrid(trackId);
        QCOMPARE(grid2->rows(), 3);
        QCOMPARE(grid2->segmentation.at(0).end, 5.0);
        QCOMPARE(grid2->verdict(0, 0), Verdict::Present);
        QCOMPARE(grid2->verdict(1, 0), Verdict::Unknown);
        QCOMPARE(grid2->verdict(2, 1), Verdict::Absent);
    }

    void predictionsPerModelVersion()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("store-pred")) + QStringLiteral("/store.db");
        AnnotationStore store;
        QVERIFY(store.open(path).ok());
        store.setVocabulary(threeTags());
        const qint64 track = store.addTrack(makeTrack(QStringLiteral("p.wav"), 20.0))->id;
        const auto seg = store.saveSegmentation(track, Segmentation::fixedWindows(20.0, 10.0), SegmentSource::Fixed);
        ModelManifest m1, m2;
        m1.version = QStringLiteral("v1");
        m2.version = QStringLiteral("v2");
        m2.parentVersion = QStringLiteral("v1");
        QVERIFY(store.registerModelVersion(m1).ok());
        QVERIFY(store.registerModelVersion(m2).ok());
        QCOMPARE(store.registerModelVersion(m1).value(), store.registerModelVersion(m1).value());
        ModelManifest unknown;
        unknown.version = QStringLiteral("nope");
        // A model tag outside the vocabulary becomes a tag of the store: the last grid column.
        const QVector<qint64> ids = store.tagIds({QStringLiteral("Genre-Rock"), QStringLiteral("Extra-Tag")}, true);
        QVERIFY(ids[1] > 0);
        PredictionBatch b;
        b.trackId = track;
        b.modelVersion = QStringLiteral("v1");
        b.segmentIds = {seg->at(0).id, seg->at(1).id};
        b.tagIds = ids;
        b.probabilities = {0.5f, 0.9f, 0.125f, std::nanf("")};
        QVERIFY(store.storePredictions(b).ok());
        b.modelVersion = QStringLiteral("v2");
        b.probabilities = {0.75f, 0.1f, 0.0625f, 0.2f};
        QVERIFY(store.storePredictions(b).ok());
        b.modelVersion = QStringLiteral("nope");
        QVERIFY(!store.storePredictions(b).ok());
        b.modelVersion = QStringLiteral("v1");
        b.probabilities.removeLast();
        QVERIFY(!store.storePredictions(b).ok());
        QVERIFY(store.waitForDurable(store.lastEditSeq()));

        const auto latest = store.labelGrid(track);
        QVERIFY(latest.ok());
        QCOMPARE(latest->columns(), 4);
        QCOMPARE(latest->tags.at(3).name, QStringLiteral("Extra-Tag"));
        QCOMPARE(latest->modelVersion, QStringLiteral("v2"));
        QCOMPARE(latest->probability(0, 1), 0.75f);
        QCOMPARE(latest->probability(1, 1), 0.0625f);
        QCOMPARE(latest->probability(0, 3), 0.1f);
        QCOMPARE(latest->probability(1, 3), 0.2f);
        QVERIFY(!latest->hasProbability(0, 0));
        const auto first = store.labelGrid(track, QStringLiteral("v1"));
        QCOMPARE(first->modelVersion, QStringLiteral("v1"));
        QCOMPARE(first->probability(0, 1), 0.5f);
        QCOMPARE(first->probability(1, 1), 0.125f);
        QVERIFY(store.modelVersions().contains(QStringLiteral("v2")));
    }

    void librarySummaryAndFilters()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("store-library")) + QStringLiteral("/store.db");
        AnnotationStore store;
        QVERIFY(store.open(path).ok());
        store.setVocabulary(threeTags());
        const QVector<qint64> tg = store.tagIds(threeTags().names());
        // Track A: 4 segments, 6 verdicts. B: 2 segments, every cell reviewed. C: 1 segment, none.
        const qint64 a = store.addTrack(makeTrack(QStringLiteral("a.wav"), 40.0))->id;
        const qint64 b = store.addTrack(makeTrack(QStringLiteral("b.wav"), 20.0))->id;
        const qint64 c = store.addTrack(makeTrack(QStringLiteral("c.wav"), 5.0))->id;
        const auto sa = store.saveSegmentation(a, Segmentation::fixedWindows(40.0, 10.0), SegmentSource::Fixed).value();
        const auto sb = store.saveSegmentation(b, Segmentation::fixedWindows(20.0, 10.0), SegmentSource::Fixed).value();
        store.saveSegmentation(c, Segmentation::fixedWindows(5.0, 10.0), SegmentSource::Fixed);
        store.setVerdicts(a, {{sa.at(0).id, tg[0], Verdict::Present}, {sa.at(1).id, tg[0], Verdict::Present},
                              {sa.at(2).id, tg[0], Verdict::Absent}, {sa.at(3).id, tg[0], Verdict::Absent},
                              {sa.at(0).id, tg[1], Verdict::Absent}, {sa.at(1).id, tg[1], Verdict::Absent}});
        QVector<VerdictEdit> all;
        for (const Segment &s : sb.segments())
            for (qint64 t : tg)
                all.append({s.id, t, t == tg[2] ? Verdict::Present : Verdict::Absent});
        store.setVerdicts(b, all);
        QVERIFY(store.waitForDurable(store.lastEditSeq()));

        const auto rows = store.librarySummary();
        QVERIFY2(rows.ok(), qPrintable(rows.error()));
        QCOMPARE(rows->size(), 3);
        QCOMPARE(rows->at(0).trackId, a);   // ordered by path
        QCOMPARE(rows->at(0).segmentCount, 4);
        QCOMPARE(rows->at(0).reviewedCells, 6);
        QCOMPARE(rows->at(0).reviewedShare, 6.0 / 12.0);
        QCOMPARE(rows->at(0).durationSeconds, 40.0);
        QCOMPARE(rows->at(1).reviewedShare, 1.0);
        QCOMPARE(rows->at(2).segmentCount, 1);
        QCOMPARE(rows->at(2).reviewedCells, 0);
        QVERIFY(rows->at(0).lastEdit.isValid());
        QVERIFY(qAbs(rows->at(0).lastEdit.msecsTo(QDateTime::currentDateTimeUtc())) < 60000);

        auto ids = [&](const QString &tag, std::optional<Verdict> v) {
            QList<qint64> out;
            const auto r = store.librarySummary(LibraryFilter{tag, v});
            for (const LibraryRow &row : r.value())
                out << row.trackId;
            return out;
        };
        const QString happy = QStringLiteral("Emotion-Happy"), rock = QStringLiteral("Genre-Rock"),
                      piano = QStringLiteral("Instrument_-_Piano");
        QCOMPARE(ids(happy, Verdict::Present), (QList<qint64>{a}));
        QCOMPARE(ids(happy, Verdict::Absent), (QList<qint64>{a, b}));
        QCOMPARE(ids(piano, Verdict::Present), (QList<qint64>{b}));
        QCOMPARE(ids(rock, Verdict::Unknown), (QList<qint64>{a, c}));
        QCOMPARE(ids(piano, Verdict::Unknown), (QList<qint64>{a, c}));
        QCOMPARE(ids(rock, std::nullopt), (QList<qint64>{a, b}));
        QCOMPARE(ids(QString(), Verdict::Present), (QList<qint64>{a, b}));
        QCOMPARE(ids(QString(), Verdict::Unknown), (QList<qint64>{a, c}));
        QCOMPARE(ids(QStringLiteral("No-Such-Tag"), Verdict::Present), (QList<qint64>{}));

        // A verdict change moves a track between filters; clearing lowers the count.
        store.setVerdict(c, store.labelGrid(c)->segmentation.at(0).id, tg[1], Verdict::Present);
        store.setVerdict(a, sa.at(0).id, tg[0], Verdict::Unknown);
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        QCOMPARE(ids(rock, Verdict::Present), (QList<qint64>{c}));
        QCOMPARE(store.librarySummary()->at(0).reviewedCells, 5);

        // Smaller vocabulary: tags holding verdicts stay (after the given ones), so nothing is hidden;
        // the tag without verdicts leaves, and the share counts the tags that remain.
        QVector<Tag> wider = threeTags().tags();
        wider << Tag{QStringLiteral("Usage-Unused"), QStringLiteral("Usage")};
        store.setVocabulary(Vocabulary(wider));
        QCOMPARE(store.vocabulary().size(), 4);
        store.setVocabulary(Vocabulary({threeTags().at(2)}));
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        const auto narrowed = store.librarySummary();
        QCOMPARE(narrowed->at(0).reviewedCells, 5);
        const auto kept = store.labelGrid(a);
        QCOMPARE(kept->columns(), 3);
        QCOMPARE(kept->tags.at(0).name, threeTags().at(2).name);
        QCOMPARE(kept->tags.at(1).name, threeTags().at(0).name);
        QCOMPARE(kept->tags.at(2).name, threeTags().at(1).name);
        QCOMPARE(narrowed->at(0).reviewedShare, 5.0 / 12.0);
        QCOMPARE(store.tagId(QStringLiteral("Usage-Unused")) > 0, true);
        QCOMPARE(store.vocabulary().indexOf(QStringLiteral("Usage-Unused")), -1);
    }

    void editLogRecordsEdits()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("store-log")) + QStringLiteral("/store.db");
        AnnotationStore store;
        QVERIFY(store.open(path).ok());
        store.setVocabulary(threeTags());
        const qint64 t = store.addTrack(makeTrack(QStringLiteral("log.wav"), 10.0))->id;
        const auto seg = store.saveSegmentation(t, Segmentation::fixedWindows(10.0, 10.0), SegmentSource::Novelty);
        const qint64 last = store.setVerdict(t, seg->at(0).id, store.tagId(QStringLiteral("Genre-Rock")), Verdict::Present);
        QVERIFY(store.waitForDurable(last));
        const auto log = store.editLog();
        QVERIFY(log.ok());
        QCOMPARE(log->size(), 4);
        QCOMPARE(log->at(0).seq, last);
        QCOMPARE(log->at(0).kind, QStringLiteral("verdicts"));
        QCOMPARE(log->at(0).actor, QStringLiteral("curator"));
        QCOMPARE(log->at(0).trackId, t);
        QVERIFY(log->at(0).detail.contains(QLatin1String("present")));
        QCOMPARE(log->at(1).kind, QStringLiteral("segmentation"));
        QVERIFY(log->at(1).detail.contains(QLatin1String("novelty")));
        QCOMPARE(log->at(3).kind, QStringLiteral("vocabulary"));
        QCOMPARE(store.editLog(t)->size(), 3);
        QCOMPARE(store.editLog(0, 1, last)->at(0).kind, QStringLiteral("segmentation"));
    }

    void badEditsAreReported()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("store-bad")) + QStringLiteral("/store.db");
        AnnotationStore store;
        QVERIFY(store.open(path).ok());
        store.setVocabulary(threeTags());
        const qint64 t = store.addTrack(makeTrack(QStringLiteral("bad.wav"), 10.0))->id;
        const auto seg = store.saveSegmentation(t, Segmentation::fixedWindows(10.0, 10.0), SegmentSource::Fixed);
        QSignalSpy failed(&store, &AnnotationStore::writeFailed);
        const qint64 bad = store.setVerdict(t, 999999, store.tagId(QStringLiteral("Genre-Rock")), Verdict::Present);
        const qint64 good = store.setVerdict(t, seg->at(0).id, store.tagId(QStringLiteral("Genre-Rock")), Verdict::Present);
        QVERIFY(store.waitForDurable(good));
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).at(0).toLongLong(), bad);
        QCOMPARE(store.labelGrid(t)->verdict(0, 1), Verdict::Present);
        QVERIFY(!store.saveSegmentation(12345, Segmentation::fixedWindows(10.0, 10.0), SegmentSource::Fixed).ok());
        QVERIFY(!store.addTrack(TrackRecord{}).ok());
    }

    void contentHashReadsHeadAndTail()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("store-hash"));
        auto reference = [](const QByteArray &data) {
            QByteArray input(8, '\0');
            qToLittleEndian<quint64>(quint64(data.size()), input.data());
            const qint64 mib = 1024 * 1024;
            input += data.size() <= 2 * mib ? data : data.left(mib) + data.right(mib);
            return QString::fromLatin1(QCryptographicHash::hash(input, QCryptographicHash::Sha1).toHex());
        };
        auto write = [&](const QString &name, const QByteArray &data) {
            QFile f(dir + QLatin1Char('/') + name);
            f.open(QIODevice::WriteOnly);
            f.write(data);
            return f.fileName();
        };
        QByteArray small("hello taglane");
        QCOMPARE(ContentHash::ofFile(write(QStringLiteral("small"), small)).value(), reference(small));
        QByteArray big(3 * 1024 * 1024 + 17, '\0');
        for (int i = 0; i < big.size(); ++i)
            big[i] = char((i * 7919) >> 3);
        const QString h = ContentHash::ofFile(write(QStringLiteral("big"), big)).value();
        QCOMPARE(h, reference(big));
        QCOMPARE(h.size(), 40);
        QCOMPARE(ContentHash::ofBytes(big), h);
        QByteArray middle = big;
        middle[1536 * 1024] = char(middle[1536 * 1024] + 1);
        QCOMPARE(ContentHash::ofFile(write(QStringLiteral("middle"), middle)).value(), h);   // documented blind spot
        QByteArray tail = big;
        tail[tail.size() - 1] = char(tail[tail.size() - 1] + 1);
        QVERIFY(ContentHash::ofFile(write(QStringLiteral("tail"), tail)).value() != h);
        QVERIFY(!ContentHash::ofFile(dir + QStringLiteral("/missing")).ok());
    }
};

QTEST_GUILESS_MAIN(TestAnnotationStore)
#include "tst_annotationstore.moc"
