// SPDX-License-Identifier: GPL-3.0-or-later
// The annotation store on PostgreSQL: a throwaway cluster of the test's
// own (skipped with a message where PostgreSQL is not installed), the same
// history written on SQLite and on PostgreSQL answering the same, the
// schema created on first use, acknowledgements, one writer per store,
// the PG* environment, and clear messages for bad connections.
#include "engine/store/annotationstore.h"
#include "engine/store/storedialect.h"
#include "engine/store/storeschema.h"

#include "pgcluster.h"
#include "storescenario.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace taglane::engine;
using taglane::tests::PgCluster;

class TestPgStore : public QObject
{
    Q_OBJECT

private:
    PgCluster m_pg;
    int m_databases = 0;

    /// A new empty database on the cluster and its URI.
    QString newDatabase()
    {
        const QString name = QStringLiteral("store%1").arg(++m_databases);
        QString error;
        if (!m_pg.createDatabase(name, &error))
            qWarning("%s", qPrintable(error));
        return m_pg.uri(name);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString why;
        if (!m_pg.start(&why))
            QSKIP(qPrintable(QStringLiteral("No throwaway PostgreSQL cluster: %1").arg(why)));
    }

    void createsSchemaOnFirstUse()
    {
        const QString uri = newDatabase();
        const QString db = QStringLiteral("store%1").arg(m_databases);
        {
            AnnotationStore store;
            const auto report = store.open(uri);
            QVERIFY2(report.ok(), qPrintable(report.error()));
            QVERIFY(report->created);
            QCOMPARE(report->schemaVersion, StoreSchema::kCurrentVersion);
            QCOMPARE(store.path(), uri);
            QVERIFY(!store.displayName().contains(QLatin1String(PgCluster::kPassword)));
        }
        // The version lives in store_info; the types are PostgreSQL's.
        QCOMPARE(m_pg.scalar(db, QStringLiteral("SELECT value FROM store_info WHERE key = 'schema_version'")).toString(),
                 QString::number(StoreSchema::kCurrentVersion));
        QCOMPARE(m_pg.scalar(db, QStringLiteral("SELECT is_identity FROM information_schema.columns"
                                                " WHERE table_name = 'tracks' AND column_name = 'id'")).toString(),
                 QStringLiteral("YES"));
        QCOMPARE(m_pg.scalar(db, QStringLiteral("SELECT data_type FROM information_schema.columns"
                                                " WHERE table_name = 'segments' AND column_name = 'start_s'")).toString(),
                 QStringLiteral("double precision"));
        QCOMPARE(m_pg.scalar(db, QStringLiteral("SELECT data_type FROM information_schema.columns"
                                                " WHERE table_name = 'edit_log' AND column_name = 'at'")).toString(),
                 QStringLiteral("bigint"));
        QCOMPARE(m_pg.scalar(db, QStringLiteral("SELECT count(*) FROM pg_indexes WHERE indexname IN"
                                                " ('predictions_uncertain', 'cell_spreads_by_spread', 'verdicts_by_tag')")).toInt(), 3);
        AnnotationStore again;
        const auto reopened = again.open(uri);
        QVERIFY2(reopened.ok(), qPrintable(reopened.error()));
        QVERIFY(!reopened->created);
        QCOMPARE(reopened->schemaVersionFound, StoreSchema::kCurrentVersion);
    }

