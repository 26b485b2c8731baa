// SPDX-License-Identifier: GPL-3.0-or-later
// Tagging a file a window at a time (ChunkedInferenceRunner, the command
// line's path) gives what tagging the whole decoded file gives
// (InferenceRunner), on files written here with libsndfile that span many
// windows.
#include "engine/audio/audiodecoder.h"
#include "engine/audio/audiostream.h"
#include "engine/jobs/chunkedinferencerunner.h"
#include "engine/jobs/inferencerunner.h"
#include "engine/model/modelbundle.h"
#include "engine/model/tagger.h"

#include "testsupport.h"

#if __has_include("engine/model/checkpointimport.h")
#include "engine/model/checkpointimport.h"
#define TAGLANE_HAVE_IMPORT 1
#endif

#include <QFile>
#include <QtTest>

#include <sndfile.h>

#include <cmath>
#include <limits>
#include <random>

using namespace taglane::engine;

namespace {

constexpr double kTolerance = 1e-5;

/// Writes `seconds` of a track that changes every few seconds (chords,
/// noise bursts, clicks, silence), so that the model's rows differ from
/// chunk to chunk. Channels differ from each other. Returns false on failure.
bool writeTrack(const QString &path, double seconds, int rate, int channels, int format)
{
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE *file = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
    if (!file)
        return false;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> noise(-1.0f, 1.0f);
    const qint64 frames = qint64(seconds * rate);
    const int block = 4096;
    std::vector<float> buffer(size_t(block) * size_t(channels));
    for (qint64 first = 0; first < frames; first += block) {
        const int count = int(std::min<qint64>(block, frames - first));
        for (int i = 0; i < count; ++i) {
            const double t = double(first + i) / rate;
            const int section = int(t / 4.7) % 5;
            const double f0 = 110.0 * std::pow(2.0, (int(t / 4.7) % 12) / 12.0);
            for (int c = 0; c < channels; ++c) {
                double v = 0.0;
                switch (section) {
                case 0:
                    v = 0.3 * std::sin(2 * M_PI * f0 * t) + 0.2 * std::sin(2 * M_PI * f0 * 1.5 * t + c);
                    break;
                case 1:
                    v = 0.25 * noise(rng);
                    break;
                case 2:
                    v = std::fmod(t, 0.25) < 0.01 ? 0.8 * noise(rng) : 0.02 * noise(rng);
                    break;
                case 3:
                    v = 0.4 * std::sin(2 * M_PI * f0 * 4 * t) * std::sin(2 * M_PI * 0.5 * t) + 0.05 * noise(rng);
                    break;
                default:
                    v = c == 0 ? 0.0 : 0.001 * noise(rng);
                    break;
                }
                buffer[size_t(i) * size_t(channels) + size_t(c)] = float(v);
            }
        }
        if (sf_writef_float(file, buffer.data(), count) != count) {
            sf_close(file);
            return false;
        }
    }
    sf_close(file);
    return true;
}

double maxDifference(const ProbabilityRows &a, const ProbabilityRows &b)
{
    if (a.size() != b.size())
        return std::numeric_limits<double>::infinity();
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].size() != b[i].size())
            return std::numeric_limits<double>::infinity();
        for (size_t j = 0; j < a[i].size(); ++j)
            worst = std::max(worst, double(std::fabs(a[i][j] - b[i][j])));
    }
    return worst;
}

/// What a chunked run reported while it ran.
struct Trace
{
    int planCalls = 0;
    int rowsBeforePlan = 0;     ///< chunk rows reported before the end of the file was reached
    int windowsBeforePlan = 0;  ///< distinct report calls with rows before the plan
    bool inOrder = true;
    int nextRow = 0;
};

InferenceRunner::Callbacks tracing(Trace &trace)
{
    InferenceRunner::Callbacks callbacks;
    callbacks.onPlan = [&trace](const InferencePlan &) { ++trace.planCalls; };
    callbacks.onProgress = [&trace](double, int first, const ProbabilityRows &rows) {
        if (rows.empty())
            return;
        if (first != trace.nextRow)
            trace.inOrder = false;
        trace.nextRow = first + int(rows.size());
        if (trace.planCalls == 0) {
            trace.rowsBeforePlan += int(rows.size());
            ++trace.windowsBeforePlan;
        }
    };
    return callbacks;
}

} // namespace

