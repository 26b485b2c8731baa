// SPDX-License-Identifier: GPL-3.0-or-later
// Annotation store at library scale: one million verdicts (2000 tracks x 10
// segments x 50 tags). Prints build, open, library view and label grid
// times, and the latency of a verdict edit made on the GUI thread (the call
// itself, target p99 < 5 ms) and until the store reports it durable.
#include "engine/store/annotationstore.h"

#include "testsupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace taglane::engine;

namespace {

constexpr int kTracks = 2000;
constexpr int kSegments = 10;
constexpr int kTags = 50;

double percentile(QVector<double> values, double p)
{
    if (values.isEmpty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const int i = std::clamp(int(p * (values.size() - 1) + 0.5), 0, int(values.size()) - 1);
    return values.at(i);
}

qint64 storeBytes(const QString &path)
{
    return QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
}

} // namespace

class BenchStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void millionVerdicts()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("bench-store")) + QStringLiteral("/store.db");
        std::mt19937 rng(42);
        QStringList names;
        for (int i = 0; i < kTags; ++i)
            names << QStringLiteral("Category%1-Tag_%2").arg(i % 7).arg(i);
        QElapsedTimer timer;

        // ---- build
        timer.start();
        QVector<QVector<qint64>> segmentsOf(kTracks);
        {
            AnnotationStore store;
            QVERIFY(store.open(path).ok());
            store.setVocabulary(Vocabulary::fromNames(names));
            const QVector<qint64> tags = store.tagIds(names);
            for (int t = 0; t < kTracks; ++t) {
                TrackRecord track;
                track.path = QStringLiteral("/library/artist-%1/track-%2.flac").arg(t % 97).arg(t);
                track.contentHash = QStringLiteral("%1").arg(t, 40, 16, QLatin1Char('0'));
                track.durationSeconds = kSegments * 10.0;
                const qint64 id = store.addTrack(track)->id;
                const auto seg = store.saveSegmentation(id, Segmentation::fixedWindows(track.durationSeconds, 10.0),
                                                        SegmentSource::Fixed);
                QVector<VerdictEdit> edits;
                edits.reserve(kSegments * kTags);
                for (const Segment &s : seg->segments()) {
                    segmentsOf[t] << s.id;
                    for (qint64 tag : tags)
                        edits.append({s.id, tag, (rng() % 4 == 0) ? Verdict::Present : Verdict::Absent});
                }
                store.setVerdicts(id, edits);
            }
            const double queued = timer.nsecsElapsed() / 1e6;
            QVERIFY(store.waitForDurable(store.lastEditSeq(), 600000));
            std::printf("build: %d tracks, %d verdicts queued in %.0f ms, durable after %.0f ms; store %.1f MiB\n",
                        kTracks, kTracks * kSegments * kTags, queued, timer.nsecsElapsed() / 1e6,
                        storeBytes(path) / 1048576.0);
        }

        // ---- open (includes PRAGMA quick_check and the writer thread start)
        AnnotationStore store;
        timer.restart();
        const auto report = store.open(path);
        const double openMs = timer.nsecsElapsed() / 1e6;
        QVERIFY2(report.ok(), qPrintable(report.error()));
        std::printf("open: %.1f ms (store %.1f MiB)\n", openMs, storeBytes(path) / 1048576.0);

        // ---- library view
        timer.restart();
        const auto rows = store.librarySummary();
        const double libraryMs = timer.nsecsElapsed() / 1e6;
        QVERIFY(rows.ok());
        QCOMPARE(rows->size(), kTracks);
        QCOMPARE(rows->at(0).reviewedShare, 1.0);
        std::printf("library view: %lld rows in %.1f ms\n", qint64(rows->size()), libraryMs);
        timer.restart();
        const auto present = store.librarySummary(LibraryFilter{names.at(3), Verdict::Present});
        std::printf("library view filtered (tag present): %lld rows in %.1f ms\n", qint64(present->size()),
                    timer.nsecsElapsed() / 1e6);
        timer.restart();
        const auto unknown = store.librarySummary(LibraryFilter{names.at(3), Verdict::Unknown});
        std::printf("library view filtered (tag unknown): %lld rows in %.1f ms\n", qint64(unknown->size()),
                    timer.nsecsElapsed() / 1e6);
        QCOMPARE(unknown->size(), 0);

        // ---- label grid of one track
        const qint64 trackId = rows->at(kTracks / 2).trackId;
        timer.restart();
        const auto grid = store.labelGrid(trackId);
        std::printf("label grid: %d x %d in %.2f ms\n", grid->rows(), grid->columns(), timer.nsecsElapsed() / 1e6);
        QCOMPARE(grid->rows() * grid->columns(), kSegments * kTags);

        // ---- edits on the GUI thread, one every 2 ms, as a curator painting cells
        const int edits = 3000;
        const QVector<qint64> tags = store.tagIds(names);
        QVector<double> callMs, durableMs;
        QHash<qint64, qint64> madeAtNs;
        QElapsedTimer clock;
        clock.start();
        connect(&store, &AnnotationStore::durable, this, [&](qint64 seq) {
            const qint64 now = clock.nsecsElapsed();
            for (auto it = madeAtNs.begin(); it != madeAtNs.end();) {
                if (it.key() <= seq) {
                    durableMs << (now - it.value()) / 1e6;
                    it = madeAtNs.erase(it);
                } else {
                    ++it;
                }
            }
        });
        int made = 0;
        QTimer pacer;
        connect(&pacer, &QTimer::timeout, this, [&] {
            const int t = int(rng() % kTracks);
            const qint64 segment = segmentsOf[t].at(int(rng() % kSegments));
            const qint64 tag = tags.at(int(rng() % kTags));
            const qint64 start = clock.nsecsElapsed();
            const qint64 seq = store.setVerdict(rows->at(t).trackId, segment, tag, static_cast<Verdict>(1 + rng() % 2));
            const qint64 end = clock.nsecsElapsed();
            callMs << (end - start) / 1e6;
            madeAtNs.insert(seq, start);
            if (++made == edits)
                pacer.stop();
        });
        pacer.start(2);
        QTRY_VERIFY_WITH_TIMEOUT(made == edits && madeAtNs.isEmpty(), 120000);
        std::printf("edit call on GUI thread (%d edits): p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", edits,
                    percentile(callMs, 0.5), percentile(callMs, 0.99), percentile(callMs, 1.0));
        std::printf("edit until durable: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", percentile(durableMs, 0.5),
                    percentile(durableMs, 0.99), percentile(durableMs, 1.0));
        QVERIFY(percentile(callMs, 0.99) < 5.0);
        QVERIFY(percentile(durableMs, 1.0) < 1000.0);

        // ---- a 500-cell paint as one call
        QVector<VerdictEdit> paint;
        for (qint64 s : segmentsOf[7])
            for (qint64 tag : tags)
                paint.append({s, tag, Verdict::Present});
        timer.restart();
        const qint64 seq = store.setVerdicts(rows->at(7).trackId, paint);
        const double paintCall = timer.nsecsElapsed() / 1e6;
        QVERIFY(store.waitForDurable(seq, 10000));
        std::printf("500-cell paint: call %.3f ms, durable after %.1f ms\n", paintCall, timer.nsecsElapsed() / 1e6);
    }
};

QTEST_GUILESS_MAIN(BenchStore)
#include "bench_store.moc"
