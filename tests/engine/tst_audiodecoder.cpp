// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/audiodecoder.h"

#include "testsupport.h"

#include <QFile>
#include <QProcess>
#include <QtTest>

#include <sndfile.h>

#include <atomic>
#include <cmath>

using namespace taglane::engine;

namespace {

// Writes a sine through libsndfile in the given format; returns the path.
QString writeSine(const QString &dir, const QString &name, int format, int rate, int channels, double seconds,
                  double frequency = 440.0)
{
    const QString path = dir + QLatin1Char('/') + name;
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE *f = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
    if (!f)
        return {};
    const qint64 frames = qint64(seconds * rate);
    std::vector<float> data(size_t(frames) * channels);
    for (qint64 i = 0; i < frames; ++i)
        for (int c = 0; c < channels; ++c)
            data[size_t(i * channels + c)] = 0.5f * float(std::sin(2 * M_PI * frequency * double(i) / rate));
    sf_writef_float(f, data.data(), frames);
    sf_close(f);
    return path;
}

double rms(const float *x, qint64 n)
{
    double s = 0;
    for (qint64 i = 0; i < n; ++i)
        s += double(x[i]) * x[i];
    return std::sqrt(s / double(n));
}

} // namespace

class TestAudioDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodesEachFormat_data();
    void decodesEachFormat();
    void decodesSharedFixtures();
    void downmixAveragesChannels();
    void keepsFileRateWhenAsked();
    void reportsProgressAndCancels();
    void missingFile();
    void emptyFile();
    void textRenamedToWav();
    void truncatedWav();
    void truncatedOgg();
    void zeroLengthAudio();
    void nonFiniteSamples();
    void unsupportedFormat();
    void folderInsteadOfFile();
};

void TestAudioDecoder::decodesEachFormat_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("format");
    QTest::addColumn<int>("rate");
    QTest::addColumn<int>("channels");
    QTest::addColumn<QString>("container");
    QTest::newRow("wav 16-bit 44.1k stereo") << "a.wav" << (SF_FORMAT_WAV | SF_FORMAT_PCM_16) << 44100 << 2 << "WAV";
    QTest::newRow("wav float 48k 6ch") << "b.wav" << (SF_FORMAT_WAV | SF_FORMAT_FLOAT) << 48000 << 6 << "WAV";
    QTest::newRow("flac 24-bit 96k mono") << "c.flac" << (SF_FORMAT_FLAC | SF_FORMAT_PCM_24) << 96000 << 1 << "FLAC";
    QTest::newRow("ogg vorbis 22.05k") << "d.ogg" << (SF_FORMAT_OGG | SF_FORMAT_VORBIS) << 22050 << 2 << "OGG";
    QTest::newRow("opus 48k") << "e.opus" << (SF_FORMAT_OGG | SF_FORMAT_OPUS) << 48000 << 2 << "OGG";
    QTest::newRow("mp3 44.1k") << "f.mp3" << (SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III) << 44100 << 2 << "MPEG";
    QTest::newRow("aiff 8k") << "g.aiff" << (SF_FORMAT_AIFF | SF_FORMAT_PCM_16) << 8000 << 1 << "AIFF";
}

void TestAudioDecoder::decodesEachFormat()
{
    QFETCH(QString, name);
    QFETCH(int, format);
    QFETCH(int, rate);
    QFETCH(int, channels);
    QFETCH(QString, container);
    const QString dir = taglane::tests::tempDir(QStringLiteral("decoder-formats"));
    const QString path = writeSine(dir, name, format, rate, channels, 2.0, 1000.0);
    if (path.isEmpty())
        QSKIP("this libsndfile cannot write the format");

    auto probed = AudioDecoder::probe(path);
    QVERIFY2(probed.ok(), qPrintable(probed.error()));
    QCOMPARE(probed->sampleRate, rate);
    QCOMPARE(probed->channels, channels);
    QVERIFY2(probed->container.contains(container, Qt::CaseInsensitive), qPrintable(probed->container));

    auto decoded = AudioDecoder::decode(path);
    QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
    QCOMPARE(decoded->mono.sampleRate(), 16000);
    // Lossy codecs add priming/padding; stay within 0.1 s of 2 s.
    QVERIFY2(std::abs(decoded->mono.durationSeconds() - 2.0) < 0.1,
             qPrintable(QString::number(decoded->mono.durationSeconds())));
    // The same 1 kHz sine of amplitude 0.5 in every channel: the equal-power
    // downmix gives amplitude 0.5 sqrt(N), so an RMS of 0.5 sqrt(N) / sqrt(2).
    const qint64 n = decoded->mono.size();
    const double r = rms(decoded->mono.data() + n / 4, n / 2);
    const double expected = 0.5 * std::sqrt(double(channels)) / std::sqrt(2.0);
    QVERIFY2(std::abs(r - expected) < 0.03 * std::sqrt(double(channels)), qPrintable(QString::number(r)));
}

