// SPDX-License-Identifier: GPL-3.0-or-later
// Time to first waveform and peak memory for a one-hour 44.1 kHz stereo file,
// made by concatenating the Wesnoth fixture. Prints figures; asserts only
// that the work succeeds.
#include "engine/audio/audiodecoder.h"
#include "engine/audio/peakpyramid.h"

#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QtTest>

#include <sndfile.h>
#include <sys/resource.h>

using namespace taglane::engine;

namespace {

long peakRssMiB()
{
    struct rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

long currentRssMiB()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = f.readAll().split(' ');
    return fields.value(1).toLong() * 4096 / (1024 * 1024);
}

// Streams the source into a WAV of `seconds`, repeating it as often as needed.
bool makeLongWav(const QString &source, const QString &target, double seconds)
{
    SF_INFO in{};
    SNDFILE *src = sf_open(QFile::encodeName(source).constData(), SFM_READ, &in);
    if (!src)
        return false;
    SF_INFO out{};
    out.samplerate = in.samplerate;
    out.channels = in.channels;
    out.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE *dst = sf_open(QFile::encodeName(target).constData(), SFM_WRITE, &out);
    if (!dst) {
        sf_close(src);
        return false;
    }
    std::vector<short> block(size_t(65536) * in.channels);
    qint64 remaining = qint64(seconds * in.samplerate);
    while (remaining > 0) {
        sf_count_t got = sf_readf_short(src, block.data(), std::min<qint64>(65536, remaining));
        if (got <= 0) {
            sf_seek(src, 0, SEEK_SET);
            continue;
        }
        sf_writef_short(dst, block.data(), got);
        remaining -= got;
    }
    sf_close(src);
    sf_close(dst);
    return true;
}

} // namespace

class BenchLongFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneHourFile();
};

void BenchLongFile::oneHourFile()
{
    TAGLANE_REQUIRE_SHARED(ogg, "fixtures/audio/traveling_minstrels.ogg");
    const QString dir = taglane::tests::tempDir(QStringLiteral("bench-longfile"));
    const QString wav = dir + QStringLiteral("/one-hour.wav");
    QElapsedTimer t;
    t.start();
    QVERIFY(makeLongWav(ogg, wav, 3600.0));
    qInfo("made a 1-hour 44.1 kHz stereo WAV (%.0f MB) in %.1f s", QFileInfo(wav).size() / 1e6, t.elapsed() / 1000.0);
    const long baseline = currentRssMiB();

    t.restart();
    auto decoded = AudioDecoder::decode(wav);
    QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
    const double decodeSeconds = t.nsecsElapsed() / 1e9;
    t.restart();
    const PeakPyramid pyramid = PeakPyramid::build(decoded->mono);
    const double pyramidSeconds = t.nsecsElapsed() / 1e9;
    t.restart();
    const auto columns = pyramid.query(0, double(pyramid.sampleCount()), 1600);
    const double queryMicros = t.nsecsElapsed() / 1e3;
    QCOMPARE(int(columns.size()), 1600);

    qInfo("decode + downmix + resample to 16 kHz: %.2f s (%.0fx real time)", decodeSeconds, 3600.0 / decodeSeconds);
    qInfo("peak pyramid: %.3f s, %.1f MB, %d levels", pyramidSeconds, pyramid.memoryBytes() / 1e6, pyramid.levelCount());
    qInfo("whole-file waveform query, 1600 columns: %.0f us", queryMicros);
    qInfo("time to first waveform (decode + pyramid): %.2f s (target < 2 s)", decodeSeconds + pyramidSeconds);
    qInfo("mono analysis copy: %.1f MB; resident now %ld MiB (baseline %ld MiB), peak %ld MiB (target < 500 MB)",
          decoded->mono.size() * 4 / 1e6, currentRssMiB(), baseline, peakRssMiB());
    QFile::remove(wav);
}

QTEST_GUILESS_MAIN(BenchLongFile)
#include "bench_longfile.moc"
