// SPDX-License-Identifier: GPL-3.0-or-later
// Scattering front end: the Littlewood-Paley sum of the wavelet banks, a
// sine lights its first-order band, an amplitude-modulated tone shows its
// modulation rate in second order, invariance to shifts much smaller than
// T, energy conservation of the first two orders, block seams and reduced
// rates, thread safety, and clear errors on bad input.
#include "engine/dsp/scattering.h"

#include <QTest>

#include <cmath>
#include <thread>

using namespace taglane::engine;

namespace {

constexpr double pi = 3.14159265358979323846;
constexpr int rate = 22050;

ScatteringSettings rawSettings()
{
    ScatteringSettings s;   // 22.05 kHz, T = 8192, Q1 = 8, Q2 = 1
    s.logCompression = false;
    s.normalise = false;
    return s;
}

std::vector<float> sine(double hz, double seconds, double amplitude = 0.5)
{
    std::vector<float> x(size_t(seconds * rate));
    for (size_t n = 0; n < x.size(); ++n)
        x[n] = float(amplitude * std::sin(2.0 * pi * hz * double(n) / rate));
    return x;
}

// A deterministic hash of an integer to [-1, 1), for noise defined at any
// sample index (so that shifted copies hold the same noise).
double hashNoise(qint64 n)
{
    quint64 z = quint64(n) + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return double(z >> 11) / double(1ull << 52) - 1.0;
}

// Music-like test signal at sample n (any integer, negative too): a melody
// of harmonic notes changing every 0.6 s with 20 ms attacks, a slow tremolo
// and vibrato, over a quiet noise floor. Everything stays below 6 kHz but
// the noise, which is low-passed by a 4-tap average.
double music(qint64 n)
{
    static const double notes[] = {220.0, 277.18, 329.63, 440.0, 392.0, 293.66, 246.94, 523.25};
    const double t = double(n) / rate;
    const double noteLength = 0.6;
    const qint64 index = qint64(std::floor(t / noteLength));
    const double f0 = notes[((index % 8) + 8) % 8];
    const double local = t - double(index) * noteLength;
    const double attack = std::min(1.0, local / 0.02) * std::exp(-1.5 * local);
    const double vibrato = 1.0 + 0.004 * std::sin(2.0 * pi * 5.5 * t);
    double v = 0.0;
    for (int h = 1; h <= 8; ++h)
        v += std::sin(2.0 * pi * f0 * h * vibrato * t + h) / h;
    v *= 0.25 * attack * (1.0 + 0.3 * std::sin(2.0 * pi * 3.0 * t));
    const double noise = (hashNoise(n) + hashNoise(n - 1) + hashNoise(n - 2) + hashNoise(n - 3)) / 4.0;
    return v + 0.01 * noise;
}

std::vector<float> musicSignal(double seconds, qint64 shift = 0)
{
    std::vector<float> x(size_t(seconds * rate));
    for (size_t n = 0; n < x.size(); ++n)
        x[n] = float(music(qint64(n) - shift));
    return x;
}

FeatureMatrix computeOrFail(const Scattering &s, const std::vector<float> &x)
{
    const Result<FeatureMatrix> r = s.compute(x.data(), qint64(x.size()));
    if (!r)
        qWarning("%s", qPrintable(r.error()));
    return r ? r.value() : FeatureMatrix{};
}

// Mean of a row over frames [first, end).
double rowMean(const FeatureMatrix &m, int row, qint64 first, qint64 end)
{
    double sum = 0.0;
    for (qint64 t = first; t < end; ++t)
        sum += m.at(row, t);
    return sum / double(end - first);
}

// ||a - b|| / ||a|| over rows [r0, r1) and frames [t0, t1).
double relativeDifference(const FeatureMatrix &a, const FeatureMatrix &b, int r0, int r1, qint64 t0, qint64 t1)
{
    double diff = 0.0, norm = 0.0;
    for (qint64 t = t0; t < t1; ++t) {
        for (int r = r0; r < r1; ++r) {
            const double d = double(a.at(r, t)) - double(b.at(r, t));
            diff += d * d;
            norm += double(a.at(r, t)) * double(a.at(r, t));
        }
    }
    return std::sqrt(diff / norm);
}

// The first-order row whose centre is nearest to hz (on a log scale).
int nearestBand(const Scattering &s, double hz)
{
    int best = 0;
    for (int r = 0; r < s.firstOrderRows(); ++r) {
        if (std::abs(std::log2(s.paths()[size_t(r)].hz1 / hz)) < std::abs(std::log2(s.paths()[size_t(best)].hz1 / hz)))
            best = r;
    }
    return best;
}

} // namespace

