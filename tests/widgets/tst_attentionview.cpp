// SPDX-License-Identifier: GPL-3.0-or-later
// AttentionView: the attention curves of a cnn-sam model drawn on the
// track's time axis, one colour per head, where the weights are.
#include "widgets/lane/attentionview.h"
#include "widgets/timeline/timeaxis.h"

#include <QImage>
#include <QTest>

#include <cmath>

using taglane::engine::AttentionWindow;
using taglane::widgets::AttentionView;
using taglane::widgets::TimeAxis;

namespace {

/// One window [1, 4) s, 12 Mel steps: head 0 peaks at step 3, head 1 is uniform;
/// waveform steps: head 0 peaks at the last step.
AttentionWindow window()
{
    AttentionWindow w;
    w.start = 1.0;
    w.end = 4.0;
    w.heads = 2;
    for (int t = 0; t < 12; ++t)
        w.melTimes.push_back(1.0 + 0.25 * t + 0.125);
    for (int t = 0; t < 12; ++t)
        w.mel.push_back(t == 3 ? 0.67f : 0.03f);
    for (int t = 0; t < 12; ++t)
        w.mel.push_back(1.0f / 12);
    for (int t = 0; t < 24; ++t)
        w.waveTimes.push_back(1.0 + 0.125 * t + 0.0625);
    for (int h = 0; h < 2; ++h)
        for (int t = 0; t < 24; ++t)
            w.wave.push_back(h == 0 ? (t == 23 ? 0.54f : 0.02f) : 1.0f / 24);
    return w;
}

/// Whether a pixel near (x, y) has about the colour c.
bool near(const QImage &img, double x, double y, const QColor &c, int radius = 3)
{
    for (int dx = -radius; dx <= radius; ++dx)
        for (int dy = -radius; dy <= radius; ++dy) {
            const int px = int(std::lround(x)) + dx, py = int(std::lround(y)) + dy;
            if (px < 0 || py < 0 || px >= img.width() || py >= img.height())
                continue;
            const QColor p = img.pixelColor(px, py);
            if (std::abs(p.red() - c.red()) + std::abs(p.green() - c.green()) + std::abs(p.blue() - c.blue()) < 60)
                return true;
        }
    return false;
}

int countColor(const QImage &img, const QColor &c)
{
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor p = img.pixelColor(x, y);
            n += std::abs(p.red() - c.red()) + std::abs(p.green() - c.green()) + std::abs(p.blue() - c.blue()) < 30;
        }
    return n;
}

} // namespace

class TstAttentionView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void drawsEachHeadWhereItsWeightIs()
    {
        TimeAxis axis;
        axis.setTotalDuration(10.0);
        AttentionView view(&axis);
        view.resize(500, 88);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(!view.hasWindows());
        view.setWindows({window()});
        QVERIFY(view.hasWindows());
        QVERIFY(view.headColor(0) != view.headColor(1));
        const QImage img = view.grab().toImage();
        if (qEnvironmentVariableIsSet("TAGLANE_SAVE_SHOTS"))  // a picture to look at
            img.save(qEnvironmentVariable("TAGLANE_SAVE_SHOTS") + QStringLiteral("/attentionview.png"));
        const double plotHeight = view.height() - 8, bottom = 4 + plotHeight;
        // Head 0's peak (step 3, 1.875 s) reaches the top; head 1 stays low everywhere.
        const double xPeak = axis.xForTime(1.875, view.width());
        QVERIFY(near(img, xPeak, bottom - plotHeight, AttentionView::headColor(0)));
        QCOMPARE(view.curveHeightAt(0, 1.875), plotHeight);
        const double uniform = (1.0 / 12) / 0.67 * plotHeight;
        QVERIFY(std::abs(view.curveHeightAt(1, 3.0) - uniform) < 1e-3);
        QVERIFY(near(img, axis.xForTime(3.0, view.width()), bottom - uniform, AttentionView::headColor(1)));
        QVERIFY(!near(img, axis.xForTime(3.0, view.width()), bottom - plotHeight, AttentionView::headColor(1), 2));
        // Nothing outside the window.
        QCOMPARE(view.curveHeightAt(0, 6.0), -1.0);
        QVERIFY(countColor(img.copy(int(axis.xForTime(5.0, view.width())), 0, 100, img.height()), AttentionView::headColor(0)) == 0);
    }

    void followsTheAxisAndTheBranch()
    {
        TimeAxis axis;
        axis.setTotalDuration(10.0);
        AttentionView view(&axis);
        view.resize(500, 88);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setWindows({window()});
        const double top = 4;
        // Zoomed to [1, 3): the peak moves right with the axis.
        axis.setVisibleRange(1.0, 2.0);
        QImage img = view.grab().toImage();
        QVERIFY(near(img, axis.xForTime(1.875, view.width()), top, AttentionView::headColor(0)));
        QVERIFY(axis.xForTime(1.875, view.width()) > 150);
        // The waveform branch: head 0 peaks at its last step (3.9375 s), not at 1.875 s.
        axis.setVisibleRange(0.0, 10.0);
        view.setBranch(AttentionView::Branch::Waveform);
        QVERIFY(view.curveHeightAt(0, 3.9375) > view.curveHeightAt(0, 1.875) * 10);
        img = view.grab().toImage();
        QVERIFY(near(img, axis.xForTime(3.9375, view.width()), top, AttentionView::headColor(0)));
        QVERIFY(!near(img, axis.xForTime(1.875, view.width()), top, AttentionView::headColor(0), 2));
        view.clear();
        img = view.grab().toImage();
        QCOMPARE(countColor(img, AttentionView::headColor(0)), 0);
        QCOMPARE(view.curveHeightAt(0, 2.0), -1.0);
    }
};

QTEST_MAIN(TstAttentionView)
#include "tst_attentionview.moc"
