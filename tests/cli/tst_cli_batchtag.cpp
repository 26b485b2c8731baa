// SPDX-License-Identifier: GPL-3.0-or-later
// `taglane-cli tag --store DB`: batch tagging of the library into the store,
// with provenance, resumable after SIGKILL without redoing or duplicating
// finished tracks; FILE/DIR arguments join the library first.
#include "clirunner.h"
#include "rawdb.h"
#include "testsupport.h"
#include "tonewav.h"

#include <QDir>
#include <QFile>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QtTest>

#include <cmath>

namespace {

using taglane::tests::CliRun;
using taglane::tests::RawDb;
using taglane::tests::runCli;

const QString kVersionQuery = QStringLiteral("SELECT id FROM model_versions WHERE name LIKE '%instruments%'");

QStringList lines(const QString &text)
{
    return text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

QStringList makeTracks(const QString &dir, int count, double seconds)
{
    QStringList files;
    QDir(dir).mkpath(QStringLiteral("."));
    for (int i = 0; i < count; ++i) {
        const QString f = QStringLiteral("%1/track%2.wav").arg(dir).arg(i, 2, 10, QLatin1Char('0'));
        if (!taglane::tests::writeToneWav(f, seconds, 150.0 + 37.0 * i))
            return {};
        files << f;
    }
    return files;
}

qint64 count(RawDb &db, const QString &sql)
{
    return db.scalar(sql).toLongLong();
}

} // namespace

class tst_CliBatchTag : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tagsEveryUntaggedTrackOnceWithProvenance();
    void killedRunResumesWithoutRedoingOrDuplicating();
    void filesJoinTheLibraryAndNoveltySegments();
    void noveltySegmentsWithoutAStore();
    void terminatedRunStopsBetweenTracks();
    void badInputExitsNonZero();
};

void tst_CliBatchTag::tagsEveryUntaggedTrackOnceWithProvenance()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-batchtag-once"));
    const QStringList files = makeTracks(dir + QStringLiteral("/music"), 3, 8.0);
    QCOMPARE(files.size(), 3);
    const QString store = dir + QStringLiteral("/lib.sqlite");
    QCOMPARE(runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, dir + QStringLiteral("/music")}).exitCode, 0);

    CliRun r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"), QStringLiteral("instruments")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(lines(r.out), files);
    {
        RawDb db(store);
        QVERIFY(db.ok());
        const qint64 model = count(db, kVersionQuery);
        QVERIFY(model > 0);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM prediction_runs WHERE model_version_id = %1 AND created_at > 0").arg(model)), 3);
        // One chunk-grid segmentation per track, named after the model, and 14 probabilities per segment.
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM segmentations WHERE source = 'model-chunks' AND origin LIKE '%taglane-cnn-%chunk%'")), 3);
        const qint64 segments = count(db, QStringLiteral("SELECT count(*) FROM segments s JOIN tracks t ON t.current_segmentation_id = s.segmentation_id"));
        QVERIFY(segments >= 6);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM predictions WHERE model_version_id = %1").arg(model)), segments * 14);
    }
    QVERIFY(runCli({QStringLiteral("library"), QStringLiteral("list"), QStringLiteral("--store"), store}).out.contains(QStringLiteral("taglane-cnn-")));

    // Again: nothing left to do, nothing written.
    qint64 edits = 0;
    {
        RawDb db(store);
        edits = count(db, QStringLiteral("SELECT count(*) FROM edit_log"));
    }
    r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"), QStringLiteral("instruments")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.contains(QStringLiteral("0 tracks to tag")), qPrintable(r.err));
    RawDb db(store);
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM edit_log")), edits);
}

