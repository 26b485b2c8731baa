// SPDX-License-Identifier: GPL-3.0-or-later
// The inference engine on its worker thread, driven from this (the "GUI")
// thread the way the application drives it.
#include "engine/jobs/inferenceengine.h"

#include "testsupport.h"

#if __has_include("engine/model/checkpointimport.h")
#include "engine/model/checkpointimport.h"
#define TAGLANE_HAVE_MODELS 1
#endif

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QtTest>

#include <cmath>
#include <random>

using namespace taglane::engine;

namespace {

/// Rows of the reference musicnn CSV (without the start_sample column).
std::vector<std::vector<double>> readReference(const QString &path)
{
    std::vector<std::vector<double>> rows;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return rows;
    f.readLine();   // header
    while (!f.atEnd()) {
        const QList<QByteArray> cells = f.readLine().trimmed().split(',');
        if (cells.size() < 2)
            continue;
        std::vector<double> row;
        for (int i = 1; i < cells.size(); ++i)
            row.push_back(cells[i].toDouble());
        rows.push_back(row);
    }
    return rows;
}

/// Everything one job sent, in arrival order.
struct Recording
{
    qint64 jobId = 0;
    bool started = false;
    InferencePlan plan;
    QVector<InferenceProgress> progress;
    QVector<qint64> progressMs;
    bool finished = false;
    InferenceResult result;
    QString failure;
    bool cancelled = false;
    bool ended() const { return finished || cancelled || !failure.isEmpty(); }
};

void record(InferenceEngine &engine, Recording &rec, const QElapsedTimer &clock)
{
    QObject::connect(&engine, &InferenceEngine::started, &engine, [&rec](qint64 id, const InferencePlan &plan) {
        if (id == rec.jobId) {
            rec.started = true;
            rec.plan = plan;
        }
    });
    QObject::connect(&engine, &InferenceEngine::progress, &engine, [&rec, &clock](const InferenceProgress &p) {
        if (p.jobId == rec.jobId) {
            rec.progress << p;
            rec.progressMs << clock.elapsed();
        }
    });
    QObject::connect(&engine, &InferenceEngine::finished, &engine, [&rec](qint64 id, const InferenceResult &r) {
        if (id == rec.jobId) {
            rec.finished = true;
            rec.result = r;
        }
    });
    QObject::connect(&engine, &InferenceEngine::failed, &engine, [&rec](qint64 id, const QString &message) {
        if (id == rec.jobId)
            rec.failure = message;
    });
    QObject::connect(&engine, &InferenceEngine::cancelled, &engine, [&rec](qint64 id) {
        if (id == rec.jobId)
            rec.cancelled = true;
    });
}

} // namespace

class tst_InferenceWorker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void realJobStreamsRowsInOrder();
    void fcnSongSummaryIsSixteenChunkMean();
    void cachedModelAndShortPaddedAudio();
    void cancelRunningJob();
    void cancelQueuedJob();
    void badModelPathFails();
    void destroyWhileRunning();

private:
    InferenceRequest clipRequest(int batch) const;
    QString m_bundle;
    QString m_clip;
    QString m_reference;
};

void tst_InferenceWorker::initTestCase()
{
#ifndef TAGLANE_HAVE_MODELS
    QSKIP("the model implementation (engine/model/checkpointimport.h) is not in this tree yet");
#else
    TAGLANE_REQUIRE_SHARED(checkpoint, "fixtures/pretrained/mtat-musicnn.pth");
    TAGLANE_REQUIRE_SHARED(tags, "fixtures/pretrained/mtat-tags.txt");
    TAGLANE_REQUIRE_SHARED(clip, "fixtures/reference/mtat_joram_solipsism.16k.wav");
    TAGLANE_REQUIRE_SHARED(reference, "fixtures/reference/mtat_joram_solipsism.musicnn.csv");
    m_clip = clip;
    m_reference = reference;
    const auto vocabulary = loadTagList(tags);
    QVERIFY2(vocabulary.ok(), qPrintable(vocabulary.error()));
    CheckpointImport request;
    request.architecture = QStringLiteral("musicnn");
    request.checkpointPath = checkpoint;
    request.tags = vocabulary.value();
    request.bundleFolder = taglane::tests::tempDir(QStringLiteral("inferenceworker")) + QStringLiteral("/musicnn.tlmodel");
    const auto bundle = importCheckpoint(request);
    QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
    m_bundle = bundle->folder();
#endif
}

