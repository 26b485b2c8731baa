// SPDX-License-Identifier: GPL-3.0-or-later
// Inference throughput of the imported MagnaTagATune models on a 3.6-minute
// track, in multiples of real time, next to a plain-PyTorch peer
// (tests/bench/python_peer.py) run on the same samples, checkpoints, chunking,
// batch size and thread counts. Target: Taglane >= 1.5x the peer.
//
// Environment: TAGLANE_PYTHON (default /usr/bin/python3 if present, else python3),
// TAGLANE_BENCH_MODELS (default "musicnn,fcn,crnn"), TAGLANE_BENCH_THREADS ("1,2"),
// TAGLANE_BENCH_REPEATS (3). studentVersusTeacher times the shipped real-music
// student (resources/models/default.tlmodel) against musicnn, its teacher.
#include "engine/audio/audiodecoder.h"
#include "engine/model/checkpointimport.h"
#include "engine/model/tagger.h"

#include "testsupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <limits>

using namespace taglane::engine;

namespace {

QString envOr(const char *name, const QString &fallback)
{
    const QString value = qEnvironmentVariable(name);
    return value.isEmpty() ? fallback : value;
}

QString pythonExecutable()
{
    const QString fromEnv = qEnvironmentVariable("TAGLANE_PYTHON");
    if (!fromEnv.isEmpty())
        return fromEnv;
    // Debian's python3-torch lives with the system interpreter.
    return QFileInfo::exists(QStringLiteral("/usr/bin/python3")) ? QStringLiteral("/usr/bin/python3")
                                                                : QStringLiteral("python3");
}

} // namespace

class bench_Inference : public QObject
{
    Q_OBJECT

private:
    QString m_pretrained;
    QString m_samplesPath;
    QString m_bundleDir;
    AudioBuffer m_audio;
    QStringList m_summary;

