// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/segment/chunkgrid.h"
#include "engine/segment/segmentation.h"
#include "engine/segment/segmentationsettings.h"
#include "engine/segment/segmentmapper.h"

#include <QTest>

using namespace taglane::engine;

class tst_SegmentMapping : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void coveringGridWholeChunks();
    void coveringGridShortTailMerges();
    void coveringGridLongTailGetsEndAlignedChunk();
    void coveringGridShortAudioIsPadded();
    void coveringGridEmpty();
    void evaluationProtocolMatchesPublishedStarts();
    void evaluationProtocolShortAudio();
    void fixedWindowsKeepRemainder();
    void fixedWindowsMergeShortTail();
    void fixedWindowsTrackShorterThanMinimum();
    void fromSegmentsRejectsOverlap();
    void indexAt();
    void chunkSegmentationIsOneToOne();
    void overlapWeightedMean();
    void segmentPastTheEndTakesNearestChunk();
    void partialRowsGiveCompleteSegmentsOnly();
    void songMean();
    void parseSettings();
};

void tst_SegmentMapping::coveringGridWholeChunks()
{
    // 90 samples at 10 Hz, chunks of 30: 0, 30, 60, each owning itself.
    const ChunkGrid g = ChunkGrid::covering(90, 30, 10);
    QCOMPARE(g.size(), 3);
    QCOMPARE(g.starts(), (std::vector<qint64>{0, 30, 60}));
    QCOMPARE(g.at(2).ownStart, 60);
    QCOMPARE(g.at(2).ownEnd, 90);
    QVERIFY(!g.isPadded());
}

void tst_SegmentMapping::coveringGridShortTailMerges()
{
    // 95 samples: tail of 5 samples = 0.5 s < 1 s, so it joins the last chunk.
    const ChunkGrid g = ChunkGrid::covering(95, 30, 10, 1.0);
    QCOMPARE(g.size(), 3);
    QCOMPARE(g.at(2).start, 60);
    QCOMPARE(g.at(2).ownStart, 60);
    QCOMPARE(g.at(2).ownEnd, 95);
}

void tst_SegmentMapping::coveringGridLongTailGetsEndAlignedChunk()
{
    // musicnn on the MTAT clip: 465984 samples, 9 whole chunks of 48000 and
    // a 33984-sample (2.124 s) tail, read by a chunk that ends with the track.
    const ChunkGrid g = ChunkGrid::covering(465984, 48000, 16000, 1.0);
    QCOMPARE(g.size(), 10);
    for (int k = 0; k < 9; ++k)
        QCOMPARE(g.at(k).start, qint64(k) * 48000);
    QCOMPARE(g.at(9).start, 465984 - 48000);
    QCOMPARE(g.at(9).ownStart, 432000);
    QCOMPARE(g.at(9).ownEnd, 465984);
    QCOMPARE(g.at(8).ownEnd, 432000);
    QVERIFY(!g.isPadded());
}

void tst_SegmentMapping::coveringGridShortAudioIsPadded()
{
    const ChunkGrid g = ChunkGrid::covering(20, 30, 10);
    QCOMPARE(g.size(), 1);
    QCOMPARE(g.at(0).start, 0);
    QCOMPARE(g.at(0).ownEnd, 20);
    QVERIFY(g.isPadded());
}

void tst_SegmentMapping::coveringGridEmpty()
{
    QVERIFY(ChunkGrid::covering(0, 30, 10).isEmpty());
    QVERIFY(Segmentation::fromChunkGrid(ChunkGrid::covering(0, 30, 10)).isEmpty());
}

void tst_SegmentMapping::evaluationProtocolMatchesPublishedStarts()
{
    // Starts listed in the reference FCN CSVs: step 124 for the MTAT clip
    // (465984 samples), 186064 for the 3441025-sample Wesnoth track.
    const ChunkGrid a = ChunkGrid::evaluationProtocol(465984, 464000, 16000);
    QCOMPARE(a.size(), 16);
    QCOMPARE(a.at(1).start, 124);
    QCOMPARE(a.at(15).start, 1860);
    const ChunkGrid b = ChunkGrid::evaluationProtocol(3441025, 464000, 16000);
    QCOMPARE(b.at(1).start, 186064);
    QCOMPARE(b.at(15).start, 2790960);
    QVERIFY(!b.isPadded());
}

