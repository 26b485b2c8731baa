// SPDX-License-Identifier: GPL-3.0-or-later
// The track view's timeline wiring (issue 11): the overview strip scrolls the
// shared time axis and the scrollbar, the zoom keys zoom around a visible
// play cursor, and P plays exactly the segment under the cursor.
#include "widgets/lane/taglanemodel.h"
#include "widgets/playback/playbackcontroller.h"
#include "widgets/playback/segmentplayback.h"
#include "widgets/timeline/overviewstrip.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/timeline/waveformview.h"
#include "widgets/track/trackview.h"

#include "engine/audio/peakpyramid.h"

#include <QAction>
#include <QMouseEvent>
#include <QScrollBar>
#include <QTest>

#include <cmath>
#include <memory>
#include <vector>

using namespace taglane;
using widgets::TimeAxis;
using widgets::TrackView;

class TstTrackViewTimeline : public QObject
{
    Q_OBJECT

    std::unique_ptr<TrackView> m_view;

private Q_SLOTS:
    void initTestCase()
    {
        m_view = std::make_unique<TrackView>();
        m_view->resize(1200, 800);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
        m_view->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_view.get()));
        const int rate = 8000;
        const double seconds = 300.0;
        auto track = std::make_shared<widgets::LoadedTrack>();
        std::vector<float> x(static_cast<size_t>(seconds * rate));
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = float(0.5 * std::sin(2.0 * M_PI * 330.0 * double(i) / rate));
        track->audio.mono = engine::AudioBuffer(std::move(x), rate);
        track->audio.info.path = QStringLiteral("five-minutes.wav");
        track->audio.info.sampleRate = rate;
        track->audio.info.channels = 1;
        track->audio.info.frames = qint64(seconds * rate);
        track->peaks = engine::PeakPyramid::build(track->audio.mono);
        m_view->setTrack(track);
        QCOMPARE(m_view->timeAxis()->totalDuration(), seconds);
    }

    void cleanupTestCase() { m_view.reset(); }

    void overviewDragScrollsTheViews()
    {
        widgets::OverviewStrip *strip = m_view->overviewStrip();
        QVERIFY(strip);
        QVERIFY(strip->isVisible());
        QCOMPARE(strip->plotRect().left(), m_view->waveformView()->plotRect().left());   // aligned with the views
        TimeAxis *axis = m_view->timeAxis();
        axis->setVisibleRange(0.0, 30.0);
        const QPoint grab = strip->visibleRect().center().toPoint();
        const double secondsPerPixel = axis->totalDuration() / strip->plotRect().width();
        QTest::mousePress(strip, Qt::LeftButton, Qt::NoModifier, grab);
        QMouseEvent move(QEvent::MouseMove, QPointF(grab.x() + 200, grab.y()), strip->mapToGlobal(QPointF(grab.x() + 200, grab.y())),
                         Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(strip, &move);
        QTest::mouseRelease(strip, Qt::LeftButton, Qt::NoModifier, QPoint(grab.x() + 200, grab.y()));
        QVERIFY2(std::abs(axis->visibleStart() - 200 * secondsPerPixel) < 2 * secondsPerPixel,
                 qPrintable(QString::number(axis->visibleStart())));
        QCOMPARE(axis->visibleDuration(), 30.0);
        // The other views and the scrollbar follow the shared axis.
        QCOMPARE(m_view->horizontalScrollBar()->value(), int(std::lround(axis->visibleStart() * 1000)));
        axis->fit();
    }

    void zoomKeysKeepTheCursorInPlace()
    {
        TimeAxis *axis = m_view->timeAxis();
        axis->fit();
        m_view->playback()->seek(250.0);
        QCOMPARE(axis->cursor(), 250.0);
        auto *wave = m_view->waveformView();
        const double x = wave->xForTime(250.0);
        m_view->waveformView()->setFocus();
        QTest::keyClick(m_view->waveformView(), Qt::Key_Plus);
        QVERIFY(axis->visibleDuration() < 300.0);
        QTest::keyClick(m_view->waveformView(), Qt::Key_Plus);
        QTest::keyClick(m_view->waveformView(), Qt::Key_Equal);
        QVERIFY(axis->visibleDuration() < 300.0 / 3.0);
        QVERIFY2(std::abs(wave->xForTime(250.0) - x) < 1e-6,
                 qPrintable(QStringLiteral("cursor moved from %1 to %2 px").arg(x).arg(wave->xForTime(250.0))));
        QTest::keyClick(m_view->waveformView(), Qt::Key_Minus);
        QVERIFY(std::abs(wave->xForTime(250.0) - x) < 1e-6);
        axis->fit();
    }

    void playSelectionKeyPlaysTheSegmentUnderTheCursor()
    {
        widgets::TagLaneModel *model = m_view->tagLaneModel();
        model->setSegments({{0.0, 100.0}, {100.0, 220.0}, {220.0, 300.0}});
        QCOMPARE(model->columnCount(), 3);
        m_view->playback()->seek(150.0);
        m_view->waveformView()->setFocus();
        QTest::keyClick(m_view->waveformView(), Qt::Key_P);
        widgets::PlaybackController *playback = m_view->playback();
        QVERIFY(playback->hasRange());
        QCOMPARE(playback->rangeStart(), 100.0);
        QCOMPARE(playback->rangeEnd(), 220.0);
        QCOMPARE(m_view->timeAxis()->cursor(), 100.0);
        playback->stop();
    }

    void trackViewShortcutsAreDistinct()
    {
        QHash<QString, QString> owner;
        for (QAction *a : m_view->actions())
            for (const QKeySequence &k : a->shortcuts()) {
                const QString key = k.toString();
                QVERIFY2(!owner.contains(key) || owner.value(key) == a->text(),
                         qPrintable(QStringLiteral("%1: %2 and %3").arg(key, owner.value(key), a->text())));
                owner.insert(key, a->text());
            }
        QVERIFY(owner.contains(QStringLiteral("P")) && owner.contains(QStringLiteral("Shift+P"))
                && owner.contains(QStringLiteral("L")));
    }
};

QTEST_MAIN(TstTrackViewTimeline)
#include "tst_trackviewtimeline.moc"