class TestScattering : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void layoutAndPaths();
    void littlewoodPaleyWithinBounds_data();
    void littlewoodPaleyWithinBounds();
    void sineLightsItsBand();
    void modulationRateInSecondOrder();
    void invariantToSmallShifts();
    void firstTwoOrdersHoldTheEnergy();
    void blockSeamsAndReducedRatesAreInvisible();
    void normaliseAndLog();
    void concurrentCallsAgree();
    void badInputFailsClearly();
};

void TestScattering::layoutAndPaths()
{
    const Scattering s(rawSettings());
    QVERIFY2(s.isValid(), qPrintable(s.error()));
    QCOMPARE(s.hop(), 2048);                  // T / 4
    QCOMPARE(s.frameCount(22050 * 3), qint64(1 + 22050 * 3 / 2048));
    QCOMPARE(s.rows(), int(s.paths().size()));
    const ScatteringFilterBank &b1 = s.firstOrderBank();
    QCOMPARE(s.firstOrderRows(), int(b1.wavelets().size()));
    // Q1 = 8 per octave over J octaves, then constant-bandwidth filters.
    int constantQ = 0;
    for (const ScatteringFilter &f : b1.wavelets())
        constantQ += f.kind == ScatteringFilter::Kind::ConstantQ ? 1 : 0;
    QCOMPARE(constantQ, 8 * s.octaves());
    QVERIFY(s.octaves() >= 7);
    const auto &w = b1.wavelets();
    for (size_t i = 1; i < w.size(); ++i) {
        QVERIFY(w[i].xi > w[i - 1].xi);
        if (w[i].kind == ScatteringFilter::Kind::ConstantQ && w[i - 1].kind == ScatteringFilter::Kind::ConstantQ)
            QVERIFY(std::abs(w[i].xi / w[i - 1].xi - std::pow(2.0, 1.0 / 8)) < 1e-9);
    }
    // No Morlet wavelet is longer in time than phi: sigma >= phi's sigma.
    // The low complement psi_0 comes first, below every Morlet centre.
    QVERIFY(w[0].kind == ScatteringFilter::Kind::LowComplement);
    for (size_t i = 1; i < w.size(); ++i)
        QVERIFY(w[i].sigma >= b1.phi().sigma * (1 - 1e-12));
    int second = 0;
    for (int r = 0; r < s.rows(); ++r) {
        const ScatteringPath &p = s.paths()[size_t(r)];
        if (r < s.firstOrderRows()) {
            QCOMPARE(p.order, 1);
            QCOMPARE(p.l1, r);
            continue;
        }
        ++second;
        QCOMPARE(p.order, 2);
        // Frequency-decreasing: the modulation is slower than the parent's bandwidth.
        QVERIFY(p.hz2 < p.hz1);
        QVERIFY(p.hz2 <= 2.3549 * w[size_t(p.l1)].sigma * rate * (1 + 1e-9));
    }
    qInfo("%d first-order bands (%.1f Hz .. %.0f Hz, J = %d), %d second-order paths, hop %d", s.firstOrderRows(),
          s.paths().front().hz1, s.paths()[size_t(s.firstOrderRows() - 1)].hz1, s.octaves(), second, s.hop());
    QVERIFY(second > 100);
}

