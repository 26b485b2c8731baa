// SPDX-License-Identifier: GPL-3.0-or-later
// TrackDocument: verdict edits with provenance, split / merge / moved
// boundary with their minimum length and exact revert, and persistence
// through a temporary AnnotationStore (edits reach the disk; a reopened
// store gives back the same segments and verdicts).
#include "testsupport.h"

#include "engine/curation/trackdocument.h"
#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"

#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace taglane::engine;

namespace {

Vocabulary tags()
{
    return Vocabulary({Tag{QStringLiteral("Emotion-Happy"), QStringLiteral("Emotion")},
                       Tag{QStringLiteral("Genre-Rock"), QStringLiteral("Genre")}});
}

const QString happy = QStringLiteral("Emotion-Happy");
const QString rock = QStringLiteral("Genre-Rock");

CellLabel present(qint64 at = 5) { return CellLabel{Verdict::Present, QStringLiteral("curator"), at}; }
CellLabel absent(qint64 at = 6) { return CellLabel{Verdict::Absent, QStringLiteral("curator"), at}; }

TrackRecord makeTrack(const QString &name, double duration)
{
    TrackRecord t;
    t.path = QStringLiteral("/music/") + name;
    t.contentHash = QString::fromLatin1(QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha1).toHex());
    t.durationSeconds = duration;
    return t;
}

} // namespace

