// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli with a PostgreSQL store on a throwaway cluster of the test's
// own (skipped with a message where PostgreSQL is not installed): store
// copy SQLite -> PostgreSQL -> SQLite gives the same rows, copy refuses a
// target that is not new, and bad connections give a clear message and a
// non-zero exit.
#include "engine/store/annotationstore.h"

#include "clirunner.h"
#include "pgcluster.h"
#include "rawdb.h"
#include "storescenario.h"
#include "testsupport.h"

#include <QTest>

using namespace taglane::engine;
using taglane::tests::CliRun;
using taglane::tests::PgCluster;
using taglane::tests::RawDb;
using taglane::tests::runCli;

namespace {

/// Every row of every table (and the schema version) of an SQLite store, in key order.
QStringList dump(const QString &path)
{
    QStringList lines;
    RawDb db(path);
    lines << QStringLiteral("user_version %1").arg(db.scalar(QStringLiteral("PRAGMA user_version")).toInt());
    const auto tables = db.rows(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                                               " ORDER BY name"));
    for (const QVariantList &t : tables) {
        const QString table = t.at(0).toString();
        const int columns = db.rows(QStringLiteral("PRAGMA table_info(%1)").arg(table)).size();
        QStringList order;
        for (int c = 1; c <= columns; ++c)
            order << QString::number(c);
        for (const QVariantList &row : db.rows(QStringLiteral("SELECT * FROM %1 ORDER BY %2").arg(table, order.join(QLatin1Char(','))))) {
            QStringList values;
            for (const QVariant &v : row)
                values << (v.isNull() ? QStringLiteral("NULL")
                                      : v.typeId() == QMetaType::Double ? QString::number(v.toDouble(), 'g', 17)
                                                                         : v.toString());
            lines << table + QLatin1Char(' ') + values.join(QLatin1Char('|'));
        }
    }
    return lines;
}

} // namespace

class TestCliPgStore : public QObject
{
    Q_OBJECT

private:
    PgCluster m_pg;

private Q_SLOTS:
    void initTestCase()
    {
        QString why;
        if (!m_pg.start(&why))
            QSKIP(qPrintable(QStringLiteral("No throwaway PostgreSQL cluster: %1").arg(why)));
    }

