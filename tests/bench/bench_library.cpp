// SPDX-License-Identifier: GPL-3.0-or-later
// The library at catalogue scale: 10,000 tracks x 40 segments x 50 tags =
// 20 million predicted cells of one model version, a second version on 500
// tracks (1 million more, for disagreement), and 1% of the cells curated by
// three curators. Prints the build time, the store's growth per predicted
// cell (target <= 40 bytes), the time to the first 100 review-queue entries
// of each strategy (target < 200 ms) and of searches (target < 300 ms), and
// the library listing. Figures only: nothing here is a timed assertion.
// TAGLANE_BENCH_REUSE=1 keeps a store built by an earlier run (no build figures).
#include "engine/library/librarycatalogue.h"
#include "engine/library/reviewqueue.h"
#include "engine/library/tagquery.h"
#include "engine/library/tagsearch.h"
#include "engine/store/annotationstore.h"

#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>

using namespace taglane::engine;

namespace {

constexpr int kTracks = 10000;
constexpr int kSegments = 40;
constexpr int kTags = 50;
constexpr int kSecondVersionTracks = 500;

qint64 storeBytes(const QString &path)
{
    return QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
}

/// Best and median of `runs` timings of `work`, in ms.
QPair<double, double> timeIt(int runs, const std::function<bool()> &work)
{
    QVector<double> ms;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        if (!work())
            return {-1.0, -1.0};
        ms << t.nsecsElapsed() / 1e6;
    }
    std::sort(ms.begin(), ms.end());
    return {ms.first(), ms.at(ms.size() / 2)};
}

ModelManifest manifest(const QString &version, const QStringList &tags)
{
    ModelManifest m;
    m.name = version;
    m.version = version;
    m.tags = Vocabulary::fromNames(tags);
    return m;
}

} // namespace

class BenchLibrary : public QObject
{
    Q_OBJECT

private:
    QString m_path;
    bool m_reuse = false;

private Q_SLOTS:
    void initTestCase()
    {
        QString base = qEnvironmentVariable("TAGLANE_TEST_TMP");
        if (base.isEmpty())
            base = QDir::tempPath() + QStringLiteral("/taglane-tests");
        m_path = base + QStringLiteral("/bench-library/store.db");
        if (qEnvironmentVariableIntValue("TAGLANE_BENCH_REUSE") == 1 && QFileInfo::exists(m_path)) {
            const qint64 before = storeBytes(m_path);
            QElapsedTimer upgrade;
            upgrade.start();
            AnnotationStore store;   // brings an older store up to the current schema
            const auto opened = store.open(m_path);
            QVERIFY(opened.ok());
            store.close();
            std::printf("reusing %s (%.1f MB)\n", qPrintable(m_path), storeBytes(m_path) / 1e6);
            if (opened->schemaVersionFound != opened->schemaVersion)
                std::printf("upgraded from schema %d to %d in %.1f s; the store grew by %.1f MB\n",
                            opened->schemaVersionFound, opened->schemaVersion, upgrade.nsecsElapsed() / 1e9,
                            (storeBytes(m_path) - before) / 1e6);
            std::fflush(stdout);
            m_reuse = true;
            return;
        }
        m_path = taglane::tests::tempDir(QStringLiteral("bench-library")) + QStringLiteral("/store.db");
    }

    void build()
    {
        if (m_reuse)
            QSKIP("reusing the store");
        const QString path = m_path;
        QStringList names;
        for (int i = 0; i < kTags; ++i)
            names << (i == 0 ? QStringLiteral("strings") : QStringLiteral("Category%1-Tag_%2").arg(i % 7).arg(i));
        std::mt19937 rng(2026);
        std::uniform_real_distribution<double> uniform(0.0, 1.0);
        QElapsedTimer timer;

        // ---- tracks and segments, then predictions (their growth is measured alone)
        qint64 bytesBefore = 0, bytesAfter = 0, cells = 0;
        double predictSeconds = 0.0;
        timer.start();
        {
            AnnotationStore store;
            QVERIFY(store.open(path).ok());
            store.setVocabulary(Vocabulary::fromNames(names));
            const QVector<qint64> tags = store.tagIds(names, true);
            QVERIFY(store.registerModelVersion(manifest(QStringLiteral("bench-v1"), names)).ok());
            QVERIFY(store.registerModelVersion(manifest(QStringLiteral("bench-v2"), names)).ok());
            QVector<QVector<qint64>> segmentsOf(kTracks);
            QVector<qint64> trackIds;
            for (int t = 0; t < kTracks; ++t) {
                TrackRecord track;
                track.path = QStringLiteral("/catalogue/artist-%1/track-%2.flac").arg(t % 331).arg(t, 5, 10, QLatin1Char('0'));
                track.contentHash = QStringLiteral("%1").arg(t + 1, 40, 16, QLatin1Char('0'));
                track.durationSeconds = kSegments * 6.0;
                const qint64 id = store.addTrack(track)->id;
                trackIds << id;
                const auto seg = store.saveSegmentation(id, Segmentation::fixedWindows(track.durationSeconds, 6.0),
                                                        SegmentSource::Fixed);
                for (const Segment &s : seg->segments())
                    segmentsOf[t] << s.id;
            }
            QVERIFY(store.waitForSaved(0, store.lastEditSeq(), 600000).ok());
            store.close();
            bytesBefore = storeBytes(path);
            std::printf("tracks and segments: %d x %d in %.1f s, %.1f MB\n", kTracks, kSegments, timer.elapsed() / 1000.0,
                        bytesBefore / 1e6);

            QVERIFY(store.open(path).ok());
            QElapsedTimer predict;
            predict.start();
            for (int version = 0; version < 2; ++version) {
                const int count = version == 0 ? kTracks : kSecondVersionTracks;
                for (int t = 0; t < count; ++t) {
                    PredictionBatch b;
                    b.trackId = trackIds.at(t);
                    b.modelVersion = version == 0 ? QStringLiteral("bench-v1") : QStringLiteral("bench-v2");
                    b.tagIds = tags;
                    b.segmentIds = segmentsOf.at(t);
                    b.probabilities.reserve(kSegments * kTags);
                    for (int i = 0; i < kSegments * kTags; ++i)
                        b.probabilities << float(std::pow(uniform(rng), 2.5));   // most tags mostly absent
                    QVERIFY(store.storePredictions(b).ok());
                    cells += b.probabilities.size();
                    if (t % 1000 == 999)
                        QVERIFY(store.waitForSaved(0, store.lastEditSeq(), 600000).ok());   // keep the queue short
                }
            }
            QVERIFY(store.waitForSaved(0, store.lastEditSeq(), 600000).ok());
            predictSeconds = predict.nsecsElapsed() / 1e9;
            store.close();
            bytesAfter = storeBytes(path);

            // 1% of the cells curated by three curators.
            QVERIFY(store.open(path).ok());
            std::uniform_int_distribution<int> track(0, kTracks - 1), segment(0, kSegments - 1), tag(0, kTags - 1);
            const QStringList curators{QStringLiteral("anna"), QStringLiteral("ben"), QStringLiteral("chen")};
            for (int e = 0; e < 2000; ++e) {
                const int t = track(rng);
                QVector<VerdictEdit> edits;
                for (int i = 0; i < 100; ++i)
                    edits.append({segmentsOf.at(t).at(segment(rng)), tags.at(tag(rng)),
                                  rng() % 3 == 0 ? Verdict::Absent : Verdict::Present});
                store.setVerdicts(trackIds.at(t), edits, curators.at(e % 3));
            }
            QVERIFY(store.waitForSaved(0, store.lastEditSeq(), 600000).ok());
            store.close();
        }
        std::printf("predictions: %lld cells in %.1f s (%.0f cells/s)\n", cells, predictSeconds, cells / predictSeconds);
        std::printf("store growth per predicted cell: %.1f bytes (target <= 40); store %.1f MB\n",
                    double(bytesAfter - bytesBefore) / double(cells), storeBytes(path) / 1e6);
    }

