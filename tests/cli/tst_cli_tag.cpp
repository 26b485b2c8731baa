// SPDX-License-Identifier: GPL-3.0-or-later
// `taglane-cli tag` end to end: import the published musicnn checkpoint,
// tag the reference clip and compare with the reference outputs computed
// independently (PyTorch) for the same 16 kHz input.
#include "clirunner.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <cmath>

namespace {

using Run = taglane::tests::CliRun;

Run cli(const QStringList &args, const QString &workingDir = {})
{
    return taglane::tests::runCli(args, workingDir);
}

/// Lines of a simple CSV (no quoted fields: the MTAT tags hold no commas).
QVector<QStringList> readLines(const QString &path)
{
    QVector<QStringList> rows;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return rows;
    while (!f.atEnd()) {
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (!line.isEmpty())
            rows << line.split(QLatin1Char(','));
    }
    return rows;
}

} // namespace

class tst_CliTag : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void chunkCsvMatchesReference();
    void fixedSegmentsAverageChunks();
    void catalogueAndJams();
    void folderWithBadFileExitsOne();
    void usageErrorsExitTwo();

private:
    QString m_bundle;
    QString m_clip;
    QString m_reference;
    QString m_tags;
};

void tst_CliTag::initTestCase()
{
    TAGLANE_REQUIRE_SHARED(checkpoint, "fixtures/pretrained/mtat-musicnn.pth");
    TAGLANE_REQUIRE_SHARED(tags, "fixtures/pretrained/mtat-tags.txt");
    TAGLANE_REQUIRE_SHARED(clip, "fixtures/reference/mtat_joram_solipsism.16k.wav");
    TAGLANE_REQUIRE_SHARED(reference, "fixtures/reference/mtat_joram_solipsism.musicnn.csv");
    m_clip = clip;
    m_reference = reference;
    m_tags = tags;
    m_bundle = taglane::tests::tempDir(QStringLiteral("cli-tag-bundle")) + QStringLiteral("/musicnn.tlmodel");
    const Run r = cli({QStringLiteral("import-checkpoint"), QStringLiteral("--arch"), QStringLiteral("musicnn"), checkpoint,
                       QStringLiteral("--tags"), tags, QStringLiteral("--out"), m_bundle});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
}