void TestScattering::littlewoodPaleyWithinBounds_data()
{
    QTest::addColumn<int>("averaging");
    QTest::addColumn<int>("q");
    QTest::addColumn<double>("epsilon");
    // Q = 8 wavelets crossing at 0.8 of their peak ripple by under 2%, plus
    // a bump where the constant-bandwidth filters take over; octave-spaced
    // (Q = 1) Morlets, skewed on a log axis, ripple by about 15%.
    QTest::newRow("T 8192, Q 8") << 8192 << 8 << 0.05;
    QTest::newRow("T 2048, Q 8") << 2048 << 8 << 0.05;
    QTest::newRow("T 8192, Q 1") << 8192 << 1 << 0.16;
}

void TestScattering::littlewoodPaleyWithinBounds()
{
    QFETCH(int, averaging);
    QFETCH(int, q);
    QFETCH(double, epsilon);
    const int n = 32 * averaging;
    const ScatteringFilterBank bank(n, q, ScatteringFilterBank::maxOctaves(q, averaging), averaging);
    const std::vector<double> a = bank.littlewoodPaley();
    QCOMPARE(int(a.size()), n / 2 + 1);
    const int top = int(std::floor(bank.coveredTop() * n));
    double lo = 1e9, hi = 0.0;
    int worst = 0;
    for (int k = 0; k <= top; ++k) {
        if (a[size_t(k)] < lo)
            worst = k;
        lo = std::min(lo, a[size_t(k)]);
        hi = std::max(hi, a[size_t(k)]);
    }
    qInfo("LP sum over [0, %.4f] cycles/sample: min %.4f (at %.5f), max %.6f", bank.coveredTop(), lo,
          double(worst) / n, hi);
    QVERIFY2(hi <= 1.0 + 1e-5, qPrintable(QString::number(hi, 'g', 10)));
    QVERIFY2(lo >= 1.0 - epsilon, qPrintable(QString::number(lo)));
    // Above the top wavelet the bank stops covering: the sum falls off.
    QVERIFY(a[size_t(n / 2)] < 0.5);
}

void TestScattering::sineLightsItsBand()
{
    const Scattering s(rawSettings());
    QVERIFY(s.isValid());
    const int rows1 = s.firstOrderRows();
    for (double hz : {110.0, 440.0, 1234.5, 3000.0, 7000.0}) {
        const FeatureMatrix m = computeOrFail(s, sine(hz, 3.0));
        QVERIFY(m.frames > 20);
        int peak = 0;
        std::vector<double> mean(static_cast<size_t>(rows1));
        for (int r = 0; r < rows1; ++r) {
            mean[size_t(r)] = rowMean(m, r, 8, m.frames - 8);
            if (mean[size_t(r)] > mean[size_t(peak)])
                peak = r;
        }
        const double centre = s.paths()[size_t(peak)].hz1;
        // The brightest band is the nearest one: within half a step of 1/Q1 octave.
        QVERIFY2(std::abs(std::log2(centre / hz)) <= 0.5 / 8 + 0.01,
                 qPrintable(QStringLiteral("%1 Hz lit the band at %2 Hz").arg(hz).arg(centre)));
        // Bands an octave or more away stay 40 dB below.
        double far = 0.0;
        for (int r = 0; r < rows1; ++r) {
            if (std::abs(std::log2(s.paths()[size_t(r)].hz1 / hz)) >= 1.0)
                far = std::max(far, mean[size_t(r)]);
        }
        QVERIFY2(far < 0.01 * mean[size_t(peak)], qPrintable(QStringLiteral("%1 Hz: %2 vs %3")
                                                                .arg(hz)
                                                                .arg(far)
                                                                .arg(mean[size_t(peak)])));
        // S1 of a steady sine is its amplitude times the wavelet's gain there.
        const ScatteringFilter &psi = s.firstOrderBank().wavelets()[size_t(peak)];
        const int bin = int(std::lround(hz / rate * s.firstOrderBank().blockLength()));
        const double expected = 0.5 * 0.5 * psi.at(bin);   // |a/2 e^{i w t}| * psi^(w)
        QVERIFY2(std::abs(mean[size_t(peak)] / expected - 1.0) < 0.02,
                 qPrintable(QStringLiteral("%1 Hz: S1 %2, expected %3").arg(hz).arg(mean[size_t(peak)]).arg(expected)));
    }
}

