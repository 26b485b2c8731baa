// SPDX-License-Identifier: GPL-3.0-or-later
// `taglane-cli tag` on long files, a window at a time (--window), and on a
// model that gives NaN: the shipped default model, on tracks written here.
#include "clirunner.h"
#include "testsupport.h"

#include "engine/model/statedict.h"

#include <QDir>
#include <QFile>
#include <QtTest>

#include <sndfile.h>

#include <cmath>
#include <limits>

namespace {

using Run = taglane::tests::CliRun;

const QString kDefaultModel = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel");

/// A stereo track of rising tones and noise bursts, changing every 2.5 s.
bool writeTrack(const QString &path, double seconds, int rate)
{
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = 2;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE *file = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
    if (!file)
        return false;
    const qint64 frames = qint64(seconds * rate);
    std::vector<float> frame(2);
    quint32 noise = 12345;
    for (qint64 i = 0; i < frames; ++i) {
        const double t = double(i) / rate;
        const int section = int(t / 2.5);
        noise = noise * 1664525u + 1013904223u;
        const double n = (double(noise >> 8) / double(1 << 24)) * 2.0 - 1.0;
        const double tone = std::sin(2 * M_PI * 110.0 * (1 + section % 7) * t);
        const double v = section % 3 == 1 ? 0.3 * n : 0.4 * tone;
        frame[0] = float(v);
        frame[1] = float(section % 2 ? v * 0.5 : 0.1 * n);
        if (sf_writef_float(file, frame.data(), 1) != 1) {
            sf_close(file);
            return false;
        }
    }
    sf_close(file);
    return true;
}

QVector<QVector<double>> readNumbers(const QString &path)
{
    QVector<QVector<double>> rows;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return rows;
    f.readLine();   // header
    while (!f.atEnd()) {
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty())
            continue;
        QVector<double> row;
        for (const QString &cell : line.split(QLatin1Char(',')))
            row << cell.toDouble();
        rows << row;
    }
    return rows;
}

} // namespace

class tst_CliTagChunked : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void windowedEqualsWholeFile();
    void badWindowIsUsageError();
    void nonFiniteOutputExitsTwoAndWritesNothing();

private:
    QString m_dir;
    QString m_track;
};

void tst_CliTagChunked::initTestCase()
{
    m_dir = taglane::tests::tempDir(QStringLiteral("cli-tag-chunked"));
    m_track = m_dir + QStringLiteral("/long.wav");
    QVERIFY(writeTrack(m_track, 130.0, 44100));
}

void tst_CliTagChunked::windowedEqualsWholeFile()
{
    const QString whole = m_dir + QStringLiteral("/whole");
    const QString windowed = m_dir + QStringLiteral("/windowed");
    for (const auto &[folder, window] : {std::pair{whole, QStringLiteral("0")}, std::pair{windowed, QStringLiteral("4")}}) {
        const Run r = taglane::tests::runCli({QStringLiteral("tag"), m_track, QStringLiteral("--model"), kDefaultModel,
                                              QStringLiteral("--out"), folder, QStringLiteral("--window"), window,
                                              QStringLiteral("--batch"), QStringLiteral("1"), QStringLiteral("--threads"),
                                              QStringLiteral("2"), QStringLiteral("--segments"),
                                              QStringLiteral("fixed:5")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }
    const auto a = readNumbers(whole + QStringLiteral("/long.csv"));
    const auto b = readNumbers(windowed + QStringLiteral("/long.csv"));
    QCOMPARE(a.size(), 26);   // 130 s in 5 s segments
    QCOMPARE(b.size(), a.size());
    double worst = 0.0;
    for (int i = 0; i < a.size(); ++i) {
        QCOMPARE(b[i].size(), a[i].size());
        for (int j = 0; j < a[i].size(); ++j)
            worst = std::max(worst, std::fabs(a[i][j] - b[i][j]));
    }
    qInfo("largest difference between --window 4 and --window 0: %g", worst);
    QVERIFY(worst <= 1e-5);
}

void tst_CliTagChunked::badWindowIsUsageError()
{
    for (const QString &value : {QStringLiteral("-1"), QStringLiteral("abc"), QStringLiteral("1e9")}) {
        const Run r = taglane::tests::runCli({QStringLiteral("tag"), m_track, QStringLiteral("--model"), kDefaultModel,
                                              QStringLiteral("--window"), value});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--window")), qPrintable(r.err));
    }
}

void tst_CliTagChunked::nonFiniteOutputExitsTwoAndWritesNothing()
{
    // The default model with finite weights that give NaN: batch norm's running variances set
    // negative (the square root of a negative number). NaN weights themselves are refused when a
    // bundle is saved or loaded, so they cannot reach the outputs.
    const QString bundle = m_dir + QStringLiteral("/nan.tlmodel");
    QVERIFY(QDir().mkpath(bundle));
    QVERIFY(QFile::copy(kDefaultModel + QStringLiteral("/manifest.json"), bundle + QStringLiteral("/manifest.json")));
    auto weights = taglane::engine::loadStateDict(kDefaultModel + QStringLiteral("/weights.pt"));
    QVERIFY2(weights.ok(), qPrintable(weights.error()));
    int poisoned = 0;
    for (auto &[name, tensor] : weights.value()) {
        if (name.endsWith(QStringLiteral("running_var"))) {
            std::fill(tensor.values.begin(), tensor.values.end(), -1.0f);
            ++poisoned;
        }
    }
    QVERIFY(poisoned > 0);
    QVERIFY(taglane::engine::saveStateDict(weights.value(), bundle + QStringLiteral("/weights.pt")).ok());

    const QString shortTrack = m_dir + QStringLiteral("/short.wav");
    QVERIFY(writeTrack(shortTrack, 8.0, 22050));
    for (const QString &format : {QStringLiteral("csv"), QStringLiteral("catalogue"), QStringLiteral("jams")}) {
        for (const QString &window : {QStringLiteral("0"), QStringLiteral("60")}) {
            const QString out = m_dir + QStringLiteral("/nan-out-") + format + window;
            const Run r = taglane::tests::runCli({QStringLiteral("tag"), shortTrack, QStringLiteral("--model"), bundle,
                                                  QStringLiteral("--out"), out, QStringLiteral("--format"), format,
                                                  QStringLiteral("--window"), window});
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(shortTrack), qPrintable(r.err));
            QVERIFY2(r.err.contains(QStringLiteral("Taglane instruments")), qPrintable(r.err));
            QVERIFY2(r.err.contains(QStringLiteral("NaN")), qPrintable(r.err));
            QVERIFY2(QDir(out).entryList(QDir::Files).isEmpty(), qPrintable(QDir(out).entryList().join(QLatin1Char(' '))));
            QVERIFY(r.out.trimmed().isEmpty());
        }
    }
}

QTEST_GUILESS_MAIN(tst_CliTagChunked)
#include "tst_cli_tagchunked.moc"