void tst_CliBatchTag::killedRunResumesWithoutRedoingOrDuplicating()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-batchtag-kill"));
    const QStringList files = makeTracks(dir + QStringLiteral("/music"), 14, 40.0);
    QCOMPARE(files.size(), 14);
    const QString store = dir + QStringLiteral("/lib.sqlite");
    QCOMPARE(runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, dir + QStringLiteral("/music")}).exitCode, 0);
    const QStringList args{QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"),
                           QStringLiteral("instruments"), QStringLiteral("--segments"), QStringLiteral("fixed:5")};

    // Two runs killed with SIGKILL part-way, at a random moment after some tracks finished.
    QSet<QString> reported;
    int kills = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {
        QProcess p;
        p.start(QStringLiteral(TAGLANE_CLI_PATH), args);
        QVERIFY(p.waitForStarted());
        QString out;
        QElapsedTimer clock;
        clock.start();
        while (lines(out).size() < 2 && p.state() == QProcess::Running && clock.elapsed() < 240000) {
            p.waitForReadyRead(200);
            out += QString::fromUtf8(p.readAllStandardOutput());
        }
        if (p.state() != QProcess::Running)
            break;   // finished before it could be killed (a very fast machine)
        QTest::qWait(int(QRandomGenerator::global()->bounded(400)));
        p.kill();    // SIGKILL
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        ++kills;
        out += QString::fromUtf8(p.readAllStandardOutput());
        for (const QString &f : lines(out)) {
            QVERIFY2(!reported.contains(f), qPrintable(f + QStringLiteral(" was tagged twice")));
            reported.insert(f);
        }
    }
    QVERIFY2(kills >= 1, "no run could be killed part-way");
    QVERIFY(reported.size() < files.size());

    const CliRun r = runCli(args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QStringList rest = lines(r.out);
    for (const QString &f : rest)
        QVERIFY2(!reported.contains(f), qPrintable(f + QStringLiteral(" was tagged again after it was reported done")));
    QSet<QString> all = reported;
    all.unite(QSet<QString>(rest.begin(), rest.end()));
    QCOMPARE(all, QSet<QString>(files.begin(), files.end()));

    RawDb db(store);
    const qint64 model = count(db, kVersionQuery);
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM tracks")), qint64(files.size()));
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM prediction_runs WHERE model_version_id = %1").arg(model)), qint64(files.size()));
    // Every track was saved once: one segmentation, one predictions edit, 8 fixed segments x 14 tags.
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM segmentations")), qint64(files.size()));
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM edit_log WHERE kind = 'predictions'")), qint64(files.size()));
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM segments")), qint64(files.size()) * 8);
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM predictions")), qint64(files.size()) * 8 * 14);
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM segments s LEFT JOIN predictions p ON p.segment_id = s.id"
                                      " WHERE p.segment_id IS NULL")), 0);
}

void tst_CliBatchTag::filesJoinTheLibraryAndNoveltySegments()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-batchtag-files"));
    const QStringList files = makeTracks(dir + QStringLiteral("/music"), 2, 20.0);
    const QString store = dir + QStringLiteral("/lib.sqlite");
    CliRun r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"), QStringLiteral("instruments"),
                       QStringLiteral("--segments"), QStringLiteral("novelty"), files.at(0)});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(lines(r.out), QStringList{files.at(0)});
    {
        RawDb db(store);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM tracks")), 1);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM segmentations WHERE source = 'novelty' AND origin LIKE '%novelty%'")), 1);
        // Novelty segments are 3 to 16 s and cover the track.
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM segments WHERE end_s - start_s < 2.999 OR end_s - start_s > 16.001")), 0);
        QVERIFY(count(db, QStringLiteral("SELECT count(*) FROM segments")) >= 2);
        QCOMPARE(db.scalar(QStringLiteral("SELECT max(end_s) FROM segments")).toDouble(), 20.0);
    }
    // The folder: the second file joins and is tagged; the first is not tagged again.
    r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"), QStringLiteral("instruments"),
                dir + QStringLiteral("/music")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(lines(r.out), QStringList{files.at(1)});
    // Another model keeps the tracks' segments, so versions compare segment by segment.
    r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(lines(r.out), files);
    QVERIFY2(r.err.contains(QStringLiteral("segments kept")), qPrintable(r.err));
    RawDb db(store);
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM segmentations")), 2);
    QCOMPARE(count(db, QStringLiteral("SELECT count(DISTINCT model_version_id) FROM predictions")), 2);

    // A missing library file is skipped and named; the others stay tagged.
    QVERIFY(QFile::remove(files.at(0)));
    QVERIFY(taglane::tests::writeToneWav(dir + QStringLiteral("/music/late.wav"), 6.0, 999.0));
    QCOMPARE(runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, dir + QStringLiteral("/music")}).exitCode, 0);
    r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"), QStringLiteral("instruments")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(lines(r.out), QStringList{dir + QStringLiteral("/music/late.wav")});
}