void TestScattering::modulationRateInSecondOrder()
{
    const Scattering s(rawSettings());
    QVERIFY(s.isValid());
    const ScatteringFilterBank &b1 = s.firstOrderBank();
    const ScatteringFilterBank &b2 = s.secondOrderBank();
    const int n = b1.blockLength();
    const int carrierBand = nearestBand(s, 1500.0);
    const double fc = s.paths()[size_t(carrierBand)].hz1;
    const double depth = 0.8;
    auto tone = [&](double fm) {
        std::vector<float> x(size_t(4 * rate));
        for (size_t i = 0; i < x.size(); ++i) {
            const double t = double(i) / rate;
            x[i] = float(0.4 * (1.0 + depth * std::cos(2 * pi * fm * t)) * std::sin(2 * pi * fc * t));
        }
        return x;
    };
    auto secondOrder = [&](const FeatureMatrix &m, std::vector<int> &rowsOut) {
        std::vector<double> v;
        rowsOut.clear();
        for (int r = s.firstOrderRows(); r < s.rows(); ++r) {
            if (s.paths()[size_t(r)].l1 != carrierBand)
                continue;
            rowsOut.push_back(r);
            v.push_back(rowMean(m, r, 8, m.frames - 8));
        }
        return v;
    };

    const FeatureMatrix steady = computeOrFail(s, tone(0.0));
    std::vector<int> rows;
    const std::vector<double> steady2 = secondOrder(steady, rows);
    QVERIFY(rows.size() >= 5);
    const double steady1 = rowMean(steady, carrierBand, 8, steady.frames - 8);

    for (double fm : {8.0, 30.0, 60.0}) {
        const FeatureMatrix m = computeOrFail(s, tone(fm));
        const std::vector<double> v = secondOrder(m, rows);
        size_t peak = 0;
        for (size_t i = 0; i < v.size(); ++i)
            if (v[i] > v[peak])
                peak = i;
        const ScatteringPath &path = s.paths()[size_t(rows[peak])];
        qInfo("fm %4.0f Hz: second order peaks at %.2f Hz (S2/S1 %.3f; steady tone %.2e)", fm, path.hz2,
              v[peak] / rowMean(m, carrierBand, 8, m.frames - 8), steady2[peak] / steady1);
        QVERIFY2(std::abs(std::log2(path.hz2 / fm)) <= 0.5,
                 qPrintable(QStringLiteral("fm %1 Hz peaked at %2 Hz").arg(fm).arg(path.hz2)));
        // U1 = 0.2 (g0 + depth/2 (g+ e^{i wm t} + g- e^{-i wm t})) with g the first-order
        // gains at fc and fc +- fm; psi_l2 keeps the e^{+i wm t} term, so
        // S2 / S1 = depth/2 (g+ + g-)/(2 g0) psi2^(fm) for a modulation inside the band.
        const ScatteringFilter &psi1 = b1.wavelets()[size_t(carrierBand)];
        const auto bin = [&](double hz) { return int(std::lround(hz / rate * n)); };
        const double g0 = psi1.at(bin(fc));
        const double gSide = 0.5 * (psi1.at(bin(fc + fm)) + psi1.at(bin(fc - fm)));
        const double expected = depth / 2 * gSide / g0 * b2.wavelets()[size_t(path.l2)].at(bin(fm));
        const double ratio = v[peak] / rowMean(m, carrierBand, 8, m.frames - 8);
        QVERIFY2(std::abs(ratio / expected - 1.0) < 0.1,
                 qPrintable(QStringLiteral("fm %1: S2/S1 %2, expected %3").arg(fm).arg(ratio).arg(expected)));
        // The steady tone leaves that path dark.
        QVERIFY2(steady2[peak] / steady1 < 0.02 * ratio, qPrintable(QString::number(steady2[peak] / steady1)));
    }
}

