// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/resampler.h"

#include <QtTest>

#include <cmath>
#include <complex>

using namespace taglane::engine;

namespace {

std::vector<float> sine(double frequency, double rate, double seconds, double amplitude)
{
    std::vector<float> x(size_t(rate * seconds));
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = float(amplitude * std::sin(2 * M_PI * frequency * double(i) / rate));
    return x;
}

double rms(const std::vector<float> &x, size_t begin, size_t end)
{
    double s = 0;
    for (size_t i = begin; i < end; ++i)
        s += double(x[i]) * x[i];
    return std::sqrt(s / double(end - begin));
}

// Frequency of the strongest bin of a Goertzel scan between lo and hi Hz.
double peakFrequency(const std::vector<float> &x, double rate, double lo, double hi, double step)
{
    double best = 0, bestPower = -1;
    for (double f = lo; f <= hi; f += step) {
        std::complex<double> acc = 0;
        for (size_t i = 0; i < x.size(); ++i)
            acc += double(x[i]) * std::polar(1.0, -2 * M_PI * f * double(i) / rate);
        if (std::norm(acc) > bestPower) {
            bestPower = std::norm(acc);
            best = f;
        }
    }
    return best;
}

} // namespace

class TestResampler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sineKeepsFrequencyAndRms_data();
    void sineKeepsFrequencyAndRms();
    void streamingEqualsWhole();
    void removesContentAboveNewNyquist();
    void passThrough();
};

void TestResampler::sineKeepsFrequencyAndRms_data()
{
    QTest::addColumn<double>("inRate");
    QTest::addColumn<double>("outRate");
    QTest::newRow("44.1k -> 16k") << 44100.0 << 16000.0;
    QTest::newRow("48k -> 16k") << 48000.0 << 16000.0;
    QTest::newRow("8k -> 16k") << 8000.0 << 16000.0;
    QTest::newRow("22.05k -> 16k") << 22050.0 << 16000.0;
}

void TestResampler::sineKeepsFrequencyAndRms()
{
    QFETCH(double, inRate);
    QFETCH(double, outRate);
    const auto x = sine(1000.0, inRate, 2.0, 0.5);
    const auto y = Resampler::resample(x, inRate, outRate);
    QVERIFY(std::abs(double(y.size()) - 2.0 * outRate) <= 2.0);
    const double r = rms(y, y.size() / 4, 3 * y.size() / 4);
    QVERIFY2(std::abs(r - 0.5 / std::sqrt(2.0)) < 1e-3, qPrintable(QString::number(r)));
    std::vector<float> middle(y.begin() + long(y.size() / 4), y.begin() + long(y.size() / 4 + 4000));
    const double f = peakFrequency(middle, outRate, 900, 1100, 1.0);
    QVERIFY2(std::abs(f - 1000.0) <= 1.0, qPrintable(QString::number(f)));
}

void TestResampler::streamingEqualsWhole()
{
    const auto x = sine(440.0, 44100.0, 3.0, 0.7);
    const auto whole = Resampler::resample(x, 44100, 16000);
    Resampler r(44100, 16000);
    std::vector<float> streamed;
    for (size_t i = 0; i < x.size(); i += 1234)
        r.process(x.data() + i, std::min<size_t>(1234, x.size() - i), streamed);
    r.flush(streamed);
    QCOMPARE(streamed.size(), whole.size());
    for (size_t i = 0; i < whole.size(); ++i)
        QVERIFY(std::abs(streamed[i] - whole[i]) < 1e-6f);
}

void TestResampler::removesContentAboveNewNyquist()
{
    // 12 kHz cannot exist at 16 kHz: the anti-alias filter must remove it
    // rather than fold it to 4 kHz.
    const auto x = sine(12000.0, 44100.0, 1.0, 0.5);
    const auto y = Resampler::resample(x, 44100, 16000);
    const double r = rms(y, y.size() / 4, 3 * y.size() / 4);
    QVERIFY2(r < 1e-3, qPrintable(QString::number(r)));
}

void TestResampler::passThrough()
{
    const auto x = sine(300.0, 16000.0, 0.5, 0.25);
    Resampler r(16000, 16000);
    QVERIFY(r.isPassThrough());
    QCOMPARE(Resampler::resample(x, 16000, 16000), x);
}

QTEST_GUILESS_MAIN(TestResampler)
#include "tst_resampler.moc"
