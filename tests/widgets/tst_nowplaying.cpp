// SPDX-License-Identifier: GPL-3.0-or-later
// The now-playing panel shows the top tags of the lane column under the cursor.
#include "widgets/playback/nowplayingpanel.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/track/trackview.h"

#include "engine/jobs/inferenceplan.h"
#include "engine/jobs/inferenceprogress.h"

#include <QtTest>

#include <cmath>

using namespace taglane;

class tst_NowPlaying : public QObject
{
    Q_OBJECT

private:
    static engine::Vocabulary tags()
    {
        return engine::Vocabulary::fromNames({QStringLiteral("guitar"), QStringLiteral("piano"), QStringLiteral("drums"),
                                              QStringLiteral("vocal"), QStringLiteral("Instrument_-_Violin/Fiddle")});
    }

private Q_SLOTS:
    void topTagsOfModelColumn()
    {
        widgets::TagLaneModel model;
        model.setVocabulary(tags());
        model.setSegments({{0.0, 3.0}, {3.0, 6.0}, {6.0, 9.0}});
        // Column 1: drums 0.9, violin 0.7, piano 0.4, guitar 0.1; vocal has no value.
        const QStringList names = tags().names();
        const double values[] = {0.1, 0.4, 0.9, -1.0, 0.7};
        for (int t = 0; t < 5; ++t) {
            if (values[t] >= 0)
                model.setProbability(model.rowOfTag(names[t]), 1, values[t]);
            model.setProbability(model.rowOfTag(names[t]), 0, 0.5);
        }
        double start = 0, end = 0;
        auto top = widgets::NowPlayingPanel::topTags(&model, 4.2, 3, &start, &end);
        QCOMPARE(top.size(), 3);
        QCOMPARE(top[0].name, QStringLiteral("drums"));
        QCOMPARE(top[1].name, QStringLiteral("Instrument_-_Violin/Fiddle"));
        QCOMPARE(top[1].label, widgets::TagLaneModel::displayName(tags().at(4)));
        QCOMPARE(top[2].name, QStringLiteral("piano"));
        QVERIFY(std::abs(top[0].probability - 0.9) < 1e-6);
        QCOMPARE(start, 3.0);
        QCOMPARE(end, 6.0);
        // All cells with a value, never more.
        QCOMPARE(widgets::NowPlayingPanel::topTags(&model, 4.2, 10).size(), 4);
        // A column without values, and a lane without columns, give nothing.
        QVERIFY(widgets::NowPlayingPanel::topTags(&model, 7.0, 3).isEmpty());
        widgets::TagLaneModel empty;
        QVERIFY(widgets::NowPlayingPanel::topTags(&empty, 1.0, 3).isEmpty());
        // Exactly at a boundary the later segment counts.
        widgets::NowPlayingPanel::topTags(&model, 3.0, 1, &start, &end);
        QCOMPARE(start, 3.0);
    }

    void followsTheCursor()
    {
        widgets::TrackView view;
        widgets::NowPlayingPanel panel(&view);
        panel.setTagCount(2);
        panel.resize(300, 200);
        panel.show();

        engine::InferencePlan plan;
        plan.trackPath = QStringLiteral("synthetic.wav");
        plan.durationSeconds = 9.0;
        plan.tags = tags();
        auto segmentation = engine::Segmentation::fromSegments({{0, 0.0, 3.0}, {0, 3.0, 6.0}, {0, 6.0, 9.0}});
        QVERIFY(segmentation.ok());
        plan.segments = segmentation.value();
        view.beginInference(plan);
        view.timeAxis()->setTotalDuration(9.0);

        engine::InferenceProgress progress;
        progress.firstSegment = 0;
        progress.segmentRows = {{0.9f, 0.1f, 0.2f, 0.3f, 0.0f},    // guitar, vocal
                                {0.1f, 0.8f, 0.7f, 0.2f, 0.0f},    // piano, drums
                                {0.0f, 0.0f, 0.1f, 0.2f, 0.95f}};  // violin, vocal
        view.addInferenceRows(progress);

        view.timeAxis()->setCursor(1.0);
        QTRY_COMPARE(panel.scores().size(), 2);
        QCOMPARE(panel.scores()[0].name, QStringLiteral("guitar"));
        QCOMPARE(panel.scores()[1].name, QStringLiteral("vocal"));
        view.timeAxis()->setCursor(4.5);
        QTRY_COMPARE(panel.scores().value(0).name, QStringLiteral("piano"));
        QCOMPARE(panel.scores()[1].name, QStringLiteral("drums"));
        QCOMPARE(panel.segmentStart(), 3.0);
        view.timeAxis()->setCursor(8.0);
        QTRY_COMPARE(panel.scores().value(0).name, QStringLiteral("Instrument_-_Violin/Fiddle"));
        QVERIFY(std::abs(panel.scores()[0].probability - 0.95) < 1e-6);
        panel.setTagCount(4);
        QCOMPARE(panel.scores().size(), 4);
        QVERIFY(!panel.grab().isNull());
    }
};

QTEST_MAIN(tst_NowPlaying)
#include "tst_nowplaying.moc"