void TestScattering::invariantToSmallShifts()
{
    const Scattering s(rawSettings());
    QVERIFY(s.isValid());
    const FeatureMatrix a = computeOrFail(s, musicSignal(12.0));
    const qint64 t0 = 8, t1 = a.frames - 8;
    const int r1 = s.firstOrderRows();
    auto shifted = [&](qint64 shift, int rowFirst, int rowEnd) {
        const FeatureMatrix b = computeOrFail(s, musicSignal(12.0, shift));
        return relativeDifference(a, b, rowFirst, rowEnd, t0, t1);
    };
    const double small1 = shifted(256, 0, r1);        // T / 32 = 11.6 ms
    const double small2 = shifted(256, r1, s.rows());
    const double half1 = shifted(4096, 0, r1);        // T / 2
    const double far1 = shifted(16384, 0, r1);        // 2 T
    const double far2 = shifted(16384, r1, s.rows());
    qInfo("relative change of S1 / S2: shift T/32 %.4f / %.4f, T/2 %.4f, 2T %.4f / %.4f", small1, small2, half1,
          far1, far2);
    QVERIFY2(small1 < 0.05, qPrintable(QString::number(small1)));
    QVERIFY2(small2 < 0.08, qPrintable(QString::number(small2)));
    // The same comparison sees a shift of the order of T: the signal changes
    // within T, and S follows it.
    QVERIFY(half1 > 4 * small1);
    QVERIFY(far1 > 0.3);
    QVERIFY(far2 > 0.3);
}

void TestScattering::firstTwoOrdersHoldTheEnergy()
{
    const Scattering s(rawSettings());
    QVERIFY(s.isValid());
    const int hop = s.hop();
    // Energies of S1 and S2 (hop * sum of squares over frames [t0, t1), which
    // stand for samples [t0 hop - hop/2, t1 hop - hop/2)) relative to the
    // signal's there, away from the padded ends.
    auto energies = [&](const std::vector<float> &x, double &e1, double &e2) {
        const FeatureMatrix m = computeOrFail(s, x);
        const qint64 t0 = 8, t1 = m.frames - 8;
        double energy = 0.0;
        for (qint64 i = t0 * hop - hop / 2; i < t1 * hop - hop / 2; ++i)
            energy += double(x[size_t(i)]) * x[size_t(i)];
        e1 = e2 = 0.0;
        for (qint64 t = t0; t < t1; ++t) {
            for (int r = 0; r < s.rows(); ++r) {
                const double v = double(m.at(r, t)) * m.at(r, t) * hop;
                (r < s.firstOrderRows() ? e1 : e2) += v;
            }
        }
        e1 /= energy;
        e2 /= energy;
    };

    // Tones with sinusoidal tremolo: |x * psi_l1| is a constant plus a
    // sinusoid, whose modulus after psi_l2 is constant, so S1 and S2 hold all
    // of the energy up to the LP sum (>= 0.96) and the tremolo's leakage into
    // neighbouring bands.
    std::vector<float> tremolo(size_t(12 * rate));
    for (size_t i = 0; i < tremolo.size(); ++i) {
        const double t = double(i) / rate;
        tremolo[i] = float(0.3 * (1 + 0.8 * std::cos(2 * pi * 5.0 * t)) * std::sin(2 * pi * 330.0 * t)
                           + 0.2 * (1 + 0.6 * std::cos(2 * pi * 13.0 * t + 1)) * std::sin(2 * pi * 1250.0 * t)
                           + 0.1 * (1 + 0.9 * std::cos(2 * pi * 31.0 * t + 2)) * std::sin(2 * pi * 4100.0 * t)
                           + 0.1 * std::sin(2 * pi * 700.0 * t));
    }
    double e1 = 0.0, e2 = 0.0;
    energies(tremolo, e1, e2);
    qInfo("tremolo tones: energy in S1 %.4f, in S2 %.4f, together %.4f of the signal's", e1, e2, e1 + e2);
    // Contractive (LP sum <= 1): never more than the signal's energy.
    QVERIFY2(e1 + e2 <= 1.01, qPrintable(QString::number(e1 + e2)));
    QVERIFY2(e1 + e2 >= 0.93, qPrintable(QString::number(e1 + e2)));
    // The modulations' share, (m^2/2) / (1 + m^2/2) per tone, is in S2 only.
    QVERIFY2(e2 >= 0.15 && e1 <= 0.85, qPrintable(QStringLiteral("%1 %2").arg(e1).arg(e2)));

    // Notes with 20 ms attacks and decays: part of the energy of such
    // transients goes on to third and higher orders (Anden & Mallat: at
    // T = 370 ms a large share moves from first to second order).
    energies(musicSignal(12.0), e1, e2);
    qInfo("music-like notes: energy in S1 %.4f, in S2 %.4f, together %.4f of the signal's", e1, e2, e1 + e2);
    QVERIFY2(e1 + e2 <= 1.01, qPrintable(QString::number(e1 + e2)));
    QVERIFY2(e1 + e2 >= 0.75, qPrintable(QString::number(e1 + e2)));
    QVERIFY2(e2 >= 0.2, qPrintable(QString::number(e2)));
}