    void migratesFromVersion1()
    {
        // A PostgreSQL store at schema 1 (the first migration, translated), with rows in it.
        newDatabase();
        const QString db = QStringLiteral("store%1").arg(m_databases);
        const StoreDialect pg(StoreDialect::Kind::PostgreSQL);
        QStringList v1 = pg.translate(StoreSchema::migration(1));
        v1 << QStringLiteral("INSERT INTO store_info VALUES('schema_version', '1')")
           << QStringLiteral("INSERT INTO tracks VALUES(1, '/music/a.flac', 'aaaa', 10, 20.0, 44100, 2, 1000, 7)")
           << QStringLiteral("INSERT INTO segmentations VALUES(7, 1, 'fixed', '', 1000)")
           << QStringLiteral("INSERT INTO segments VALUES(11, 7, 1, 0, 0.0, 10.0)")
           << QStringLiteral("INSERT INTO segments VALUES(12, 7, 1, 1, 10.0, 20.0)")
           << QStringLiteral("INSERT INTO tags VALUES(1, 'Emotion-Happy', 'Emotion', 0)")
           << QStringLiteral("INSERT INTO tags VALUES(2, 'Genre-Rock', 'Genre', 1)")
           << QStringLiteral("INSERT INTO tags VALUES(3, 'Hidden', 'Other', NULL)")
           << QStringLiteral("INSERT INTO model_versions(id, version) VALUES(1, 'm1')")
           << QStringLiteral("INSERT INTO predictions VALUES(11, 1, 2, 0.25)")
           << QStringLiteral("INSERT INTO predictions VALUES(12, 1, 3, 0.5)")
           << QStringLiteral("INSERT INTO verdicts VALUES(11, 1, 1, 1, 5, 1700000000000)")
           << QStringLiteral("INSERT INTO verdicts VALUES(11, 2, 1, 2, 5, 1700000000000)")
           << QStringLiteral("INSERT INTO verdicts VALUES(12, 2, 1, 1, 6, 1700000001000)")
           << QStringLiteral("INSERT INTO edit_log VALUES(5, 1700000000000, 'curator', 'verdicts', 1, '{}')")
           << QStringLiteral("INSERT INTO edit_log VALUES(6, 1700000001000, 'curator', 'verdicts', 1, '{}')");
        for (const QString &sql : std::as_const(v1)) {
            QString error;
            QVERIFY2(m_pg.exec(db, sql, &error), qPrintable(sql + QStringLiteral(": ") + error));
        }
        AnnotationStore store;
        const auto report = store.open(m_pg.uri(db));
        QVERIFY2(report.ok(), qPrintable(report.error()));
        QCOMPARE(report->schemaVersionFound, 1);
        QCOMPARE(report->schemaVersion, StoreSchema::kCurrentVersion);
        QVERIFY(!report->created);
        QVERIFY(!report->messages.isEmpty());
        // Schema 3 made the tag holding a prediction active; schema 2 counted the library.
        QCOMPARE(store.vocabulary().size(), 3);
        QCOMPARE(store.lastEditSeq(), 6);
        const auto rows = store.librarySummary();
        QVERIFY(rows.ok());
        QCOMPARE(rows->size(), 1);
        QCOMPARE(rows->at(0).segmentCount, 2);
        QCOMPARE(rows->at(0).reviewedCells, 3);
        QCOMPARE(rows->at(0).lastEdit.toMSecsSinceEpoch(), 1700000001000);
        const auto grid = store.labelGrid(1);
        QVERIFY2(grid.ok(), qPrintable(grid.error()));
        QCOMPARE(grid->verdict(0, 0), Verdict::Present);
        QCOMPARE(grid->verdict(0, 1), Verdict::Absent);
        QCOMPARE(grid->verdict(1, 1), Verdict::Present);
        QCOMPARE(grid->modelVersion, QStringLiteral("m1"));   // from the migrated prediction runs
        QCOMPARE(grid->probability(0, 1), 0.25f);
        QCOMPARE(m_pg.scalar(db, QStringLiteral("SELECT value FROM store_info WHERE key = 'schema_version'")).toInt(),
                 StoreSchema::kCurrentVersion);
        const qint64 seq = store.setVerdict(1, 12, 1, Verdict::Absent);
        QCOMPARE(seq, 7);
        QVERIFY(store.waitForSaved(6, seq));
    }

