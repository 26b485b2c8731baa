// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cli features --type scattering end to end: the CSV has the
// transform's rows and frames, a tone lights its band, the options change
// the layout as the engine says, and bad options or audio fail clearly.
#include "clirunner.h"
#include "testsupport.h"

#include "engine/dsp/scattering.h"

#include <QFile>
#include <QtTest>

#include <cmath>

namespace {

using Run = taglane::tests::CliRun;
using taglane::engine::Scattering;
using taglane::engine::ScatteringSettings;

constexpr double pi = 3.14159265358979323846;

// A 16-bit mono PCM WAV of a sine.
bool writeToneWav(const QString &path, double hz, double seconds, int rate)
{
    const qint32 frames = qint32(seconds * rate);
    QByteArray b;
    auto u32 = [&](quint32 v) {
        for (int i = 0; i < 4; ++i)
            b.append(char((v >> (8 * i)) & 0xff));
    };
    auto u16 = [&](quint16 v) {
        b.append(char(v & 0xff));
        b.append(char(v >> 8));
    };
    b.append("RIFF");
    u32(quint32(36 + frames * 2));
    b.append("WAVEfmt ");
    u32(16);
    u16(1);
    u16(1);
    u32(quint32(rate));
    u32(quint32(rate * 2));
    u16(2);
    u16(16);
    b.append("data");
    u32(quint32(frames * 2));
    for (qint32 i = 0; i < frames; ++i)
        u16(quint16(qint16(std::lround(10000.0 * std::sin(2 * pi * hz * i / rate)))));
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(b) == b.size();
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

class TestCliScattering : public QObject
{
    Q_OBJECT

    QString m_dir;
    QString m_tone;   // 1 kHz, 4 s at 22050 Hz

private Q_SLOTS:
    void initTestCase()
    {
        m_dir = taglane::tests::tempDir(QStringLiteral("tst_cli_scattering"));
        m_tone = m_dir + QStringLiteral("/tone.wav");
        QVERIFY(writeToneWav(m_tone, 1000.0, 4.0, 22050));
    }

    void writesTheTransformAsCsv()
    {
        const QString out = m_dir + QStringLiteral("/tone.csv");
        const Run r = taglane::tests::runCli({QStringLiteral("features"), m_tone, QStringLiteral("--type"),
                                              QStringLiteral("scattering"), QStringLiteral("--out"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const Scattering s{ScatteringSettings{}};   // what the CLI's defaults mean
        const auto csv = readCsv(out);
        QCOMPARE(csv.size(), s.rows());
        const qint64 frames = s.frameCount(4 * 22050);
        for (const auto &row : csv)
            QCOMPARE(qint64(row.size()), frames);
        // ln S1: the band nearest 1 kHz is the brightest in the middle frames.
        int peak = 0;
        for (int r1 = 0; r1 < s.firstOrderRows(); ++r1)
            if (csv[r1][frames / 2] > csv[peak][frames / 2])
                peak = r1;
        const double hz = s.paths()[size_t(peak)].hz1;
        QVERIFY2(std::abs(std::log2(hz / 1000.0)) < 1.0 / 16 + 0.01, qPrintable(QString::number(hz)));
        // A pure tone has no modulation: its normalised second order is dark.
        for (int row = s.firstOrderRows(); row < s.rows(); ++row)
            if (s.paths()[size_t(row)].l1 == peak)
                QVERIFY2(csv[row][frames / 2] < std::log(0.01), qPrintable(QString::number(csv[row][frames / 2])));
    }

    void optionsChangeTheLayout()
    {
        const Run r = taglane::tests::runCli({QStringLiteral("features"), m_tone, QStringLiteral("--type"),
                                              QStringLiteral("scattering"), QStringLiteral("--scattering-t"),
                                              QStringLiteral("2048"), QStringLiteral("--q1"), QStringLiteral("4")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        ScatteringSettings settings;
        settings.averaging = 2048;
        settings.q1 = 4;
        const Scattering s(settings);
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), s.rows());
        QCOMPARE(qint64(lines.first().split(QLatin1Char(',')).size()), s.frameCount(4 * 22050));
        QCOMPARE(s.hop(), 512);
        const Run help = taglane::tests::runCli({QStringLiteral("features"), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QLatin1String("scattering")));
        QVERIFY(help.out.contains(QLatin1String("--scattering-t")));
        QVERIFY(help.out.contains(QLatin1String("--q1")));
        QVERIFY(help.out.contains(QLatin1String("--q2")));
        // --q2 2: twice as many second-order wavelets, so more paths.
        const Run r2 = taglane::tests::runCli({QStringLiteral("features"), m_tone, QStringLiteral("--type"),
                                               QStringLiteral("scattering"), QStringLiteral("--q2"), QStringLiteral("2")});
        QVERIFY2(r2.exitCode == 0, qPrintable(r2.err));
        ScatteringSettings two;
        two.q2 = 2;
        const Scattering s2(two);
        const Scattering s1{ScatteringSettings{}};
        QVERIFY(s2.rows() > s1.rows());
        QCOMPARE(r2.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts).size(), s2.rows());
        const Run bad = taglane::tests::runCli({QStringLiteral("features"), m_tone, QStringLiteral("--type"),
                                                QStringLiteral("scattering"), QStringLiteral("--q2"), QStringLiteral("0")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains(QLatin1String("--q2")), qPrintable(bad.err));
    }

    void badInputFailsClearly()
    {
        const QStringList base{QStringLiteral("features"), m_tone, QStringLiteral("--type"), QStringLiteral("scattering")};
        const Run hop = taglane::tests::runCli(base + QStringList{QStringLiteral("--hop"), QStringLiteral("512")});
        QCOMPARE(hop.exitCode, 2);
        QVERIFY2(hop.err.contains(QLatin1String("--hop does not apply to --type scattering")), qPrintable(hop.err));
        const Run t = taglane::tests::runCli(base + QStringList{QStringLiteral("--scattering-t"), QStringLiteral("10")});
        QCOMPARE(t.exitCode, 2);
        QVERIFY2(t.err.contains(QLatin1String("--scattering-t needs")), qPrintable(t.err));
        const Run q = taglane::tests::runCli({QStringLiteral("features"), m_tone, QStringLiteral("--type"),
                                              QStringLiteral("mel"), QStringLiteral("--q1"), QStringLiteral("4")});
        QCOMPARE(q.exitCode, 2);
        QVERIFY2(q.err.contains(QLatin1String("--q1 applies only to --type scattering")), qPrintable(q.err));

        const QString blip = m_dir + QStringLiteral("/blip.wav");
        QVERIFY(writeToneWav(blip, 440.0, 0.05, 22050));
        const QString out = m_dir + QStringLiteral("/blip.csv");
        const Run shortFile = taglane::tests::runCli({QStringLiteral("features"), blip, QStringLiteral("--type"),
                                                      QStringLiteral("scattering"), QStringLiteral("--out"), out});
        QCOMPARE(shortFile.exitCode, 1);
        QVERIFY2(shortFile.err.contains(QLatin1String("blip.wav")) && shortFile.err.contains(QLatin1String("at least")),
                 qPrintable(shortFile.err));
        QVERIFY(!QFile::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestCliScattering)
#include "tst_cli_scattering.moc"