void TestScattering::blockSeamsAndReducedRatesAreInvisible()
{
    const std::vector<float> x = musicSignal(20.0);
    const Scattering reference(rawSettings());
    ScatteringSettings smallBlocks = rawSettings();
    smallBlocks.blockLength = 8 * smallBlocks.averaging;   // many seams
    ScatteringSettings oversampled = rawSettings();
    oversampled.oversampling = 4.0;
    const Scattering seams(smallBlocks);
    const Scattering dense(oversampled);
    QVERIFY(seams.isValid() && dense.isValid());
    const FeatureMatrix a = computeOrFail(reference, x);
    const FeatureMatrix b = computeOrFail(seams, x);
    const FeatureMatrix c = computeOrFail(dense, x);
    QCOMPARE(b.frames, a.frames);
    QCOMPARE(c.frames, a.frames);
    const int r1 = reference.firstOrderRows();
    const double seam1 = relativeDifference(a, b, 0, r1, 0, a.frames);
    const double seam2 = relativeDifference(a, b, r1, a.rows, 0, a.frames);
    const double rate1 = relativeDifference(c, a, 0, r1, 0, a.frames);
    const double rate2 = relativeDifference(c, a, r1, a.rows, 0, a.frames);
    qInfo("small blocks vs default: S1 %.2e, S2 %.2e; minimum rates vs 4x: S1 %.2e, S2 %.2e", seam1, seam2, rate1,
          rate2);
    // Small blocks change the DFT grid the filters are sampled on as well as
    // the seams; both stay at the per-mille level. A misplaced block or frame
    // would differ by the order of the coefficients themselves.
    QVERIFY2(seam1 < 3e-3 && seam2 < 1e-2, qPrintable(QStringLiteral("%1 %2").arg(seam1).arg(seam2)));
    QVERIFY2(rate1 < 2e-3 && rate2 < 1e-2, qPrintable(QStringLiteral("%1 %2").arg(rate1).arg(rate2)));
}

void TestScattering::normaliseAndLog()
{
    const std::vector<float> x = musicSignal(6.0);
    const Scattering raw(rawSettings());
    const Scattering features{ScatteringSettings{}};   // log + normalised, the defaults
    const FeatureMatrix a = computeOrFail(raw, x);
    const FeatureMatrix b = computeOrFail(features, x);
    QCOMPARE(b.rows, a.rows);
    QCOMPARE(b.frames, a.frames);
    for (qint64 t = 0; t < a.frames; t += 7) {
        for (int r = 0; r < a.rows; r += 5) {
            double v = a.at(r, t);
            if (r >= raw.firstOrderRows())
                v /= double(a.at(raw.paths()[size_t(r)].l1, t)) + Scattering::normFloor;
            const double want = std::log(v + Scattering::logFloor);
            QVERIFY2(std::abs(b.at(r, t) - want) < 1e-4 * (1 + std::abs(want)),
                     qPrintable(QStringLiteral("row %1 frame %2: %3 vs %4").arg(r).arg(t).arg(b.at(r, t)).arg(want)));
        }
    }
}

