// SPDX-License-Identifier: GPL-3.0-or-later
// The clip study's classical baseline: FFT clip features and the
// binary-relevance logistic regression.
#include "engine/studies/fftfeatures.h"
#include "engine/studies/multilabellogistic.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace taglane::engine;

namespace {

std::vector<float> sine(double hz, int rate, int samples, double amplitude = 0.5)
{
    std::vector<float> s(static_cast<size_t>(samples));
    for (int i = 0; i < samples; ++i)
        s[size_t(i)] = float(amplitude * std::sin(2.0 * M_PI * hz * i / rate));
    return s;
}

/// n points in [-1, 1]^d with labels from rule; rows [n][d], labels [n][tags].
template <typename Rule>
void toy(int n, int d, int tags, quint64 seed, Rule rule, std::vector<float> &x, std::vector<float> &y)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    x.resize(size_t(n) * size_t(d));
    y.resize(size_t(n) * size_t(tags));
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < d; ++j)
            x[size_t(i) * size_t(d) + size_t(j)] = u(rng);
        for (int t = 0; t < tags; ++t)
            y[size_t(i) * size_t(tags) + size_t(t)] = rule(&x[size_t(i) * size_t(d)], t) ? 1.0f : 0.0f;
    }
}

double accuracy(const std::vector<float> &p, const std::vector<float> &y, int tags, int tag)
{
    int right = 0, n = 0;
    for (size_t i = size_t(tag); i < y.size(); i += size_t(tags)) {
        ++n;
        right += (p[i] >= 0.5f) == (y[i] > 0.5f) ? 1 : 0;
    }
    return n ? double(right) / n : 0.0;
}

} // namespace