    void sameHistoryAnswersTheSameOnBothBackends()
    {
        const QString file = taglane::tests::tempDir(QStringLiteral("pgstore-same")) + QStringLiteral("/store.db");
        const QString uri = newDatabase();
        QStringList onSqlite, onPostgres;
        {
            AnnotationStore store;
            QVERIFY(store.open(file).ok());
            const QString error = taglane::tests::fillScenario(store);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            onSqlite = taglane::tests::describeStore(store);
        }
        {
            AnnotationStore store;
            const auto report = store.open(uri);
            QVERIFY2(report.ok(), qPrintable(report.error()));
            const QString error = taglane::tests::fillScenario(store);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            onPostgres = taglane::tests::describeStore(store);
        }
        QVERIFY2(onSqlite.size() > 40, qPrintable(onSqlite.join(QLatin1Char('\n'))));
        QVERIFY(onSqlite.filter(QStringLiteral("queue ")).size() >= 8);
        QVERIFY(onSqlite.filter(QStringLiteral("hit ")).size() >= 2);
        if (onPostgres.size() < 3)
            qWarning() << onPostgres;
        QCOMPARE(onPostgres, onSqlite);
        // Reopened, the PostgreSQL store still answers the same.
        AnnotationStore reopened;
        QVERIFY(reopened.open(uri).ok());
        QCOMPARE(taglane::tests::describeStore(reopened), onSqlite);
        // And read-only, as a second reader would.
        AnnotationStore reader;
        const auto ro = reader.open(uri, AnnotationStore::OpenMode::ReadOnly);
        QVERIFY2(ro.ok(), qPrintable(ro.error()));
        QVERIFY(ro->readOnly);
        QCOMPARE(taglane::tests::describeStore(reader).mid(0, 10), onSqlite.mid(0, 10));
        QVERIFY(reader.setVerdict(1, 1, 1, Verdict::Present) == 0);
    }

    void acknowledgedEditsAreCommitted()
    {
        const QString uri = newDatabase();
        const QString db = QStringLiteral("store%1").arg(m_databases);
        AnnotationStore store;
        QVERIFY(store.open(uri).ok());
        QSignalSpy durable(&store, &AnnotationStore::durable);
        store.setVocabulary(taglane::tests::scenarioVocabulary());
        const QVector<qint64> tags = store.tagIds(taglane::tests::scenarioVocabulary().names());
        TrackRecord t;
        t.path = QStringLiteral("/music/ack.wav");
        t.contentHash = QStringLiteral("abc");
        t.durationSeconds = 100.0;
        const qint64 track = store.addTrack(t)->id;
        const auto seg = store.saveSegmentation(track, Segmentation::fixedWindows(100.0, 4.0), SegmentSource::Fixed);
        QCOMPARE(seg->size(), 25);
        const qint64 before = store.lastEditSeq();
        qint64 expected = 0;
        for (int r = 0; r + 5 <= seg->size(); r += 5) {
            QVector<VerdictEdit> edits;
            for (int k = r; k < r + 5; ++k)
                edits << VerdictEdit{seg->at(k).id, tags[k % 3], k % 2 ? Verdict::Present : Verdict::Absent};
            expected += edits.size();
            QVERIFY(store.setVerdicts(track, edits) > 0);
        }
        const qint64 last = store.lastEditSeq();
        const Status saved = store.waitForSaved(before, last);
        QVERIFY2(saved, qPrintable(saved.error()));
        QVERIFY(store.durableSeq() >= last);
        // Acknowledged means committed: another connection sees every row at once.
        QCOMPARE(m_pg.scalar(db, QStringLiteral("SELECT count(*) FROM verdicts")).toLongLong(), expected);
        QCOMPARE(m_pg.scalar(db, QStringLiteral("SELECT max(seq) FROM edit_log")).toLongLong(), last);
        QCOMPARE(m_pg.scalar(db, QStringLiteral("SELECT reviewed_cells FROM tracks WHERE id = %1").arg(track)).toLongLong(), expected);
        QTRY_VERIFY(!durable.isEmpty() && durable.last().at(0).toLongLong() >= last);

        // A figure, not an assertion: how long one verdict edit takes to be durable here.
        QVector<double> ms;
        QElapsedTimer timer;
        for (int k = 0; k < 40; ++k) {
            timer.start();
            const qint64 seq = store.setVerdict(track, seg->at(k % seg->size()).id, tags[0], k % 2 ? Verdict::Present : Verdict::Absent);
            QVERIFY(store.waitForSaved(seq - 1, seq));
            ms << double(timer.nsecsElapsed()) / 1e6;
        }
        std::sort(ms.begin(), ms.end());
        qInfo("PostgreSQL store: one verdict edit durable after p50 %.1f ms, p99 %.1f ms (40 edits, one at a time)",
              ms.at(ms.size() / 2), ms.at(ms.size() * 99 / 100));
    }

