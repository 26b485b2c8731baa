// SPDX-License-Identifier: GPL-3.0-or-later
// Editing the tag lane with the mouse and the keyboard on real widgets:
// click selects and seeks, a second click cycles the verdict, a drag paints
// one verdict in one undo step, arrows + Y / N / Backspace review by
// keyboard, boundaries move by drag, S splits at the cursor, M merges,
// "accept suggestions" takes the model's cells above the threshold, and
// with an annotation store the edits persist and come back on reopening.
#include "testsupport.h"

#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/track/trackview.h"

#include "engine/audio/peakpyramid.h"
#include "engine/curation/trackdocument.h"
#include "engine/jobs/inferenceplan.h"
#include "engine/jobs/inferenceprogress.h"
#include "engine/jobs/inferenceresult.h"
#include "engine/store/annotationstore.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

#include <cmath>

using namespace taglane;
using engine::Verdict;
using widgets::TagLaneModel;
using widgets::TagLaneView;
using widgets::TrackView;

namespace {

const QStringList tagNames{QStringLiteral("Emotion-Happy"), QStringLiteral("Emotion-Sad"), QStringLiteral("Genre-Rock"),
                           QStringLiteral("Genre-Jazz")};

/// A decoded-looking track of `seconds` of silence, backed by a small real file (for the store's hash).
std::shared_ptr<widgets::LoadedTrack> fakeTrack(const QString &dir, double seconds)
{
    const QString path = dir + QStringLiteral("/track.wav");
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(QByteArray(4096, 'x'));
    auto track = std::make_shared<widgets::LoadedTrack>();
    const int rate = 8000;
    track->audio.mono = engine::AudioBuffer(std::vector<float>(size_t(seconds * rate), 0.0f), rate);
    track->audio.info.path = path;
    track->audio.info.sampleRate = rate;
    track->audio.info.channels = 1;
    track->audio.info.frames = qint64(seconds * rate);
    track->peaks = engine::PeakPyramid::build(track->audio.mono);
    return track;
}

/// A plan of `count` 10 s segments over the four tags, and rows where tag t of segment s is (t + 1) * 0.2 - s * 0.05.
engine::InferencePlan plan(int count)
{
    engine::InferencePlan p;
    p.tags = engine::Vocabulary::fromNames(tagNames);
    p.durationSeconds = count * 10.0;
    p.segments = engine::Segmentation::fixedWindows(p.durationSeconds, 10.0);
    p.modelVersion = QStringLiteral("fake-v1");
    p.modelName = QStringLiteral("Fake");
    return p;
}

engine::ProbabilityRows rows(int first, int count)
{
    engine::ProbabilityRows out;
    for (int s = first; s < first + count; ++s) {
        std::vector<float> row;
        for (int t = 0; t < tagNames.size(); ++t)
            row.push_back(float((t + 1) * 0.2 - s * 0.05));
        out.push_back(row);
    }
    return out;
}

void runFakeInference(TrackView &view, int count)
{
    view.beginInference(plan(count));
    engine::InferenceResult result;
    result.plan = plan(count);
    result.segmentRows = rows(0, count);
    view.finishInference(result);
}

void moveWithButton(QWidget *w, QPoint pos)
{
    QMouseEvent e(QEvent::MouseMove, pos, w->mapToGlobal(pos), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

int verdictAt(const TagLaneModel *m, const QString &tag, int column)
{
    return m->index(m->rowOfTag(tag), column).data(TagLaneModel::VerdictRole).toInt();
}

} // namespace

class TstLaneEditing : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TrackView> m_view;

    TagLaneView *lane() const { return m_view->tagLaneView(); }
    TagLaneModel *model() const { return m_view->tagLaneModel(); }

private Q_SLOTS:
    void init()
    {
        m_view = std::make_unique<TrackView>();
        m_view->resize(1300, 800);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
        m_view->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_view.get()));
        m_view->setTrack(fakeTrack(taglane::tests::tempDir(QStringLiteral("laneediting-audio")), 40.0));
        runFakeInference(*m_view, 4);
        QCOMPARE(model()->columnCount(), 4);
        QCOMPARE(model()->rowCount(), 4);
        m_view->undoStack()->clear();
    }

    void cleanup() { m_view.reset(); }

    void clickSelectsSeeksThenCycles()
    {
        const int row = model()->rowOfTag(QStringLiteral("Genre-Rock"));
        const QRect cell = lane()->cellRect(row, 2);
        QVERIFY(!cell.isEmpty());
        const QPoint at = cell.center();
        QTest::mouseClick(lane(), Qt::LeftButton, Qt::NoModifier, at);
        QCOMPARE(lane()->currentRow(), row);
        QCOMPARE(lane()->currentColumn(), 2);
        QVERIFY(std::abs(m_view->timeAxis()->cursor() - lane()->timeForX(at.x())) < 1e-6);
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Rock"), 2), int(Verdict::Unknown));   // first click only selects
        QTest::mouseClick(lane(), Qt::LeftButton, Qt::NoModifier, at);
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Rock"), 2), int(Verdict::Present));
        QTest::mouseClick(lane(), Qt::LeftButton, Qt::NoModifier, at);
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Rock"), 2), int(Verdict::Absent));
        QTest::mouseClick(lane(), Qt::LeftButton, Qt::NoModifier, at);
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Rock"), 2), int(Verdict::Unknown));
        QCOMPARE(m_view->undoStack()->count(), 3);
        m_view->undoStack()->undo();
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Rock"), 2), int(Verdict::Absent));
        // The verdict's provenance is the curator, shown in the tooltip text.
        const QString tip = model()->index(row, 2).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("absent")) && tip.contains(QStringLiteral("curator"))
                     && tip.contains(QStringLiteral("Rock")) && tip.contains(QStringLiteral("20.00 - 30.00 s")),
                 qPrintable(tip));
    }

    void dragPaintsOneUndoStep()
    {
        const int row = model()->rowOfTag(QStringLiteral("Emotion-Sad"));
        QTest::mousePress(lane(), Qt::LeftButton, Qt::NoModifier, lane()->cellRect(row, 0).center());
        moveWithButton(lane(), lane()->cellRect(row, 1).center());
        moveWithButton(lane(), lane()->cellRect(row + 1 < model()->rowCount() ? row : row, 2).center());
        moveWithButton(lane(), lane()->cellRect(row, 3).center());
        QTest::mouseRelease(lane(), Qt::LeftButton, Qt::NoModifier, lane()->cellRect(row, 3).center());
        for (int c = 0; c < 4; ++c)
            QCOMPARE(verdictAt(model(), QStringLiteral("Emotion-Sad"), c), int(Verdict::Present));
        QCOMPARE(verdictAt(model(), QStringLiteral("Emotion-Happy"), 1), int(Verdict::Unknown));
        QCOMPARE(m_view->undoStack()->count(), 1);
        m_view->undoStack()->undo();
        for (int c = 0; c < 4; ++c)
            QCOMPARE(verdictAt(model(), QStringLiteral("Emotion-Sad"), c), int(Verdict::Unknown));
        m_view->undoStack()->redo();
        QCOMPARE(verdictAt(model(), QStringLiteral("Emotion-Sad"), 2), int(Verdict::Present));
        // Painting from a present cell paints absent (the next verdict).
        QTest::mousePress(lane(), Qt::LeftButton, Qt::NoModifier, lane()->cellRect(row, 1).center());
        moveWithButton(lane(), lane()->cellRect(row, 2).center());
        QTest::mouseRelease(lane(), Qt::LeftButton, Qt::NoModifier, lane()->cellRect(row, 2).center());
        QCOMPARE(verdictAt(model(), QStringLiteral("Emotion-Sad"), 1), int(Verdict::Absent));
        QCOMPARE(verdictAt(model(), QStringLiteral("Emotion-Sad"), 2), int(Verdict::Absent));
        QCOMPARE(verdictAt(model(), QStringLiteral("Emotion-Sad"), 3), int(Verdict::Present));
        QCOMPARE(m_view->undoStack()->count(), 2);
    }

    void keyboardReview()
    {
        lane()->setFocus();
        QTest::keyClick(lane(), Qt::Key_Down);   // first key: selects the top-left cell
        QCOMPARE(lane()->currentRow(), 0);
        QCOMPARE(lane()->currentColumn(), 0);
        QTest::keyClick(lane(), Qt::Key_Y);
        QCOMPARE(model()->index(0, 0).data(TagLaneModel::VerdictRole).toInt(), int(Verdict::Present));
        QTest::keyClick(lane(), Qt::Key_Right);
        QCOMPARE(lane()->currentColumn(), 1);
        QCOMPARE(m_view->timeAxis()->cursor(), 10.0);   // moving along time seeks to the segment
        QTest::keyClick(lane(), Qt::Key_N);
        QCOMPARE(model()->index(0, 1).data(TagLaneModel::VerdictRole).toInt(), int(Verdict::Absent));
        QTest::keyClick(lane(), Qt::Key_Down);
        QTest::keyClick(lane(), Qt::Key_Y);
        QCOMPARE(model()->index(1, 1).data(TagLaneModel::VerdictRole).toInt(), int(Verdict::Present));
        QTest::keyClick(lane(), Qt::Key_Backspace);
        QCOMPARE(model()->index(1, 1).data(TagLaneModel::VerdictRole).toInt(), int(Verdict::Unknown));
        // Shift+arrows extend the selection; N marks the whole block.
        QTest::keyClick(lane(), Qt::Key_Right, Qt::ShiftModifier);
        QTest::keyClick(lane(), Qt::Key_Down, Qt::ShiftModifier);
        QCOMPARE(lane()->selectedRows().size(), 2);
        QCOMPARE(lane()->selectedColumns().size(), 2);
        QTest::keyClick(lane(), Qt::Key_N);
        for (int r = 1; r <= 2; ++r)
            for (int c = 1; c <= 2; ++c)
                QCOMPARE(model()->index(r, c).data(TagLaneModel::VerdictRole).toInt(), int(Verdict::Absent));
        QCOMPARE(m_view->undoStack()->count(), 5);
        m_view->undoStack()->undo();
        QCOMPARE(model()->index(2, 2).data(TagLaneModel::VerdictRole).toInt(), int(Verdict::Unknown));
        // Arrows stop at the edges.
        for (int i = 0; i < 10; ++i)
            QTest::keyClick(lane(), Qt::Key_Right);
        QCOMPARE(lane()->currentColumn(), 3);
    }

    void boundaryDragIsOneStep()
    {
        engine::TrackDocument *doc = m_view->document();
        const QPoint grab(int(std::lround(lane()->boundaryX(0))), lane()->cellRect(0, 0).center().y());
        const double px = lane()->xForTime(1.0) - lane()->xForTime(0.0);   // pixels per second
        QTest::mousePress(lane(), Qt::LeftButton, Qt::NoModifier, grab);
        moveWithButton(lane(), grab + QPoint(int(px), 0));
        moveWithButton(lane(), grab + QPoint(int(2.5 * px), 0));
        moveWithButton(lane(), grab + QPoint(int(3 * px), 0));
        QTest::mouseRelease(lane(), Qt::LeftButton, Qt::NoModifier, grab + QPoint(int(3 * px), 0));
        QVERIFY2(std::abs(doc->segment(0).end - 13.0) < 0.1, qPrintable(QString::number(doc->segment(0).end)));
        QCOMPARE(doc->segment(1).start, doc->segment(0).end);
        QCOMPARE(m_view->undoStack()->count(), 1);
        m_view->undoStack()->undo();
        QCOMPARE(doc->segment(0).end, 10.0);
        QCOMPARE(doc->segment(1).start, 10.0);
        // Dragging past the next segment stops half a second before its end.
        QTest::mousePress(lane(), Qt::LeftButton, Qt::NoModifier, grab);
        moveWithButton(lane(), grab + QPoint(int(25 * px), 0));
        QTest::mouseRelease(lane(), Qt::LeftButton, Qt::NoModifier, grab + QPoint(int(25 * px), 0));
        QCOMPARE(doc->segment(0).end, 20.0 - engine::TrackDocument::minimumEditedSeconds);
    }

    void splitAndMergeByKeys()
    {
        engine::TrackDocument *doc = m_view->document();
        const int happy = model()->rowOfTag(QStringLiteral("Emotion-Happy"));
        model()->setVerdict(happy, 1, TagLaneModel::Present);
        m_view->timeAxis()->setCursor(14.0);
        m_view->setFocus();
        lane()->setFocus();
        QTest::keyClick(lane(), Qt::Key_S);
        QCOMPARE(doc->segmentCount(), 5);
        QCOMPARE(doc->segment(1).end, 14.0);
        QCOMPARE(doc->segment(2).start, 14.0);
        QCOMPARE(verdictAt(model(), QStringLiteral("Emotion-Happy"), 2), int(Verdict::Present));
        const qint64 newId = doc->segment(2).id;
        // M merges the selected segment with the next.
        lane()->selectCell(0, 2);
        QTest::keyClick(lane(), Qt::Key_M);
        QCOMPARE(doc->segmentCount(), 4);
        QCOMPARE(doc->segment(2).start, 14.0);
        QCOMPARE(doc->segment(2).end, 30.0);
        QCOMPARE(m_view->undoStack()->count(), 2);
        m_view->undoStack()->undo();
        QCOMPARE(doc->segmentCount(), 5);
        QCOMPARE(doc->segment(2).id, newId);
        m_view->undoStack()->undo();
        QCOMPARE(doc->segmentCount(), 4);
        QCOMPARE(doc->segment(1).end, 20.0);
        m_view->undoStack()->redo();
        QCOMPARE(doc->segment(2).id, newId);   // the same id again, so later commands find it
        // Splitting too close to a boundary is refused with a message.
        m_view->timeAxis()->setCursor(14.2);
        QVERIFY(!m_view->splitAtCursor());
        QVERIFY(!m_view->lastStatusMessage().isEmpty());
    }

    void acceptSuggestionsAboveThreshold()
    {
        // Values: tag t of segment s is (t + 1) * 0.2 - s * 0.05 (vocabulary order t).
        m_view->setThreshold(0.6);
        const int sad = model()->rowOfTag(QStringLiteral("Emotion-Sad"));   // t = 1: 0.4, 0.35, ...
        const int jazz = model()->rowOfTag(QStringLiteral("Genre-Jazz"));   // t = 3: 0.8, 0.75, 0.7, 0.65
        model()->setVerdict(jazz, 3, TagLaneModel::Absent);                   // a curator verdict is kept
        QVERIFY(model()->index(jazz, 0).data(TagLaneModel::AboveThresholdRole).toBool());
        QVERIFY(!model()->index(sad, 0).data(TagLaneModel::AboveThresholdRole).toBool());
        m_view->acceptSuggestionsAction()->trigger();
        // Rock (t = 2): 0.6, 0.55, ... -> only segment 0. Jazz: segments 0-2 (3 is the curator's).
        int present = 0;
        for (int r = 0; r < model()->rowCount(); ++r)
            for (int c = 0; c < model()->columnCount(); ++c)
                present += model()->index(r, c).data(TagLaneModel::VerdictRole).toInt() == int(Verdict::Present);
        QCOMPARE(present, 4);
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Jazz"), 3), int(Verdict::Absent));
        QCOMPARE(model()->index(jazz, 0).data(TagLaneModel::VerdictActorRole).toString(), QStringLiteral("fake-v1"));
        QCOMPARE(m_view->undoStack()->count(), 1);
        m_view->undoStack()->undo();
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Jazz"), 0), int(Verdict::Unknown));
        // One segment only.
        QCOMPARE(lane()->acceptSuggestions(1), 1);   // jazz 0.75
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Jazz"), 1), int(Verdict::Present));
    }

    void resegmentKeepsVerdictsAndUndoes()
    {
        QSignalSpy labels(m_view.get(), &TrackView::labelsChanged);
        const int rock = model()->rowOfTag(QStringLiteral("Genre-Rock"));
        lane()->selectCell(rock, 1);
        lane()->setVerdictOnSelection(TagLaneModel::Present);   // 10-20 s
        QVERIFY(labels.count() > 0);
        m_view->setSegmentationSource(engine::SegmentSource::Fixed, 5.0);
        engine::TrackDocument *doc = m_view->document();
        QCOMPARE(doc->segmentCount(), 8);
        QCOMPARE(m_view->segmentationSource(), engine::SegmentSource::Fixed);
        // 10-15 and 15-20 lie inside the present segment; 5-10 and 20-25 do not.
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Rock"), 2), int(Verdict::Present));
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Rock"), 3), int(Verdict::Present));
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Rock"), 1), int(Verdict::Unknown));
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Rock"), 4), int(Verdict::Unknown));
        // Probabilities follow by overlap: 10-15 s carries segment 1's value, (2 + 1) * 0.2 - 0.05.
        QVERIFY(std::abs(doc->probability(2, doc->tagIndex(QStringLiteral("Genre-Rock"))) - 0.55f) < 1e-6f);
        // Model chunks need a chunk grid; the fake plan has none, so nothing changes.
        m_view->setSegmentationSource(engine::SegmentSource::ModelChunks);
        QCOMPARE(doc->segmentCount(), 8);
        QVERIFY(!m_view->lastStatusMessage().isEmpty());
        m_view->undoStack()->undo();
        QCOMPARE(doc->segmentCount(), 4);
        QCOMPARE(verdictAt(model(), QStringLiteral("Genre-Rock"), 1), int(Verdict::Present));
    }

    void noveltySegmentationRunsOffThread()
    {
        // 20 s of a low tone, then 20 s of noise: novelty should put a boundary near 20 s.
        const int rate = 8000;
        std::vector<float> samples(size_t(40 * rate));
        quint32 seed = 1;
        for (size_t i = 0; i < samples.size(); ++i) {
            if (i < size_t(20 * rate)) {
                samples[i] = 0.5f * float(std::sin(2.0 * M_PI * 220.0 * double(i) / rate));
            } else {
                seed = seed * 1664525u + 1013904223u;
                samples[i] = 0.5f * (float(seed >> 8) / float(1 << 24) - 0.5f);
            }
        }
        auto track = fakeTrack(taglane::tests::tempDir(QStringLiteral("laneediting-novelty")), 40.0);
        track->audio.mono = engine::AudioBuffer(std::move(samples), rate);
        track->peaks = engine::PeakPyramid::build(track->audio.mono);
        m_view->setTrack(track);
        runFakeInference(*m_view, 4);
        const QString working = QStringLiteral("Finding segment boundaries by novelty...");
        const QVector<engine::Segment> before = m_view->document()->segments();
        m_view->setSegmentationSource(engine::SegmentSource::Novelty);
        QCOMPARE(m_view->lastStatusMessage(), working);   // returned at once; the work runs on a thread
        QTRY_VERIFY_WITH_TIMEOUT(m_view->lastStatusMessage() != working, 60000);
        QVERIFY2(m_view->segmentationSource() == engine::SegmentSource::Novelty, qPrintable(m_view->lastStatusMessage()));
        engine::TrackDocument *doc = m_view->document();
        bool nearTwenty = false;
        for (int s = 0; s + 1 < doc->segmentCount(); ++s)
            nearTwenty = nearTwenty || std::abs(doc->segment(s).end - 20.0) < 2.0;
        QVERIFY(nearTwenty);
        qInfo("novelty: %d segments, %s", doc->segmentCount(), qPrintable(m_view->lastStatusMessage()));
        QVERIFY(doc->segments() != before);   // fresh ids at least
        QCOMPARE(m_view->undoStack()->count(), 1);
        m_view->undoStack()->undo();
        QCOMPARE(doc->segments(), before);
    }

    void editsPersistAndReopen()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("laneediting-store"));
        const QString storePath = dir + QStringLiteral("/store.db");
        auto track = fakeTrack(dir, 40.0);
        QVector<engine::Segment> segments;
        {
            engine::AnnotationStore store;
            QVERIFY(store.open(storePath).ok());
            store.setVocabulary(engine::Vocabulary::fromNames(tagNames));
            TrackView view;
            view.resize(1200, 700);
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
            view.setStore(&store);
            view.setTrack(track);
            runFakeInference(view, 4);
            auto *m = view.tagLaneModel();
            auto *l = view.tagLaneView();
            l->selectCell(m->rowOfTag(QStringLiteral("Genre-Rock")), 1);
            l->setFocus();
            QTest::keyClick(l, Qt::Key_Y);
            view.timeAxis()->setCursor(25.0);
            QVERIFY(view.splitAtCursor());
            l->selectCell(m->rowOfTag(QStringLiteral("Emotion-Sad")), 3);
            QTest::keyClick(l, Qt::Key_N);
            segments = view.document()->segments();
            QCOMPARE(segments.size(), 5);
            QVERIFY2(view.document()->lastEditSeq() > 0, qPrintable(view.lastStatusMessage()));
            QVERIFY(store.waitForDurable(view.document()->lastEditSeq()));
            QCOMPARE(store.labelGrid(view.document()->trackId())->segmentation.segments(), segments);
        }
        engine::AnnotationStore store;
        QVERIFY(store.open(storePath).ok());
        TrackView view;
        view.setStore(&store);
        view.setTrack(track);
        QCOMPARE(view.document()->segments(), segments);
        auto *m = view.tagLaneModel();
        QCOMPARE(verdictAt(m, QStringLiteral("Genre-Rock"), 1), int(Verdict::Present));
        QCOMPARE(verdictAt(m, QStringLiteral("Emotion-Sad"), 3), int(Verdict::Absent));
        QCOMPARE(verdictAt(m, QStringLiteral("Emotion-Sad"), 2), int(Verdict::Unknown));
        // The model's probabilities came back too: Jazz (t = 3) of segment 0 is 0.8.
        QVERIFY(std::abs(m->index(m->rowOfTag(QStringLiteral("Genre-Jazz")), 0).data(TagLaneModel::ProbabilityRole).toDouble()
                         - 0.8) < 1e-6);
        QCOMPARE(view.document()->currentModelVersion(), QStringLiteral("fake-v1"));
    }
};

QTEST_MAIN(TstLaneEditing)
#include "tst_laneediting.moc"
