// SPDX-License-Identifier: GPL-3.0-or-later
// Playing exactly the selected segment (P, loop with L) and the next segment
// under review (Shift+P): the range handed to the playback controller, the
// selection and the controller's state (the sound card may be missing).
#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/playback/playbackcontroller.h"
#include "widgets/playback/segmentplayback.h"
#include "widgets/timeline/timeaxis.h"

#include "engine/audio/audiobuffer.h"
#include "engine/model/vocabulary.h"

#include <QAction>
#include <QAudioDevice>
#include <QMediaDevices>
#include <QSignalSpy>
#include <QTest>

#include <vector>

using taglane::engine::AudioBuffer;
using taglane::engine::Vocabulary;
using taglane::widgets::PlaybackController;
using taglane::widgets::SegmentPlayback;
using taglane::widgets::TagLaneModel;
using taglane::widgets::TagLaneView;
using taglane::widgets::TimeAxis;

class TstSegmentPlayback : public QObject
{
    Q_OBJECT

    TimeAxis *m_axis = nullptr;
    TagLaneModel *m_model = nullptr;
    TagLaneView *m_lane = nullptr;
    PlaybackController *m_playback = nullptr;
    SegmentPlayback *m_segments = nullptr;
    int m_rock = -1, m_jazz = -1;

private Q_SLOTS:
    void init()
    {
        // Five 10 s segments over two tags, threshold 0.5:
        //   segment 0: rock 0.9 (present already), jazz 0.2
        //   segment 1: rock 0.3, jazz 0.4          nothing to review
        //   segment 2: rock 0.6 (no verdict)       under review
        //   segment 3: jazz 0.8 (absent already)
        //   segment 4: jazz 0.7 (no verdict)       under review
        m_axis = new TimeAxis(this);
        m_axis->setTotalDuration(50.0);
        m_model = new TagLaneModel(this);
        m_model->setVocabulary(Vocabulary::fromNames({QStringLiteral("Genre-Rock"), QStringLiteral("Genre-Jazz")}));
        m_model->setSegments({{0, 10}, {10, 20}, {20, 30}, {30, 40}, {40, 50}});
        m_model->setThreshold(0.5);
        m_rock = m_model->rowOfTag(QStringLiteral("Genre-Rock"));
        m_jazz = m_model->rowOfTag(QStringLiteral("Genre-Jazz"));
        m_model->setProbability(m_rock, 0, 0.9);
        m_model->setVerdict(m_rock, 0, TagLaneModel::Present);
        m_model->setProbability(m_jazz, 0, 0.2);
        m_model->setProbability(m_rock, 1, 0.3);
        m_model->setProbability(m_jazz, 1, 0.4);
        m_model->setProbability(m_rock, 2, 0.6);
        m_model->setProbability(m_jazz, 3, 0.8);
        m_model->setVerdict(m_jazz, 3, TagLaneModel::Absent);
        m_model->setProbability(m_jazz, 4, 0.7);
        m_lane = new TagLaneView(m_axis);
        m_lane->setModel(m_model);
        m_lane->resize(800, 200);
        m_playback = new PlaybackController(this);
        m_playback->setBuffer(AudioBuffer(std::vector<float>(8000 * 50, 0.0f), 8000));
        m_segments = new SegmentPlayback(m_playback, m_lane, m_axis, this);
    }

    void cleanup()
    {
        delete m_segments;
        delete m_playback;
        delete m_lane;
        delete m_model;
        delete m_axis;
    }

    void nextUnderReviewSkipsCuratedAndWeakCells()
    {
        int row = -1;
        QCOMPARE(SegmentPlayback::nextUnderReview(*m_model, 0.5, -1, &row), 2);
        QCOMPARE(row, m_rock);
        QCOMPARE(SegmentPlayback::nextUnderReview(*m_model, 0.5, 2, &row), 4);
        QCOMPARE(row, m_jazz);
        QCOMPARE(SegmentPlayback::nextUnderReview(*m_model, 0.5, 4), -1);
        // A lower threshold makes segment 1 a suggestion too.
        QCOMPARE(SegmentPlayback::nextUnderReview(*m_model, 0.35, 0), 1);
        // A verdict takes a segment off the list.
        m_model->setVerdict(m_rock, 2, TagLaneModel::Absent);
        QCOMPARE(SegmentPlayback::nextUnderReview(*m_model, 0.5, -1), 4);
    }

    void playSelectionPlaysExactlyTheSegment()
    {
        m_lane->selectCell(m_jazz, 1);
        QVERIFY(m_segments->playSelection());
        QVERIFY(m_playback->hasRange());
        QCOMPARE(m_playback->rangeStart(), 10.0);
        QCOMPARE(m_playback->rangeEnd(), 20.0);
        QCOMPARE(m_playback->position(), 10.0);
        QVERIFY(!m_playback->isLooping());

        // Several segments: their whole span; looping when L is on.
        m_lane->selectCell(m_rock, 3, true);
        m_segments->loopAction()->setChecked(true);
        m_segments->playSelectionAction()->trigger();
        QCOMPARE(m_playback->rangeStart(), 10.0);
        QCOMPARE(m_playback->rangeEnd(), 40.0);
        QVERIFY(m_playback->isLooping());
        m_segments->loopAction()->setChecked(false);
        QVERIFY(!m_playback->isLooping());

        // No selection: the segment under the cursor.
        m_playback->stop();
        m_lane->clearSelection();
        m_axis->setCursor(44.0);
        QVERIFY(m_segments->playSelection());
        QCOMPARE(m_playback->rangeStart(), 40.0);
        QCOMPARE(m_playback->rangeEnd(), 50.0);
        if (QMediaDevices::audioOutputs().isEmpty())
            QCOMPARE(m_playback->state(), PlaybackController::State::Stopped);
    }

    void playNextForReviewSelectsAndPlaysIt()
    {
        m_axis->setVisibleRange(0.0, 15.0);
        m_lane->selectCell(m_rock, 0);
        QVERIFY(m_segments->playNextForReview());
        QCOMPARE(m_lane->currentColumn(), 2);
        QCOMPARE(m_lane->currentRow(), m_rock);
        QCOMPARE(m_playback->rangeStart(), 20.0);
        QCOMPARE(m_playback->rangeEnd(), 30.0);
        QVERIFY(m_axis->visibleStart() <= 20.0 && m_axis->visibleEnd() >= 30.0);   // scrolled into view

        // The next press goes on from the selected segment.
        m_segments->playNextForReviewAction()->trigger();
        QCOMPARE(m_lane->currentColumn(), 4);
        QCOMPARE(m_lane->currentRow(), m_jazz);
        QCOMPARE(m_playback->rangeStart(), 40.0);

        // Nothing left: a message, the playback range unchanged.
        QSignalSpy message(m_segments, &SegmentPlayback::message);
        QVERIFY(!m_segments->playNextForReview());
        QCOMPARE(message.count(), 1);
        QCOMPARE(m_lane->currentColumn(), 4);
    }

    void shortcutsAreDistinct()
    {
        QSet<QString> seen;
        for (QAction *a : m_segments->actions()) {
            QVERIFY(!a->shortcut().isEmpty());
            const QString key = a->shortcut().toString();
            QVERIFY2(!seen.contains(key), qPrintable(key));
            seen.insert(key);
        }
    }
};

QTEST_MAIN(TstSegmentPlayback)
#include "tst_segmentplayback.moc"