class tst_ChunkedTagging : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void windowChunksAreWholeBatches();
    void streamEqualsDecoder_data();
    void streamEqualsDecoder();
    void matchesWholeFile_data();
    void matchesWholeFile();
    void sixteenChunkSummaryMatchesWholeFile();
    void corruptSamplesFailNamingTheFile();
    void badFilesFailNamingTheFile();
    void nonFiniteOutputIsReported();
    void cancelStops();

private:
    QString m_dir;
    std::shared_ptr<Tagger> m_tagger;
};

void tst_ChunkedTagging::initTestCase()
{
    m_dir = taglane::tests::tempDir(QStringLiteral("chunkedtagging"));
    configureTorchThreads(2);
    const auto bundle = ModelBundle::open(QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel"));
    QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
    auto tagger = Tagger::load(bundle.value(), DevicePreference::Cpu);
    QVERIFY2(tagger.ok(), qPrintable(tagger.error()));
    m_tagger = tagger.value();
}

void tst_ChunkedTagging::windowChunksAreWholeBatches()
{
    // 60 s of 48640-sample chunks at 16 kHz is 19.7 chunks: 16 in batches of 8.
    QCOMPARE(ChunkedInferenceRunner::windowChunks(48640, 16000, 8, 60.0), qint64(16));
    QCOMPARE(ChunkedInferenceRunner::windowChunks(48640, 16000, 1, 60.0), qint64(19));
    // Never less than one batch, whatever the window.
    QCOMPARE(ChunkedInferenceRunner::windowChunks(48640, 16000, 8, 0.5), qint64(8));
    // A huge window does not overflow.
    const qint64 huge = ChunkedInferenceRunner::windowChunks(48640, 16000, 3, 1e12);
    QVERIFY(huge > 1000000 && huge % 3 == 0);
}

void tst_ChunkedTagging::streamEqualsDecoder_data()
{
    QTest::addColumn<int>("rate");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("format");
    QTest::addColumn<int>("analysisRate");
    QTest::newRow("wav 44.1k stereo -> 16k") << 44100 << 2 << (SF_FORMAT_WAV | SF_FORMAT_PCM_16) << 16000;
    QTest::newRow("flac 48k 3ch -> 22.05k") << 48000 << 3 << (SF_FORMAT_FLAC | SF_FORMAT_PCM_24) << 22050;
    QTest::newRow("wav 16k mono as is") << 16000 << 1 << (SF_FORMAT_WAV | SF_FORMAT_FLOAT) << 16000;
    QTest::newRow("ogg 22.05k stereo -> 16k") << 22050 << 2 << (SF_FORMAT_OGG | SF_FORMAT_VORBIS) << 16000;
}

void tst_ChunkedTagging::streamEqualsDecoder()
{
    QFETCH(int, rate);
    QFETCH(int, channels);
    QFETCH(int, format);
    QFETCH(int, analysisRate);
    const QString path = m_dir + QStringLiteral("/stream-%1-%2.%3")
                                     .arg(rate)
                                     .arg(channels)
                                     .arg((format & SF_FORMAT_TYPEMASK) == SF_FORMAT_FLAC  ? QStringLiteral("flac")
                                          : (format & SF_FORMAT_TYPEMASK) == SF_FORMAT_OGG ? QStringLiteral("ogg")
                                                                                           : QStringLiteral("wav"));
    QVERIFY(writeTrack(path, 13.3, rate, channels, format));

    DecodeOptions options;
    options.analysisRate = analysisRate;
    const auto whole = AudioDecoder::decode(path, options);
    QVERIFY2(whole.ok(), qPrintable(whole.error()));

    auto stream = AudioStream::open(path, analysisRate);
    QVERIFY2(stream.ok(), qPrintable(stream.error()));
    QCOMPARE(stream.value()->sampleRate(), analysisRate);
    std::vector<float> streamed;
    int blocks = 0;
    for (;;) {
        auto more = stream.value()->read(streamed);
        QVERIFY2(more.ok(), qPrintable(more.error()));
        ++blocks;
        if (!more.value())
            break;
    }
    QVERIFY(blocks > 3);
    QVERIFY(stream.value()->atEnd());
    QCOMPARE(stream.value()->fraction(), 1.0);
    QCOMPARE(stream.value()->position(), qint64(streamed.size()));
    // The header's length predicts the stream's length (used for the 16-chunk summary).
    QCOMPARE(stream.value()->expectedSamples(), qint64(streamed.size()));
    QCOMPARE(qint64(streamed.size()), whole->mono.size());
    QVERIFY(std::equal(streamed.begin(), streamed.end(), whole->mono.samples().begin()));
    // Reading on at the end gives nothing more.
    std::vector<float> after;
    auto more = stream.value()->read(after);
    QVERIFY(more.ok() && !more.value() && after.empty());
}

void tst_ChunkedTagging::matchesWholeFile_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<int>("rate");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("batch");
    QTest::addColumn<double>("window");
    QTest::addColumn<QString>("segments");
    QTest::addColumn<int>("minWindows");
    // 150 s at 16 kHz is 49.3 chunks of 3.04 s: a 1 s tail, its own chunk.
    QTest::newRow("150 s 44.1k stereo, windows of 2 chunks")
        << 150.0 << 44100 << 2 << 2 << 7.0 << QStringLiteral("chunk") << 20;
    QTest::newRow("150 s 44.1k stereo, batch 8, fixed segments")
        << 150.0 << 44100 << 2 << 8 << 1.0 << QStringLiteral("fixed:10") << 5;
    QTest::newRow("150 s 44.1k stereo, batch 3, uneven window")
        << 150.0 << 44100 << 2 << 3 << 20.0 << QStringLiteral("chunk") << 6;
    // 121.8 s is 40.07 chunks: a short tail that joins the last chunk.
    QTest::newRow("121.8 s 48k mono, tail merged") << 121.8 << 48000 << 1 << 4 << 12.0 << QStringLiteral("chunk") << 9;
    QTest::newRow("100 s 16k mono, no resampling") << 100.0 << 16000 << 1 << 1 << 3.1 << QStringLiteral("fixed:7")
                                                   << 30;
    QTest::newRow("2 s, shorter than one chunk") << 2.0 << 44100 << 2 << 8 << 1.0 << QStringLiteral("chunk") << 0;
}