InferenceRequest tst_InferenceWorker::clipRequest(int batch) const
{
    InferenceRequest r;
    r.audioPath = m_clip;
    r.bundleFolder = m_bundle;
    r.batchSize = batch;
    r.device = DevicePreference::Cpu;
    return r;
}

void tst_InferenceWorker::realJobStreamsRowsInOrder()
{
    InferenceEngine engine;
    QElapsedTimer clock;
    clock.start();
    Recording rec;
    record(engine, rec, clock);
    InferenceRequest request = clipRequest(2);
    request.segmentation = SegmentationSettings::parse(QStringLiteral("fixed:6")).value();
    rec.jobId = engine.submit(request);
    QVERIFY(rec.jobId > 0);
    QCOMPARE(engine.pendingJobs(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(rec.ended(), 120000);
    QVERIFY2(rec.finished, qPrintable(rec.failure));
    QCOMPARE(engine.pendingJobs(), 0);
    QVERIFY(rec.started);

    const InferenceResult &r = rec.result;
    QVERIFY(!r.plan.device.isEmpty());
    QCOMPARE(r.plan.device, rec.plan.device);
    qInfo("device: %s, job %.2f s (inference %.2f s, decode %.3f s, load %.2f s)", qPrintable(r.plan.device),
          r.totalSeconds, r.inferenceSeconds, r.decodeSeconds, r.loadSeconds);
    QCOMPARE(r.plan.tags.size(), 50);
    QCOMPARE(r.plan.grid.size(), 10);            // 9 whole chunks + the end-aligned tail chunk
    QCOMPARE(r.plan.segments.size(), 5);          // 6 s windows; the 5.124 s tail stands alone
    QVERIFY(!r.plan.padded);
    QCOMPARE(int(r.chunkRows.size()), 10);
    QCOMPARE(int(r.segmentRows.size()), 5);

    // The chunk rows reproduce the reference (independent PyTorch run).
    const auto ref = readReference(m_reference);
    QCOMPARE(int(ref.size()), 9);
    for (size_t i = 0; i < ref.size(); ++i)
        for (size_t t = 0; t < ref[i].size(); ++t)
            QVERIFY(std::abs(double(r.chunkRows[i][t]) - ref[i][t]) < 1e-4);
    // Song summary: mean of the chunk rows.
    for (int t = 0; t < 50; ++t) {
        double sum = 0.0;
        for (const auto &row : r.chunkRows)
            sum += row[size_t(t)];
        QVERIFY(std::abs(double(r.song[size_t(t)]) - sum / 10.0) < 1e-6);
    }
    QCOMPARE(r.summaryMethod, InferenceResult::SummaryMethod::MeanOfChunks);

    // Partial results: in order, without gaps, equal to the final rows.
    QVERIFY(!rec.progress.isEmpty());
    ProbabilityRows chunks, segments;
    double lastFraction = 0.0;
    for (const InferenceProgress &p : rec.progress) {
        QCOMPARE(p.firstChunk, int(chunks.size()));
        QCOMPARE(p.firstSegment, int(segments.size()));
        chunks.insert(chunks.end(), p.chunkRows.begin(), p.chunkRows.end());
        segments.insert(segments.end(), p.segmentRows.begin(), p.segmentRows.end());
        QVERIFY(p.fraction >= lastFraction);
        lastFraction = p.fraction;
    }
    QCOMPARE(lastFraction, 1.0);
    QVERIFY(chunks == r.chunkRows);
    QVERIFY(segments == r.segmentRows);
    // Throttled: at most one signal per 50 ms, plus the final one.
    const qint64 span = rec.progressMs.last() - rec.progressMs.first();
    qInfo("%d progress signals over %lld ms", int(rec.progress.size()), span);
    QVERIFY(rec.progress.size() <= span / 40 + 2);
}

void tst_InferenceWorker::fcnSongSummaryIsSixteenChunkMean()
{
#ifdef TAGLANE_HAVE_MODELS
    // The song-level score of the published FCN evaluation: the mean of the
    // 16 rows of the reference CSV (chunks at i * ((len - 464000) / 16)).
    TAGLANE_REQUIRE_SHARED(checkpoint, "fixtures/pretrained/mtat-fcn.pth");
    TAGLANE_REQUIRE_SHARED(tags, "fixtures/pretrained/mtat-tags.txt");
    TAGLANE_REQUIRE_SHARED(reference, "fixtures/reference/mtat_joram_solipsism.fcn.csv");
    CheckpointImport import;
    import.architecture = QStringLiteral("fcn");
    import.checkpointPath = checkpoint;
    import.tags = loadTagList(tags).value();
    import.bundleFolder = taglane::tests::tempDir(QStringLiteral("inferenceworker-fcn")) + QStringLiteral("/fcn.tlmodel");
    const auto bundle = importCheckpoint(import);
    QVERIFY2(bundle.ok(), qPrintable(bundle.error()));

    InferenceEngine engine;
    QElapsedTimer clock;
    clock.start();
    Recording rec;
    record(engine, rec, clock);
    InferenceRequest request = clipRequest(4);
    request.bundleFolder = bundle->folder();
    rec.jobId = engine.submit(request);
    QTRY_VERIFY_WITH_TIMEOUT(rec.ended(), 300000);
    QVERIFY2(rec.finished, qPrintable(rec.failure));
    const InferenceResult &r = rec.result;
    QCOMPARE(r.summaryMethod, InferenceResult::SummaryMethod::SixteenChunks);
    // 465984 samples: one whole 29 s chunk; the 0.124 s tail joins it.
    QCOMPARE(r.plan.grid.size(), 1);
    QCOMPARE(r.plan.segments.size(), 1);
    QCOMPARE(r.plan.segments.at(0).end, 465984.0 / 16000.0);

    const auto ref = readReference(reference);
    QCOMPARE(int(ref.size()), 16);
    QCOMPARE(int(r.song.size()), 50);
    for (size_t t = 0; t < 50; ++t) {
        double mean = 0.0;
        for (const auto &row : ref)
            mean += row[t] / 16.0;
        QVERIFY(std::abs(double(r.song[t]) - mean) < 1e-4);
    }
    // Chunk 0 of the covering grid starts at 0, as the reference's first row.
    for (size_t t = 0; t < 50; ++t)
        QVERIFY(std::abs(double(r.chunkRows[0][t]) - ref[0][t]) < 1e-4);
#endif
}

void tst_InferenceWorker::cachedModelAndShortPaddedAudio()
{
    InferenceEngine engine;
    QElapsedTimer clock;
    clock.start();
    // One second of noise given as a buffer at 8 kHz: resampled to 16 kHz,
    // shorter than one chunk, so zero-padded and flagged.
    std::mt19937 gen(7);
    std::uniform_real_distribution<float> noise(-0.5f, 0.5f);
    std::vector<float> samples(8000);
    for (float &s : samples)
        s = noise(gen);
    for (int round = 0; round < 2; ++round) {
        Recording rec;
        record(engine, rec, clock);
        InferenceRequest request;
        request.audio = AudioBuffer(samples, 8000);
        request.audioPath = QStringLiteral("noise");
        request.bundleFolder = m_bundle;
        request.device = DevicePreference::Cpu;
        rec.jobId = engine.submit(request);
        QTRY_VERIFY_WITH_TIMEOUT(rec.ended(), 120000);
        QVERIFY2(rec.finished, qPrintable(rec.failure));
        QVERIFY(rec.result.plan.padded);
        QCOMPARE(rec.result.plan.grid.size(), 1);
        QCOMPARE(rec.result.plan.segments.size(), 1);
        QVERIFY(std::abs(rec.result.plan.durationSeconds - 1.0) < 0.01);
        QCOMPARE(rec.result.modelFromCache, round == 1);
        if (round == 1)
            QCOMPARE(rec.result.loadSeconds, 0.0);
        QObject::disconnect(&engine, nullptr, &engine, nullptr);
    }
}

void tst_InferenceWorker::cancelRunningJob()
{
    InferenceEngine engine;
    engine.setProgressInterval(0);
    QElapsedTimer clock;
    clock.start();
    Recording rec;
    record(engine, rec, clock);
    // Cancel as soon as the first rows arrive: the job must stop there.
    connect(&engine, &InferenceEngine::progress, &engine, [&](const InferenceProgress &p) {
        if (!p.chunkRows.empty())
            engine.cancel(p.jobId);
    });
    rec.jobId = engine.submit(clipRequest(1));
    QTRY_VERIFY_WITH_TIMEOUT(rec.ended(), 120000);
    QVERIFY(rec.cancelled);
    QVERIFY(!rec.finished);
    QVERIFY(rec.failure.isEmpty());
    int rows = 0;
    for (const InferenceProgress &p : rec.progress)
        rows += int(p.chunkRows.size());
    QVERIFY2(rows < 10, "the job ran to the end despite cancel()");
    QCOMPARE(engine.pendingJobs(), 0);
    // Nothing more arrives for it.
    QTest::qWait(200);
    QVERIFY(!rec.finished);
}

void tst_InferenceWorker::cancelQueuedJob()
{
    InferenceEngine engine;
    QElapsedTimer clock;
    clock.start();
    Recording first, second;
    record(engine, first, clock);
    record(engine, second, clock);
    first.jobId = engine.submit(clipRequest(8));
    second.jobId = engine.submit(clipRequest(8));
    QCOMPARE(engine.pendingJobs(), 2);
    engine.cancel(second.jobId);
    QTRY_VERIFY_WITH_TIMEOUT(first.ended() && second.ended(), 120000);
    QVERIFY(first.finished);
    QVERIFY(second.cancelled);
    QVERIFY(!second.started);
    QVERIFY(second.progress.isEmpty());
}

void tst_InferenceWorker::badModelPathFails()
{
    InferenceEngine engine;
    QElapsedTimer clock;
    clock.start();
    Recording rec;
    record(engine, rec, clock);
    InferenceRequest request = clipRequest(8);
    request.bundleFolder = taglane::tests::tempDir(QStringLiteral("inferenceworker-bad")) + QStringLiteral("/missing.tlmodel");
    rec.jobId = engine.submit(request);
    QTRY_VERIFY_WITH_TIMEOUT(rec.ended(), 30000);
    QVERIFY(!rec.finished);
    QVERIFY(!rec.failure.isEmpty());
    QVERIFY2(rec.failure.contains(QStringLiteral("missing.tlmodel")), qPrintable(rec.failure));

    // A file that is not audio fails with its name, and the worker goes on.
    Recording next;
    record(engine, next, clock);
    const QString text = taglane::tests::tempDir(QStringLiteral("inferenceworker-bad")) + QStringLiteral("/text.wav");
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not audio");
    f.close();
    InferenceRequest bad = clipRequest(8);
    bad.audioPath = text;
    next.jobId = engine.submit(bad);
    QTRY_VERIFY_WITH_TIMEOUT(next.ended(), 60000);
    QVERIFY2(next.failure.contains(QStringLiteral("text.wav")), qPrintable(next.failure));
}

void tst_InferenceWorker::destroyWhileRunning()
{
    // Destroying the engine mid-job cancels, quits and joins the worker: the
    // destructor returns (a hang fails through the test time-out). Job
    // cancellation itself is held by cancelRunningJob and cancelQueuedJob;
    // how long the teardown takes is measured by
    // tests/bench/bench_responsiveness.cpp (no clock in the default run).
    bool sawRows = false;
    {
        InferenceEngine engine;
        engine.setProgressInterval(0);
        connect(&engine, &InferenceEngine::progress, &engine, [&](const InferenceProgress &p) {
            sawRows = sawRows || !p.chunkRows.empty();
        });
        for (int i = 0; i < 3; ++i)
            engine.submit(clipRequest(1));
        QTRY_VERIFY_WITH_TIMEOUT(sawRows, 120000);
    }   // cancels, quits and waits
}

QTEST_GUILESS_MAIN(tst_InferenceWorker)
#include "tst_inferenceworker.moc"
