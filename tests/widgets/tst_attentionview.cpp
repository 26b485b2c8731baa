// SPDX-License-Identifier: GPL-3.0-or-later
// The attention view (issue 13): each head's curve peaks where its weights
// do, at the height weight x frames on the view's scale, on the shared time
// axis; with a focus range the curves outside it are dimmed; invalid traces
// are left out and an empty view says why it is empty.
#include "widgets/timeline/attentionview.h"
#include "widgets/timeline/timeaxis.h"

#include <QImage>
#include <QTest>

using taglane::engine::AttentionTrace;
using taglane::widgets::AttentionView;
using taglane::widgets::TimeAxis;

namespace {

// Two heads over 10 frames of 1 s from `start`: head 0 puts `peak` of its
// weight on frame `a`, head 1 on frame `b`, the rest spread evenly.
AttentionTrace twoHeads(double start, int a, int b, float peak)
{
    AttentionTrace t;
    t.start = start;
    t.frameSeconds = 1.0;
    t.heads = 2;
    t.frames = 10;
    t.weights.assign(20, (1.0f - peak) / 9.0f);
    t.weights[size_t(a)] = peak;
    t.weights[size_t(10 + b)] = peak;
    return t;
}

// The topmost row of column x with exactly this colour; -1 when none.
int topOf(const QImage &image, int x, const QColor &colour, const QRect &plot)
{
    for (int y = plot.top(); y <= plot.bottom(); ++y)
        for (int dx = -1; dx <= 1; ++dx)
            if ((image.pixel(x + dx, y) & 0xffffff) == (colour.rgb() & 0xffffff))
                return y;
    return -1;
}

QImage rendered(AttentionView &view)
{
    QImage image(view.size(), QImage::Format_RGB32);
    view.render(&image);
    return image;
}

} // namespace

class TstAttentionView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void curvesPeakWhereTheWeightsDo();
    void focusDimsTheRest();
    void invalidTracesAreLeftOut();
};

void TstAttentionView::curvesPeakWhereTheWeightsDo()
{
    TimeAxis axis;
    axis.setTotalDuration(20.0);
    axis.setVisibleRange(0.0, 20.0);
    AttentionView view(&axis);
    view.setGutterWidth(100);
    view.resize(900, 160);
    QCOMPARE(view.setTraces({twoHeads(0.0, 2, 7, 0.5f), twoHeads(10.0, 4, 1, 0.5f)}), 2);
    QCOMPARE(view.heads(), 2);
    QCOMPARE(view.scaleTop(), 5.0);          // 0.5 x 10 frames
    const QImage image = rendered(view);
    const QRect plot = view.plotRect();
    const QColor h0 = AttentionView::headColour(0), h1 = AttentionView::headColour(1);
    QVERIFY(h0 != h1);

    auto xAt = [&](double t) { return int(std::lround(view.xForTime(t))); };
    const int peakRow = topOf(image, xAt(2.5), h0, plot);
    QVERIFY2(peakRow >= 0, "head 1's peak is not drawn");
    QVERIFY2(peakRow < plot.top() + plot.height() / 5, qPrintable(QString::number(peakRow)));
    // Head 0 is low where head 1 peaks, and the other way round.
    QVERIFY(topOf(image, xAt(7.5), h1, plot) < plot.top() + plot.height() / 5);
    QVERIFY(topOf(image, xAt(7.5), h0, plot) > plot.bottom() - plot.height() / 4);
    QVERIFY(topOf(image, xAt(2.5), h1, plot) > plot.bottom() - plot.height() / 4);
    // The second trace sits at its own place on the axis.
    QVERIFY(topOf(image, xAt(14.5), h0, plot) < plot.top() + plot.height() / 5);
    QVERIFY(topOf(image, xAt(11.5), h1, plot) < plot.top() + plot.height() / 5);

    // Zoomed in on 10-15 s, head 0's second peak moves with the axis.
    axis.setVisibleRange(10.0, 5.0);
    const QImage zoomed = rendered(view);
    QVERIFY(topOf(zoomed, xAt(14.5), h0, plot) < plot.top() + plot.height() / 5);
    // (at 11.5 s head 1 peaks, so head 0's low line is not under it)
    const int low = topOf(zoomed, xAt(11.5), h0, plot);
    QVERIFY2(low > plot.bottom() - plot.height() / 4, qPrintable(QString::number(low)));
}

void TstAttentionView::focusDimsTheRest()
{
    TimeAxis axis;
    axis.setTotalDuration(20.0);
    axis.setVisibleRange(0.0, 20.0);
    AttentionView view(&axis);
    view.setGutterWidth(100);
    view.resize(900, 160);
    view.setTraces({twoHeads(0.0, 2, 7, 0.5f), twoHeads(10.0, 4, 1, 0.5f)});
    view.setFocusRange(10.0, 20.0);
    const QImage image = rendered(view);
    const QRect plot = view.plotRect();
    const QColor h0 = AttentionView::headColour(0);
    auto xAt = [&](double t) { return int(std::lround(view.xForTime(t))); };
    QCOMPARE(topOf(image, xAt(2.5), h0, plot), -1);                 // dimmed: not the full colour
    QVERIFY(topOf(image, xAt(14.5), h0, plot) >= 0);               // in focus
    view.setFocusRange(0.0, 0.0);
    QVERIFY(topOf(rendered(view), xAt(2.5), h0, plot) >= 0);       // no focus: all in full colour
}

void TstAttentionView::invalidTracesAreLeftOut()
{
    TimeAxis axis;
    axis.setTotalDuration(10.0);
    AttentionView view(&axis);
    AttentionTrace wrongSize = twoHeads(0.0, 1, 2, 0.4f);
    wrongSize.weights.pop_back();
    AttentionTrace noFrames = twoHeads(0.0, 1, 2, 0.4f);
    noFrames.frameSeconds = 0.0;
    QCOMPARE(view.setTraces({wrongSize, noFrames, twoHeads(0.0, 1, 2, 0.4f)}), 1);
    QCOMPARE(view.traces().size(), 1);
    view.clear();
    QCOMPARE(view.heads(), 0);
    QVERIFY(view.traces().isEmpty());
    view.resize(600, 120);
    const QImage image = rendered(view);   // paints the empty-state sentence without failing
    QVERIFY(!image.isNull());
}

QTEST_MAIN(TstAttentionView)
#include "tst_attentionview.moc"
