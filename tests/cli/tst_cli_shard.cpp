// SPDX-License-Identifier: GPL-3.0-or-later
// `taglane-cli tag --store DB --shard I/N`: N runs tag a library between
// them, each track exactly once, in the shard its content hash names; a
// shard's re-run tags nothing; malformed shards are refused.
#include "clirunner.h"
#include "rawdb.h"
#include "testsupport.h"
#include "tonewav.h"

#include <QDir>
#include <QElapsedTimer>
#include <QLockFile>
#include <QProcess>
#include <QSet>
#include <QtTest>

namespace {

using taglane::tests::CliRun;
using taglane::tests::RawDb;
using taglane::tests::runCli;

QSet<QString> printedFiles(const QString &out)
{
    const QStringList lines = out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return QSet<QString>(lines.begin(), lines.end());
}

} // namespace

class tst_CliShard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shardsSplitTheLibraryByContentHash();
    void malformedShardsAreRefused();
    void waitsForAStoreAnotherProcessHolds();
};

void tst_CliShard::shardsSplitTheLibraryByContentHash()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-shard"));
    const QString music = dir + QStringLiteral("/music");
    QDir(music).mkpath(QStringLiteral("."));
    QSet<QString> all;
    for (int i = 0; i < 9; ++i) {
        const QString f = QStringLiteral("%1/t%2.wav").arg(music).arg(i);
        QVERIFY(taglane::tests::writeToneWav(f, 4.0, 180.0 + 53.0 * i));
        all << f;
    }
    const QString store = dir + QStringLiteral("/lib.sqlite");
    CliRun added = runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, music});
    QVERIFY2(added.exitCode == 0, qPrintable(added.err));

    // The rule the help states: shard 1 + (first 60 bits of the hash mod N).
    constexpr int kShards = 3;
    QHash<QString, int> expectedShard;
    {
        RawDb db(store);
        QVERIFY(db.ok());
        for (const QVariantList &row : db.rows(QStringLiteral("SELECT path, content_hash FROM tracks")))
            expectedShard.insert(row.at(0).toString(),
                                 1 + int(row.at(1).toString().left(15).toULongLong(nullptr, 16) % kShards));
    }
    QCOMPARE(expectedShard.size(), all.size());

    QSet<QString> tagged;
    for (int shard = 1; shard <= kShards; ++shard) {
        CliRun r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"),
                           QStringLiteral("instruments"), QStringLiteral("--shard"),
                           QStringLiteral("%1/%2").arg(shard).arg(kShards)});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QSet<QString> mine = printedFiles(r.out);
        QSet<QString> expected;
        for (auto it = expectedShard.cbegin(); it != expectedShard.cend(); ++it)
            if (it.value() == shard)
                expected << it.key();
        QCOMPARE(mine, expected);
        QVERIFY(!tagged.intersects(mine));
        tagged.unite(mine);
    }
    QCOMPARE(tagged, all);

    // Each track has exactly one run of the model.
    {
        RawDb db(store);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM prediction_runs")).toInt(), all.size());
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(DISTINCT track_id) FROM prediction_runs")).toInt(), all.size());
    }

    // A shard run again finds nothing left.
    CliRun again = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"),
                           QStringLiteral("instruments"), QStringLiteral("--shard"), QStringLiteral("2/3")});
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QVERIFY(again.out.trimmed().isEmpty());
    QVERIFY2(again.err.contains(QStringLiteral("Shard 2/3: 0 of the 0")), qPrintable(again.err));
}

void tst_CliShard::malformedShardsAreRefused()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-shard-bad"));
    const QString store = dir + QStringLiteral("/lib.sqlite");
    for (const QString &bad : {QStringLiteral("0/3"), QStringLiteral("4/3"), QStringLiteral("1/0"),
                               QStringLiteral("two"), QStringLiteral("1/2/3"), QStringLiteral("-1/2")}) {
        CliRun r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"),
                           QStringLiteral("instruments"), QStringLiteral("--shard"), bad});
        QVERIFY2(r.exitCode == 2, qPrintable(bad + QStringLiteral(": ") + r.err));
        QVERIFY2(r.err.contains(QStringLiteral("shard")), qPrintable(r.err));
    }
    QVERIFY(!QFile::exists(store));   // refused before the store is opened
    CliRun noStore = runCli({QStringLiteral("tag"), QStringLiteral("--model"), QStringLiteral("instruments"),
                             QStringLiteral("--shard"), QStringLiteral("1/2"), dir});
    QCOMPARE(noStore.exitCode, 2);
    QVERIFY2(noStore.err.contains(QStringLiteral("--store")), qPrintable(noStore.err));
}

// An SQLite store has one writer: with --wait-for-store a second writer
// waits for the first to let go instead of failing; without it, it fails.
void tst_CliShard::waitsForAStoreAnotherProcessHolds()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-shard-wait"));
    const QString track = dir + QStringLiteral("/a.wav");
    QVERIFY(taglane::tests::writeToneWav(track, 4.0, 330.0));
    const QString store = dir + QStringLiteral("/lib.sqlite");
    QCOMPARE(runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, track}).exitCode, 0);

    auto holder = std::make_unique<QLockFile>(store + QStringLiteral(".lock"));   // as a running Taglane holds it
    QVERIFY(holder->tryLock(0));
    const QStringList tag = {QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"),
                             QStringLiteral("instruments")};
    CliRun refused = runCli(tag);
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains(QStringLiteral("in use")), qPrintable(refused.err));

    QProcess waiting;
    waiting.start(QStringLiteral(TAGLANE_CLI_PATH), tag + QStringList{QStringLiteral("--wait-for-store"), QStringLiteral("60")});
    QVERIFY(waiting.waitForStarted());
    QElapsedTimer clock;
    clock.start();
    QByteArray err;
    while (!err.contains("waiting") && clock.elapsed() < 30000 && waiting.state() == QProcess::Running) {
        waiting.waitForReadyRead(200);
        err += waiting.readAllStandardError();
    }
    QVERIFY2(err.contains("waiting"), err.constData());
    QVERIFY(!waiting.waitForFinished(1500));       // still waiting while the lock is held
    holder.reset();                                // the other writer closes the store
    QVERIFY(waiting.waitForFinished(60000));
    err += waiting.readAllStandardError();
    QVERIFY2(waiting.exitCode() == 0, err.constData());
    QCOMPARE(QString::fromUtf8(waiting.readAllStandardOutput()).trimmed(), track);
}

QTEST_GUILESS_MAIN(tst_CliShard)
#include "tst_cli_shard.moc"
