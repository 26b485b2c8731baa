// SPDX-License-Identifier: GPL-3.0-or-later
// The waveform draws its RMS envelope inside the peak envelope at every zoom
// (issue 11, item 5): rendered to an image, each column's two bands have the
// extents of the signal's known peak and RMS.
#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/timeline/waveformview.h"

#include "engine/audio/peakpyramid.h"

#include <QImage>
#include <QTest>

#include <cmath>
#include <vector>

using taglane::engine::AudioBuffer;
using taglane::engine::PeakPyramid;
using taglane::widgets::TimeAxis;
using taglane::widgets::WaveformView;
namespace theme = taglane::widgets::theme;

namespace {

constexpr int rate = 8000;
constexpr double seconds = 60.0;

/// 0..30 s: a sine of peak 0.8 (RMS 0.566). 30..60 s: the same peak, but
/// only in short clicks over a quiet sine (RMS about 0.16): one slab today.
AudioBuffer loudThenSparse()
{
    const int n = int(seconds * rate);
    std::vector<float> x(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double phase = 2.0 * M_PI * 200.0 * i / rate;
        if (i < n / 2)
            x[size_t(i)] = float(0.8 * std::sin(phase));
        else
            x[size_t(i)] = i % 100 == 0 ? 0.8f : i % 100 == 50 ? -0.8f : float(0.2 * std::sin(phase));
    }
    return AudioBuffer(std::move(x), rate);
}

double rmsOf(const AudioBuffer &b, qint64 from, qint64 to)
{
    double sum = 0.0;
    for (qint64 i = from; i < to; ++i)
        sum += double(b.data()[i]) * b.data()[i];
    return std::sqrt(sum / double(to - from));
}

struct Extent
{
    int top = -1;
    int bottom = -1;
    int height() const { return top < 0 ? 0 : bottom - top + 1; }
};

/// Rows of column `x` whose colour is one of `colours`.
Extent extentOf(const QImage &image, int x, std::initializer_list<QRgb> colours)
{
    Extent e;
    for (int y = 0; y < image.height(); ++y) {
        const QRgb p = image.pixel(x, y) & 0xffffff;
        bool match = false;
        for (QRgb c : colours)
            match = match || p == (c & 0xffffff);
        if (!match)
            continue;
        if (e.top < 0)
            e.top = y;
        e.bottom = y;
    }
    return e;
}

} // namespace

class TstWaveformView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rmsInsidePeakAtEveryZoom_data()
    {
        QTest::addColumn<double>("start");
        QTest::addColumn<double>("duration");
        QTest::newRow("fit") << 0.0 << seconds;
        QTest::newRow("8x around the change") << 26.0 << 7.5;
        QTest::newRow("one second per 600 px") << 29.5 << 1.0;
    }

    void rmsInsidePeakAtEveryZoom()
    {
        QFETCH(double, start);
        QFETCH(double, duration);
        const AudioBuffer buffer = loudThenSparse();
        TimeAxis axis;
        axis.setTotalDuration(buffer.durationSeconds());
        axis.setVisibleRange(start, duration);
        WaveformView view(&axis);
        view.setGutterWidth(100);
        view.resize(700, 210);
        view.setPeaks(PeakPyramid::build(buffer), rate);
        QImage image(view.size(), QImage::Format_RGB32);
        view.render(&image);

        const QRect plot = view.plotRect();
        const double mid = plot.center().y();
        const double half = plot.height() / 2.0 - 4.0;
        const QRgb peak = theme::waveform().rgb();
        const QRgb rms = theme::waveformRms().rgb();
        int checked = 0, loud = 0, sparse = 0;
        for (int x = plot.left() + 2; x < plot.right() - 2; x += 7) {
            // The column's samples, one column of margin away from the change at 30 s.
            const double t0 = view.timeForX(x), t1 = view.timeForX(x + 1);
            if (std::abs(t0 - 30.0) < 2.0 * (t1 - t0) + 0.02)
                continue;
            const qint64 s0 = qint64(std::floor(t0 * rate)), s1 = std::max(s0 + 1, qint64(std::ceil(t1 * rate)));
            float lo = 1.0f, hi = -1.0f;
            for (qint64 i = s0; i < s1; ++i) {
                lo = std::min(lo, buffer.data()[i]);
                hi = std::max(hi, buffer.data()[i]);
            }
            const double r = rmsOf(buffer, s0, s1);
            const Extent all = extentOf(image, x, {peak, rms});
            const Extent inner = extentOf(image, x, {rms});
            const QString where = QStringLiteral("x %1 (%2 s): peak %3..%4 px, rms %5..%6 px, expected rms %7")
                                      .arg(x).arg(t0).arg(all.top).arg(all.bottom).arg(inner.top).arg(inner.bottom).arg(r);
            // The peak band spans the column's min and max.
            QVERIFY2(std::abs(all.top - (mid - hi * half)) <= 2.0, qPrintable(where));
            QVERIFY2(std::abs(all.bottom - (mid - lo * half)) <= 2.0, qPrintable(where));
            // The RMS band: +-rms around zero, inside the peak band, in its own colour.
            QVERIFY2(inner.height() > 0, qPrintable(where));
            QVERIFY2(inner.top >= all.top && inner.bottom <= all.bottom, qPrintable(where));
            const double rTop = mid - std::min<double>(r, hi) * half;
            const double rBottom = mid - std::max<double>(-r, lo) * half;
            // Pyramid blocks may widen a column by a block: allow 6 % of the half height.
            QVERIFY2(std::abs(inner.top - rTop) <= 0.06 * half + 1.0, qPrintable(where));
            QVERIFY2(std::abs(inner.bottom - rBottom) <= 0.06 * half + 1.0, qPrintable(where));
            ++checked;
            if (t1 - t0 > 0.01) {   // columns of a few periods or more: the two halves differ
                if (t0 < 30.0) {
                    QVERIFY2(std::abs(r - 0.8 / std::sqrt(2.0)) < 0.02, qPrintable(where));
                    ++loud;
                } else {
                    QVERIFY2(r < 0.2 && inner.height() < all.height() / 3, qPrintable(where));
                    ++sparse;
                }
            }
        }
        QVERIFY(checked > 50);
        if (duration >= 7.0)
            QVERIFY(loud > 10 && sparse > 10);
    }
};

QTEST_MAIN(TstWaveformView)
#include "tst_waveformview.moc"