    void failedWritesAreReportedNotAcknowledged()
    {
        const QString uri = newDatabase();
        const QString db = QStringLiteral("store%1").arg(m_databases);
        AnnotationStore store;
        QVERIFY(store.open(uri).ok());
        QSignalSpy failed(&store, &AnnotationStore::writeFailed);
        QSignalSpy recovered(&store, &AnnotationStore::writesRecovered);
        store.setVocabulary(taglane::tests::scenarioVocabulary());
        const qint64 tag = store.tagId(QStringLiteral("Genre-Rock"));
        TrackRecord t;
        t.path = QStringLiteral("/music/fail.wav");
        t.contentHash = QStringLiteral("f");
        t.durationSeconds = 10.0;
        const qint64 track = store.addTrack(t)->id;
        const auto seg = store.saveSegmentation(track, Segmentation::fixedWindows(10.0, 5.0), SegmentSource::Fixed);
        QVERIFY(store.waitForSaved(0, store.lastEditSeq()));
        // The table goes away behind the store's back: the edit is reported, never acknowledged.
        QVERIFY(m_pg.exec(db, QStringLiteral("ALTER TABLE verdicts RENAME TO verdicts_away")));
        const qint64 lost = store.setVerdict(track, seg->at(0).id, tag, Verdict::Present);
        const Status status = store.waitForSaved(lost - 1, lost);
        QVERIFY(!status);
        QVERIFY2(status.error().contains(QLatin1String("verdicts")), qPrintable(status.error()));
        QVERIFY2(!status.error().contains(QLatin1String(PgCluster::kPassword)), qPrintable(status.error()));
        QTRY_VERIFY(!failed.isEmpty());
        // Back again: edits commit again, and the store says so.
        QVERIFY(m_pg.exec(db, QStringLiteral("ALTER TABLE verdicts_away RENAME TO verdicts")));
        const qint64 kept = store.setVerdict(track, seg->at(1).id, tag, Verdict::Absent);
        const Status ok = store.waitForSaved(kept - 1, kept);
        QVERIFY2(ok, qPrintable(ok.error()));
        QTRY_VERIFY(!recovered.isEmpty());
        QCOMPARE(m_pg.scalar(db, QStringLiteral("SELECT count(*) FROM verdicts")).toInt(), 1);
    }

