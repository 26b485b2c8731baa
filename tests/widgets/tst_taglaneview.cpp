// SPDX-License-Identifier: GPL-3.0-or-later
// The tag lane model and view beyond editing: QAbstractItemModelTester
// through filter, sort, re-layout and edits; the filter field and the order
// box; threshold control, marking and legend; collapsible categories;
// progressive fill from a fake InferencePlan / InferenceProgress, also onto
// an edited segmentation (overlap-weighted mean); topTagsAt; and a grab of
// the lane (saved when TAGLANE_SCREENSHOT_DIR is set).
#include "widgets/lane/lanecontrols.h"
#include "widgets/lane/lanelegend.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/track/trackview.h"

#include "testsupport.h"

#include "engine/curation/trackdocument.h"
#include "engine/jobs/inferenceengine.h"
#include "engine/model/checkpointimport.h"
#include "engine/jobs/inferenceplan.h"
#include "engine/jobs/inferenceprogress.h"
#include "engine/jobs/inferenceresult.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace taglane;
using widgets::TagLaneModel;
using widgets::TagLaneView;
using widgets::TrackView;

namespace {

const QStringList names{QStringLiteral("Emotion-Happy"), QStringLiteral("Emotion-Sad"), QStringLiteral("Emotion-Angry"),
                        QStringLiteral("Genre-Rock"), QStringLiteral("Genre-Jazz")};

engine::InferencePlan plan(int segments)
{
    engine::InferencePlan p;
    p.tags = engine::Vocabulary::fromNames(names);
    p.durationSeconds = segments * 10.0;
    p.segments = engine::Segmentation::fixedWindows(p.durationSeconds, 10.0);
    p.modelVersion = QStringLiteral("fake");
    return p;
}

/// Segment s, tag t: a value that differs per cell and is easy to recompute.
float value(int s, int t)
{
    return float(0.1 * (t + 1) + 0.01 * s);
}

engine::InferenceProgress progress(int first, int count)
{
    engine::InferenceProgress p;
    p.firstSegment = first;
    for (int s = first; s < first + count; ++s) {
        std::vector<float> row;
        for (int t = 0; t < names.size(); ++t)
            row.push_back(value(s, t));
        p.segmentRows.push_back(row);
    }
    return p;
}

} // namespace

