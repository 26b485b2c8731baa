// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli end to end: the process is run as a user would run it.
#include "clirunner.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
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

QVector<QVector<double>> readCsv(const QString &path)
{
    QVector<QVector<double>> rows;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return rows;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (line.isEmpty())
            continue;
        QVector<double> row;
        for (const QByteArray &cell : line.split(','))
            row << cell.toDouble();
        rows << row;
    }
    return rows;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void usageAndUnknownCommand();
    void infoPrintsFacts();
    void infoJsonAndBadFiles();
    void featuresReproduceReferenceMel();
    void featuresRejectBadInput();
    void synthCorpusIsReproducible();
    void synthCorpusRejectsBadArguments();
};

void TestCli::usageAndUnknownCommand()
{
    const Run none = cli({});
    QCOMPARE(none.exitCode, 2);
    QVERIFY(none.err.contains(QLatin1String("Usage: taglane-cli")));
    const Run help = cli({QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    for (const char *command : {"info", "features", "import-checkpoint", "tag"})
        QVERIFY2(help.out.contains(QLatin1String(command)), command);
    const Run unknown = cli({QStringLiteral("frobnicate")});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains(QLatin1String("unknown command 'frobnicate'")));
}

void TestCli::infoPrintsFacts()
{
    TAGLANE_REQUIRE_SHARED(ogg, "fixtures/audio/traveling_minstrels.ogg");
    const Run r = cli({QStringLiteral("info"), ogg});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QLatin1String("44100 Hz")), qPrintable(r.out));
    QVERIFY(r.out.contains(QLatin1String("channels:    2")));
    QVERIFY(r.out.contains(QLatin1String("Vorbis")));
}

void TestCli::infoJsonAndBadFiles()
{
    TAGLANE_REQUIRE_SHARED(mp3, "fixtures/audio/mtat_joram_solipsism.mp3");
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-info"));
    const QString text = dir + QStringLiteral("/readme.wav");
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not audio at all\n");
    f.close();

    const Run r = cli({QStringLiteral("info"), QStringLiteral("--json"), QStringLiteral("--decode"), mp3, text,
                       dir + QStringLiteral("/missing.flac")});
    QCOMPARE(r.exitCode, 1);   // one good file, two bad ones
    const QJsonObject o = QJsonDocument::fromJson(r.out.split(QLatin1Char('\n')).first().toUtf8()).object();
    QCOMPARE(o.value(QStringLiteral("sample_rate")).toInt(), 16000);
    QCOMPARE(o.value(QStringLiteral("channels")).toInt(), 1);
    QVERIFY(o.value(QStringLiteral("duration")).toDouble() > 25.0);
    QVERIFY2(r.err.contains(QLatin1String("readme.wav: cannot open as audio")), qPrintable(r.err));
    QVERIFY2(r.err.contains(QLatin1String("missing.flac: file not found")), qPrintable(r.err));
}