    /// Best wall time of `repeats` runs of the peer, in seconds; < 0 on failure.
    double runPeer(const QString &model, int threads, int repeats, int batch)
    {
        const QString script = QStringLiteral(TAGLANE_SOURCE_DIR "/tests/bench/python_peer.py");
        QProcess peer;
        peer.setProcessChannelMode(QProcess::SeparateChannels);
        peer.start(pythonExecutable(), {script, m_samplesPath, m_pretrained, QStringLiteral("--models"), model,
                                        QStringLiteral("--threads"), QString::number(threads),
                                        QStringLiteral("--repeats"), QString::number(repeats),
                                        QStringLiteral("--batch"), QString::number(batch)});
        if (!peer.waitForFinished(30 * 60 * 1000) || peer.exitStatus() != QProcess::NormalExit || peer.exitCode() != 0) {
            qWarning().noquote() << "python peer failed:" << peer.errorString() << peer.readAllStandardError();
            return -1;
        }
        const QList<QByteArray> lines = peer.readAllStandardOutput().split('\n');
        for (const QByteArray &line : lines) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.value(QStringLiteral("model")).toString() == model && o.value(QStringLiteral("threads")).toInt() == threads)
                return o.value(QStringLiteral("seconds")).toDouble(-1);
        }
        return -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        TAGLANE_REQUIRE_SHARED(pretrained, "fixtures/pretrained");
        TAGLANE_REQUIRE_SHARED(track, "fixtures/audio/traveling_minstrels.ogg");
        m_pretrained = pretrained;

        QElapsedTimer timer;
        timer.start();
        const auto decoded = AudioDecoder::decode(track);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        m_audio = decoded->mono;
        const double decodeSeconds = timer.nsecsElapsed() / 1e9;
        qInfo("decoded %s: %.1f s of audio in %.2f s (%.0fx real time, decode + soxr to 16 kHz)", qPrintable(track),
              m_audio.durationSeconds(), decodeSeconds, m_audio.durationSeconds() / decodeSeconds);

        const QString dir = taglane::tests::tempDir(QStringLiteral("bench-inference"));
        m_samplesPath = dir + QStringLiteral("/samples.f32");
        QFile raw(m_samplesPath);
        QVERIFY(raw.open(QIODevice::WriteOnly));
        raw.write(reinterpret_cast<const char *>(m_audio.data()), m_audio.size() * qint64(sizeof(float)));
        raw.close();

        const auto tags = loadTagList(pretrained + QStringLiteral("/mtat-tags.txt"));
        QVERIFY2(tags.ok(), qPrintable(tags.error()));
        m_bundleDir = dir;
        for (const QString &arch : importableArchitectures()) {
            CheckpointImport request;
            request.architecture = arch;
            request.checkpointPath = pretrained + QStringLiteral("/mtat-%1.pth").arg(arch);
            request.tags = tags.value();
            request.bundleFolder = dir + QStringLiteral("/%1.tlmodel").arg(arch);
            const auto bundle = importCheckpoint(request);
            QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
        }
    }

    void throughput_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("threads");
        const QStringList models = envOr("TAGLANE_BENCH_MODELS", QStringLiteral("musicnn,fcn,crnn")).split(QLatin1Char(','));
        const QStringList threads = envOr("TAGLANE_BENCH_THREADS", QStringLiteral("1,2")).split(QLatin1Char(','));
        for (const QString &m : models) {
            for (const QString &t : threads)
                QTest::addRow("%s/%s", qPrintable(m), qPrintable(t)) << m << t.toInt();
        }
    }

    void throughput()
    {
        QFETCH(QString, model);
        QFETCH(int, threads);
        const int repeats = envOr("TAGLANE_BENCH_REPEATS", QStringLiteral("3")).toInt();
        constexpr int batch = 8;
        configureTorchThreads(threads);
        const auto bundle = ModelBundle::open(m_bundleDir + QStringLiteral("/%1.tlmodel").arg(model));
        QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
        const auto tagger = Tagger::load(bundle.value(), DevicePreference::Cpu);
        QVERIFY2(tagger.ok(), qPrintable(tagger.error()));
        const auto &t = tagger.value();

        // Consecutive chunks (3 s for musicnn, 29 s for FCN/CRNN); the last is zero-padded.
        std::vector<qint64> starts;
        for (qint64 s = 0; s < m_audio.size(); s += t->chunkSamples())
            starts.push_back(s);

        QVERIFY(t->predict(m_audio, {starts.front()}, batch).ok());   // warm-up
        double best = std::numeric_limits<double>::max();
        for (int r = 0; r < repeats; ++r) {
            QElapsedTimer timer;
            timer.start();
            const auto rows = t->predict(m_audio, starts, batch);
            const double seconds = timer.nsecsElapsed() / 1e9;
            QVERIFY2(rows.ok(), qPrintable(rows.error()));
            QCOMPARE(rows->size(), starts.size());
            best = std::min(best, seconds);
        }
        const double duration = m_audio.durationSeconds();
        qInfo("%s %d thread(s): Taglane %.1fx real time (%.2f s)", qPrintable(model), threads, duration / best, best);
        const double peerSeconds = runPeer(model, threads, repeats, batch);
        QVERIFY2(peerSeconds > 0, "the Python peer did not report a time (needs python3 with torch and numpy; "
                                  "set TAGLANE_PYTHON)");

        const double ours = duration / best;
        const double theirs = duration / peerSeconds;
        const QString line = QStringLiteral("%1 %2 thread(s), %3 chunks: Taglane %4x real time (%5 s), PyTorch peer %6x (%7 s), ratio %8")
                                 .arg(model, -8)
                                 .arg(threads)
                                 .arg(starts.size())
                                 .arg(ours, 0, 'f', 1)
                                 .arg(best, 0, 'f', 2)
                                 .arg(theirs, 0, 'f', 1)
                                 .arg(peerSeconds, 0, 'f', 2)
                                 .arg(ours / theirs, 0, 'f', 2);
        qInfo().noquote() << line << "on" << t->deviceDescription();
        m_summary << line;
    }

    /// The shipped real-music student (resources/models/default.tlmodel)
    /// against Taglane's own musicnn, its teacher, in the same run: the same
    /// 3 s segments (starts every 48000 samples), batch 8. Target: the
    /// student >= 3x musicnn at 1 and at 2 threads.
    void studentVersusTeacher_data()
    {
        QTest::addColumn<int>("threads");
        for (const QString &t : envOr("TAGLANE_BENCH_THREADS", QStringLiteral("1,2")).split(QLatin1Char(',')))
            QTest::addRow("%s", qPrintable(t)) << t.toInt();
    }

    void studentVersusTeacher()
    {
        QFETCH(int, threads);
        const QString studentFolder = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/default.tlmodel");
        if (!QFileInfo::exists(studentFolder + QStringLiteral("/manifest.json")))
            QSKIP("resources/models/default.tlmodel is absent");
        const int repeats = envOr("TAGLANE_BENCH_REPEATS", QStringLiteral("3")).toInt();
        constexpr int batch = 8;
        configureTorchThreads(threads);
        std::vector<qint64> starts;
        for (qint64 s = 0; s < m_audio.size(); s += 48000)
            starts.push_back(s);
        double best[2] = {std::numeric_limits<double>::max(), std::numeric_limits<double>::max()};
        const QString folders[2] = {m_bundleDir + QStringLiteral("/musicnn.tlmodel"), studentFolder};
        std::shared_ptr<Tagger> taggers[2];
        for (int m = 0; m < 2; ++m) {
            const auto bundle = ModelBundle::open(folders[m]);
            QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
            auto tagger = Tagger::load(bundle.value(), DevicePreference::Cpu);
            QVERIFY2(tagger.ok(), qPrintable(tagger.error()));
            taggers[m] = tagger.value();
            QVERIFY(taggers[m]->predict(m_audio, {starts.front()}, batch).ok());  // warm-up
        }
        // Interleaved, so that a change of load on shared cores hits both.
        for (int r = 0; r < repeats; ++r) {
            for (int m = 0; m < 2; ++m) {
                QElapsedTimer timer;
                timer.start();
                const auto rows = taggers[m]->predict(m_audio, starts, batch);
                const double seconds = timer.nsecsElapsed() / 1e9;
                QVERIFY2(rows.ok(), qPrintable(rows.error()));
                QCOMPARE(rows->size(), starts.size());
                best[m] = std::min(best[m], seconds);
            }
        }
        const double duration = m_audio.durationSeconds();
        const QString line = QStringLiteral("student vs musicnn, %1 thread(s), %2 segments of 3 s: musicnn %3x real time "
                                            "(%4 s), student %5x (%6 s), student/musicnn %7 (target >= 3)")
                                 .arg(threads)
                                 .arg(starts.size())
                                 .arg(duration / best[0], 0, 'f', 1)
                                 .arg(best[0], 0, 'f', 3)
                                 .arg(duration / best[1], 0, 'f', 1)
                                 .arg(best[1], 0, 'f', 3)
                                 .arg(best[0] / best[1], 0, 'f', 2);
        qInfo().noquote() << line;
        m_summary << line;
    }

    void cleanupTestCase()
    {
        if (!m_summary.isEmpty())
            qInfo().noquote() << "\nSummary (best of repeats; target ratio >= 1.5):\n  " + m_summary.join(QStringLiteral("\n  "));
    }
};

QTEST_GUILESS_MAIN(bench_Inference)
#include "bench_inference.moc"