void tst_ChunkedTagging::matchesWholeFile()
{
    QFETCH(double, seconds);
    QFETCH(int, rate);
    QFETCH(int, channels);
    QFETCH(int, batch);
    QFETCH(double, window);
    QFETCH(QString, segments);
    QFETCH(int, minWindows);

    const QString path = m_dir + QStringLiteral("/track-%1-%2-%3.wav").arg(seconds).arg(rate).arg(channels);
    if (!QFileInfo::exists(path))
        QVERIFY(writeTrack(path, seconds, rate, channels, SF_FORMAT_WAV | SF_FORMAT_PCM_16));

    InferenceRequest request;
    request.audioPath = path;
    request.batchSize = batch;
    request.device = DevicePreference::Cpu;
    const auto segmentation = SegmentationSettings::parse(segments);
    QVERIFY2(segmentation.ok(), qPrintable(segmentation.error()));
    request.segmentation = segmentation.value();

    const auto whole = InferenceRunner::run(*m_tagger, request, {});
    QVERIFY2(whole.ok(), qPrintable(whole.error()));

    Trace trace;
    ChunkedInferenceRunner::Options options;
    options.windowSeconds = window;
    const auto chunked = ChunkedInferenceRunner::run(*m_tagger, request, tracing(trace), options);
    QVERIFY2(chunked.ok(), qPrintable(chunked.error()));

    // It did go window by window: rows came out before the end of the file.
    QCOMPARE(trace.planCalls, 1);
    QVERIFY2(trace.windowsBeforePlan >= minWindows,
             qPrintable(QStringLiteral("%1 windows before the end").arg(trace.windowsBeforePlan)));
    QVERIFY(trace.inOrder);
    QCOMPARE(trace.nextRow, whole->plan.grid.size());

    const InferencePlan &a = whole->plan;
    const InferencePlan &b = chunked->plan;
    QCOMPARE(b.durationSeconds, a.durationSeconds);
    QVERIFY(b.grid.starts() == a.grid.starts());
    QCOMPARE(b.grid.totalSamples(), a.grid.totalSamples());
    QCOMPARE(b.segments.size(), a.segments.size());
    QCOMPARE(b.padded, a.padded);
    QCOMPARE(b.trackPath, path);
    QVERIFY(whole->chunkRows.size() > 0);
    QCOMPARE(whole->chunkRows.front().size(), size_t(m_tagger->manifest().tags.size()));

    const double chunkDiff = maxDifference(whole->chunkRows, chunked->chunkRows);
    const double segmentDiff = maxDifference(whole->segmentRows, chunked->segmentRows);
    const double songDiff = maxDifference({whole->song}, {chunked->song});
    qInfo("%d chunks, %d segments: largest difference chunk %.3g, segment %.3g, song %.3g", a.grid.size(),
          a.segments.size(), chunkDiff, segmentDiff, songDiff);
    QVERIFY(chunkDiff <= kTolerance);
    QVERIFY(segmentDiff <= kTolerance);
    QVERIFY(songDiff <= kTolerance);
    QCOMPARE(int(chunked->summaryMethod), int(InferenceResult::SummaryMethod::MeanOfChunks));
    QVERIFY(InferenceRunner::checkFinite(chunked.value()).ok());
}