    void reviewQueue()
    {
        const QString path = m_path;

        // ---- review queue: the first 100 entries
        for (const auto strategy : {ReviewQueue::Strategy::Uncertainty, ReviewQueue::Strategy::Diverse,
                                    ReviewQueue::Strategy::Disagreement}) {
            ReviewQueue::Options options;
            options.strategy = strategy;
            options.limit = 100;
            int got = 0;
            const auto t = timeIt(3, [&]() {
                const auto cellsFound = ReviewQueue::build(path, options);
                got = cellsFound ? int(cellsFound->size()) : -1;
                return cellsFound.ok();
            });
            std::printf("queue %-12s first 100: best %.0f ms, median %.0f ms (target < 200), %d entries\n",
                        qPrintable(ReviewQueue::strategyName(strategy)), t.first, t.second, got);
        }
        {
            ReviewQueue::Options options;
            options.modelVersion = QStringLiteral("bench-v1");
            options.limit = 100;
            const auto t = timeIt(3, [&]() { return ReviewQueue::build(path, options).ok(); });
            std::printf("queue uncertainty --model bench-v1 first 100: best %.0f ms, median %.0f ms\n", t.first, t.second);
        }

    }

    void search()
    {
        const QString path = m_path;
        const QStringList queries{QStringLiteral("strings >= 0.8"),
                                  QStringLiteral("strings >= 0.8 and not strings curated"),
                                  QStringLiteral("curator = anna and curated absent"),
                                  QStringLiteral("(strings > 0.9 or Category1-Tag_8 > 0.95) and not curated")};
        for (const QString &text : queries) {
            const auto query = TagQuery::parse(text);
            QVERIFY(query.ok());
            for (const int variant : {0, 1, 2}) {
                const auto scope = variant == 2 ? TagSearch::Scope::Tracks : TagSearch::Scope::Segments;
                TagSearch::Options options;
                options.scope = scope;
                options.limit = variant == 1 ? 100 : 0;
                int hits = 0;
                const auto t = timeIt(3, [&]() {
                    const auto found = TagSearch::run(path, query.value(), options);
                    hits = found ? int(found->size()) : -1;
                    return found.ok();
                });
                std::printf("search %-12s '%s': best %.0f ms, median %.0f ms (target < 300), %d hits\n",
                            variant == 2 ? "tracks" : variant == 1 ? "segments/100" : "segments", qPrintable(text),
                            t.first, t.second, hits);
            }
        }

    }

    void libraryList()
    {
        const QString path = m_path;
        int rows = 0;
        const auto list = timeIt(1, [&]() {
            const auto entries = LibraryCatalogue::list(path);
            rows = entries ? int(entries->size()) : -1;
            return entries.ok();
        });
        std::printf("library list: %d tracks in %.0f ms (top 3 tags each)\n", rows, list.first);
        const auto bare = timeIt(1, [&]() { return LibraryCatalogue::list(path, 0).ok(); });
        std::printf("library list --top 0: %.0f ms\n", bare.first);
    }
};

int main(int argc, char **argv)
{
    // Building the store on busy cores can outlast QtTest's 5-minute watchdog.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "86400000");
    QCoreApplication app(argc, argv);
    BenchLibrary bench;
    return QTest::qExec(&bench, argc, argv);
}
#include "bench_library.moc"