class TstTagLaneView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void modelTesterThroughFilterSortAndEdits()
    {
        TagLaneModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setVocabulary(engine::Vocabulary::fromNames(names));
        model.setSegments({{0, 10}, {10, 20}, {20, 30}});
        for (int r = 0; r < model.rowCount(); ++r)
            for (int c = 0; c < 3; ++c)
                model.setProbability(r, c, 0.05 * (r + 1) * (c + 1));
        model.setFilterText(QStringLiteral("a"));   // Happy, Sad, Angry, Jazz (and the Emotion category name)
        QVERIFY(model.rowCount() >= 4);
        model.setFilterText(QStringLiteral("jazz"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.tagNameOfRow(0), QStringLiteral("Genre-Jazz"));
        model.setFilterText(QStringLiteral("genre"));   // matches the category
        QCOMPARE(model.rowCount(), 2);
        model.setFilterText({});
        QCOMPARE(model.rowCount(), 5);
        model.setRowOrder(TagLaneModel::RowOrder::PeakProbability);
        model.setVerdict(0, 0, TagLaneModel::Present);
        auto *doc = model.document();
        auto change = doc->planSplit(15.0);
        QVERIFY(doc->apply(change.value()).ok());
        QCOMPARE(model.columnCount(), 4);
        QVERIFY(doc->revert(change.value()).ok());
        QCOMPARE(model.columnCount(), 3);
        QCOMPARE(model.headerData(1, Qt::Horizontal, TagLaneModel::SegmentIdRole).toLongLong(), doc->segment(1).id);
    }

    void sortsByPeakOrMeanWithinCategory()
    {
        TagLaneModel model;
        model.setVocabulary(engine::Vocabulary::fromNames(names));
        model.setSegments({{0, 10}, {10, 20}});
        auto set = [&](const QString &tag, double p0, double p1) {
            model.setProbability(model.rowOfTag(tag), 0, p0);
            model.setProbability(model.rowOfTag(tag), 1, p1);
        };
        set(QStringLiteral("Emotion-Happy"), 0.1, 0.2);   // peak 0.2, mean 0.15
        set(QStringLiteral("Emotion-Sad"), 0.9, 0.0);     // peak 0.9, mean 0.45
        set(QStringLiteral("Emotion-Angry"), 0.6, 0.6);   // peak 0.6, mean 0.6
        set(QStringLiteral("Genre-Rock"), 0.3, 0.3);
        set(QStringLiteral("Genre-Jazz"), 0.4, 0.4);
        model.setRowOrder(TagLaneModel::RowOrder::PeakProbability);
        QStringList order;
        for (int r = 0; r < model.rowCount(); ++r)
            order << model.tagNameOfRow(r);
        QCOMPARE(order, QStringList({QStringLiteral("Emotion-Sad"), QStringLiteral("Emotion-Angry"),
                                     QStringLiteral("Emotion-Happy"), QStringLiteral("Genre-Jazz"),
                                     QStringLiteral("Genre-Rock")}));
        model.setRowOrder(TagLaneModel::RowOrder::MeanProbability);
        QCOMPARE(model.tagNameOfRow(0), QStringLiteral("Emotion-Angry"));
        QCOMPARE(model.tagNameOfRow(1), QStringLiteral("Emotion-Sad"));
        QVERIFY(std::abs(model.headerData(1, Qt::Vertical, TagLaneModel::MeanRole).toDouble() - 0.45) < 1e-6);
        model.setRowOrder(TagLaneModel::RowOrder::Vocabulary);
        QCOMPARE(model.tagNameOfRow(0), QStringLiteral("Emotion-Happy"));
    }

    void progressiveFillAndControls()
    {
        TrackView view;
        view.resize(1200, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *model = view.tagLaneModel();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        view.beginInference(plan(6));
        QCOMPARE(model->columnCount(), 6);
        QCOMPARE(model->rowCount(), names.size());
        for (int c = 0; c < 6; ++c)
            QVERIFY(!model->index(0, c).data(TagLaneModel::ProbabilityRole).isValid());
        view.addInferenceRows(progress(0, 2));
        const int sad = model->rowOfTag(QStringLiteral("Emotion-Sad"));
        QVERIFY(std::abs(model->index(sad, 1).data(TagLaneModel::ProbabilityRole).toDouble() - value(1, 1)) < 1e-6);
        QVERIFY(!model->index(sad, 2).data(TagLaneModel::ProbabilityRole).isValid());
        view.addInferenceRows(progress(2, 4));
        QVERIFY(std::abs(model->index(sad, 5).data(TagLaneModel::ProbabilityRole).toDouble() - value(5, 1)) < 1e-6);
        engine::InferenceResult result;
        result.plan = plan(6);
        result.segmentRows = progress(0, 6).segmentRows;
        view.finishInference(result);

        // topTagsAt: segment 3 (30-40 s), highest first: Jazz (t=4), Rock, Angry.
        const auto top = view.topTagsAt(35.0, 3);
        QCOMPARE(top.size(), 3);
        QCOMPARE(top[0].first, QStringLiteral("Genre-Jazz"));
        QVERIFY(std::abs(top[0].second - value(3, 4)) < 1e-6);
        QCOMPARE(top[2].first, QStringLiteral("Emotion-Angry"));
        QVERIFY(view.topTagsAt(99.0, 3).isEmpty());

        // Threshold: the spin box, the model, the legend and the signal agree.
        QSignalSpy thresholdSpy(&view, &TrackView::thresholdChanged);
        view.laneControls()->thresholdBox()->setValue(0.45);
        QCOMPARE(view.threshold(), 0.45);
        QCOMPARE(thresholdSpy.count(), 1);
        QCOMPARE(view.laneLegend()->threshold(), 0.45);
        const int happy = model->rowOfTag(QStringLiteral("Emotion-Happy"));
        const int jazz = model->rowOfTag(QStringLiteral("Genre-Jazz"));
        QVERIFY(model->index(jazz, 0).data(TagLaneModel::AboveThresholdRole).toBool());    // 0.5
        QVERIFY(!model->index(happy, 5).data(TagLaneModel::AboveThresholdRole).toBool());  // 0.15
        view.setThreshold(0.9);
        QCOMPARE(view.laneControls()->thresholdBox()->value(), 0.9);

        // The filter field and the order box drive the model.
        QTest::keyClicks(view.laneControls()->filterField(), QStringLiteral("rock"));
        QCOMPARE(model->rowCount(), 1);
        view.laneControls()->filterField()->clear();
        QCOMPARE(model->rowCount(), names.size());
        view.laneControls()->orderBox()->setCurrentIndex(1);
        QCOMPARE(model->rowOrder(), TagLaneModel::RowOrder::PeakProbability);
        QCOMPARE(model->tagNameOfRow(0), QStringLiteral("Emotion-Angry"));   // highest Emotion tag
    }

    void fillsEditedSegmentationByOverlap()
    {
        TrackView view;
        view.beginInference(plan(3));
        auto *doc = view.document();
        // Re-segment to 0-15, 15-30: each new segment averages two plan segments 10 s and 5 s.
        auto change = doc->planResegment({{0, 0.0, 15.0}, {0, 15.0, 30.0}});
        QVERIFY(doc->apply(change.value()).ok());
        view.beginInference(plan(3));   // a second run maps onto the edited segments
        QCOMPARE(doc->segmentCount(), 2);
        view.addInferenceRows(progress(0, 1));
        QVERIFY(std::isnan(doc->probability(0, 0)));   // still waits for plan segment 1
        view.addInferenceRows(progress(1, 1));
        // (10 * v(0,t) + 5 * v(1,t)) / 15
        QVERIFY(std::abs(doc->probability(0, 2) - (10 * value(0, 2) + 5 * value(1, 2)) / 15) < 1e-6);
        QVERIFY(std::isnan(doc->probability(1, 2)));
        view.addInferenceRows(progress(2, 1));
        QVERIFY(std::abs(doc->probability(1, 2) - (5 * value(1, 2) + 10 * value(2, 2)) / 15) < 1e-6);
    }

    void switchesModelVersions()
    {
        TrackView view;
        view.beginInference(plan(2));
        view.addInferenceRows(progress(0, 2));
        engine::InferencePlan second = plan(2);
        second.modelVersion = QStringLiteral("other");
        view.beginInference(second);
        engine::InferenceProgress p = progress(0, 2);
        for (auto &row : p.segmentRows)
            for (float &v : row)
                v = 1.0f - v;
        view.addInferenceRows(p);
        QCOMPARE(view.modelVersions(), QStringList({QStringLiteral("fake"), QStringLiteral("other")}));
        QCOMPARE(view.currentModelVersion(), QStringLiteral("other"));
        auto *model = view.tagLaneModel();
        QVERIFY(std::abs(model->index(0, 1).data(TagLaneModel::ProbabilityRole).toDouble() - (1.0 - value(1, 0))) < 1e-6);
        view.setCurrentModelVersion(QStringLiteral("fake"));
        QVERIFY(std::abs(model->index(0, 1).data(TagLaneModel::ProbabilityRole).toDouble() - value(1, 0)) < 1e-6);
    }

    void paintsAnHour()
    {
        // One hour in 10 s segments x 50 tags, fitted to the window: every
        // visible cell is painted with its probability. (How long a repaint
        // takes is measured by tests/bench/bench_responsiveness.cpp.)
        QStringList many;
        for (int t = 0; t < 50; ++t)
            many << QStringLiteral("Tag %1").arg(t);
        engine::InferencePlan p;
        p.tags = engine::Vocabulary::fromNames(many);
        p.durationSeconds = 3600.0;
        p.segments = engine::Segmentation::fixedWindows(3600.0, 10.0);
        p.modelVersion = QStringLiteral("hour");
        TrackView view;
        view.resize(1400, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.beginInference(p);
        engine::InferenceProgress rows;
        for (int s = 0; s < p.segments.size(); ++s) {
            std::vector<float> row;
            for (int t = 0; t < many.size(); ++t)
                row.push_back(float((s * 7 + t * 13) % 100) / 100.0f);
            rows.segmentRows.push_back(row);
        }
        view.addInferenceRows(rows);
        TagLaneView *lane = view.tagLaneView();
        QImage image(lane->size(), QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::magenta);
        lane->render(&image);
        // Tag 0 holds 0.00 at segment 0 and 0.99 at segment 57 (57 * 7 = 399):
        // both cells are on screen, painted, and painted differently.
        const int row = view.tagLaneModel()->rowOfTag(QStringLiteral("Tag 0"));
        const QRect low = lane->cellRect(row, 0);
        const QRect high = lane->cellRect(row, 57);
        QVERIFY(!low.isEmpty() && !high.isEmpty());
        QVERIFY(image.rect().contains(low.center()) && image.rect().contains(high.center()));
        const QRgb lowColour = image.pixel(low.center());
        const QRgb highColour = image.pixel(high.center());
        QVERIFY(lowColour != QColor(Qt::magenta).rgb());
        QVERIFY(highColour != QColor(Qt::magenta).rgb());
        QVERIFY(lowColour != highColour);
        // The last segment is drawn too (the lane is fitted to the window).
        const QRect last = lane->cellRect(row, p.segments.size() - 1);
        QVERIFY(!last.isEmpty() && image.rect().contains(last.center()));
        QVERIFY(image.pixel(last.center()) != QColor(Qt::magenta).rgb());
    }

    void categoriesCollapseByClick()
    {
        TrackView view;
        view.resize(1000, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.beginInference(plan(2));
        TagLaneView *lane = view.tagLaneView();
        const int full = lane->contentHeight();
        const QRect header = lane->categoryHeaderRect(QStringLiteral("Emotion"));
        QVERIFY(!header.isEmpty());
        QTest::mouseClick(lane, Qt::LeftButton, Qt::NoModifier, QPoint(40, header.center().y()));
        QVERIFY(lane->isCollapsed(QStringLiteral("Emotion")));
        QCOMPARE(lane->contentHeight(), full - 3 * TagLaneView::rowHeight);
        // The first visible row is now Rock, under the Genre header.
        QCOMPARE(lane->rowAt(2 * TagLaneView::categoryHeight + 2), view.tagLaneModel()->rowOfTag(QStringLiteral("Genre-Rock")));
        QVERIFY(lane->cellRect(0, 0).isEmpty());
        // Keyboard moves skip hidden rows.
        lane->setFocus();
        QTest::keyClick(lane, Qt::Key_Down);
        QCOMPARE(view.tagLaneModel()->tagNameOfRow(lane->currentRow()), QStringLiteral("Genre-Rock"));
        QTest::mouseClick(lane, Qt::LeftButton, Qt::NoModifier, QPoint(40, header.center().y()));
        QCOMPARE(lane->contentHeight(), full);
    }

    void grabShowsProbabilitiesAndVerdicts()
    {
        TrackView view;
        view.resize(1100, 420);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.beginInference(plan(8));
        view.addInferenceRows(progress(0, 8));
        auto *model = view.tagLaneModel();
        model->setVerdict(model->rowOfTag(QStringLiteral("Genre-Rock")), 2, TagLaneModel::Present);
        model->setVerdict(model->rowOfTag(QStringLiteral("Emotion-Sad")), 4, TagLaneModel::Absent);
        TagLaneView *lane = view.tagLaneView();
        const QImage image = lane->grab().toImage();
        QVERIFY(!image.isNull());
        // A present cell is drawn in the present colour, an empty lane is not.
        const QRect present = lane->cellRect(model->rowOfTag(QStringLiteral("Genre-Rock")), 2);
        const QColor c = image.pixelColor(present.left() + 3, present.top() + 4);
        QCOMPARE(c.rgb(), widgets::LaneLegend::presentColor().rgb());
        const QRect absent = lane->cellRect(model->rowOfTag(QStringLiteral("Emotion-Sad")), 4);
        QCOMPARE(image.pixelColor(absent.left() + 3, absent.top() + 8).rgb(), widgets::LaneLegend::absentColor().rgb());
        const QString dir = qEnvironmentVariable("TAGLANE_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            QVERIFY(view.grab().save(dir + QStringLiteral("/lane-fake.png")));
    }

    void musicnnOnFixtureScreenshot()
    {
        // Developer aid: TAGLANE_SCREENSHOT_DIR=/tmp/x runs the published
        // MTAT musicnn on the fixture track and saves the whole track view.
        const QString dir = qEnvironmentVariable("TAGLANE_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("set TAGLANE_SCREENSHOT_DIR to run musicnn and save a screenshot");
        TAGLANE_REQUIRE_SHARED(checkpoint, "fixtures/pretrained/mtat-musicnn.pth");
        TAGLANE_REQUIRE_SHARED(tagFile, "fixtures/pretrained/mtat-tags.txt");
        TAGLANE_REQUIRE_SHARED(ogg, "fixtures/audio/traveling_minstrels.ogg");
        engine::CheckpointImport import;
        import.architecture = QStringLiteral("musicnn");
        import.checkpointPath = checkpoint;
        import.tags = engine::loadTagList(tagFile).value();
        import.bundleFolder = taglane::tests::tempDir(QStringLiteral("lane-musicnn")) + QStringLiteral("/musicnn.tlmodel");
        const auto bundle = engine::importCheckpoint(import);
        QVERIFY2(bundle.ok(), qPrintable(bundle.error()));

        TrackView view;
        view.resize(1500, 950);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.openFile(ogg);
        QTRY_VERIFY_WITH_TIMEOUT(view.hasTrack(), 120000);
        engine::InferenceEngine engine;
        bool done = false;
        int progressCount = 0;
        connect(&engine, &engine::InferenceEngine::started, &view,
                [&](qint64, const engine::InferencePlan &plan) { view.beginInference(plan); });
        connect(&engine, &engine::InferenceEngine::progress, &view, [&](const engine::InferenceProgress &p) {
            ++progressCount;
            view.addInferenceRows(p);
        });
        connect(&engine, &engine::InferenceEngine::finished, &view, [&](qint64, const engine::InferenceResult &r) {
            view.finishInference(r);
            done = true;
        });
        connect(&engine, &engine::InferenceEngine::failed, &view,
                [&](qint64, const QString &message) { QFAIL(qPrintable(message)); });
        engine::InferenceRequest request;
        request.audioPath = ogg;
        request.bundleFolder = import.bundleFolder;
        request.segmentation.mode = engine::SegmentationSettings::Mode::Fixed;
        request.segmentation.windowSeconds = 6.0;
        engine.submit(request);
        QTRY_VERIFY_WITH_TIMEOUT(done, 300000);
        qInfo("musicnn: %d progress reports, %d segments", progressCount, view.tagLaneModel()->columnCount());
        auto *model = view.tagLaneModel();
        QVERIFY(model->columnCount() > 10);
        view.setThreshold(0.3);
        view.laneControls()->orderBox()->setCurrentIndex(1);   // by peak probability
        QCOMPARE(model->rowOrder(), TagLaneModel::RowOrder::PeakProbability);
        // A few curator verdicts so the picture shows both kinds of cells.
        view.tagLaneView()->selectCell(0, 3);
        view.tagLaneView()->setVerdictOnSelection(TagLaneModel::Present);
        view.tagLaneView()->selectCell(1, 5);
        view.tagLaneView()->setVerdictOnSelection(TagLaneModel::Absent);
        view.tagLaneView()->selectCell(2, 7);
        view.timeAxis()->setCursor(40.0);
        QTest::qWait(3000);   // spectrogram tiles
        QVERIFY(view.grab().save(dir + QStringLiteral("/lane-musicnn.png")));
        view.timeAxis()->setVisibleRange(30.0, 45.0);
        QTest::qWait(2000);
        QVERIFY(view.grab().save(dir + QStringLiteral("/lane-musicnn-zoom.png")));
    }
};

QTEST_MAIN(TstTagLaneView)
#include "tst_taglaneview.moc"