    void oneWriterPerStore()
    {
        const QString uri = newDatabase();
        AnnotationStore first;
        QVERIFY(first.open(uri).ok());
        AnnotationStore second;
        const auto refused = second.open(uri);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QLatin1String("in use")), qPrintable(refused.error()));
        // Who holds it, as the server knows it.
        QVERIFY2(refused.error().contains(QLatin1String("server process")) && refused.error().contains(QLatin1String(PgCluster::kUser)),
                 qPrintable(refused.error()));
        QVERIFY(!refused.error().contains(QLatin1String(PgCluster::kPassword)));
        const auto readOnly = second.open(uri, AnnotationStore::OpenMode::ReadWriteElseReadOnly);
        QVERIFY2(readOnly.ok(), qPrintable(readOnly.error()));
        QVERIFY(readOnly->readOnly);
        QVERIFY(second.isReadOnly());
        QVERIFY(!readOnly->messages.isEmpty());
        second.close();
        first.close();
        AnnotationStore third;
        QVERIFY(third.open(uri).ok());
        QVERIFY(!third.isReadOnly());
    }

    void environmentFillsMissingParts()
    {
        const QString uri = newDatabase();
        AnnotationStore{}.open(uri);   // create the schema
        const QString db = QStringLiteral("store%1").arg(m_databases);
        const QByteArray port = QByteArray::number(m_pg.port());
        qputenv("PGHOST", "127.0.0.1");
        qputenv("PGPORT", port);
        qputenv("PGUSER", PgCluster::kUser);
        qputenv("PGPASSWORD", PgCluster::kPassword);
        qputenv("PGDATABASE", db.toLatin1());
        for (const QString &partial : {QStringLiteral("postgresql://"), QStringLiteral("postgres:///") + db,
                                       QStringLiteral("postgresql://127.0.0.1/") + db}) {
            AnnotationStore store;
            const auto report = store.open(partial);
            QVERIFY2(report.ok(), qPrintable(partial + QStringLiteral(": ") + report.error()));
            QVERIFY(!report->created);
        }
        for (const char *name : {"PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"})
            qunsetenv(name);
    }

    void badConnectionsGiveClearMessages()
    {
        const QString uri = newDatabase();
        {
            AnnotationStore store;
            const auto wrong = store.open(m_pg.uri(QStringLiteral("store%1").arg(m_databases), QStringLiteral("wrong-pw")));
            QVERIFY(!wrong.ok());
            QVERIFY2(wrong.error().contains(QLatin1String("password authentication failed")), qPrintable(wrong.error()));
            QVERIFY2(!wrong.error().contains(QLatin1String("wrong-pw")), qPrintable(wrong.error()));
            QVERIFY(!store.isOpen());
        }
        {
            AnnotationStore store;
            const int closed = PgCluster::freePort();
            const auto unreachable = store.open(QStringLiteral("postgresql://u:pw@127.0.0.1:%1/x").arg(closed));
            QVERIFY(!unreachable.ok());
            QVERIFY2(unreachable.error().contains(QLatin1String("Cannot connect")), qPrintable(unreachable.error()));
            QVERIFY2(unreachable.error().contains(QString::number(closed)), qPrintable(unreachable.error()));
            QVERIFY(!unreachable.error().contains(QLatin1String(":pw@")));
        }
        {
            AnnotationStore store;
            const auto missing = store.open(m_pg.uri(QStringLiteral("nosuchdb")));
            QVERIFY(!missing.ok());
            QVERIFY2(missing.error().contains(QLatin1String("does not exist")), qPrintable(missing.error()));
        }
        {
            // Read-only, an empty database is not a store; nothing is created.
            const QString empty = newDatabase();
            AnnotationStore store;
            const auto report = store.open(empty, AnnotationStore::OpenMode::ReadOnly);
            QVERIFY(!report.ok());
            QVERIFY2(report.error().contains(QLatin1String("empty")), qPrintable(report.error()));
            QCOMPARE(m_pg.scalar(QStringLiteral("store%1").arg(m_databases),
                                 QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")).toInt(), 0);
        }
        QVERIFY(!uri.isEmpty());
    }

    void refusesForeignAndNewerDatabases()
    {
        newDatabase();
        const QString foreign = QStringLiteral("store%1").arg(m_databases);
        QVERIFY(m_pg.exec(foreign, QStringLiteral("CREATE TABLE invoices(id int)")));
        AnnotationStore store;
        const auto refused = store.open(m_pg.uri(foreign));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QLatin1String("not a Taglane annotation store")), qPrintable(refused.error()));
        QCOMPARE(m_pg.scalar(foreign, QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")).toInt(), 1);

        const QString uri = newDatabase();
        const QString newer = QStringLiteral("store%1").arg(m_databases);
        AnnotationStore{}.open(uri);
        QVERIFY(m_pg.exec(newer, QStringLiteral("UPDATE store_info SET value = '99' WHERE key = 'schema_version'")));
        const auto tooNew = store.open(uri);
        QVERIFY(!tooNew.ok());
        QVERIFY2(tooNew.error().contains(QLatin1String("newer version of Taglane")), qPrintable(tooNew.error()));
        QCOMPARE(m_pg.scalar(newer, QStringLiteral("SELECT value FROM store_info WHERE key = 'schema_version'")).toString(),
                 QStringLiteral("99"));
    }
};

QTEST_GUILESS_MAIN(TestPgStore)
#include "tst_pgstore.moc"