void TestScattering::concurrentCallsAgree()
{
    const Scattering s(rawSettings());
    const std::vector<float> x = musicSignal(8.0);
    const std::vector<float> y = musicSignal(8.0, 777);
    const FeatureMatrix serialX = computeOrFail(s, x);
    const FeatureMatrix serialY = computeOrFail(s, y);
    FeatureMatrix threadX, threadY;
    std::thread first([&] { threadX = computeOrFail(s, x); });
    std::thread second([&] { threadY = computeOrFail(s, y); });
    first.join();
    second.join();
    QVERIFY(serialX.values == threadX.values);
    QVERIFY(serialY.values == threadY.values);
    QVERIFY(serialX.values != serialY.values);
}

void TestScattering::badInputFailsClearly()
{
    const Scattering s(rawSettings());
    const std::vector<float> none;
    const Result<FeatureMatrix> empty = s.compute(none.data(), 0);
    QVERIFY(!empty.ok());
    QVERIFY2(empty.error().contains(QLatin1String("empty")), qPrintable(empty.error()));
    const std::vector<float> shortSignal(100, 0.1f);
    const Result<FeatureMatrix> tooShort = s.compute(shortSignal.data(), qint64(shortSignal.size()));
    QVERIFY(!tooShort.ok());
    QVERIFY2(tooShort.error().contains(QLatin1String("at least 2048")), qPrintable(tooShort.error()));
    // A count past the limit is refused before a sample is read.
    const Result<FeatureMatrix> huge = s.compute(shortSignal.data(), qint64(1) << 40);
    QVERIFY(!huge.ok());
    QVERIFY2(huge.error().contains(QLatin1String("Split it")), qPrintable(huge.error()));
    QVERIFY(s.maximumSamples() > qint64(4) * 3600 * rate);   // a 4 h file still fits
    std::vector<float> nan = sine(440.0, 1.0);
    nan[5000] = std::nanf("");
    const Result<FeatureMatrix> notFinite = s.compute(nan.data(), qint64(nan.size()));
    QVERIFY(!notFinite.ok());
    QVERIFY2(notFinite.error().contains(QLatin1String("sample 5000")), qPrintable(notFinite.error()));
    const Result<FeatureMatrix> wrongRate = s.compute(AudioBuffer(sine(440.0, 1.0), 16000));
    QVERIFY(!wrongRate.ok());
    QVERIFY2(wrongRate.error().contains(QLatin1String("16000 Hz")), qPrintable(wrongRate.error()));
    // The shortest signal accepted works, the reflect padding filling the rest.
    const std::vector<float> oneHop = sine(440.0, 2048.0 / rate);
    const Result<FeatureMatrix> ok = s.compute(oneHop.data(), 2048);
    QVERIFY2(ok.ok(), qPrintable(ok.error()));
    QCOMPARE(ok->frames, qint64(2));

    struct Bad
    {
        const char *what;
        ScatteringSettings settings;
    };
    std::vector<Bad> bad;
    auto add = [&](const char *what, auto change) {
        ScatteringSettings b;
        change(b);
        bad.push_back({what, b});
    };
    add("averaging", [](ScatteringSettings &b) { b.averaging = 10; });
    add("wavelets per octave", [](ScatteringSettings &b) { b.q1 = 0; });
    add("octaves", [](ScatteringSettings &b) { b.octaves = 40; });
    add("block length", [](ScatteringSettings &b) { b.blockLength = 12345; });
    add("sample rate", [](ScatteringSettings &b) { b.sampleRate = -1; });
    add("oversampling", [](ScatteringSettings &b) { b.oversampling = std::nan(""); });
    for (const Bad &b : bad) {
        const Scattering invalid(b.settings);
        QVERIFY2(!invalid.isValid(), b.what);
        QVERIFY2(invalid.error().contains(QLatin1String(b.what)), qPrintable(invalid.error()));
        const Result<FeatureMatrix> r = invalid.compute(oneHop.data(), 2048);
        QVERIFY(!r.ok());
        QCOMPARE(r.error(), invalid.error());
    }
}

QTEST_GUILESS_MAIN(TestScattering)
#include "tst_scattering.moc"
