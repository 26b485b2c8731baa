// SPDX-License-Identifier: GPL-3.0-or-later
// Boundary handles of the tag lane (issue 11, items 1 and 12, and snapping):
// a press near a boundary of narrow cells (the zoom that fits a track)
// selects a cell instead of grabbing the boundary; a press on a handle that
// moves less than the platform's drag distance is a click; handles are
// drawn only when hovered or at the selection's edges, dashed and not in
// the play cursor's colour; Shift+drag snaps to the strongest novelty peak.
#include "lanefixture.h"
#include "testsupport.h"

#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/track/trackview.h"

#include "engine/curation/trackdocument.h"

#include <QStyleHints>
#include <QTest>
#include <QUndoStack>

#include <cmath>
#include <memory>

using namespace taglane;
using widgets::TagLaneView;
using widgets::TrackView;

namespace {

const QStringList tagNames{QStringLiteral("Emotion-Happy"), QStringLiteral("Emotion-Sad"), QStringLiteral("Genre-Rock"),
                           QStringLiteral("Genre-Jazz")};

float value(int s, int t)
{
    return float(((s * 7 + t * 3) % 10) / 10.0);
}

int colourDistance(QRgb a, QRgb b)
{
    return std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) + std::abs(qBlue(a) - qBlue(b));
}

} // namespace

class TstLaneBoundaries : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TrackView> m_view;
    TagLaneView *lane() const { return m_view->tagLaneView(); }

    /// A shown TrackView with `count` fixed segments of `window` seconds, fitted.
    void open(double window, int count)
    {
        m_view = std::make_unique<TrackView>();
        m_view->resize(1300, 800);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
        m_view->setTrack(tests::silentTrack(tests::tempDir(QStringLiteral("laneboundaries")), window * count));
        tests::fakeInference(*m_view, tests::fakePlan(tagNames, window * count, window, QStringLiteral("fake")), value);
        QCOMPARE(m_view->tagLaneModel()->columnCount(), count);
        m_view->undoStack()->clear();
        lane()->clearSelection();
    }

