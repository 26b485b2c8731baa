// SPDX-License-Identifier: GPL-3.0-or-later
// The overview strip: the whole track with the views' window marked; dragging
// the mark scrolls the shared time axis, a click elsewhere centres the window
// there, and the lane summary is each pixel column's strongest probability.
#include "widgets/lane/taglanemodel.h"
#include "widgets/timeline/overviewstrip.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/timeline/waveformview.h"

#include "engine/audio/peakpyramid.h"
#include "engine/model/vocabulary.h"

#include <QImage>
#include <QMouseEvent>
#include <QTest>

#include <cmath>
#include <vector>

using taglane::engine::AudioBuffer;
using taglane::engine::PeakPyramid;
using taglane::engine::Vocabulary;
using taglane::widgets::OverviewStrip;
using taglane::widgets::TagLaneModel;
using taglane::widgets::TimeAxis;
using taglane::widgets::WaveformView;

namespace {

void moveWithButton(QWidget *w, QPointF pos)
{
    QMouseEvent e(QEvent::MouseMove, pos, w->mapToGlobal(pos), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

} // namespace

class TstOverviewStrip : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void draggingTheWindowScrollsTheAxis()
    {
        TimeAxis axis;
        axis.setTotalDuration(600.0);
        axis.setVisibleRange(0.0, 60.0);
        OverviewStrip strip(&axis);
        strip.setGutterWidth(100);
        strip.resize(700, 46);   // 600 px for 600 s: one second per pixel
        strip.show();
        QVERIFY(QTest::qWaitForWindowExposed(&strip));

        QRectF marked = strip.visibleRect();
        QVERIFY(std::abs(marked.left() - 100.0) < 1e-6);
        QVERIFY(std::abs(marked.width() - 60.0) < 1e-6);

        // Grab the mark at its middle and drag 120 px right: 120 s later.
        const QPoint grab = marked.center().toPoint();
        QTest::mousePress(&strip, Qt::LeftButton, Qt::NoModifier, grab);
        moveWithButton(&strip, QPointF(grab.x() + 60, grab.y()));
        QVERIFY(std::abs(axis.visibleStart() - 60.0) < 1.0);
        moveWithButton(&strip, QPointF(grab.x() + 120, grab.y()));
        QTest::mouseRelease(&strip, Qt::LeftButton, Qt::NoModifier, QPoint(grab.x() + 120, grab.y()));
        QVERIFY2(std::abs(axis.visibleStart() - 120.0) < 1.0, qPrintable(QString::number(axis.visibleStart())));
        QCOMPARE(axis.visibleDuration(), 60.0);   // scrolls, never zooms
        marked = strip.visibleRect();
        QVERIFY(std::abs(marked.left() - 220.0) < 1.0);

        // Dragging past the end stops at the end.
        QTest::mousePress(&strip, Qt::LeftButton, Qt::NoModifier, marked.center().toPoint());
        moveWithButton(&strip, QPointF(690, 20));
        QTest::mouseRelease(&strip, Qt::LeftButton, Qt::NoModifier, QPoint(690, 20));
        QVERIFY(std::abs(axis.visibleStart() - 540.0) < 1e-6);

        // A click outside the mark centres the window there.
        QTest::mouseClick(&strip, Qt::LeftButton, Qt::NoModifier, QPoint(100 + 300, 20));
        QVERIFY2(std::abs(axis.visibleStart() + axis.visibleDuration() / 2 - 300.0) < 1.5,
                 qPrintable(QString::number(axis.visibleStart())));
        // The gutter does nothing.
        const double start = axis.visibleStart();
        QTest::mouseClick(&strip, Qt::LeftButton, Qt::NoModifier, QPoint(40, 20));
        QCOMPARE(axis.visibleStart(), start);

        // The mark follows the axis however it moves.
        axis.setVisibleRange(10.0, 5.0);
        marked = strip.visibleRect();
        QVERIFY(std::abs(marked.left() - 110.0) < 1e-6);
    }

    void laneSummaryIsStrongestProbability()
    {
        TimeAxis axis;
        axis.setTotalDuration(40.0);
        TagLaneModel model;
        model.setVocabulary(Vocabulary::fromNames({QStringLiteral("Genre-Rock"), QStringLiteral("Genre-Jazz")}));
        model.setSegments({{0.0, 10.0}, {10.0, 20.0}, {20.0, 30.0}, {30.0, 40.0}});
        const int rock = model.rowOfTag(QStringLiteral("Genre-Rock"));
        const int jazz = model.rowOfTag(QStringLiteral("Genre-Jazz"));
        model.setProbability(rock, 0, 0.2);
        model.setProbability(jazz, 0, 0.7);
        model.setProbability(rock, 1, 0.9);
        model.setProbability(jazz, 2, 0.1);   // segment 3 has no probability
        OverviewStrip strip(&axis);
        strip.setGutterWidth(0);
        strip.resize(400, 46);   // 10 px per second
        strip.setLaneModel(&model);
        const QVector<double> &lane = strip.laneSummary();
        QCOMPARE(lane.size(), 400);
        // (probabilities are stored as floats)
        QVERIFY(std::abs(lane[50] - 0.7) < 1e-6);
        QVERIFY(std::abs(lane[150] - 0.9) < 1e-6);
        QVERIFY(std::abs(lane[250] - 0.1) < 1e-6);
        QCOMPARE(lane[350], -1.0);
        // Edits show up (after the summary's short throttle).
        model.setProbability(rock, 3, 0.55);
        QTRY_VERIFY(std::abs(strip.laneSummary()[350] - 0.55) < 1e-6);
    }

    void drawsTheWholeTrackWaveform()
    {
        // A quiet first half, a loud second half: the strip shows both at any zoom of the views.
        const int rate = 8000;
        std::vector<float> x(static_cast<size_t>(rate * 20));
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = float((i < x.size() / 2 ? 0.1 : 0.9) * std::sin(2.0 * M_PI * 220.0 * double(i) / rate));
        TimeAxis axis;
        const AudioBuffer buffer(std::move(x), rate);
        axis.setTotalDuration(buffer.durationSeconds());
        WaveformView waveform(&axis);
        waveform.setPeaks(PeakPyramid::build(buffer), rate);
        OverviewStrip strip(&axis);
        strip.setGutterWidth(0);
        strip.resize(400, 60);
        strip.setWaveformSource(&waveform);
        axis.setVisibleRange(2.0, 1.0);   // the views show one quiet second
        QImage image(strip.size(), QImage::Format_RGB32);
        strip.render(&image);
        auto inked = [&](int col) {
            int n = 0;
            for (int y = 0; y < image.height() - 14; ++y)
                n += QColor(image.pixel(col, y)).lightness() > 45;
            return n;
        };
        QVERIFY2(inked(300) > 3 * inked(100), qPrintable(QStringLiteral("%1 vs %2").arg(inked(300)).arg(inked(100))));
        QVERIFY(inked(100) > 0);
    }
};

QTEST_MAIN(TstOverviewStrip)
#include "tst_overviewstrip.moc"
