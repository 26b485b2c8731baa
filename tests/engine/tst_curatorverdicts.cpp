// SPDX-License-Identifier: GPL-3.0-or-later
// Curators per verdict (store schema 6): two curators judging one cell keep
// two verdicts; each curator's view and undo touch their own; the per-tag
// rule (majority, lead, unresolved) decides what training and export read;
// an older store's verdicts go to the curator who upgrades it; on SQLite
// and, where PostgreSQL is installed, on a throwaway cluster.
#include "engine/formats/storelabels.h"
#include "engine/store/annotationstore.h"
#include "engine/store/storedialect.h"
#include "engine/store/storeschema.h"
#include "engine/store/verdictrule.h"
#include "engine/train/retrainer.h"

#include "pgcluster.h"
#include "rawdb.h"
#include "testsupport.h"

#include <QTest>

#include <cmath>

using namespace taglane::engine;
using taglane::tests::PgCluster;
using taglane::tests::RawDb;

namespace {

CuratorVerdict vote(const char *who, Verdict v)
{
    return CuratorVerdict{QString::fromLatin1(who), v, 0};
}

struct Cell
{
    qint64 track = 0;
    qint64 segment = 0;
    qint64 otherSegment = 0;
    qint64 tag = 0;
    qint64 otherTag = 0;
};

/// A track with two segments and two tags, written by curator `who`.
Cell makeTrack(AnnotationStore &store)
{
    Cell c;
    store.setVocabulary(Vocabulary({Tag{QStringLiteral("Genre-Rock"), QStringLiteral("Genre")},
                                    Tag{QStringLiteral("Vocals-Male"), QStringLiteral("Vocals")}}));
    TrackRecord t;
    t.path = QStringLiteral("/music/one.wav");
    t.contentHash = QStringLiteral("feedface");
    t.durationSeconds = 20.0;
    c.track = store.addTrack(t)->id;
    const auto seg = store.saveSegmentation(c.track, Segmentation::fixedWindows(20.0, 10.0), SegmentSource::Fixed);
    c.segment = seg->at(0).id;
    c.otherSegment = seg->at(1).id;
    c.tag = store.tagId(QStringLiteral("Genre-Rock"));
    c.otherTag = store.tagId(QStringLiteral("Vocals-Male"));
    return c;
}

bool save(AnnotationStore &store, qint64 seq)
{
    return seq > 0 && store.waitForSaved(0, seq).ok();
}

} // namespace

class TestCuratorVerdicts : public QObject
{
    Q_OBJECT

private:
    PgCluster m_pg;
    bool m_hasPg = false;
    QString m_pgWhy;
    int m_databases = 0;

    /// A new store location: an SQLite file, or a new PostgreSQL database.
    QString location(bool pg, const QString &name)
    {
        if (!pg)
            return taglane::tests::tempDir(QStringLiteral("curators-") + name) + QStringLiteral("/store.db");
        const QString db = QStringLiteral("curators_%1_%2").arg(name).arg(++m_databases);
        return m_pg.createDatabase(db) ? m_pg.uri(db) : QString();
    }

    void backends()
    {
        QTest::addColumn<bool>("pg");
        QTest::newRow("sqlite") << false;
        QTest::newRow("postgresql") << true;
    }

    void skipWithoutPg(bool pg)
    {
        if (pg && !m_hasPg)
            QSKIP(qPrintable(QStringLiteral("No throwaway PostgreSQL cluster: %1").arg(m_pgWhy)));
    }

private Q_SLOTS:
    void initTestCase() { m_hasPg = m_pg.start(&m_pgWhy); }