    void storeCopyRoundTrip()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("cli-pgstore-copy"));
        const QString a = dir + QStringLiteral("/a.db");
        const QString b = dir + QStringLiteral("/b.db");
        {
            AnnotationStore store;
            QVERIFY(store.open(a).ok());
            const QString error = taglane::tests::fillScenario(store);
            QVERIFY2(error.isEmpty(), qPrintable(error));
        }
        QVERIFY(m_pg.createDatabase(QStringLiteral("copied")));
        const QString uri = m_pg.uri(QStringLiteral("copied"));

        const CliRun there = runCli({QStringLiteral("store"), QStringLiteral("copy"), a, uri});
        QVERIFY2(there.exitCode == 0, qPrintable(there.err));
        QVERIFY2(there.out.contains(QLatin1String("verdicts")) && there.out.contains(QLatin1String("edit_log")), qPrintable(there.out));
        QVERIFY2(!there.err.contains(QLatin1String(PgCluster::kPassword)), qPrintable(there.err));
        QVERIFY(m_pg.scalar(QStringLiteral("copied"), QStringLiteral("SELECT count(*) FROM predictions")).toInt() > 0);

        // The CLI reads the copy as it reads the file.
        const CliRun listFile = runCli({QStringLiteral("library"), QStringLiteral("list"), QStringLiteral("--store"), a});
        const CliRun listPg = runCli({QStringLiteral("library"), QStringLiteral("list"), QStringLiteral("--store"), uri});
        QVERIFY2(listFile.exitCode == 0, qPrintable(listFile.err));
        QVERIFY2(listPg.exitCode == 0, qPrintable(listPg.err));
        QVERIFY(listFile.out.contains(QLatin1String("b-track.flac")));
        QCOMPARE(listPg.out, listFile.out);

        const CliRun back = runCli({QStringLiteral("store"), QStringLiteral("copy"), uri, b});
        QVERIFY2(back.exitCode == 0, qPrintable(back.err));
        const QStringList original = dump(a);
        QVERIFY(original.size() > 100);
        QCOMPARE(dump(b), original);
        // The round-tripped file is a working store.
        AnnotationStore reopened;
        const auto report = reopened.open(b);
        QVERIFY2(report.ok(), qPrintable(report.error()));
        QCOMPARE(reopened.vocabulary().names(), taglane::tests::scenarioVocabulary().names());
    }

    void storeCopyRefusesTargetsThatAreNotNew()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("cli-pgstore-refuse"));
        const QString a = dir + QStringLiteral("/a.db");
        {
            AnnotationStore store;
            QVERIFY(store.open(a).ok());
            QVERIFY(taglane::tests::fillScenario(store).isEmpty());
        }
        QVERIFY(m_pg.createDatabase(QStringLiteral("fullstore")));
        const QString uri = m_pg.uri(QStringLiteral("fullstore"));
        QCOMPARE(runCli({QStringLiteral("store"), QStringLiteral("copy"), a, uri}).exitCode, 0);
        const qint64 rows = m_pg.scalar(QStringLiteral("fullstore"), QStringLiteral("SELECT count(*) FROM edit_log")).toLongLong();

        const CliRun again = runCli({QStringLiteral("store"), QStringLiteral("copy"), a, uri});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(QLatin1String("not empty")), qPrintable(again.err));
        QCOMPARE(m_pg.scalar(QStringLiteral("fullstore"), QStringLiteral("SELECT count(*) FROM edit_log")).toLongLong(), rows);

        const QByteArray before = [&] { QFile f(a); f.open(QIODevice::ReadOnly); return f.readAll(); }();
        const CliRun ontoFile = runCli({QStringLiteral("store"), QStringLiteral("copy"), uri, a});
        QCOMPARE(ontoFile.exitCode, 1);
        QVERIFY2(ontoFile.err.contains(QLatin1String("already exists")), qPrintable(ontoFile.err));
        QFile f(a);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);

        // A database of another application is refused too.
        QVERIFY(m_pg.createDatabase(QStringLiteral("foreignapp")));
        QVERIFY(m_pg.exec(QStringLiteral("foreignapp"), QStringLiteral("CREATE TABLE invoices(id int)")));
        const CliRun foreign = runCli({QStringLiteral("store"), QStringLiteral("copy"), a, m_pg.uri(QStringLiteral("foreignapp"))});
        QCOMPARE(foreign.exitCode, 1);
        QVERIFY2(foreign.err.contains(QLatin1String("not a Taglane annotation store")), qPrintable(foreign.err));

        const CliRun missing = runCli({QStringLiteral("store"), QStringLiteral("copy"), dir + QStringLiteral("/none.db"),
                                       dir + QStringLiteral("/new.db")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains(QLatin1String("does not exist")), qPrintable(missing.err));
        QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/new.db")));
        QCOMPARE(runCli({QStringLiteral("store"), QStringLiteral("copy"), a}).exitCode, 2);
        QCOMPARE(runCli({QStringLiteral("store"), QStringLiteral("move"), a, uri}).exitCode, 2);
    }

    void badConnectionsFailClearly()
    {
        QVERIFY(m_pg.createDatabase(QStringLiteral("guarded")));
        AnnotationStore{}.open(m_pg.uri(QStringLiteral("guarded")));   // a store to fail to reach
        const CliRun wrong = runCli({QStringLiteral("library"), QStringLiteral("list"), QStringLiteral("--store"),
                                     m_pg.uri(QStringLiteral("guarded"), QStringLiteral("not-the-password"))});
        QVERIFY(wrong.exitCode != 0 && wrong.exitCode != -1);
        QVERIFY2(wrong.err.contains(QLatin1String("password authentication failed")), qPrintable(wrong.err));
        QVERIFY2(!wrong.err.contains(QLatin1String("not-the-password")), qPrintable(wrong.err));

        const int closed = PgCluster::freePort();
        const CliRun unreachable = runCli({QStringLiteral("library"), QStringLiteral("list"), QStringLiteral("--store"),
                                           QStringLiteral("postgresql://u:pw@127.0.0.1:%1/x").arg(closed)});
        QVERIFY(unreachable.exitCode != 0 && unreachable.exitCode != -1);
        QVERIFY2(unreachable.err.contains(QLatin1String("Cannot connect")), qPrintable(unreachable.err));

        const CliRun copy = runCli({QStringLiteral("store"), QStringLiteral("copy"),
                                    QStringLiteral("postgresql://u:pw@127.0.0.1:%1/x").arg(closed),
                                    taglane::tests::tempDir(QStringLiteral("cli-pgstore-bad")) + QStringLiteral("/t.db")});
        QCOMPARE(copy.exitCode, 1);
        QVERIFY2(copy.err.contains(QLatin1String("Cannot open")), qPrintable(copy.err));
    }
};

QTEST_GUILESS_MAIN(TestCliPgStore)
#include "tst_cli_pgstore.moc"
