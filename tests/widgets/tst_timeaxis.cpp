// SPDX-License-Identifier: GPL-3.0-or-later
// TimeAxis arithmetic and the ruler's tick choice, without a track.
#include "widgets/timeline/timeaxis.h"
#include "widgets/timeline/timeruler.h"

#include <QSignalSpy>
#include <QTest>

#include <cmath>

using taglane::widgets::TimeAxis;
using taglane::widgets::TimeRuler;

class TstTimeAxis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fitsOnNewDuration()
    {
        TimeAxis axis;
        QSignalSpy range(&axis, &TimeAxis::visibleRangeChanged);
        axis.setTotalDuration(200.0);
        QCOMPARE(axis.visibleStart(), 0.0);
        QCOMPARE(axis.visibleDuration(), 200.0);
        QCOMPARE(axis.cursor(), 0.0);
        QVERIFY(range.count() >= 1);
    }

    void zoomInOutAroundCentre()
    {
        // The cursor (at 0) is left of the window: the zoom keys keep the centre.
        TimeAxis axis;
        axis.setTotalDuration(120.0);
        axis.setVisibleRange(30.0, 60.0);
        QCOMPARE(axis.cursor(), 0.0);
        QCOMPARE(axis.zoomAnchor(), 60.0);
        axis.zoomIn();
        QVERIFY(qFuzzyCompare(axis.visibleDuration(), 60.0 / TimeAxis::zoomStep));
        QVERIFY(qFuzzyCompare(axis.visibleStart() + axis.visibleDuration() / 2, 60.0));
        axis.zoomIn();
        QVERIFY(qFuzzyCompare(axis.visibleDuration(), 60.0 / (TimeAxis::zoomStep * TimeAxis::zoomStep)));
        QVERIFY(qFuzzyCompare(axis.visibleStart() + axis.visibleDuration() / 2, 60.0));
        axis.zoomOut();
        axis.zoomOut();
        QVERIFY(qFuzzyCompare(axis.visibleDuration(), 60.0));
        QVERIFY(qFuzzyCompare(axis.visibleStart(), 30.0));
        axis.zoomOut();
        axis.zoomOut();   // cannot show more than the track
        QVERIFY(qFuzzyCompare(axis.visibleDuration(), 120.0));
        QCOMPARE(axis.visibleStart(), 0.0);
    }

    void zoomKeysKeepVisibleCursorInPlace()
    {
        // Issue 11, item 12: keyboard zoom centred on the view let the play
        // cursor drop out of sight; it must stay where it is on screen.
        TimeAxis axis;
        axis.setTotalDuration(120.0);
        axis.setCursor(105.0);
        QCOMPARE(axis.zoomAnchor(), 105.0);
        const double x = axis.xForTime(105.0, 1000.0);   // 875 px at fit
        for (int i = 0; i < 6; ++i) {
            axis.zoomIn();
            QVERIFY(axis.cursor() >= axis.visibleStart() && axis.cursor() <= axis.visibleEnd());
            QVERIFY2(std::abs(axis.xForTime(105.0, 1000.0) - x) < 1e-6,
                     qPrintable(QStringLiteral("step %1: cursor at %2 px").arg(i).arg(axis.xForTime(105.0, 1000.0))));
        }
        QVERIFY(axis.visibleDuration() < 120.0 / 10.0);
        axis.zoomOut();
        QVERIFY(std::abs(axis.xForTime(105.0, 1000.0) - x) < 1e-6);
        // A cursor scrolled out of view no longer anchors.
        axis.setVisibleStart(0.0);
        QVERIFY(axis.cursor() > axis.visibleEnd());
        const double centre = axis.visibleStart() + axis.visibleDuration() / 2;
        axis.zoomIn();
        QVERIFY(qFuzzyCompare(axis.visibleStart() + axis.visibleDuration() / 2, centre));
    }

    void zoomAroundKeepsAnchor()
    {
        TimeAxis axis;
        axis.setTotalDuration(100.0);
        axis.setVisibleRange(20.0, 40.0);
        const double anchor = 30.0;   // a quarter into the window
        axis.zoomAround(2.0, anchor);
        QVERIFY(qFuzzyCompare(axis.visibleDuration(), 20.0));
        QVERIFY(qFuzzyCompare(axis.visibleStart(), 25.0));   // 30 stays a quarter in
        QVERIFY(qFuzzyCompare(axis.timeForX(250.0, 1000.0), anchor));
    }

    void clampsToTrackAndMinimum()
    {
        TimeAxis axis;
        axis.setTotalDuration(10.0);
        axis.setMinimumDuration(0.5);
        axis.zoomAround(1000.0, 9.99);
        QVERIFY(qFuzzyCompare(axis.visibleDuration(), 0.5));
        QVERIFY(axis.visibleEnd() <= 10.0 + 1e-9);
        axis.setVisibleStart(-5.0);
        QCOMPARE(axis.visibleStart(), 0.0);
        axis.setVisibleStart(50.0);
        QVERIFY(qFuzzyCompare(axis.visibleStart(), 9.5));
        axis.setCursor(99.0);
        QCOMPARE(axis.cursor(), 10.0);
        axis.setCursor(-1.0);
        QCOMPARE(axis.cursor(), 0.0);
    }

    void pixelMapping()
    {
        TimeAxis axis;
        axis.setTotalDuration(60.0);
        axis.setVisibleRange(10.0, 20.0);
        QCOMPARE(axis.xForTime(10.0, 800.0), 0.0);
        QCOMPARE(axis.xForTime(30.0, 800.0), 800.0);
        QCOMPARE(axis.xForTime(15.0, 800.0), 200.0);
        QCOMPARE(axis.timeForX(400.0, 800.0), 20.0);
    }

    void scrollAndFollowCursor()
    {
        TimeAxis axis;
        axis.setTotalDuration(100.0);
        axis.setVisibleRange(0.0, 10.0);
        axis.scrollByPages(0.5);
        QVERIFY(qFuzzyCompare(axis.visibleStart(), 5.0));
        QSignalSpy cursor(&axis, &TimeAxis::cursorChanged);
        axis.setCursor(42.0);
        QCOMPARE(cursor.count(), 1);
        axis.ensureCursorVisible();
        QVERIFY(axis.visibleStart() <= 42.0 && axis.visibleEnd() >= 42.0);
        const double start = axis.visibleStart();
        axis.setCursor(43.0);
        axis.ensureCursorVisible();   // still inside: no scroll
        QCOMPARE(axis.visibleStart(), start);
    }

    void rulerSteps()
    {
        // 90 px apart at 0.1 s/px needs >= 9 s: the 10 s step.
        QCOMPARE(TimeRuler::tickStep(0.1, 90.0), 10.0);
        QCOMPARE(TimeRuler::tickStep(0.001, 90.0), 0.1);
        QVERIFY(TimeRuler::tickStep(100.0, 90.0) >= 9000.0);
        QCOMPARE(TimeRuler::formatTime(65.0, 1.0), QStringLiteral("1:05"));
        QCOMPARE(TimeRuler::formatTime(65.25, 0.05), QStringLiteral("1:05.25"));
        QCOMPARE(TimeRuler::formatTime(3723.0, 60.0), QStringLiteral("1:02:03"));
    }
};

QTEST_MAIN(TstTimeAxis)
#include "tst_timeaxis.moc"
