// SPDX-License-Identifier: GPL-3.0-or-later
// ERB bands: centres on the ERB-number scale, gammatone shape (peak at the
// centre, equivalent rectangular bandwidth = ERB(fc)), tones land in the
// right band; ERB cepstra and their regression deltas.
#include "engine/dsp/cepstrum.h"
#include "engine/dsp/deltaregression.h"
#include "engine/dsp/erbfilterbank.h"
#include "engine/dsp/featureextractor.h"

#include <QTest>

#include <cmath>

using namespace taglane::engine;

namespace {

constexpr double pi = 3.14159265358979323846;

double glasbergMooreErb(double hz)
{
    return 24.7 * (4.37 * hz / 1000.0 + 1.0);
}

} // namespace

class TestErb : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scaleFormulas()
    {
        // Glasberg & Moore (1990): ERB(1 kHz) = 24.7 * 5.37 = 132.6 Hz,
        // ERB-number(1 kHz) = 21.4 log10(5.37) = 15.621 Cams.
        QVERIFY(std::abs(ErbFilterBank::erbHz(1000.0) - 132.639) < 1e-9);
        QVERIFY(std::abs(ErbFilterBank::erbHz(0.0) - 24.7) < 1e-12);
        QVERIFY(std::abs(ErbFilterBank::hzToErbNumber(1000.0) - 15.6214) < 1e-4);
        for (double hz : {0.0, 50.0, 1000.0, 7999.0, 20000.0})
            QVERIFY(std::abs(ErbFilterBank::erbNumberToHz(ErbFilterBank::hzToErbNumber(hz)) - hz) < 1e-9 * (1 + hz));
    }

    void centresEquallySpacedOnErbNumber()
    {
        ErbFilterBank bank(16000, 512, 64, 50.0, 8000.0);
        const std::vector<double> c = bank.centresHz();
        QCOMPARE(int(c.size()), 64);
        QVERIFY(std::abs(c.front() - 50.0) < 1e-9);
        QVERIFY(std::abs(c.back() - 8000.0) < 1e-6);
        const double step = ErbFilterBank::hzToErbNumber(c[1]) - ErbFilterBank::hzToErbNumber(c[0]);
        for (size_t i = 1; i < c.size(); ++i)
            QVERIFY(std::abs(ErbFilterBank::hzToErbNumber(c[i]) - ErbFilterBank::hzToErbNumber(c[i - 1]) - step) < 1e-9);
    }

    void responsePeaksAtCentre()
    {
        ErbFilterBank bank(16000, 512, 64, 50.0, 8000.0);
        const double binHz = 16000.0 / 512.0;
        for (int n = 0; n < bank.bands(); ++n) {
            const double fc = bank.centresHz()[size_t(n)];
            // The continuous response: 1 at fc, lower on either side.
            QVERIFY(std::abs(bank.response(n, fc) - 1.0) < 1e-12);
            for (double offset : {0.1, 1.0, 10.0, 100.0}) {
                QVERIFY(bank.response(n, fc + offset) < 1.0);
                QVERIFY(bank.response(n, fc - offset) < 1.0);
                QVERIFY(bank.response(n, fc + 2 * offset) < bank.response(n, fc + offset));
            }
            // The sampled weights peak at the bin nearest fc.
            const BandFilter &f = bank.filters()[size_t(n)];
            int best = 0;
            for (size_t i = 0; i < f.weights.size(); ++i)
                if (f.weights[i] > f.weights[size_t(best)])
                    best = int(i);
            const int peakBin = f.firstBin + best;
            QVERIFY2(std::abs(peakBin * binHz - fc) <= binHz / 2 + 1e-9,
                     qPrintable(QStringLiteral("band %1 (%2 Hz) peaks at bin %3").arg(n).arg(fc).arg(peakBin)));
        }
    }

    void equivalentRectangularBandwidth()
    {
        // The ERB of a band is the width of the rectangle with the band's
        // peak gain and the same area: integral H(f) df / H(fc). For a
        // 4th-order gammatone power response (1 + x^2)^-4 with b = 1.019 ERB
        // the integral is b * 5 pi / 16 = 1.0004 ERB (the constant 1.019 is
        // rounded), so the continuous response must give ERB(fc) within 1e-3.
        ErbFilterBank bank(16000, 512, 48, 50.0, 8000.0);
        for (int n = 0; n < bank.bands(); ++n) {
            const double fc = bank.centresHz()[size_t(n)];
            const double b = ErbFilterBank::gammatoneBandwidthHz(fc);
            // Midpoint rule over fc +- 200 b in steps of b / 200: the tails
            // beyond 200 b hold under 1e-16 of the area and the rule's error
            // on this smooth bell is far below 1e-9.
            const double step = b / 200.0;
            double area = 0.0;
            for (double f = fc - 200.0 * b + step / 2; f < fc + 200.0 * b; f += step)
                area += bank.response(n, f) * step;
            const double erb = area / bank.response(n, fc);
            const double expected = glasbergMooreErb(fc);
            QVERIFY2(std::abs(erb / expected - 1.0) < 1e-3,
                     qPrintable(QStringLiteral("band %1 at %2 Hz: %3 vs %4").arg(n).arg(fc).arg(erb).arg(expected)));
        }

        // The sampled weights that are actually applied: on a fine spectrum
        // (3.9 Hz bins, at least 6 bins per b) the bin sum times the bin
        // width is the trapezoid rule, whose error on this bell is of order
        // exp(-2 pi b / bin) (< 1e-15 here); the weights cut below 1e-6 drop
        // under 2e-6 of the area. Bands within 4 b of 0 Hz or Nyquist lose
        // part of their response (up to 1e-5 of it beyond 4 b) to the
        // spectrum's ends and are skipped.
        // Tolerance 1e-3 as above: the 1.019 rounding (4e-4) plus float
        // weights (1e-7).
        ErbFilterBank fine(16000, 4096, 48, 50.0, 8000.0);
        const double binHz = 16000.0 / 4096.0;
        int checked = 0;
        double worst = 0.0;
        for (int n = 0; n < fine.bands(); ++n) {
            const double fc = fine.centresHz()[size_t(n)];
            const double b = ErbFilterBank::gammatoneBandwidthHz(fc);
            if (fc - 4 * b < 0.0 || fc + 4 * b > 8000.0)
                continue;
            double area = 0.0;
            for (float w : fine.filters()[size_t(n)].weights)
                area += w * binHz;
            const double ratio = area / glasbergMooreErb(fc);
            worst = std::max(worst, std::abs(ratio - 1.0));
            QVERIFY2(std::abs(ratio - 1.0) < 1e-3,
                     qPrintable(QStringLiteral("band %1 at %2 Hz: ratio %3").arg(n).arg(fc).arg(ratio)));
            ++checked;
        }
        qInfo("%d bands: sampled ERB within %.2g of ERB(fc)", checked, worst);
        QVERIFY(checked > 30);
    }

    void toneLightsItsBand_data()
    {
        QTest::addColumn<int>("band");
        for (int band : {4, 10, 17, 25, 31, 38, 39})
            QTest::newRow(qPrintable(QStringLiteral("band %1").arg(band))) << band;
    }
    void toneLightsItsBand()
    {
        QFETCH(int, band);
        FeatureSettings s;
        s.type = FeatureType::Erb;
        s.nFft = 1024;
        s.hop = 256;
        s.bands = 40;
        s.fMin = 100.0;
        s.fMax = 7000.0;
        FeatureExtractor extractor(s);
        QVERIFY2(extractor.isValid(), qPrintable(extractor.error()));
        const double fc = extractor.bandCentresHz()[size_t(band)];
        std::vector<float> x(16000);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = float(0.5 * std::sin(2.0 * pi * fc * double(i) / 16000.0));
        const FeatureMatrix m = extractor.compute(AudioBuffer(x, 16000));
        QCOMPARE(m.rows, 40);
        for (qint64 t = 5; t < m.frames - 5; t += 7) {
            int best = 0;
            for (int r = 1; r < m.rows; ++r)
                if (m.at(r, t) > m.at(best, t))
                    best = r;
            QCOMPARE(best, band);
            // Its neighbours hear less of it.
            QVERIFY(band == 0 || m.at(band - 1, t) < m.at(band, t) - 0.1f);
            QVERIFY(band == 39 || m.at(band + 1, t) < m.at(band, t) - 0.1f);
        }
    }

    void deltasOfRampEqualSlope()
    {
        // Rows are ramps c(n) = a n + b with different slopes; away from the
        // ends the regression delta is a * sum i^2 / sqrt(sum i^2) =
        // a * sqrt(sum i^2) over i = -k..k (this fixes the denominator).
        const int rows = 3, frames = 30;
        const double slopes[rows] = {0.5, -2.0, 0.0};
        std::vector<float> c(size_t(rows * frames));
        for (int t = 0; t < frames; ++t)
            for (int r = 0; r < rows; ++r)
                c[size_t(t * rows + r)] = float(slopes[r] * t + 3.0 * r);
        for (int k : {1, 2, 3, 4}) {
            const std::vector<float> d = DeltaRegression::apply(c, rows, frames, k);
            double sumSquares = 0;
            for (int i = -k; i <= k; ++i)
                sumSquares += i * i;
            const double gain = std::sqrt(sumSquares);
            QCOMPARE(d.size(), c.size());
            for (int t = k; t < frames - k; ++t)
                for (int r = 0; r < rows; ++r)
                    QVERIFY2(std::abs(d[size_t(t * rows + r)] - slopes[r] * gain) < 1e-5,
                             qPrintable(QStringLiteral("k %1 frame %2 row %3: %4").arg(k).arg(t).arg(r).arg(d[size_t(t * rows + r)])));
            // At the ends the end frames are replicated, so only the inner
            // half of the window sees the ramp: d(0) = d(T-1) = a gain / 2.
            for (int r = 0; r < rows; ++r) {
                QVERIFY(std::abs(d[size_t(r)] - slopes[r] * gain / 2) < 1e-5);
                QVERIFY(std::abs(d[size_t((frames - 1) * rows + r)] - slopes[r] * gain / 2) < 1e-5);
            }
        }
    }

    void cepstrumIsOrthonormalDct()
    {
        // Against the DCT-II written out in double, and orthonormality:
        // the full transform keeps the energy of its input.
        const int n = 24;
        std::vector<float> s(n);
        for (int i = 0; i < n; ++i)
            s[size_t(i)] = float(std::sin(0.7 * i) + 0.1 * i);
        Cepstrum full(n, n);
        std::vector<float> c(n);
        full.apply(s.data(), c.data());
        double energyIn = 0.0, energyOut = 0.0;
        for (int q = 0; q < n; ++q) {
            double ref = 0.0;
            for (int i = 0; i < n; ++i)
                ref += s[size_t(i)] * std::cos(pi * q * (2 * i + 1) / (2.0 * n));
            ref *= std::sqrt((q == 0 ? 1.0 : 2.0) / n);
            QVERIFY(std::abs(c[size_t(q)] - ref) < 1e-5);
            energyIn += double(s[size_t(q)]) * s[size_t(q)];
            energyOut += double(c[size_t(q)]) * c[size_t(q)];
        }
        QVERIFY(std::abs(energyIn - energyOut) < 1e-4 * energyIn);
        Cepstrum truncated(n, 5);
        std::vector<float> t(5);
        truncated.apply(s.data(), t.data());
        for (int q = 0; q < 5; ++q)
            QCOMPARE(t[size_t(q)], c[size_t(q)]);
    }
};

QTEST_GUILESS_MAIN(TestErb)
#include "tst_erb.moc"