private Q_SLOTS:
    void cleanup() { m_view.reset(); }

    void clickNearBoundaryOfNarrowCellsSelects()
    {
        // 3.6 minutes in 3 s segments at Fit: cells of about 14 px. A press 2 px
        // from a boundary used to grab it; now it selects the cell under it.
        open(3.0, 72);
        const double cell = lane()->boundaryX(1) - lane()->boundaryX(0);
        QVERIFY2(cell > 8.0 && cell < 40.0, qPrintable(QString::number(cell)));
        const int y = lane()->cellRect(1, 20).center().y();
        const QPoint at(int(std::lround(lane()->boundaryX(20))) + 2, y);
        QTest::mousePress(lane(), Qt::LeftButton, Qt::NoModifier, at);
        tests::moveWithButton(lane(), at + QPoint(3, 0));
        QTest::mouseRelease(lane(), Qt::LeftButton, Qt::NoModifier, at + QPoint(3, 0));
        QVERIFY(lane()->hasSelection());
        QCOMPARE(lane()->currentColumn(), 21);
        QCOMPARE(lane()->currentRow(), 1);
        QCOMPARE(m_view->undoStack()->count(), 0);
        QCOMPARE(m_view->document()->segment(20).end, 63.0);
    }

    void pressOnHandleWithinDragDistanceIsAClick()
    {
        // Wide cells (about 270 px): the boundary has a handle, but a press that
        // moves less than the drag distance moves nothing and selects the cell.
        open(10.0, 4);
        const int distance = QGuiApplication::styleHints()->startDragDistance();
        QVERIFY(distance >= 4);
        const QPoint grab(int(std::lround(lane()->boundaryX(0))), lane()->cellRect(0, 0).center().y());
        QTest::mousePress(lane(), Qt::LeftButton, Qt::NoModifier, grab);
        tests::moveWithButton(lane(), grab + QPoint(distance / 2, 0));
        QTest::mouseRelease(lane(), Qt::LeftButton, Qt::NoModifier, grab + QPoint(distance / 2, 0));
        QCOMPARE(m_view->undoStack()->count(), 0);
        QCOMPARE(m_view->document()->segment(0).end, 10.0);
        QVERIFY(lane()->hasSelection());
        // Past the drag distance the same press moves the boundary (one undo step).
        QTest::mousePress(lane(), Qt::LeftButton, Qt::NoModifier, grab);
        tests::moveWithButton(lane(), grab + QPoint(distance + 30, 0));
        QTest::mouseRelease(lane(), Qt::LeftButton, Qt::NoModifier, grab + QPoint(distance + 30, 0));
        QCOMPARE(m_view->undoStack()->count(), 1);
        QVERIFY(m_view->document()->segment(0).end > 10.5);
    }

    void handlesOnlyWhereVisibleAndNotLikeTheCursor()
    {
        open(10.0, 4);
        const int x = int(std::lround(lane()->boundaryX(1)));
        const QRect cell = lane()->cellRect(2, 1);
        // Nothing hovered, nothing selected: no handle, nothing to grab from afar.
        QVERIFY(!lane()->handleVisible(1));
        tests::hover(lane(), QPoint(x + 1, cell.center().y()));
        QCOMPARE(lane()->hoveredBoundary(), 1);
        QVERIFY(lane()->handleVisible(1));
        const QImage image = lane()->grab().toImage();
        // The hover line: in the handle colour, dashed, never the play cursor's yellow.
        const QRgb handle = TagLaneView::handleColor().rgb();
        const QRgb cursor = widgets::theme::cursor().rgb();
        int handlePixels = 0;
        int otherPixels = 0;
        for (int y = cell.top(); y < lane()->height(); ++y) {
            const QRgb c = image.pixel(x, y);
            QVERIFY2(colourDistance(c, cursor) > 60, qPrintable(QStringLiteral("cursor-coloured at y %1").arg(y)));
            if (colourDistance(c, handle) < 40)
                ++handlePixels;
            else
                ++otherPixels;
        }
        QVERIFY2(handlePixels > 20, qPrintable(QString::number(handlePixels)));
        QVERIFY2(otherPixels > 20, qPrintable(QString::number(otherPixels)));   // dashed
        // Moving away hides it again; selecting a segment shows both of its handles.
        tests::hover(lane(), cell.center());
        QCOMPARE(lane()->hoveredBoundary(), -1);
        QVERIFY(!lane()->handleVisible(1));
        lane()->selectCell(0, 1);
        QVERIFY(lane()->handleVisible(0));
        QVERIFY(lane()->handleVisible(1));
        QVERIFY(!lane()->handleVisible(2));
        // Narrow cells (at Fit on a long track) never get handles.
        open(3.0, 72);
        const int nx = int(std::lround(lane()->boundaryX(10)));
        tests::hover(lane(), QPoint(nx, lane()->cellRect(0, 10).center().y()));
        QCOMPARE(lane()->hoveredBoundary(), -1);
        lane()->selectCell(0, 10);
        QVERIFY(!lane()->handleVisible(10));
    }

    void shiftDragSnapsToNoveltyPeak()
    {
        open(10.0, 4);
        // A novelty curve at 10 ms with a small peak at 11.5 s and a strong one at 12.34 s.
        engine::NoveltyCurve curve;
        curve.frameSeconds = 0.01;
        curve.values.assign(4000, 0.05f);
        curve.values[1150] = 0.4f;
        curve.values[1234] = 0.9f;
        lane()->setNoveltyCurve(curve);
        const QPoint grab(int(std::lround(lane()->boundaryX(0))), lane()->cellRect(0, 0).center().y());
        const QPoint to(int(std::lround(lane()->xForTime(12.1))), grab.y());
        QTest::mousePress(lane(), Qt::LeftButton, Qt::NoModifier, grab);
        tests::moveWithButton(lane(), grab + QPoint(20, 0), Qt::ShiftModifier);
        tests::moveWithButton(lane(), to, Qt::ShiftModifier);
        QTest::mouseRelease(lane(), Qt::LeftButton, Qt::ShiftModifier, to);
        QVERIFY2(std::abs(m_view->document()->segment(0).end - 12.34) < 1e-9,
                 qPrintable(QString::number(m_view->document()->segment(0).end, 'f', 4)));
        m_view->undoStack()->undo();
        // Without Shift the boundary goes where the mouse is.
        QTest::mousePress(lane(), Qt::LeftButton, Qt::NoModifier, grab);
        tests::moveWithButton(lane(), grab + QPoint(20, 0));
        tests::moveWithButton(lane(), to);
        QTest::mouseRelease(lane(), Qt::LeftButton, Qt::NoModifier, to);
        const double end = m_view->document()->segment(0).end;
        QVERIFY2(std::abs(end - 12.1) < 0.1 && std::abs(end - 12.34) > 0.1, qPrintable(QString::number(end)));
    }
};

QTEST_MAIN(TstLaneBoundaries)
#include "tst_laneboundaries.moc"