void TestAudioDecoder::decodesSharedFixtures()
{
    TAGLANE_REQUIRE_SHARED(ogg, "fixtures/audio/traveling_minstrels.ogg");
    TAGLANE_REQUIRE_SHARED(mp3, "fixtures/audio/mtat_joram_solipsism.mp3");
    auto a = AudioDecoder::decode(ogg);
    QVERIFY2(a.ok(), qPrintable(a.error()));
    QCOMPARE(a->info.sampleRate, 44100);
    QCOMPARE(a->info.channels, 2);
    QVERIFY(a->mono.durationSeconds() > 200.0 && a->mono.durationSeconds() < 230.0);
    QVERIFY(a->warnings.isEmpty());
    auto b = AudioDecoder::decode(mp3);
    QVERIFY2(b.ok(), qPrintable(b.error()));
    QCOMPARE(b->info.sampleRate, 16000);
    QCOMPARE(b->info.channels, 1);
    QVERIFY(b->mono.durationSeconds() > 25.0 && b->mono.durationSeconds() < 35.0);
}

void TestAudioDecoder::downmixAveragesChannels()
{
    // Left = +0.5, right = -0.3 constant: the equal-power mix is 0.2 / sqrt(2).
    const QString dir = taglane::tests::tempDir(QStringLiteral("decoder-downmix"));
    const QString path = dir + QStringLiteral("/dc.wav");
    SF_INFO info{};
    info.samplerate = 16000;
    info.channels = 2;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE *f = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
    QVERIFY(f);
    std::vector<float> data(16000 * 2);
    for (size_t i = 0; i < 16000; ++i) {
        data[2 * i] = 0.5f;
        data[2 * i + 1] = -0.3f;
    }
    sf_writef_float(f, data.data(), 16000);
    sf_close(f);
    auto decoded = AudioDecoder::decode(path);
    QVERIFY(decoded.ok());
    QCOMPARE(decoded->mono.size(), qint64(16000));
    QVERIFY(std::abs(decoded->mono.data()[8000] - float(0.2 / std::sqrt(2.0))) < 1e-6f);
}

void TestAudioDecoder::keepsFileRateWhenAsked()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("decoder-rate"));
    const QString path = writeSine(dir, QStringLiteral("s.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 1, 1.0);
    DecodeOptions options;
    options.analysisRate = 0;
    auto decoded = AudioDecoder::decode(path, options);
    QVERIFY(decoded.ok());
    QCOMPARE(decoded->mono.sampleRate(), 44100);
    QCOMPARE(decoded->mono.size(), qint64(44100));
}

void TestAudioDecoder::reportsProgressAndCancels()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("decoder-progress"));
    const QString path = writeSine(dir, QStringLiteral("long.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, 20.0);
    QVector<double> seen;
    ProgressSink sink;
    sink.report = [&](double f) { seen << f; };
    auto decoded = AudioDecoder::decode(path, {}, sink);
    QVERIFY(decoded.ok());
    QVERIFY(seen.size() > 5);
    QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    QCOMPARE(seen.last(), 1.0);

    std::atomic_bool cancel{false};
    ProgressSink cancelling;
    cancelling.cancel = &cancel;
    cancelling.report = [&](double f) { if (f > 0.3) cancel = true; };
    auto stopped = AudioDecoder::decode(path, {}, cancelling);
    QVERIFY(!stopped.ok());
    QVERIFY2(stopped.error().contains(QLatin1String("cancelled")), qPrintable(stopped.error()));
}

void TestAudioDecoder::missingFile()
{
    auto r = AudioDecoder::decode(QStringLiteral("/nonexistent/nothing.wav"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QLatin1String("nothing.wav")) && r.error().contains(QLatin1String("not found")),
             qPrintable(r.error()));
}

void TestAudioDecoder::emptyFile()
{
    const QString path = taglane::tests::tempDir(QStringLiteral("decoder-empty")) + QStringLiteral("/empty.wav");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    auto r = AudioDecoder::decode(path);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QLatin1String("empty.wav")) && r.error().contains(QLatin1String("empty")),
             qPrintable(r.error()));
}