class TestFftBaseline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void featureShape()
    {
        FftFeatureSettings s;
        s.bands = 20;
        const FftFeatures f(s);
        QCOMPARE(f.dimension(), 2 * (20 + 5));
        QCOMPARE(f.names().size(), f.dimension());
        QVERIFY(f.names().contains(QStringLiteral("centroid_std")));
        const std::vector<float> v = f.compute(sine(440.0, 16000, 16000).data(), 16000);
        QCOMPARE(int(v.size()), f.dimension());
        for (float x : v)
            QVERIFY(std::isfinite(x));
    }

    void bandsAreOrderedAndInRange()
    {
        const FftFeatures f;
        const int bins = f.settings().nFft / 2 + 1;
        int previousFirst = -1;
        for (int b = 0; b < f.settings().bands; ++b) {
            const auto [first, last] = f.bandBins(b);
            QVERIFY(first >= 0 && last < bins && first <= last);
            QVERIFY(first >= previousFirst);
            previousFirst = first;
        }
        // The top band ends near fMax: 8000 Hz is bin 1024 at 16 kHz / 2048.
        QVERIFY(f.bandBins(f.settings().bands - 1).second >= 1000);
    }

    void sineLandsInItsBand()
    {
        const FftFeatures f;
        const double hz = 1000.0;
        const std::vector<float> v = f.compute(sine(hz, 16000, 3 * 16000).data(), 3 * 16000);
        int loudest = 0;
        for (int b = 1; b < f.settings().bands; ++b)
            if (v[size_t(b)] > v[size_t(loudest)])
                loudest = b;
        const int bin = int(std::lround(hz * f.settings().nFft / f.settings().sampleRate));
        const auto [first, last] = f.bandBins(loudest);
        QVERIFY2(first <= bin + 1 && bin - 1 <= last, qPrintable(QStringLiteral("loudest band %1 covers bins %2-%3")
                                                                     .arg(loudest).arg(first).arg(last)));
        // Spectral centroid (fraction of Nyquist) of a pure tone: its frequency.
        const int centroid = f.names().indexOf(QStringLiteral("centroid_mean"));
        QVERIFY(std::abs(v[size_t(centroid)] - hz / 8000.0) < 0.01);
        // A steady tone: the band level barely moves from frame to frame.
        const int per = f.settings().bands + 5;
        QVERIFY(v[size_t(per + loudest)] < 1.0);
    }

    void louderIsLouder()
    {
        const FftFeatures f;
        const int rms = f.names().indexOf(QStringLiteral("rms_mean"));
        const std::vector<float> quiet = f.compute(sine(300.0, 16000, 16000, 0.05).data(), 16000);
        const std::vector<float> loud = f.compute(sine(300.0, 16000, 16000, 0.5).data(), 16000);
        // Ten times the amplitude is +20 dB.
        QVERIFY(std::abs((loud[size_t(rms)] - quiet[size_t(rms)]) - 20.0) < 0.5);
    }

    void shortAndSilentClips()
    {
        const FftFeatures f;
        const std::vector<float> tiny = sine(500.0, 16000, 100);
        for (const auto &v : {f.compute(tiny.data(), 100), f.compute(nullptr, 0), f.compute(std::vector<float>(8000, 0.0f).data(), 8000)}) {
            QCOMPARE(int(v.size()), f.dimension());
            for (float x : v)
                QVERIFY(std::isfinite(x));
        }
    }

    void logisticLearnsSeparableTags()
    {
        std::vector<float> x, y, tx, ty;
        auto rule = [](const float *r, int t) { return t == 0 ? r[0] > 0.2f : r[1] + r[2] > 0.5f; };
        toy(400, 4, 2, 1, rule, x, y);
        toy(200, 4, 2, 2, rule, tx, ty);
        MultiLabelLogistic m;
        QVERIFY(m.fit(x, 400, 4, y, 2).ok());
        QVERIFY(m.isFitted());
        const std::vector<float> p = m.predict(tx, 200);
        QCOMPARE(int(p.size()), 400);
        QVERIFY(accuracy(p, ty, 2, 0) > 0.95);
        QVERIFY(accuracy(p, ty, 2, 1) > 0.95);
        // Newton converges in a handful of steps, not by running out of them.
        for (int it : m.iterations())
            QVERIFY(it > 1 && it < 30);
    }

    void unknownCellsAreIgnored()
    {
        std::vector<float> x, y;
        auto rule = [](const float *r, int) { return r[0] > 0.0f; };
        toy(300, 3, 2, 3, rule, x, y);
        // Tag 1: the second half's labels are flipped but marked unknown, and
        // so must not pull the model; tag 0 keeps every label.
        for (int i = 150; i < 300; ++i)
            y[size_t(i) * 2 + 1] = std::numeric_limits<float>::quiet_NaN();
        MultiLabelLogistic m;
        QVERIFY(m.fit(x, 300, 3, y, 2).ok());
        std::vector<float> tx, ty;
        toy(200, 3, 2, 4, rule, tx, ty);
        const std::vector<float> p = m.predict(tx, 200);
        QVERIFY(accuracy(p, ty, 2, 1) > 0.9);
        // A tag with no known cell stays at the prior of a zero model.
        for (size_t i = 0; i < y.size(); i += 2)
            y[i] = std::numeric_limits<float>::quiet_NaN();
        QVERIFY(m.fit(x, 300, 3, y, 2).ok());
        const std::vector<float> q = m.predict(tx, 200);
        for (size_t i = 0; i < q.size(); i += 2)
            QCOMPARE(q[i], 0.5f);
    }

    void alphaRaisesPositiveScores()
    {
        // Overlapping classes: a larger positive weight moves every score up.
        std::vector<float> x, y;
        std::mt19937_64 rng(5);
        std::normal_distribution<float> noise(0.0f, 1.0f);
        toy(400, 2, 1, 6, [&](const float *r, int) { return r[0] + noise(rng) > 0.8f; }, x, y);
        MultiLabelLogistic plain, weighted;
        LogisticOptions o;
        QVERIFY(plain.fit(x, 400, 2, y, 1, o).ok());
        o.alpha = 4.0;
        QVERIFY(weighted.fit(x, 400, 2, y, 1, o).ok());
        const std::vector<float> a = plain.predict(x, 400), b = weighted.predict(x, 400);
        double ma = 0, mb = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            ma += a[i];
            mb += b[i];
        }
        QVERIFY(mb > ma + 0.05 * a.size());
    }

    void constantFeatureAndBadInput()
    {
        std::vector<float> x, y;
        toy(100, 3, 1, 7, [](const float *r, int) { return r[1] > 0; }, x, y);
        for (int i = 0; i < 100; ++i)
            x[size_t(i) * 3] = 2.0f;  // constant column
        MultiLabelLogistic m;
        QVERIFY(m.fit(x, 100, 3, y, 1).ok());
        for (float p : m.predict(x, 100))
            QVERIFY(std::isfinite(p));
        QVERIFY(!m.fit(x, 100, 4, y, 1).ok());  // sizes disagree
        x[5] = std::numeric_limits<float>::infinity();
        const Status bad = m.fit(x, 100, 3, y, 1);
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().contains(QLatin1String("example 1")));
        QVERIFY(MultiLabelLogistic().predict(x, 100).empty());
    }
};

QTEST_GUILESS_MAIN(TestFftBaseline)
#include "tst_fftbaseline.moc"