void TestCli::featuresReproduceReferenceMel()
{
    TAGLANE_REQUIRE_SHARED(wav, "fixtures/reference/traveling_minstrels.16k.wav");
    TAGLANE_REQUIRE_SHARED(ref, "fixtures/reference/traveling_minstrels.musicnn.meldb.csv");
    const QString out = taglane::tests::tempDir(QStringLiteral("cli-features")) + QStringLiteral("/mel.csv");
    const Run r = cli({QStringLiteral("features"), wav, QStringLiteral("--type"), QStringLiteral("mel"),
                       QStringLiteral("--rate"), QStringLiteral("16000"), QStringLiteral("--n-fft"), QStringLiteral("512"),
                       QStringLiteral("--hop"), QStringLiteral("256"), QStringLiteral("--bands"), QStringLiteral("96"),
                       QStringLiteral("--fmin"), QStringLiteral("0"), QStringLiteral("--fmax"), QStringLiteral("8000"),
                       QStringLiteral("--scale"), QStringLiteral("htk"), QStringLiteral("--db"), QStringLiteral("--out"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto got = readCsv(out);
    const auto want = readCsv(ref);
    QCOMPARE(got.size(), 96);
    QCOMPARE(want.size(), 96);
    // The whole file has many more frames; the reference covers the first
    // 48000 samples, whose last frame is padded differently: compare 187.
    QVERIFY(got[0].size() > 187);
    double worst = 0;
    for (int band = 0; band < 96; ++band)
        for (int frame = 0; frame < 187; ++frame)
            worst = std::max(worst, std::abs(got[band][frame] - want[band][frame]));
    qInfo("largest difference from the reference dB mel: %.2e dB", worst);
    QVERIFY2(worst < 0.1, qPrintable(QString::number(worst)));
}

void TestCli::featuresRejectBadInput()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-features-bad"));
    const Run missing = cli({QStringLiteral("features"), dir + QStringLiteral("/none.wav"), QStringLiteral("--type"), QStringLiteral("mel")});
    QVERIFY(missing.exitCode != 0);
    QVERIFY(missing.err.contains(QLatin1String("none.wav")));
    TAGLANE_REQUIRE_SHARED(wav, "fixtures/reference/mtat_joram_solipsism.16k.wav");
    const Run badType = cli({QStringLiteral("features"), wav, QStringLiteral("--type"), QStringLiteral("chroma")});
    QVERIFY(badType.exitCode != 0);
    QVERIFY(badType.err.contains(QLatin1String("chroma")));
    const Run badNumber = cli({QStringLiteral("features"), wav, QStringLiteral("--type"), QStringLiteral("mel"),
                               QStringLiteral("--hop"), QStringLiteral("zero")});
    QVERIFY(badNumber.exitCode != 0);
    QVERIFY(badNumber.err.contains(QLatin1String("hop")));
    const Run badRange = cli({QStringLiteral("features"), wav, QStringLiteral("--type"), QStringLiteral("mel"),
                              QStringLiteral("--fmax"), QStringLiteral("20000")});
    QVERIFY(badRange.exitCode != 0);
    QVERIFY(!badRange.err.isEmpty());
}

void TestCli::synthCorpusIsReproducible()
{
    if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
        QSKIP("the General MIDI soundfont (fluid-soundfont-gm) is not installed");
    const QString base = taglane::tests::tempDir(QStringLiteral("cli-synth"));
    const QStringList common{QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("2"),
                             QStringLiteral("--rate"), QStringLiteral("16000"), QStringLiteral("--mono"),
                             QStringLiteral("--quiet")};
    const Run a = cli(common + QStringList{QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--out"), base + QStringLiteral("/a")});
    QVERIFY2(a.exitCode == 0, qPrintable(a.err));
    const Run b = cli(common + QStringList{QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--out"), base + QStringLiteral("/b")});
    QVERIFY2(b.exitCode == 0, qPrintable(b.err));

    const QStringList files = QDir(base + QStringLiteral("/a")).entryList(QDir::Files, QDir::Name);
    QVERIFY2(files.contains(QStringLiteral("vocabulary.tsv")), qPrintable(files.join(QLatin1Char(' '))));
    int csvs = 0, wavs = 0;
    for (const QString &name : files) {
        QFile fa(base + QStringLiteral("/a/") + name), fb(base + QStringLiteral("/b/") + name);
        QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly));
        QVERIFY2(fa.readAll() == fb.readAll(), qPrintable(name + QStringLiteral(" differs between two runs with the same seed")));
        csvs += name.endsWith(QLatin1String(".csv"));
        wavs += name.endsWith(QLatin1String(".wav"));
    }
    QCOMPARE(csvs, 2);
    QCOMPARE(wavs, 2);

    // Every CSV: CAL500exp header, 3-8 segments of 3-16 s covering 30-120 s.
    for (const QString &name : files) {
        if (!name.endsWith(QLatin1String(".csv")))
            continue;
        QFile f(base + QStringLiteral("/a/") + name);
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(lines.first().startsWith(QLatin1String("Start_Time,End_Time,")));
        const int segments = lines.size() - 1;
        QVERIFY2(segments >= 3 && segments <= 8, qPrintable(QString::number(segments)));
        double previousEnd = -1;
        for (int i = 1; i < lines.size(); ++i) {
            const QStringList cells = lines[i].split(QLatin1Char(','));
            double start = cells[0].toDouble(), end = cells[1].toDouble();
            if (end > 1000) {   // times written in milliseconds
                start /= 1000;
                end /= 1000;
            }
            QVERIFY(end - start >= 3.0 - 1e-6 && end - start <= 16.0 + 1e-6);
            if (previousEnd >= 0)
                QVERIFY(std::abs(start - previousEnd) < 1e-3);
            previousEnd = end;
        }
        QVERIFY(previousEnd >= 30.0 - 1e-6 && previousEnd <= 120.0 + 1e-6);
    }

    const Run c = cli(common + QStringList{QStringLiteral("--seed"), QStringLiteral("6"), QStringLiteral("--out"), base + QStringLiteral("/c")});
    QVERIFY2(c.exitCode == 0, qPrintable(c.err));
    QFile fa(base + QStringLiteral("/a/vocabulary.tsv"));
    bool anyDifferent = false;
    for (const QString &name : QDir(base + QStringLiteral("/c")).entryList({QStringLiteral("*.csv")}, QDir::Files, QDir::Name)) {
        QFile f1(base + QStringLiteral("/a/") + name), f2(base + QStringLiteral("/c/") + name);
        if (!f1.open(QIODevice::ReadOnly) || !f2.open(QIODevice::ReadOnly) || f1.readAll() != f2.readAll())
            anyDifferent = true;
    }
    QVERIFY2(anyDifferent, "another seed must give another corpus");
}

void TestCli::synthCorpusRejectsBadArguments()
{
    const QString base = taglane::tests::tempDir(QStringLiteral("cli-synth-bad"));
    const Run noOut = cli({QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("1")});
    QCOMPARE(noOut.exitCode, 2);
    const Run badTracks = cli({QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("many"),
                               QStringLiteral("--out"), base});
    QCOMPARE(badTracks.exitCode, 2);
    const Run badFont = cli({QStringLiteral("synth-corpus"), QStringLiteral("--tracks"), QStringLiteral("1"),
                             QStringLiteral("--soundfont"), base + QStringLiteral("/none.sf2"), QStringLiteral("--out"), base});
    QVERIFY(badFont.exitCode != 0);
    QVERIFY2(badFont.err.contains(QLatin1String("none.sf2")), qPrintable(badFont.err));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