void TestAudioDecoder::textRenamedToWav()
{
    const QString path = taglane::tests::tempDir(QStringLiteral("decoder-text")) + QStringLiteral("/notes.wav");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("These are my shopping notes, not audio.\nMilk, eggs, bread.\n");
    f.close();
    auto r = AudioDecoder::decode(path);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QLatin1String("notes.wav")) && r.error().contains(QLatin1String("cannot open as audio")),
             qPrintable(r.error()));
}

void TestAudioDecoder::truncatedWav()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("decoder-truncated"));
    const QString path = writeSine(dir, QStringLiteral("cut.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, 4.0);
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.resize(f.size() / 2));
    f.close();
    auto r = AudioDecoder::decode(path);
    // What is there is usable, and the user is told that the rest is missing.
    QVERIFY2(r.ok(), qPrintable(r.error()));
    QVERIFY(std::abs(r->mono.durationSeconds() - 2.0) < 0.05);
    QCOMPARE(r->warnings.size(), 1);
    QVERIFY2(r->warnings.first().contains(QLatin1String("cut.wav")) && r->warnings.first().contains(QLatin1String("truncated")),
             qPrintable(r->warnings.first()));

    // Cut inside the header: nothing can be read.
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.resize(20));
    f.close();
    auto h = AudioDecoder::decode(path);
    QVERIFY(!h.ok());
    QVERIFY2(h.error().contains(QLatin1String("cut.wav")), qPrintable(h.error()));
}

void TestAudioDecoder::truncatedOgg()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("decoder-truncated-ogg"));
    const QString path = writeSine(dir, QStringLiteral("cut.ogg"), SF_FORMAT_OGG | SF_FORMAT_VORBIS, 44100, 2, 6.0);
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.resize(f.size() / 2));
    f.close();
    auto r = AudioDecoder::decode(path);
    if (r.ok()) {
        QVERIFY(r->mono.durationSeconds() < 5.5);
        QVERIFY2(!r->warnings.isEmpty(), "a cut Ogg file must come with a warning");
        QVERIFY(r->warnings.first().contains(QLatin1String("cut.ogg")));
    } else {
        QVERIFY2(r.error().contains(QLatin1String("cut.ogg")), qPrintable(r.error()));
    }
}

void TestAudioDecoder::zeroLengthAudio()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("decoder-zero"));
    const QString path = writeSine(dir, QStringLiteral("zero.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, 0.0);
    QVERIFY(QFileInfo(path).size() > 0);   // a valid header, no frames
    auto r = AudioDecoder::decode(path);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QLatin1String("zero.wav")) && r.error().contains(QLatin1String("no audio")),
             qPrintable(r.error()));
}

void TestAudioDecoder::nonFiniteSamples()
{
    const QString path = taglane::tests::tempDir(QStringLiteral("decoder-nan")) + QStringLiteral("/nan.wav");
    SF_INFO info{};
    info.samplerate = 16000;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE *f = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
    QVERIFY(f);
    std::vector<float> data(16000, 0.1f);
    data[8000] = std::nanf("");
    data[9000] = INFINITY;
    sf_writef_float(f, data.data(), 16000);
    sf_close(f);
    auto r = AudioDecoder::decode(path);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QLatin1String("nan.wav")) && r.error().contains(QLatin1String("NaN")), qPrintable(r.error()));
    QVERIFY2(r.error().contains(QLatin1String("0.500")), qPrintable(r.error()));   // first bad sample at 0.5 s
}

void TestAudioDecoder::unsupportedFormat()
{
    // A PNG signature: a real file format, but not audio.
    const QString path = taglane::tests::tempDir(QStringLiteral("decoder-png")) + QStringLiteral("/cover.png");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray::fromHex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"));
    f.close();
    auto r = AudioDecoder::decode(path);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QLatin1String("cover.png")) && r.error().contains(QLatin1String("not an audio format")),
             qPrintable(r.error()));
}

void TestAudioDecoder::folderInsteadOfFile()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("decoder-dir"));
    auto r = AudioDecoder::decode(dir);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QLatin1String("folder")), qPrintable(r.error()));
}

QTEST_GUILESS_MAIN(TestAudioDecoder)
#include "tst_audiodecoder.moc"
