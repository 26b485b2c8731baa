// SPDX-License-Identifier: GPL-3.0-or-later
// Scattering front end (T = 8192 = 371 ms, Q1 = 8, Q2 = 1, log and
// normalised) on one thread: filter-bank and plan build time, and the
// transform of a 60 s 22.05 kHz signal in multiples of real time, by wall
// clock and by the thread's CPU time (the machine is shared: the CPU time
// is the figure less disturbed by other work). Prints figures; asserts
// only that the output is whole.
#include "engine/dsp/scattering.h"

#include <QElapsedTimer>
#include <QtTest>

#include <cmath>
#include <ctime>
#include <functional>

using namespace taglane::engine;

namespace {

constexpr double pi = 3.14159265358979323846;

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Timing
{
    double wall = 1e300;
    double cpu = 1e300;
};

// Best of `runs` (wall clock and CPU time each): the fastest run is the one
// least disturbed by other work.
Timing best(int runs, const std::function<void()> &work)
{
    Timing t;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        const double cpu0 = threadCpuSeconds();
        timer.start();
        work();
        t.wall = std::min(t.wall, double(timer.nsecsElapsed()) * 1e-9);
        t.cpu = std::min(t.cpu, threadCpuSeconds() - cpu0);
    }
    return t;
}

// A minute of music-like sound: notes with harmonics, tremolo, a noise floor.
std::vector<float> testSignal(int rate, double seconds)
{
    std::vector<float> x(size_t(seconds * rate));
    quint32 seed = 12345;
    static const double notes[] = {220.0, 277.18, 329.63, 440.0, 392.0, 293.66, 246.94, 523.25};
    for (size_t n = 0; n < x.size(); ++n) {
        const double t = double(n) / rate;
        const int index = int(t / 0.5);
        const double f0 = notes[index % 8];
        const double local = t - index * 0.5;
        double v = 0.0;
        for (int h = 1; h <= 10; ++h)
            v += std::sin(2 * pi * f0 * h * t + h) / h;
        seed = seed * 1664525u + 1013904223u;
        const double noise = double(seed >> 8) / double(1u << 24) - 0.5;
        x[n] = float(0.2 * v * std::exp(-2.0 * local) * (1 + 0.3 * std::sin(2 * pi * 4 * t)) + 0.02 * noise);
    }
    return x;
}

} // namespace

class BenchScattering : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void realTimeFactor()
    {
        const int rate = 22050;
        const double seconds = 60.0;
        const std::vector<float> x = testSignal(rate, seconds);

        ScatteringSettings settings;
        settings.sampleRate = rate;
        std::unique_ptr<Scattering> s;
        const Timing build = best(3, [&] { s = std::make_unique<Scattering>(settings); });
        QVERIFY2(s->isValid(), qPrintable(s->error()));

        Result<FeatureMatrix> out = Result<FeatureMatrix>::failure(QString());
        const Timing run = best(5, [&] { out = s->compute(x.data(), qint64(x.size())); });
        QVERIFY2(out.ok(), qPrintable(out.error()));
        QCOMPARE(out->frames, s->frameCount(qint64(x.size())));
        QCOMPARE(out->rows, s->rows());
        for (float v : out->values)
            QVERIFY(std::isfinite(v));

        qInfo("scattering T = %d (%.0f ms), Q1 = %d, Q2 = %d, J = %d at %d Hz: %d first-order bands, %d "
              "second-order paths, hop %d samples, block %d",
              settings.averaging, 1000.0 * settings.averaging / rate, settings.q1, settings.q2, s->octaves(), rate,
              s->firstOrderRows(), s->rows() - s->firstOrderRows(), s->hop(), s->firstOrderBank().blockLength());
        qInfo("filter banks + FFTW plans:  %8.1f ms wall, %8.1f ms CPU (best of 3)", build.wall * 1e3,
              build.cpu * 1e3);
        qInfo("transform of %.0f s:         %8.1f ms wall, %8.1f ms CPU (best of 5)", seconds, run.wall * 1e3,
              run.cpu * 1e3);
        qInfo("real-time factor, 1 thread: %8.0fx by wall clock, %8.0fx by CPU time", seconds / run.wall,
              seconds / run.cpu);

        // The FFT block length: longer blocks waste less on their 4 T of
        // overlap, shorter ones stay in cache.
        for (int block : {1 << 17, 1 << 19}) {
            ScatteringSettings other = settings;
            other.blockLength = block;
            const Scattering t(other);
            QVERIFY2(t.isValid(), qPrintable(t.error()));
            const Timing r = best(3, [&] { out = t.compute(x.data(), qint64(x.size())); });
            QVERIFY(out.ok());
            qInfo("block %7d instead:        %8.1f ms CPU, %6.0fx real time", block, r.cpu * 1e3, seconds / r.cpu);
        }
    }
};

QTEST_GUILESS_MAIN(BenchScattering)
#include "bench_scattering.moc"
