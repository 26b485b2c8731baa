// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/peakpyramid.h"

#include <QRandomGenerator>
#include <QtTest>

#include <cmath>
#include <tuple>

using namespace taglane::engine;

class TestPeakPyramid : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesBruteForceAtEveryZoom_data();
    void matchesBruteForceAtEveryZoom();
    void levelsHalve();
    void rmsOfASineAtEveryZoom();
    void outsideTheAudioIsSilent();
    void emptyBuffer();
};

void TestPeakPyramid::matchesBruteForceAtEveryZoom_data()
{
    QTest::addColumn<double>("start");
    QTest::addColumn<double>("end");
    QTest::addColumn<int>("columns");
    QTest::newRow("whole file, 800 px") << 0.0 << 100000.0 << 800;
    QTest::newRow("aligned blocks") << 32.0 * 10 << 32.0 * 1010 << 250;
    QTest::newRow("deep zoom, raw samples") << 5000.0 << 5400.0 << 800;
    QTest::newRow("odd range") << 1234.5 << 77777.25 << 333;
}

void TestPeakPyramid::matchesBruteForceAtEveryZoom()
{
    QFETCH(double, start);
    QFETCH(double, end);
    QFETCH(int, columns);
    QRandomGenerator rng(7);
    std::vector<float> x(100000);
    for (float &v : x)
        v = float(rng.generateDouble() * 2 - 1);
    const AudioBuffer buffer(x, 16000);
    const PeakPyramid p = PeakPyramid::build(buffer);
    const auto got = p.query(start, end, columns);
    QCOMPARE(int(got.size()), columns);
    const double per = (end - start) / columns;
    for (int c = 0; c < columns; ++c) {
        // The pyramid may widen a column to block edges, never narrow it: its
        // envelope must contain the exact one and stay within one block of it.
        const qint64 i0 = qint64(std::floor(start + c * per));
        const qint64 i1 = std::max(i0 + 1, qint64(std::ceil(start + (c + 1) * per)));
        float lo = x[size_t(i0)], hi = lo;
        for (qint64 i = i0; i < i1; ++i) {
            lo = std::min(lo, x[size_t(i)]);
            hi = std::max(hi, x[size_t(i)]);
        }
        QVERIFY2(got[size_t(c)].min <= lo && got[size_t(c)].max >= hi, qPrintable(QStringLiteral("column %1").arg(c)));
        const qint64 margin = std::max<qint64>(qint64(per), PeakPyramid::baseBlock);
        float wlo = 1, whi = -1;
        for (qint64 i = std::max<qint64>(0, i0 - margin); i < std::min<qint64>(qint64(x.size()), i1 + margin); ++i) {
            wlo = std::min(wlo, x[size_t(i)]);
            whi = std::max(whi, x[size_t(i)]);
        }
        QVERIFY(got[size_t(c)].min >= wlo && got[size_t(c)].max <= whi);
    }
}

void TestPeakPyramid::rmsOfASineAtEveryZoom()
{
    // Peak 0.8, RMS 0.8 / sqrt(2) = 0.566 over whole periods (160 samples).
    const int n = 160 * 1000;
    std::vector<float> x(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        x[size_t(i)] = float(0.8 * std::sin(2.0 * M_PI * i / 160.0));
    const PeakPyramid p = PeakPyramid::build(AudioBuffer(x, 16000));
    const double expected = 0.8 / std::sqrt(2.0);
    for (const auto &[start, end, columns] : {std::tuple{0.0, double(n), 800}, std::tuple{1600.0, 1600.0 * 41, 200},
                                              std::tuple{0.0, 160.0 * 40, 40}}) {
        const auto got = p.query(start, end, columns);
        for (int c = 0; c < columns; ++c) {
            QVERIFY2(std::abs(got[size_t(c)].rms - expected) < 0.03,
                     qPrintable(QStringLiteral("%1..%2 column %3: rms %4").arg(start).arg(end).arg(c).arg(got[size_t(c)].rms)));
            QVERIFY(got[size_t(c)].max > 0.79f && got[size_t(c)].min < -0.79f);
        }
    }
    // Columns narrower than a block read the raw samples: exact.
    const auto raw = p.query(40.0, 56.0, 1);
    double squares = 0.0;
    for (int i = 40; i < 56; ++i)
        squares += double(x[size_t(i)]) * x[size_t(i)];
    QVERIFY(std::abs(raw[0].rms - std::sqrt(squares / 16.0)) < 1e-5);
    // Silence has no RMS.
    const PeakPyramid quiet = PeakPyramid::build(AudioBuffer(std::vector<float>(4096, 0.0f), 16000));
    for (const auto &m : quiet.query(0.0, 4096.0, 16))
        QCOMPARE(m.rms, 0.0f);
}

void TestPeakPyramid::levelsHalve()
{
    const AudioBuffer buffer(std::vector<float>(32 * 1024, 0.5f), 16000);
    const PeakPyramid p = PeakPyramid::build(buffer);
    QCOMPARE(p.levelCount(), 11);   // 1024 blocks, then 512 ... 1
    QVERIFY(p.memoryBytes() < 32 * 1024 * sizeof(float) / 4);
    const auto whole = p.query(0, 32 * 1024, 1);
    QCOMPARE(whole[0].max, 0.5f);
}

void TestPeakPyramid::outsideTheAudioIsSilent()
{
    const AudioBuffer buffer(std::vector<float>(1000, 0.9f), 16000);
    const PeakPyramid p = PeakPyramid::build(buffer);
    const auto got = p.query(-1000, 3000, 4);
    QCOMPARE(got[0].max, 0.0f);
    QCOMPARE(got[1].max, 0.9f);
    QCOMPARE(got[3].max, 0.0f);
}

void TestPeakPyramid::emptyBuffer()
{
    const PeakPyramid p = PeakPyramid::build(AudioBuffer());
    QVERIFY(p.isEmpty());
    QCOMPARE(p.query(0, 100, 10).size(), size_t(10));
}

QTEST_GUILESS_MAIN(TestPeakPyramid)
#include "tst_peakpyramid.moc"
