// SPDX-License-Identifier: GPL-3.0-or-later
// STFT: against a naive double-precision DFT of explicitly reflect-padded,
// windowed frames; frame counts; pre-emphasis; concurrent use.
#include "engine/dsp/stft.h"

#include <QTest>

#include <cmath>
#include <complex>
#include <random>
#include <thread>
#include <vector>

using namespace taglane::engine;

namespace {

constexpr double pi = 3.14159265358979323846;

std::vector<float> randomSignal(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> x(n);
    for (float &v : x)
        v = dist(rng);
    return x;
}

// numpy.pad(x, pad, mode='reflect') written out literally (pad < x.size()).
std::vector<double> reflectPad(const std::vector<double> &x, int pad)
{
    std::vector<double> out;
    for (int i = pad; i >= 1; --i)
        out.push_back(x[size_t(i)]);
    out.insert(out.end(), x.begin(), x.end());
    const int n = int(x.size());
    for (int i = 1; i <= pad; ++i)
        out.push_back(x[size_t(n - 1 - i)]);
    return out;
}

// X(k) of frame t: periodic Hann (double), window starting at t*hop of the padded signal.
std::vector<std::complex<double>> naiveFrame(const std::vector<double> &padded, int nFft, int hop, qint64 t)
{
    std::vector<std::complex<double>> X(size_t(nFft / 2 + 1));
    for (int k = 0; k <= nFft / 2; ++k) {
        std::complex<double> sum = 0.0;
        for (int i = 0; i < nFft; ++i) {
            const double w = 0.5 - 0.5 * std::cos(2.0 * pi * i / nFft);
            const double v = padded[size_t(t * hop + i)] * w;
            sum += v * std::polar(1.0, -2.0 * pi * double(k) * i / nFft);
        }
        X[size_t(k)] = sum;
    }
    return X;
}

} // namespace

