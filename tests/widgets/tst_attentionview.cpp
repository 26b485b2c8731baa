// SPDX-License-Identifier: GPL-3.0-or-later
// AttentionView: the attention curves of a cnn-sam model drawn on the
// track's time axis, one colour per head, where the weights are.
#include "widgets/lane/attentioncontroller.h"
#include "widgets/lane/attentionview.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/timeline/timeaxis.h"

#include "engine/train/trainablearchitecture.h"
#include "engine/train/trainer.h"

#include "lanefixture.h"
#include "testsupport.h"

#include <QImage>
#include <QSignalSpy>
#include <QTest>

#include <random>

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

    /// In the track view: a cnn-sam model, a selected segment, and the
    /// curves arrive (computed on a worker thread) for that segment.
    void trackViewShowsTheSelectedSegment()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_attentionview"));
        // A cnn-sam bundle trained one epoch on random examples.
        auto arch = taglane::engine::TrainableArchitecture::describe(QStringLiteral("cnn-sam"), 3);
        QVERIFY(arch.ok());
        taglane::engine::TrainingExamples ex;
        ex.architecture = arch->name;
        ex.tags = taglane::engine::Vocabulary::fromNames({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
        ex.bands = arch->bands;
        ex.frames = arch->frames;
        ex.hopFrames = arch->frames / 2;
        std::mt19937 rng(3);
        std::normal_distribution<float> noise(0.0f, 1.0f);
        for (int i = 0; i < 4; ++i) {
            ex.trackNames << QStringLiteral("t%1").arg(i);
            for (int v = 0; v < ex.bands * ex.frames; ++v)
                ex.features.push_back(v / ex.frames < 64 ? -40.0f + noise(rng) : 0.05f * noise(rng));
            ex.labels.insert(ex.labels.end(), {float(i % 2), float(i / 2), 1.0f});
            ex.trackOf.push_back(i);
        }
        taglane::engine::TrainingConfig config;
        config.architecture = arch->name;
        config.epochs = 1;
        config.batchSize = 4;
        config.threads = 1;
        auto trained = taglane::engine::Trainer::train(config, ex, ex);
        QVERIFY2(trained.ok(), qPrintable(trained.ok() ? QString() : trained.error()));
        const QString bundle = dir + QStringLiteral("/sam.tlmodel");
        QVERIFY(trained->writeBundle(bundle).ok());

        // A 12 s track at 8 kHz (the view's analysis rate in these tests; the probe resamples).
        auto track = taglane::tests::silentTrack(dir, 12.0);
        std::vector<float> samples(size_t(12 * 8000));
        for (size_t i = 0; i < samples.size(); ++i)
            samples[i] = float(0.3 * std::sin(2 * M_PI * 440.0 * double(i) / 8000.0)) + 0.02f * noise(rng);
        track->audio.mono = taglane::engine::AudioBuffer(samples, 8000);
        taglane::widgets::TrackView view;
        view.resize(900, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setTrack(track);
        taglane::tests::fakeInference(view, taglane::tests::fakePlan({QStringLiteral("a"), QStringLiteral("b")}, 12.0, 4.0,
                                                                     QStringLiteral("v1")),
                                      [](int, int) { return 0.5f; });
        AttentionView *attention = view.attentionView();
        QVERIFY(attention->isHidden());
        view.setAttentionModel(bundle);
        QVERIFY(!attention->isHidden());
        QVERIFY(!attention->hasWindows());
        view.tagLaneView()->selectCell(0, 1);  // the segment [4, 8) s
        QTRY_VERIFY_WITH_TIMEOUT(attention->hasWindows(), 30000);
        QVERIFY(attention->curveHeightAt(0, 6.0) >= 0.0);
        // Aligned with the lane: the window's start sits where the lane draws 4 s.
        const double xAttention = attention->mapTo(&view, QPointF(attention->xForTime(4.0), 0)).x();
        const double xLane = view.tagLaneView()->mapTo(&view, QPointF(view.tagLaneView()->xForTime(4.0), 0)).x();
        QVERIFY2(std::abs(xAttention - xLane) < 1.5, qPrintable(QStringLiteral("%1 vs %2").arg(xAttention).arg(xLane)));
        QCOMPARE(attention->curveHeightAt(0, 10.5), -1.0);  // outside the window centred on [4, 8)
        if (qEnvironmentVariableIsSet("TAGLANE_SAVE_SHOTS"))
            view.grab().save(qEnvironmentVariable("TAGLANE_SAVE_SHOTS") + QStringLiteral("/trackview-attention.png"));
        // Another segment replaces the curves; no model hides the view.
        view.tagLaneView()->selectCell(0, 2);  // [8, 12) s
        QTRY_VERIFY_WITH_TIMEOUT(attention->curveHeightAt(0, 10.5) >= 0.0, 30000);
        view.setAttentionModel(QString());
        QVERIFY(attention->isHidden());
        // A bundle that is not there: the status bar says so, the view stays empty.
        QSignalSpy messages(&view, &taglane::widgets::TrackView::statusMessage);
        view.setAttentionModel(dir + QStringLiteral("/missing.tlmodel"));
        view.tagLaneView()->selectCell(0, 0);
        QTRY_VERIFY_WITH_TIMEOUT(messages.count() > 0, 30000);
        QVERIFY(!attention->hasWindows());
        QTRY_VERIFY(!view.attentionController()->busy());
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