class TstTrackDocument : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verdictEditsKeepProvenance()
    {
        TrackDocument doc;
        doc.reset(tags(), {{1, 0.0, 10.0}, {2, 10.0, 20.0}});
        QSignalSpy changed(&doc, &TrackDocument::labelsChanged);
        const int n = doc.applyCells({{2, rock, CellLabel{Verdict::Present, QStringLiteral("mtat-v1"), 77}},
                                      {1, happy, absent()},
                                      {99, happy, present()},          // no such segment
                                      {1, QStringLiteral("x"), present()}});   // no such tag
        QCOMPARE(n, 2);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(doc.label(1, 1).verdict, Verdict::Present);
        QCOMPARE(doc.label(1, 1).actor, QStringLiteral("mtat-v1"));
        QCOMPARE(doc.label(1, 1).atMs, qint64(77));
        QCOMPARE(doc.label(0, 0).verdict, Verdict::Absent);
        // Unknown clears the provenance too.
        doc.applyCells({{1, happy, CellLabel{Verdict::Unknown, QStringLiteral("curator"), 9}}});
        QCOMPARE(doc.label(0, 0), CellLabel{});
        QCOMPARE(doc.currentCells({{2, rock, {}}}).first().label.actor, QStringLiteral("mtat-v1"));
        QCOMPARE(doc.segmentAt(10.0), 1);
        QCOMPARE(doc.segmentAt(25.0), -1);
    }

    void splitCopiesCellsAndReverts()
    {
        TrackDocument doc;
        doc.reset(tags(), {{7, 0.0, 10.0}});
        doc.applyCells({{7, happy, present()}});
        doc.setProbability(QStringLiteral("v1"), 0, 1, 0.25f);
        const auto before = doc.rows();
        QVERIFY(!doc.planSplit(0.3).ok());    // would leave 0.3 s
        QVERIFY(!doc.planSplit(9.6).ok());    // would leave 0.4 s
        QVERIFY(!doc.planSplit(12.0).ok());   // no segment there
        auto change = doc.planSplit(4.0);
        QVERIFY(change.ok());
        QCOMPARE(doc.segmentCount(), 1);      // planning changes nothing
        QVERIFY(doc.apply(change.value()).ok());
        QCOMPARE(doc.segmentCount(), 2);
        QCOMPARE(doc.segment(0).id, qint64(7));
        QCOMPARE(doc.segment(0).end, 4.0);
        QCOMPARE(doc.segment(1).start, 4.0);
        QVERIFY(doc.segment(1).id != 7 && doc.segment(1).id > 0);
        QCOMPARE(change->after[1].segment.id, doc.segment(1).id);   // id written back for redo
        QCOMPARE(doc.label(1, 0).verdict, Verdict::Present);
        QCOMPARE(doc.probability(1, 1, QStringLiteral("v1")), 0.25f);
        const auto after = doc.rows();
        QVERIFY(doc.revert(change.value()).ok());
        QCOMPARE(doc.rows(), before);
        QVERIFY(doc.apply(change.value()).ok());
        QCOMPARE(doc.rows(), after);          // same ids the second time
    }

    void mergeFollowsOverlapRule()
    {
        TrackDocument doc;
        doc.reset(tags(), {{1, 0.0, 6.0}, {2, 6.0, 10.0}, {3, 10.0, 12.0}});
        doc.applyCells({{1, happy, present()}, {2, happy, absent()}, {2, rock, present()}});
        doc.setProbability(QStringLiteral("v1"), 0, 0, 0.5f);
        doc.setProbability(QStringLiteral("v1"), 1, 0, 1.0f);
        QVERIFY(!doc.planMerge(3).ok());      // last segment has no next
        auto change = doc.planMerge(1);
        QVERIFY(change.ok());
        QVERIFY(doc.apply(change.value()).ok());
        QCOMPARE(doc.segmentCount(), 2);
        QCOMPARE(doc.segment(0).start, 0.0);
        QCOMPARE(doc.segment(0).end, 10.0);
        QCOMPARE(doc.segment(0).id, qint64(1));
        // Happy: present 6 s of 10 -> present. Rock: present 4 s of 10 -> unknown.
        QCOMPARE(doc.label(0, 0).verdict, Verdict::Present);
        QCOMPARE(doc.label(0, 1).verdict, Verdict::Unknown);
        // (6 * 0.5 + 4 * 1.0) / 10 = 0.7
        QVERIFY(std::abs(doc.probability(0, 0, QStringLiteral("v1")) - 0.7f) < 1e-6f);
        QVERIFY(doc.revert(change.value()).ok());
        QCOMPARE(doc.segmentCount(), 3);
        QCOMPARE(doc.label(1, 1).verdict, Verdict::Present);
    }

    void moveBoundaryIsClamped()
    {
        TrackDocument doc;
        doc.reset(tags(), {{1, 0.0, 6.0}, {2, 6.0, 10.0}});
        doc.applyCells({{2, rock, present()}});
        auto change = doc.planMoveBoundary(1, 0.1);
        QVERIFY(change.ok());
        QVERIFY(doc.apply(change.value()).ok());
        QCOMPARE(doc.segment(0).end, TrackDocument::minimumEditedSeconds);
        QCOMPARE(doc.segment(1).start, TrackDocument::minimumEditedSeconds);
        QCOMPARE(doc.label(1, 1).verdict, Verdict::Present);   // cells stay with their segment
        change = doc.planMoveBoundary(1, 42.0);
        QVERIFY(doc.apply(change.value()).ok());
        QCOMPARE(doc.segment(0).end, 9.5);
        change = doc.planMoveBoundary(1, 7.25);
        QVERIFY(doc.apply(change.value()).ok());
        QCOMPARE(doc.segment(0).end, 7.25);
        QVERIFY(!doc.planMoveBoundary(2, 8.0).ok());   // no boundary after the last segment
        QVERIFY(doc.revert(change.value()).ok());
        QCOMPARE(doc.segment(0).end, 9.5);
    }

    void tagChangeKeepsCellsByName()
    {
        TrackDocument doc;
        doc.reset(tags(), {{1, 0.0, 5.0}});
        doc.applyCells({{1, rock, absent()}});
        doc.setProbability(QStringLiteral("v"), 0, 1, 0.4f);
        doc.setTags(Vocabulary::fromNames({QStringLiteral("New"), rock}));
        QCOMPARE(doc.label(0, 1).verdict, Verdict::Absent);
        QCOMPARE(doc.label(0, 0).verdict, Verdict::Unknown);
        QCOMPARE(doc.probability(0, 1, QStringLiteral("v")), 0.4f);
        QVERIFY(std::isnan(doc.probability(0, 0, QStringLiteral("v"))));
    }

    void editsReachStoreAndReopen()
    {
        const QString path = taglane::tests::tempDir(QStringLiteral("trackdocument")) + QStringLiteral("/store.db");
        QVector<Segment> segments;
        QVector<SegmentRow> rows;
        {
            AnnotationStore store;
            QVERIFY(store.open(path).ok());
            store.setVocabulary(tags());
            const auto track = store.addTrack(makeTrack(QStringLiteral("a.wav"), 20.0));
            QVERIFY(track.ok());
            TrackDocument doc;
            doc.reset(tags(), {});
            doc.attachStore(&store, track->id);
            doc.adoptSegmentation(Segmentation::fixedWindows(20.0, 10.0).segments(), SegmentSource::Fixed);
            QCOMPARE(doc.segmentCount(), 2);
            for (int s = 0; s < 2; ++s)
                doc.setProbability(QStringLiteral("m1"), s, 0, 0.1f + 0.5f * s);
            ModelManifest manifest;
            manifest.version = QStringLiteral("m1");
            manifest.tags = tags();
            QVERIFY(doc.persistPredictions(manifest).ok());
            doc.applyCells({{doc.segment(0).id, happy, present()}, {doc.segment(1).id, rock, absent()}});
            auto split = doc.planSplit(15.0);
            QVERIFY(split.ok());
            QVERIFY(doc.apply(split.value()).ok());
            QCOMPARE(doc.segmentCount(), 3);
            // The new segment got a store id; its copied verdict is stored too.
            QCOMPARE(doc.label(2, 1).verdict, Verdict::Absent);
            QVERIFY(doc.lastEditSeq() > 0);
            QVERIFY(store.waitForDurable(doc.lastEditSeq()));
            segments = doc.segments();
            const auto grid = store.labelGrid(track->id);
            QVERIFY(grid.ok());
            QCOMPARE(grid->segmentation.segments(), segments);
            QCOMPARE(grid->verdict(2, 1), Verdict::Absent);
            QCOMPARE(grid->verdict(0, 0), Verdict::Present);
            QCOMPARE(grid->modelVersion, QStringLiteral("m1"));
            QVERIFY(std::abs(grid->probability(2, 0) - 0.6f) < 1e-6f);
            store.close();
        }
        AnnotationStore store;
        QVERIFY(store.open(path).ok());
        const auto record = store.findTrackByPath(QStringLiteral("/music/a.wav"));
        QVERIFY(record.has_value());
        TrackDocument reopened;
        const auto loaded = reopened.loadFromStore(&store, record->id);
        QVERIFY(loaded.ok());
        QVERIFY(loaded.value());
        QCOMPARE(reopened.segments(), segments);
        QCOMPARE(reopened.label(0, 0).verdict, Verdict::Present);
        QCOMPARE(reopened.label(1, 1).verdict, Verdict::Absent);
        QCOMPARE(reopened.label(2, 1).verdict, Verdict::Absent);
        QCOMPARE(reopened.label(2, 0).verdict, Verdict::Unknown);
        QCOMPARE(reopened.currentModelVersion(), QStringLiteral("m1"));
        QVERIFY(std::abs(reopened.probability(1, 0) - 0.6f) < 1e-6f);
        QVERIFY(reopened.label(0, 0).atMs > 0);
    }
};

QTEST_GUILESS_MAIN(TstTrackDocument)
#include "tst_trackdocument.moc"