    void ruleResolvesVotes()
    {
        const VerdictRule majority;
        bool unresolved = true;
        QCOMPARE(majority.resolve({}, &unresolved), Verdict::Unknown);
        QVERIFY(!unresolved);
        QCOMPARE(majority.resolve({vote("a", Verdict::Present)}, &unresolved), Verdict::Present);
        QVERIFY(!unresolved);
        QCOMPARE(majority.resolve({vote("a", Verdict::Present), vote("b", Verdict::Absent)}, &unresolved), Verdict::Unknown);
        QVERIFY(unresolved);   // a tie
        QCOMPARE(majority.resolve({vote("a", Verdict::Present), vote("b", Verdict::Absent), vote("c", Verdict::Absent)},
                                  &unresolved),
                 Verdict::Absent);
        QVERIFY(!unresolved);

        const VerdictRule lead = VerdictRule::parse(QStringLiteral("lead:b")).value();
        QCOMPARE(lead.kind, VerdictRule::Kind::Lead);
        QCOMPARE(lead.toString(), QStringLiteral("lead:b"));
        QCOMPARE(lead.resolve({vote("a", Verdict::Present), vote("b", Verdict::Absent), vote("c", Verdict::Present)},
                              &unresolved),
                 Verdict::Absent);   // the lead outweighs a majority
        QCOMPARE(lead.resolve({vote("a", Verdict::Present), vote("c", Verdict::Present)}, &unresolved), Verdict::Present);
        QCOMPARE(lead.resolve({vote("a", Verdict::Present), vote("c", Verdict::Absent)}, &unresolved), Verdict::Unknown);
        QVERIFY(unresolved);   // no lead verdict and no agreement

        const VerdictRule strict = VerdictRule::parse(QStringLiteral("unresolved")).value();
        QCOMPARE(strict.resolve({vote("a", Verdict::Absent), vote("b", Verdict::Absent)}, &unresolved), Verdict::Absent);
        QCOMPARE(strict.resolve({vote("a", Verdict::Absent), vote("b", Verdict::Absent), vote("c", Verdict::Present)},
                                &unresolved),
                 Verdict::Unknown);
        QVERIFY(unresolved);

        QVERIFY(!VerdictRule::parse(QStringLiteral("loudest")).ok());
        QVERIFY(!VerdictRule::parse(QStringLiteral("lead:")).ok());
        QVERIFY(!checkCuratorName(QString()).ok());
        QVERIFY(!checkCuratorName(QStringLiteral("bad\nname")).ok());
        QVERIFY(checkCuratorName(QStringLiteral("Zoë Ann")).ok());
        AnnotationStore store;
        QVERIFY(!store.setCurator(QStringLiteral("  ")).ok());
        QCOMPARE(store.curator(), loginCurator());   // unchanged by the refused name
    }