void tst_SegmentMapping::evaluationProtocolShortAudio()
{
    const ChunkGrid g = ChunkGrid::evaluationProtocol(1000, 464000, 16000);
    QCOMPARE(g.size(), 1);
    QVERIFY(g.isPadded());
}

void tst_SegmentMapping::fixedWindowsKeepRemainder()
{
    const Segmentation s = Segmentation::fixedWindows(25.0, 10.0, 3.0);
    QCOMPARE(s.size(), 3);
    QCOMPARE(s.at(0).start, 0.0);
    QCOMPARE(s.at(1).start, 10.0);
    QCOMPARE(s.at(2).start, 20.0);
    QCOMPARE(s.at(2).end, 25.0);
    QCOMPARE(s.at(2).id, 3);
}

void tst_SegmentMapping::fixedWindowsMergeShortTail()
{
    // 22 s in 10 s windows: the 2 s tail is shorter than 3 s and joins [10, 22).
    const Segmentation s = Segmentation::fixedWindows(22.0, 10.0, 3.0);
    QCOMPARE(s.size(), 2);
    QCOMPARE(s.at(1).start, 10.0);
    QCOMPARE(s.at(1).end, 22.0);
    // Exactly divisible: no empty or tiny last segment.
    const Segmentation e = Segmentation::fixedWindows(30.0, 10.0, 3.0);
    QCOMPARE(e.size(), 3);
    QCOMPARE(e.at(2).end, 30.0);
}

void tst_SegmentMapping::fixedWindowsTrackShorterThanMinimum()
{
    const Segmentation s = Segmentation::fixedWindows(2.0, 10.0, 3.0);
    QCOMPARE(s.size(), 1);
    QCOMPARE(s.at(0).end, 2.0);
    QVERIFY(Segmentation::fixedWindows(0.0, 10.0).isEmpty());
}

void tst_SegmentMapping::fromSegmentsRejectsOverlap()
{
    const auto bad = Segmentation::fromSegments({{1, 0.0, 5.0}, {2, 4.0, 8.0}}, QStringLiteral("x.csv"));
    QVERIFY(!bad.ok());
    QVERIFY(bad.error().contains(QStringLiteral("x.csv")));
    QVERIFY(!Segmentation::fromSegments({{1, 3.0, 3.0}}).ok());
    const auto gap = Segmentation::fromSegments({{1, 0.0, 5.0}, {2, 6.0, 8.0}});
    QVERIFY(gap.ok());
    QCOMPARE(gap->size(), 2);
}

void tst_SegmentMapping::indexAt()
{
    const Segmentation s = Segmentation::fixedWindows(25.0, 10.0, 3.0);
    QCOMPARE(s.indexAt(0.0), 0);
    QCOMPARE(s.indexAt(9.999), 0);
    QCOMPARE(s.indexAt(10.0), 1);
    QCOMPARE(s.indexAt(24.9), 2);
    QCOMPARE(s.indexAt(25.0), -1);
    QCOMPARE(s.indexAt(-1.0), -1);
    QCOMPARE(s.indexOfId(2), 1);
}