void tst_ChunkedTagging::sixteenChunkSummaryMatchesWholeFile()
{
#ifndef TAGLANE_HAVE_IMPORT
    QSKIP("checkpoint import is not in this tree");
#else
    TAGLANE_REQUIRE_SHARED(checkpoint, "fixtures/pretrained/mtat-fcn.pth");
    TAGLANE_REQUIRE_SHARED(tags, "fixtures/pretrained/mtat-tags.txt");
    const auto vocabulary = loadTagList(tags);
    QVERIFY2(vocabulary.ok(), qPrintable(vocabulary.error()));
    CheckpointImport import;
    import.architecture = QStringLiteral("fcn");
    import.checkpointPath = checkpoint;
    import.tags = vocabulary.value();
    import.bundleFolder = m_dir + QStringLiteral("/fcn.tlmodel");
    const auto bundle = importCheckpoint(import);
    QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
    auto fcn = Tagger::load(bundle.value(), DevicePreference::Cpu);
    QVERIFY2(fcn.ok(), qPrintable(fcn.error()));

    // 75 s is 2.6 FCN chunks of 29.1 s; the 16 summary chunks overlap.
    const QString path = m_dir + QStringLiteral("/fcn-track.wav");
    QVERIFY(writeTrack(path, 75.0, 44100, 2, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
    InferenceRequest request;
    request.audioPath = path;
    request.batchSize = 4;
    request.device = DevicePreference::Cpu;
    const auto whole = InferenceRunner::run(*fcn.value(), request, {});
    QVERIFY2(whole.ok(), qPrintable(whole.error()));

    request.batchSize = 1;
    const auto wholeBatchOne = InferenceRunner::run(*fcn.value(), request, {});
    QVERIFY2(wholeBatchOne.ok(), qPrintable(wholeBatchOne.error()));
    Trace trace;
    ChunkedInferenceRunner::Options options;
    options.windowSeconds = 1.0;   // one chunk per window
    const auto chunked = ChunkedInferenceRunner::run(*fcn.value(), request, tracing(trace), options);
    QVERIFY2(chunked.ok(), qPrintable(chunked.error()));
    QVERIFY(trace.windowsBeforePlan >= 2);
    QCOMPARE(int(chunked->summaryMethod), int(InferenceResult::SummaryMethod::SixteenChunks));
    QCOMPARE(chunked->song.size(), whole->song.size());
    const double songDiff = maxDifference({wholeBatchOne->song}, {chunked->song});
    const double chunkDiff = maxDifference(wholeBatchOne->chunkRows, chunked->chunkRows);
    const double batchDiff = maxDifference({whole->song}, {chunked->song});
    qInfo("FCN: largest difference song %.3g, chunk %.3g (batch 4 against 1: %.3g)", songDiff, chunkDiff, batchDiff);
    QVERIFY(songDiff <= kTolerance);
    QVERIFY(chunkDiff <= kTolerance);
    // The summary is not the plain mean of the chunk rows.
    QVERIFY(maxDifference({SegmentMapper::mean(chunked->chunkRows)}, {chunked->song}) > 1e-4);
#endif
}

void tst_ChunkedTagging::corruptSamplesFailNamingTheFile()
{
    // A float WAV with a NaN after 40 s: the run stops there, naming the file.
    const QString path = m_dir + QStringLiteral("/nan-at-40s.wav");
    SF_INFO info{};
    info.samplerate = 16000;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE *file = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
    QVERIFY(file);
    std::vector<float> samples(size_t(60 * 16000), 0.1f);
    samples[size_t(40 * 16000)] = std::numeric_limits<float>::quiet_NaN();
    QCOMPARE(sf_writef_float(file, samples.data(), sf_count_t(samples.size())), sf_count_t(samples.size()));
    sf_close(file);

    InferenceRequest request;
    request.audioPath = path;
    Trace trace;
    ChunkedInferenceRunner::Options options;
    options.windowSeconds = 5.0;
    request.batchSize = 1;
    const auto result = ChunkedInferenceRunner::run(*m_tagger, request, tracing(trace), options);
    QVERIFY(!result.ok());
    QVERIFY2(result.error().contains(QStringLiteral("nan-at-40s.wav")), qPrintable(result.error()));
    QVERIFY2(result.error().contains(QStringLiteral("NaN")), qPrintable(result.error()));
    QVERIFY2(result.error().contains(QStringLiteral("40.000 s")), qPrintable(result.error()));
    QCOMPARE(trace.planCalls, 0);
}

void tst_ChunkedTagging::badFilesFailNamingTheFile()
{
    const QString empty = m_dir + QStringLiteral("/empty.wav");
    QFile(empty).open(QIODevice::WriteOnly);
    const QString text = m_dir + QStringLiteral("/notes.wav");
    {
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("these are not samples\n");
    }
    // A valid header with no frames.
    const QString silent = m_dir + QStringLiteral("/zero-frames.wav");
    SF_INFO info{};
    info.samplerate = 44100;
    info.channels = 2;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE *file = sf_open(QFile::encodeName(silent).constData(), SFM_WRITE, &info);
    QVERIFY(file);
    sf_close(file);

    for (const QString &path : {empty, text, silent, m_dir + QStringLiteral("/missing.wav")}) {
        InferenceRequest request;
        request.audioPath = path;
        const auto result = ChunkedInferenceRunner::run(*m_tagger, request, {}, {});
        QVERIFY2(!result.ok(), qPrintable(path));
        QVERIFY2(result.error().contains(QFileInfo(path).fileName()), qPrintable(result.error()));
    }
    InferenceRequest none;
    QVERIFY(!ChunkedInferenceRunner::run(*m_tagger, none, {}, {}).ok());
}

void tst_ChunkedTagging::nonFiniteOutputIsReported()
{
    const QString path = m_dir + QStringLiteral("/track-10-16000-1.wav");
    QVERIFY(writeTrack(path, 10.0, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
    InferenceRequest request;
    request.audioPath = path;
    auto result = ChunkedInferenceRunner::run(*m_tagger, request, {}, {});
    QVERIFY2(result.ok(), qPrintable(result.error()));
    QVERIFY(InferenceRunner::checkFinite(result.value()).ok());

    InferenceResult broken = result.value();
    broken.chunkRows[2][5] = std::numeric_limits<float>::quiet_NaN();
    Status status = InferenceRunner::checkFinite(broken);
    QVERIFY(!status.ok());
    QVERIFY2(status.error().contains(path), qPrintable(status.error()));
    QVERIFY2(status.error().contains(m_tagger->manifest().name), qPrintable(status.error()));
    QVERIFY2(status.error().contains(QStringLiteral("6.08 s")), qPrintable(status.error()));

    broken = result.value();
    broken.song[0] = std::numeric_limits<float>::infinity();
    QVERIFY(!InferenceRunner::checkFinite(broken).ok());
}

void tst_ChunkedTagging::cancelStops()
{
    const QString path = m_dir + QStringLiteral("/track-150-44100-2.wav");
    if (!QFileInfo::exists(path))
        QVERIFY(writeTrack(path, 150.0, 44100, 2, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
    InferenceRequest request;
    request.audioPath = path;
    request.batchSize = 1;
    std::atomic_bool cancel{false};
    int rows = 0;
    InferenceRunner::Callbacks callbacks;
    callbacks.cancel = &cancel;
    callbacks.onProgress = [&](double, int, const ProbabilityRows &r) {
        rows += int(r.size());
        if (rows >= 3)
            cancel.store(true);
    };
    ChunkedInferenceRunner::Options options;
    options.windowSeconds = 3.5;
    const auto result = ChunkedInferenceRunner::run(*m_tagger, request, callbacks, options);
    QVERIFY(!result.ok());
    QVERIFY(rows >= 3 && rows < 10);
}

QTEST_GUILESS_MAIN(tst_ChunkedTagging)
#include "tst_chunkedtagging.moc"