void tst_CliTag::chunkCsvMatchesReference()
{
    const QString out = taglane::tests::tempDir(QStringLiteral("cli-tag-chunk"));
    const Run r = cli({QStringLiteral("tag"), m_clip, QStringLiteral("--model"), m_bundle, QStringLiteral("--segments"),
                       QStringLiteral("chunk"), QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--out"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("Device: CPU")) || r.err.contains(QStringLiteral("Device: CUDA")),
             qPrintable(r.err));

    const QVector<QStringList> ours = readLines(out + QStringLiteral("/mtat_joram_solipsism.16k.csv"));
    const QVector<QStringList> ref = readLines(m_reference);
    QCOMPARE(ref.size(), 10);   // header + 9 whole 3 s chunks
    // Header: Start_Time,End_Time, then the model's tags in output order.
    QCOMPARE(ours.value(0).mid(2), ref[0].mid(1));
    QCOMPARE(ours[0].mid(0, 2), (QStringList{QStringLiteral("Start_Time"), QStringLiteral("End_Time")}));
    // The 9 whole chunks, then the 2.124 s tail read by a chunk aligned to the end.
    QCOMPARE(ours.size(), ref.size() + 1);
    double worst = 0.0;
    for (int i = 1; i < ref.size(); ++i) {
        QCOMPARE(ours[i].size(), ref[i].size() + 1);
        QCOMPARE(ours[i][0].toDouble(), ref[i][0].toDouble() / 16000.0);
        QCOMPARE(ours[i][1].toDouble(), ref[i][0].toDouble() / 16000.0 + 3.0);
        for (int t = 1; t < ref[i].size(); ++t)
            worst = std::max(worst, std::abs(ours[i][t + 1].toDouble() - ref[i][t].toDouble()));
    }
    qInfo("largest difference from the reference: %g", worst);
    QVERIFY(worst < 1e-4);
    const QStringList &tail = ours.last();
    QCOMPARE(tail[0].toDouble(), 27.0);
    QCOMPARE(tail[1].toDouble(), 465984.0 / 16000.0);
    for (int t = 2; t < tail.size(); ++t) {
        const double v = tail[t].toDouble();
        QVERIFY(v >= 0.0 && v <= 1.0);
    }
}

void tst_CliTag::fixedSegmentsAverageChunks()
{
    // 6 s windows over the 3 s chunks: segment k is the mean of reference
    // chunks 2k and 2k+1 (k < 4); the last, [24, 29.124), also holds the tail.
    const QString out = taglane::tests::tempDir(QStringLiteral("cli-tag-fixed"));
    const Run r = cli({QStringLiteral("tag"), m_clip, QStringLiteral("--model"), m_bundle, QStringLiteral("--segments"),
                       QStringLiteral("fixed:6"), QStringLiteral("--out"), out, QStringLiteral("--batch"), QStringLiteral("3")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QVector<QStringList> ours = readLines(out + QStringLiteral("/mtat_joram_solipsism.16k.csv"));
    const QVector<QStringList> ref = readLines(m_reference);
    QCOMPARE(ours.size(), 1 + 5);
    for (int k = 0; k < 4; ++k) {
        QCOMPARE(ours[k + 1][0].toDouble(), 6.0 * k);
        QCOMPARE(ours[k + 1][1].toDouble(), 6.0 * (k + 1));
        for (int t = 1; t < ref[0].size(); ++t) {
            const double expected = 0.5 * (ref[2 * k + 1][t].toDouble() + ref[2 * k + 2][t].toDouble());
            QVERIFY(std::abs(ours[k + 1][t + 1].toDouble() - expected) < 1e-4);
        }
    }
    QCOMPARE(ours[5][0].toDouble(), 24.0);
    QCOMPARE(ours[5][1].toDouble(), 465984.0 / 16000.0);
}

void tst_CliTag::catalogueAndJams()
{
    const QString out = taglane::tests::tempDir(QStringLiteral("cli-tag-catalogue"));
    Run r = cli({QStringLiteral("tag"), m_clip, QStringLiteral("--model"), m_bundle, QStringLiteral("--format"),
                 QStringLiteral("catalogue"), QStringLiteral("--out"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QVector<QStringList> rows = readLines(out + QStringLiteral("/catalogue.csv"));
    QCOMPARE(rows.size(), 1 + 10 * 50);   // every (segment, tag) has a probability
    QCOMPARE(rows[0].join(QLatin1Char(',')), QStringLiteral("file,start,end,tag,value,source,confidence,curator,modified"));
    QVERIFY(rows[1][5].startsWith(QStringLiteral("model:")));
    const QVector<QStringList> ref = readLines(m_reference);
    QCOMPARE(rows[1][3], ref[0][1]);
    QVERIFY(std::abs(rows[1][6].toDouble() - ref[1][1].toDouble()) < 1e-4);

    r = cli({QStringLiteral("tag"), m_clip, QStringLiteral("--model"), m_bundle, QStringLiteral("--format"),
             QStringLiteral("jams"), QStringLiteral("--out"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile f(out + QStringLiteral("/mtat_joram_solipsism.16k.jams"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject top = QJsonDocument::fromJson(f.readAll()).object();
    QVERIFY(std::abs(top[QStringLiteral("file_metadata")][QStringLiteral("duration")].toDouble() - 29.124) < 1e-9);
    const QJsonObject a = top[QStringLiteral("annotations")].toArray().at(0).toObject();
    QCOMPARE(a[QStringLiteral("namespace")].toString(), QStringLiteral("tag_open"));
    const QJsonArray probs = a[QStringLiteral("sandbox")][QStringLiteral("taglane")][QStringLiteral("probabilities")].toArray();
    QCOMPARE(probs.size(), 10);
    QVERIFY(std::abs(probs[2].toArray()[3].toDouble() - ref[3][4].toDouble()) < 1e-4);
}

void tst_CliTag::folderWithBadFileExitsOne()
{
    const QString in = taglane::tests::tempDir(QStringLiteral("cli-tag-folder-in"));
    const QString out = taglane::tests::tempDir(QStringLiteral("cli-tag-folder-out"));
    QDir(in).mkpath(QStringLiteral("sub"));
    QVERIFY(QFile::copy(m_clip, in + QStringLiteral("/sub/good.wav")));
    {
        QFile bad(in + QStringLiteral("/bad.wav"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("this is a text file, not audio\n");
        QFile notes(in + QStringLiteral("/notes.txt"));   // not an audio suffix: ignored
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("hello\n");
    }
    const Run r = cli({QStringLiteral("tag"), in, QStringLiteral("--model"), m_bundle, QStringLiteral("--out"), out});
    QCOMPARE(r.exitCode, 1);
    const int listAt = r.err.lastIndexOf(QStringLiteral("failed:\n"));
    QVERIFY2(listAt >= 0, qPrintable(r.err));
    QVERIFY2(r.err.mid(listAt).contains(QStringLiteral("bad.wav")), qPrintable(r.err));
    QVERIFY(!r.err.contains(QStringLiteral("notes.txt")));
    QVERIFY(QFileInfo::exists(out + QStringLiteral("/good.csv")));
    QVERIFY(!QFileInfo::exists(out + QStringLiteral("/bad.csv")));
}

void tst_CliTag::usageErrorsExitTwo()
{
    const QString out = taglane::tests::tempDir(QStringLiteral("cli-tag-usage"));
    Run r = cli({QStringLiteral("tag"), m_clip, QStringLiteral("--out"), out});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("--model")));

    r = cli({QStringLiteral("tag"), m_clip, QStringLiteral("--model"), out + QStringLiteral("/nothing.tlmodel"),
             QStringLiteral("--out"), out});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("nothing.tlmodel")));

    r = cli({QStringLiteral("tag"), m_clip, QStringLiteral("--model"), m_bundle, QStringLiteral("--segments"),
             QStringLiteral("fixed:40"), QStringLiteral("--out"), out});
    QCOMPARE(r.exitCode, 2);
    r = cli({QStringLiteral("tag"), m_clip, QStringLiteral("--model"), m_bundle, QStringLiteral("--format"),
             QStringLiteral("xml"), QStringLiteral("--out"), out});
    QCOMPARE(r.exitCode, 2);
    r = cli({QStringLiteral("tag"), QStringLiteral("--model"), m_bundle});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(QDir(out).entryList(QDir::Files).isEmpty());
}

QTEST_GUILESS_MAIN(tst_CliTag)
#include "tst_cli_tag.moc"