    void twoCuratorsKeepTwoVerdicts_data() { backends(); }
    void twoCuratorsKeepTwoVerdicts()
    {
        QFETCH(bool, pg);
        skipWithoutPg(pg);
        const QString where = location(pg, QStringLiteral("two"));
        QVERIFY(!where.isEmpty());
        Cell c;
        {
            AnnotationStore alice;
            QVERIFY(alice.setCurator(QStringLiteral("alice")).ok());
            QVERIFY2(alice.open(where).ok(), qPrintable(where));
            c = makeTrack(alice);
            QVERIFY(save(alice, alice.setVerdicts(c.track, {{c.segment, c.tag, Verdict::Present},
                                                            {c.otherSegment, c.otherTag, Verdict::Present}})));
        }
        AnnotationStore bob;
        QVERIFY(bob.setCurator(QStringLiteral("bob")).ok());
        QVERIFY(bob.open(where).ok());
        // Bob sees his own (none yet), but the cell alice judged is not his.
        auto grid = bob.labelGrid(c.track);
        QVERIFY2(grid.ok(), qPrintable(grid.error()));
        QCOMPARE(grid->curator, QStringLiteral("bob"));
        QCOMPARE(grid->verdict(0, 0), Verdict::Unknown);
        QVERIFY(!grid->conflict(0, 0));
        const qint64 seq = bob.setVerdicts(c.track, {{c.segment, c.tag, Verdict::Absent},
                                                     {c.otherSegment, c.otherTag, Verdict::Present}});
        // Queued, not yet committed: already his view, already a conflict.
        grid = bob.labelGrid(c.track);
        QCOMPARE(grid->verdict(0, 0), Verdict::Absent);
        QVERIFY(grid->conflict(0, 0));
        QVERIFY(save(bob, seq));
        grid = bob.labelGrid(c.track);
        QCOMPARE(grid->verdict(0, 0), Verdict::Absent);
        QCOMPARE(grid->verdict(1, 1), Verdict::Present);
        QVERIFY(grid->conflict(0, 0));
        QVERIFY(!grid->conflict(1, 1));

        // Both verdicts are kept: two rows for the disputed cell.
        const QVector<StoredVerdict> rows = bob.curatorVerdicts().value();
        QCOMPARE(rows.size(), 4);
        int onCell = 0;
        for (const StoredVerdict &v : rows)
            onCell += v.segmentId == c.segment && v.tagId == c.tag;
        QCOMPARE(onCell, 2);
        // The library counts a cell once however many curators judged it.
        QCOMPARE(bob.librarySummary()->at(0).reviewedCells, 2);

        // Majority (the default): a tie is unresolved, the agreed cell stands.
        auto resolved = bob.labelGrid(c.track, {}, LabelView::Resolved);
        QCOMPARE(resolved->verdict(0, 0), Verdict::Unknown);
        QVERIFY(resolved->isUnresolved(0, 0));
        QCOMPARE(resolved->verdict(1, 1), Verdict::Present);
        QVERIFY(!resolved->isUnresolved(1, 1));
        // Training masks the unresolved cell; export leaves it out.
        const auto curated = Retrainer::curatedFromStore(bob, {c.track});
        QVERIFY2(curated.ok(), qPrintable(curated.error()));
        QCOMPARE(curated->size(), 1);
        QVERIFY(std::isnan(curated->at(0).values[0]));   // unknown: masked
        QCOMPARE(curated->at(0).values[3], 1.0f);
        int unresolved = 0;
        const auto exported = StoreLabels::exportTrack(bob, c.track, &unresolved);
        QVERIFY(exported.ok());
        QCOMPARE(unresolved, 1);
        QCOMPARE(exported->cell(0, 0).verdict, Verdict::Unknown);
        QCOMPARE(exported->cell(1, 1).verdict, Verdict::Present);

        // A lead curator decides; the rule is kept in the store.
        QVERIFY(save(bob, bob.setVerdictRule(c.tag, VerdictRule::parse(QStringLiteral("lead:alice")).value())));
        resolved = bob.labelGrid(c.track, {}, LabelView::Resolved);
        QCOMPARE(resolved->verdict(0, 0), Verdict::Present);
        QVERIFY(!resolved->isUnresolved(0, 0));
        QCOMPARE(Retrainer::curatedFromStore(bob, {c.track})->at(0).values[0], 1.0f);
        bob.close();

        AnnotationStore carol;
        QVERIFY(carol.setCurator(QStringLiteral("carol")).ok());
        QVERIFY(carol.open(where).ok());
        QCOMPARE(carol.verdictRule(c.tag).toString(), QStringLiteral("lead:alice"));
        QVERIFY(save(carol, carol.setVerdictRule(c.tag, VerdictRule{})));
        QVERIFY(save(carol, carol.setVerdict(c.track, c.segment, c.tag, Verdict::Absent)));
        resolved = carol.labelGrid(c.track, {}, LabelView::Resolved);
        QCOMPARE(resolved->verdict(0, 0), Verdict::Absent);   // two against one
        QVERIFY(save(carol, carol.setVerdictRule(c.tag, VerdictRule::parse(QStringLiteral("unresolved")).value())));
        QVERIFY(carol.labelGrid(c.track, {}, LabelView::Resolved)->isUnresolved(0, 0));

        // Undo is per curator: clearing carol's verdict leaves alice's and bob's.
        QVERIFY(save(carol, carol.setVerdict(c.track, c.segment, c.tag, Verdict::Unknown)));
        QCOMPARE(carol.labelGrid(c.track)->verdict(0, 0), Verdict::Unknown);
        QCOMPARE(carol.curatorVerdicts()->size(), 4);
        carol.close();
        AnnotationStore again;
        QVERIFY(again.setCurator(QStringLiteral("alice")).ok());
        QVERIFY(again.open(where).ok());
        QCOMPARE(again.labelGrid(c.track)->verdict(0, 0), Verdict::Present);
        QVERIFY(again.labelGrid(c.track)->conflict(0, 0));
    }