void tst_SegmentMapping::chunkSegmentationIsOneToOne()
{
    const ChunkGrid g = ChunkGrid::covering(465984, 48000, 16000);
    const Segmentation s = Segmentation::fromChunkGrid(g);
    QCOMPARE(s.size(), 10);
    QCOMPARE(s.at(0).end, 3.0);
    QCOMPARE(s.at(9).start, 27.0);
    QCOMPARE(s.at(9).end, 29.124);
    ProbabilityRows rows;
    for (int i = 0; i < g.size(); ++i)
        rows.push_back({float(i), float(10 * i)});
    const ProbabilityRows mapped = SegmentMapper::mapToSegments(g, rows, s);
    QCOMPARE(mapped.size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
        QCOMPARE(mapped[i], rows[i]);
}

void tst_SegmentMapping::overlapWeightedMean()
{
    // Chunks own [0,2), [2,4), [4,6) s; segments [0,3) and [3,6).
    // [0,3): 2 s of chunk 0 and 1 s of chunk 1 -> (2*1 + 1*0)/3, (2*0 + 1*1)/3.
    // [3,6): 1 s of chunk 1 and 2 s of chunk 2 -> (0 + 2*0.5)/3, (1 + 2*0.5)/3.
    const ChunkGrid g = ChunkGrid::covering(60, 20, 10);
    const auto s = Segmentation::fromSegments({{1, 0.0, 3.0}, {2, 3.0, 6.0}});
    QVERIFY(s.ok());
    const ProbabilityRows rows{{1.f, 0.f}, {0.f, 1.f}, {0.5f, 0.5f}};
    const ProbabilityRows m = SegmentMapper::mapToSegments(g, rows, s.value());
    QCOMPARE(m.size(), size_t(2));
    QVERIFY(qAbs(m[0][0] - 2.f / 3.f) < 1e-6f);
    QVERIFY(qAbs(m[0][1] - 1.f / 3.f) < 1e-6f);
    QVERIFY(qAbs(m[1][0] - 1.f / 3.f) < 1e-6f);
    QVERIFY(qAbs(m[1][1] - 2.f / 3.f) < 1e-6f);
}

void tst_SegmentMapping::segmentPastTheEndTakesNearestChunk()
{
    const ChunkGrid g = ChunkGrid::covering(60, 20, 10);
    const auto s = Segmentation::fromSegments({{1, 0.0, 2.0}, {2, 7.0, 9.0}});
    const ProbabilityRows rows{{0.1f}, {0.2f}, {0.3f}};
    const ProbabilityRows m = SegmentMapper::mapToSegments(g, rows, s.value());
    QCOMPARE(m.size(), size_t(2));
    QCOMPARE(m[0][0], 0.1f);
    QCOMPARE(m[1][0], 0.3f);
}

void tst_SegmentMapping::partialRowsGiveCompleteSegmentsOnly()
{
    const ChunkGrid g = ChunkGrid::covering(60, 20, 10);
    const auto s = Segmentation::fromSegments({{1, 0.0, 3.0}, {2, 3.0, 6.0}});
    QCOMPARE(SegmentMapper::completeSegments(g, s.value(), 0), 0);
    QCOMPARE(SegmentMapper::completeSegments(g, s.value(), 1), 0);
    QCOMPARE(SegmentMapper::completeSegments(g, s.value(), 2), 1);
    QCOMPARE(SegmentMapper::completeSegments(g, s.value(), 3), 2);
    const ProbabilityRows two{{1.f}, {0.f}};
    QCOMPARE(SegmentMapper::mapToSegments(g, two, s.value()).size(), size_t(1));
    // Asking from segment 1 on with all rows gives just that segment.
    const ProbabilityRows all{{1.f}, {0.f}, {0.5f}};
    const ProbabilityRows tail = SegmentMapper::mapToSegments(g, all, s.value(), 1);
    QCOMPARE(tail.size(), size_t(1));
    QVERIFY(qAbs(tail[0][0] - 1.f / 3.f) < 1e-6f);
}

void tst_SegmentMapping::songMean()
{
    const std::vector<float> m = SegmentMapper::mean({{0.f, 1.f}, {1.f, 1.f}, {0.5f, 0.f}});
    QCOMPARE(m.size(), size_t(2));
    QVERIFY(qAbs(m[0] - 0.5f) < 1e-6f);
    QVERIFY(qAbs(m[1] - 2.f / 3.f) < 1e-6f);
    QVERIFY(SegmentMapper::mean({}).empty());
}

void tst_SegmentMapping::parseSettings()
{
    const auto c = SegmentationSettings::parse(QStringLiteral("chunk"));
    QVERIFY(c.ok());
    QCOMPARE(c->mode, SegmentationSettings::Mode::Chunks);
    const auto f = SegmentationSettings::parse(QStringLiteral("fixed:5.5"));
    QVERIFY(f.ok());
    QCOMPARE(f->mode, SegmentationSettings::Mode::Fixed);
    QCOMPARE(f->windowSeconds, 5.5);
    QVERIFY(!SegmentationSettings::parse(QStringLiteral("fixed:2")).ok());
    QVERIFY(!SegmentationSettings::parse(QStringLiteral("fixed:17")).ok());
    QVERIFY(!SegmentationSettings::parse(QStringLiteral("fixed:abc")).ok());
    QVERIFY(!SegmentationSettings::parse(QStringLiteral("wobbly")).ok());
    // Novelty boundaries are a mode of their own (the inference runners compute them on the decoded track).
    const auto novelty = SegmentationSettings::parse(QStringLiteral("Novelty"));
    QVERIFY(novelty.ok());
    QCOMPARE(novelty->mode, SegmentationSettings::Mode::Novelty);
    QCOMPARE(novelty->toString(), QStringLiteral("novelty"));
}

QTEST_GUILESS_MAIN(tst_SegmentMapping)
#include "tst_segmentmapping.moc"