void tst_CliBatchTag::noveltySegmentsWithoutAStore()
{
    // `tag FILE --segments novelty` writes files as before, with novelty segments.
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-batchtag-novelty-csv"));
    const QStringList files = makeTracks(dir + QStringLiteral("/music"), 1, 30.0);
    const CliRun r = runCli({QStringLiteral("tag"), files.at(0), QStringLiteral("--model"), QStringLiteral("instruments"),
                             QStringLiteral("--segments"), QStringLiteral("novelty"), QStringLiteral("--out"), dir});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile csv(dir + QStringLiteral("/track00.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList rows = lines(QString::fromUtf8(csv.readAll()));
    QVERIFY(rows.size() >= 3);   // header and at least two segments of 3-16 s
    double end = 0.0;
    for (int i = 1; i < rows.size(); ++i) {
        const QStringList cells = rows.at(i).split(QLatin1Char(','));
        const double start = cells.at(0).toDouble(), stop = cells.at(1).toDouble();
        QVERIFY2(stop - start >= 2.999 && stop - start <= 16.001, qPrintable(rows.at(i)));
        QVERIFY(std::abs(start - end) < 1e-6);
        end = stop;
    }
    QVERIFY(std::abs(end - 30.0) < 1e-6);
}

void tst_CliBatchTag::terminatedRunStopsBetweenTracks()
{
    // SIGTERM (or Ctrl+C) ends the run after the track in hand, exit status 1;
    // what it reported is saved, and the next run does the rest.
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-batchtag-term"));
    const QStringList files = makeTracks(dir + QStringLiteral("/music"), 10, 40.0);
    const QString store = dir + QStringLiteral("/lib.sqlite");
    const QStringList args{QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"),
                           QStringLiteral("instruments"), dir + QStringLiteral("/music")};
    QProcess p;
    p.start(QStringLiteral(TAGLANE_CLI_PATH), args);
    QVERIFY(p.waitForStarted());
    QString out;
    while (lines(out).isEmpty() && p.state() == QProcess::Running) {
        p.waitForReadyRead(200);
        out += QString::fromUtf8(p.readAllStandardOutput());
    }
    if (p.state() != QProcess::Running)
        QSKIP("the run finished before it could be stopped");
    p.terminate();
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 1);
    out += QString::fromUtf8(p.readAllStandardOutput());
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("interrupted")), qPrintable(err));
    const QStringList done = lines(out);
    QVERIFY(done.size() < files.size());
    {
        RawDb db(store);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM prediction_runs")), qint64(done.size()));
    }
    const CliRun r = runCli(args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(lines(r.out).size() + done.size(), files.size());
}

void tst_CliBatchTag::badInputExitsNonZero()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-batchtag-bad"));
    const QStringList files = makeTracks(dir, 1, 4.0);
    const QString store = dir + QStringLiteral("/lib.sqlite");
    CliRun r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--format"), QStringLiteral("jams")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("--format")), qPrintable(r.err));
    r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--segments"), QStringLiteral("wobbly")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("novelty")), qPrintable(r.err));
    r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), dir, files.at(0)});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("folder")), qPrintable(r.err));
    r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"), dir + QStringLiteral("/no.tlmodel")});
    QCOMPARE(r.exitCode, 2);
    r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, dir + QStringLiteral("/absent.wav")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("absent.wav: does not exist")), qPrintable(r.err));
    // Without --store the command still needs a model and files.
    r = runCli({QStringLiteral("tag"), files.at(0)});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("--model")));
}

QTEST_GUILESS_MAIN(tst_CliBatchTag)
#include "tst_cli_batchtag.moc"