    void olderStoreGoesToItsCurator_data() { backends(); }
    void olderStoreGoesToItsCurator()
    {
        QFETCH(bool, pg);
        skipWithoutPg(pg);
        const QString where = location(pg, QStringLiteral("old"));
        QVERIFY(!where.isEmpty());
        // A schema-5 store holding one verdict, written as the old program did.
        const StoreDialect dialect(pg ? StoreDialect::Kind::PostgreSQL : StoreDialect::Kind::SQLite);
        QStringList statements;
        for (int v = 1; v <= 5; ++v)
            statements << dialect.translate(StoreSchema::migration(v));
        statements << QStringLiteral("INSERT INTO tracks(id, path, content_hash, added_at, current_segmentation_id)"
                                     " VALUES(1, '/music/old.wav', 'abc', 0, 7)")
                   << QStringLiteral("INSERT INTO segmentations VALUES(7, 1, 'fixed', '', 0)")
                   << QStringLiteral("INSERT INTO segments VALUES(11, 7, 1, 0, 0.0, 10.0)")
                   << QStringLiteral("INSERT INTO tags VALUES(1, 'Genre-Rock', 'Genre', 0)")
                   << QStringLiteral("INSERT INTO verdicts VALUES(11, 1, 1, 1, 5, 1700000000000)")
                   << QStringLiteral("INSERT INTO edit_log VALUES(5, 1700000000000, 'curator', 'verdicts', 1, '{}')");
        if (pg) {
            statements << QStringLiteral("INSERT INTO store_info(key, value) VALUES('schema_version', '5')");
            // One session: the migrations use temporary tables.
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("old-layout"));
                db.setHostName(QStringLiteral("127.0.0.1"));
                db.setPort(m_pg.port());
                db.setUserName(QString::fromLatin1(PgCluster::kUser));
                db.setPassword(QString::fromLatin1(PgCluster::kPassword));
                db.setDatabaseName(where.mid(where.lastIndexOf(QLatin1Char('/')) + 1));
                QVERIFY2(db.open(), qPrintable(db.lastError().text()));
                for (const QString &sql : std::as_const(statements)) {
                    QSqlQuery q(db);
                    QVERIFY2(q.exec(sql), qPrintable(sql + QStringLiteral(": ") + q.lastError().text()));
                }
                db.close();
            }
            QSqlDatabase::removeDatabase(QStringLiteral("old-layout"));
        } else {
            RawDb raw(where);
            statements << QStringLiteral("PRAGMA user_version = 5");
            for (const QString &sql : std::as_const(statements))
                QVERIFY2(raw.exec(sql), qPrintable(sql));
        }
        AnnotationStore store;
        QVERIFY(store.setCurator(QStringLiteral("dora")).ok());
        const auto report = store.open(where);
        QVERIFY2(report.ok(), qPrintable(report.error()));
        QCOMPARE(report->schemaVersionFound, 5);
        QCOMPARE(report->schemaVersion, 6);
        QVERIFY(report->messages.join(QLatin1Char(' ')).contains(QStringLiteral("dora")));
        const auto grid = store.labelGrid(1);
        QVERIFY2(grid.ok(), qPrintable(grid.error()));
        QCOMPARE(grid->verdict(0, 0), Verdict::Present);
        QCOMPARE(grid->verdictTimes.at(0), 1700000000000);
        const auto rows = store.curatorVerdicts();
        QCOMPARE(rows->size(), 1);
        QCOMPARE(rows->at(0).curator, QStringLiteral("dora"));
        // The migrated key takes a second curator's verdict on the same cell.
        QVERIFY(store.setCurator(QStringLiteral("eve")).ok());
        QVERIFY(save(store, store.setVerdict(1, 11, 1, Verdict::Absent)));
        QCOMPARE(store.curatorVerdicts()->size(), 2);
        QCOMPARE(store.labelGrid(1)->verdict(0, 0), Verdict::Absent);
    }
};

QTEST_GUILESS_MAIN(TestCuratorVerdicts)
#include "tst_curatorverdicts.moc"