class TestStft : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void frameCount_data()
    {
        QTest::addColumn<int>("hop");
        QTest::addColumn<qint64>("samples");
        QTest::addColumn<qint64>("frames");
        QTest::newRow("musicnn chunk") << 256 << qint64(48000) << qint64(188);
        QTest::newRow("fcn chunk") << 256 << qint64(464000) << qint64(1813);
        QTest::newRow("one sample") << 256 << qint64(1) << qint64(1);
        QTest::newRow("exact hop") << 256 << qint64(512) << qint64(3);
        QTest::newRow("empty") << 256 << qint64(0) << qint64(0);
    }
    void frameCount()
    {
        QFETCH(int, hop);
        QFETCH(qint64, samples);
        QFETCH(qint64, frames);
        Stft stft(512, hop);
        QCOMPARE(stft.frameCount(samples), frames);
    }

    void periodicHann()
    {
        const std::vector<float> w = Stft::hannWindow(512);
        QCOMPARE(w.size(), size_t(512));
        QCOMPARE(w[0], 0.0f);
        QCOMPARE(w[256], 1.0f);
        // Periodic, not symmetric: w[i] == w[n - i] and the last value is not 0.
        for (int i = 1; i < 256; ++i)
            QCOMPARE(w[size_t(i)], w[size_t(512 - i)]);
        QVERIFY(w[511] > 1e-5f);
        QVERIFY(std::abs(w[128] - 0.5f) < 1e-7f);
    }

    void matchesNaiveDft_data()
    {
        QTest::addColumn<int>("nFft");
        QTest::addColumn<int>("hop");
        QTest::addColumn<int>("samples");
        QTest::newRow("16/4") << 16 << 4 << 101;
        QTest::newRow("48/12 (not a power of two)") << 48 << 12 << 500;
        QTest::newRow("100/50") << 100 << 50 << 777;
        QTest::newRow("257/64 (odd)") << 257 << 64 << 2000;
        QTest::newRow("512/256") << 512 << 256 << 4000;
        QTest::newRow("1024/160") << 1024 << 160 << 6000;
    }
    void matchesNaiveDft()
    {
        QFETCH(int, nFft);
        QFETCH(int, hop);
        QFETCH(int, samples);
        const std::vector<float> x = randomSignal(size_t(samples), unsigned(nFft * 7 + samples));
        const std::vector<double> padded = reflectPad(std::vector<double>(x.begin(), x.end()), nFft / 2);
        Stft stft(nFft, hop);
        Stft::Workspace ws = stft.workspace();
        const qint64 frames = stft.frameCount(samples);
        QCOMPARE(frames, qint64(1 + samples / hop));
        std::vector<std::complex<float>> X(size_t(stft.bins()));
        std::vector<float> P(size_t(stft.bins()));
        double worst = 0.0, worstPower = 0.0;
        // Every frame for the small sizes, else both ends and some inside.
        for (qint64 t = 0; t < frames; ++t) {
            if (frames > 40 && t > 3 && t < frames - 4 && t % 7 != 0)
                continue;
            // The last frames read past the end of the padded signal when
            // samples is not a multiple of hop; those samples do not exist
            // in numpy's padding either, and torch drops them. Skip them.
            if (t * hop + nFft > qint64(padded.size()))
                continue;
            const auto ref = naiveFrame(padded, nFft, hop, t);
            stft.spectrum(x.data(), samples, t, ws, X.data());
            stft.power(x.data(), samples, t, ws, P.data());
            for (int k = 0; k < stft.bins(); ++k) {
                worst = std::max(worst, std::abs(std::complex<double>(X[size_t(k)]) - ref[size_t(k)]));
                worstPower = std::max(worstPower, std::abs(double(P[size_t(k)]) - std::norm(ref[size_t(k)])));
            }
        }
        // Frames of uniform noise in [-1, 1) have |X| up to about sqrt(nFft);
        // float32 FFT error grows like eps * sqrt(nFft) * log2(nFft).
        const double tolerance = 2e-6 * nFft;
        qInfo("nFft %d: largest |X - X_naive| = %.3g, |P - P_naive| = %.3g", nFft, worst, worstPower);
        QVERIFY2(worst < tolerance, qPrintable(QString::number(worst)));
        QVERIFY2(worstPower < tolerance * 2.0 * nFft, qPrintable(QString::number(worstPower)));
    }

    void pureToneAtBin()
    {
        // A cosine exactly on bin 32 of a 512-point frame gives |X(32)| = n/4
        // under a Hann window (window mean 1/2, half the energy at +f).
        const int n = 512;
        std::vector<float> x(8000);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = float(std::cos(2.0 * pi * 32.0 * double(i) / n));
        Stft stft(n, 256);
        Stft::Workspace ws = stft.workspace();
        std::vector<std::complex<float>> X(size_t(stft.bins()));
        stft.spectrum(x.data(), qint64(x.size()), 10, ws, X.data());
        QVERIFY(std::abs(std::abs(X[32]) - n / 4.0f) < 1e-3f);
        QVERIFY(std::abs(std::abs(X[31]) - n / 8.0f) < 1e-3f);
        QVERIFY(std::abs(X[40]) < 1e-3f);
    }

    void preEmphasis()
    {
        // With the option, the STFT equals the plain STFT of
        // y[n] = x[n] - 0.97 x[n-1] (y[0] = x[0]), edge frames included.
        const int samples = 3000;
        const std::vector<float> x = randomSignal(samples, 42);
        std::vector<float> y(x.size());
        y[0] = x[0];
        for (size_t i = 1; i < x.size(); ++i)
            y[i] = x[i] - 0.97f * x[i - 1];
        Stft plain(512, 256);
        Stft emphasised(512, 256, 0.97);
        Stft::Workspace ws = plain.workspace();
        std::vector<float> a(257), b(257), unfiltered(257);
        double worst = 0.0, changed = 0.0;
        for (qint64 t = 0; t < plain.frameCount(samples); ++t) {
            emphasised.power(x.data(), samples, t, ws, a.data());
            plain.power(y.data(), samples, t, ws, b.data());
            plain.power(x.data(), samples, t, ws, unfiltered.data());
            for (int k = 0; k < 257; ++k) {
                worst = std::max(worst, double(std::abs(a[size_t(k)] - b[size_t(k)])) / (1.0 + b[size_t(k)]));
                changed = std::max(changed, double(std::abs(a[size_t(k)] - unfiltered[size_t(k)])));
            }
        }
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
        QVERIFY(changed > 1.0);   // the option really does something
    }

    void reflectsShortSignals()
    {
        // Shorter than the padding: reflection continues back and forth,
        // never reading outside the buffer, and stays finite.
        const std::vector<float> x = {0.5f, -0.25f, 1.0f};
        Stft stft(64, 16);
        Stft::Workspace ws = stft.workspace();
        std::vector<float> p(size_t(stft.bins()));
        stft.power(x.data(), 3, 0, ws, p.data());
        for (float v : p)
            QVERIFY(std::isfinite(v));
        const float one = 0.75f;
        stft.power(&one, 1, 0, ws, p.data());
        // A constant signal through a Hann window: DC = 0.75 * 64 / 2.
        QVERIFY(std::abs(std::sqrt(p[0]) - 24.0f) < 1e-3f);
    }

    void concurrentUse()
    {
        const int samples = 40000;
        const std::vector<float> x = randomSignal(samples, 7);
        Stft stft(512, 256);
        const qint64 frames = stft.frameCount(samples);
        std::vector<float> serial(size_t(frames) * 257);
        {
            Stft::Workspace ws = stft.workspace();
            for (qint64 t = 0; t < frames; ++t)
                stft.power(x.data(), samples, t, ws, serial.data() + t * 257);
        }
        std::vector<std::vector<float>> results(4, std::vector<float>(serial.size()));
        std::vector<std::thread> threads;
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back([&, i] {
                // Also make and drop another plan while the others execute.
                Stft other(1024, 128);
                Stft::Workspace ws = stft.workspace();
                for (qint64 t = 0; t < frames; ++t)
                    stft.power(x.data(), samples, t, ws, results[size_t(i)].data() + t * 257);
            });
        }
        for (auto &t : threads)
            t.join();
        for (const auto &r : results)
            QVERIFY(r == serial);
    }
};

QTEST_GUILESS_MAIN(TestStft)
#include "tst_stft.moc"
