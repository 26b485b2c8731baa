// SPDX-License-Identifier: GPL-3.0-or-later
// Which rows and which segments the tag lane shows (issue 11, items 7 and 8):
// one rule for the rows (the model's tags plus the tags with verdicts, or
// the whole vocabulary when asked) before tagging, after tagging and after
// reopening; one segmentation rule ("Model chunks" follows the model that
// tags now, fixed windows stay); and a track reopened without segment
// edits is not shown as "Edited".
#include "lanefixture.h"
#include "testsupport.h"

#include "widgets/lane/lanecontrols.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/track/trackview.h"

#include "engine/curation/trackdocument.h"
#include "engine/store/annotationstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QTest>

using namespace taglane;
using widgets::TagLaneModel;
using widgets::TrackView;

namespace {

/// Two tags of the bundled vocabulary and two of another model's.
const QStringList modelTags{QStringLiteral("Genre-Rock"), QStringLiteral("Emotion-Happy"), QStringLiteral("guitar"),
                            QStringLiteral("piano")};

float value(int s, int t)
{
    return float(0.1 * (t + 1) + 0.01 * s);
}

QStringList rowNames(const TagLaneModel *m)
{
    QStringList out;
    for (int r = 0; r < m->rowCount(); ++r)
        out << m->tagNameOfRow(r);
    out.sort();
    return out;
}

} // namespace

class TstLaneRows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameRowsBeforeAfterTaggingAndReopened()
    {
        const QString dir = tests::tempDir(QStringLiteral("lanerows-store"));
        const QString storePath = dir + QStringLiteral("/store.db");
        const auto track = tests::silentTrack(dir, 40.0);
        QStringList expected = modelTags;
        expected.sort();
        QStringList withVerdict;
        {
            engine::AnnotationStore store;
            QVERIFY(store.open(storePath).ok());
            TrackView view;
            view.setStore(&store);
            view.setModelTags(engine::Vocabulary::fromNames(modelTags));
            view.setTrack(track);
            // Before tagging: the tags of the model that will tag, not the whole vocabulary.
            QCOMPARE(rowNames(view.tagLaneModel()), expected);
            tests::fakeInference(view, tests::fakePlan(modelTags, 40.0, 10.0, QStringLiteral("m-v1")), value);
            QCOMPARE(rowNames(view.tagLaneModel()), expected);
            // "All tags" shows the whole vocabulary; a verdict on a tag outside the model keeps its row.
            QCheckBox *all = view.laneControls()->allTagsBox();
            all->setChecked(true);
            const int whole = view.tagLaneModel()->rowCount();
            QVERIFY(whole >= engine::Vocabulary::bundledDefault().size());
            const int blues = view.tagLaneModel()->rowOfTag(QStringLiteral("Genre-Blues"));
            QVERIFY(blues >= 0);
            view.tagLaneView()->selectCell(blues, 2);
            view.tagLaneView()->setVerdictOnSelection(TagLaneModel::Present);
            all->setChecked(false);
            withVerdict = expected;
            withVerdict << QStringLiteral("Genre-Blues");
            withVerdict.sort();
            QCOMPARE(rowNames(view.tagLaneModel()), withVerdict);
            QVERIFY(store.waitForDurable(view.document()->lastEditSeq()));
        }
        // Reopened (no model chosen yet): the same rows.
        engine::AnnotationStore store;
        QVERIFY(store.open(storePath).ok());
        TrackView view;
        view.setStore(&store);
        view.setTrack(track);
        QCOMPARE(view.document()->currentModelVersion(), QStringLiteral("m-v1"));
        QCOMPARE(rowNames(view.tagLaneModel()), withVerdict);
    }

    void modelChunksFollowTheModelThatTags()
    {
        TrackView view;
        view.setTrack(tests::silentTrack(tests::tempDir(QStringLiteral("lanerows-chunks")), 60.0));
        // The first model tags on its 3 s grid...
        tests::fakeInference(view, tests::fakePlan(modelTags, 60.0, 0.0, QStringLiteral("three"), 3.0), value);
        QCOMPARE(view.document()->segmentSource(), engine::SegmentSource::ModelChunks);
        QCOMPARE(view.document()->segment(0).end, 3.0);
        // ...then one with 10 s chunks: under "Model chunks" its grid, not the first model's.
        tests::fakeInference(view, tests::fakePlan(modelTags, 60.0, 0.0, QStringLiteral("ten"), 10.0), value);
        QCOMPARE(view.document()->segment(0).end, 10.0);
        QCOMPARE(view.document()->segmentCount(), 6);
        QCOMPARE(view.laneControls()->segmentationBox()->currentData().toInt(), int(engine::SegmentSource::ModelChunks));
        // Its own probabilities fill the cells directly.
        const int first = view.document()->tagIndex(modelTags.first());
        QVERIFY(std::abs(view.document()->probability(1, first) - value(1, 0)) < 1e-6);
        // Fixed windows stay whatever model runs next.
        view.setSegmentationSource(engine::SegmentSource::Fixed, 5.0);
        QCOMPARE(view.document()->segment(0).end, 5.0);
        QCOMPARE(view.inferenceSegmentation().mode, engine::SegmentationSettings::Mode::Fixed);
        tests::fakeInference(view, tests::fakePlan(modelTags, 60.0, 0.0, QStringLiteral("three-again"), 3.0), value);
        QCOMPARE(view.document()->segment(0).end, 5.0);
        QCOMPARE(view.document()->segmentSource(), engine::SegmentSource::Fixed);
    }

    void reopenedWithoutEditsIsNotEdited()
    {
        const QString dir = tests::tempDir(QStringLiteral("lanerows-reopen"));
        const QString storePath = dir + QStringLiteral("/store.db");
        const auto track = tests::silentTrack(dir, 40.0);
        {
            engine::AnnotationStore store;
            QVERIFY(store.open(storePath).ok());
            TrackView view;
            view.setStore(&store);
            view.setTrack(track);
            tests::fakeInference(view, tests::fakePlan(modelTags, 40.0, 10.0, QStringLiteral("m-v1")), value);
            QCOMPARE(view.document()->segmentSource(), engine::SegmentSource::Fixed);
            QVERIFY(store.waitForDurable(view.document()->lastEditSeq()));
        }
        engine::AnnotationStore store;
        QVERIFY(store.open(storePath).ok());
        TrackView view;
        view.setStore(&store);
        view.setTrack(track);
        QCOMPARE(view.document()->segmentCount(), 4);
        QCOMPARE(view.document()->segmentSource(), engine::SegmentSource::Fixed);
        QCOMPARE(view.laneControls()->segmentationBox()->currentData().toInt(), int(engine::SegmentSource::Fixed));
        // After a real edit it is "Edited", also once reopened.
        view.timeAxis()->setCursor(15.0);
        QVERIFY(view.splitAtCursor());
        QCOMPARE(view.document()->segmentSource(), engine::SegmentSource::Curator);
        QVERIFY(store.waitForDurable(view.document()->lastEditSeq()));
        TrackView again;
        again.setStore(&store);
        again.setTrack(track);
        QCOMPARE(again.document()->segmentCount(), 5);
        QCOMPARE(again.document()->segmentSource(), engine::SegmentSource::Curator);
        QCOMPARE(again.laneControls()->segmentationBox()->currentData().toInt(), int(engine::SegmentSource::Curator));
    }
};

QTEST_MAIN(TstLaneRows)
#include "tst_lanerows.moc"
