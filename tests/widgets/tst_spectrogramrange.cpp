// SPDX-License-Identifier: GPL-3.0-or-later
// The spectrogram's frequency and colour ranges are fixed defaults the user
// can change (issue 11, item 13): two files of different lengths and levels,
// and the two analysis rates the app uses, show the same ranges; a range the
// user picks is saved and comes back in the next view.
#include "widgets/timeline/spectrogramrange.h"
#include "widgets/timeline/spectrogramrangedialog.h"
#include "widgets/timeline/spectrogramview.h"
#include "widgets/timeline/timeaxis.h"

#include <QColor>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <random>
#include <vector>

using taglane::engine::AudioBuffer;
using taglane::engine::FeatureType;
using taglane::widgets::SpectrogramRange;
using taglane::widgets::SpectrogramRangeDialog;
using taglane::widgets::SpectrogramView;
using taglane::widgets::TimeAxis;

namespace {

/// Noise plus a 1 kHz tone at `gain`, `seconds` long.
AudioBuffer music(double seconds, int rate, double gain)
{
    std::vector<float> x(static_cast<size_t>(seconds * rate));
    std::minstd_rand rng(3);
    std::uniform_real_distribution<float> noise(-1.0f, 1.0f);
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = float(gain * (0.5 * std::sin(2.0 * M_PI * 1000.0 * double(i) / rate) + 0.4 * noise(rng)));
    return AudioBuffer(std::move(x), rate);
}

struct Shown
{
    double low = 0.0, high = 0.0;
    QVector<double> centres;
    double brightness = 0.0;   // mean lightness of the visible tiles
};

Shown show(SpectrogramView &view, TimeAxis &axis, const AudioBuffer &buffer, FeatureType type)
{
    axis.setTotalDuration(buffer.durationSeconds());
    view.setBuffer(buffer);
    view.setFeatureType(type);
    Shown s;
    if (!QTest::qWaitFor([&]() { return view.isCalibrated() && view.visibleTilesReady(); }, 60000))
        return s;
    s.low = view.lowDb();
    s.high = view.highDb();
    s.centres = view.bandCentresHz();
    const QImage image = view.visibleImage();
    double sum = 0.0;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            sum += QColor(image.pixel(x, y)).lightnessF();
    s.brightness = sum / ((image.height() / 3 + 1) * (image.width() / 3 + 1));
    return s;
}

} // namespace

class TstSpectrogramRange : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("TaglaneTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_spectrogramrange"));
        QSettings().clear();
    }
    void cleanupTestCase() { QSettings().clear(); }

    void sameRangesForEveryFile_data()
    {
        QTest::addColumn<int>("type");
        QTest::newRow("Mel") << int(FeatureType::Mel);
        QTest::newRow("ERB") << int(FeatureType::Erb);
    }

    void sameRangesForEveryFile()
    {
        // A loud 20 s song and a quiet 3-minute file at the songs' rate,
        // and a long recording's 16 kHz rate (the app's two analysis rates).
        QFETCH(int, type);
        TimeAxis axis;
        SpectrogramView view(&axis);
        view.resize(700, 260);
        const Shown loud = show(view, axis, music(20.0, 22050, 0.9), FeatureType(type));
        const Shown quiet = show(view, axis, music(180.0, 22050, 0.01), FeatureType(type));
        const Shown slow = show(view, axis, music(60.0, 16000, 0.3), FeatureType(type));
        QVERIFY(!loud.centres.isEmpty() && !quiet.centres.isEmpty() && !slow.centres.isEmpty());
        QCOMPARE(quiet.low, loud.low);
        QCOMPARE(quiet.high, loud.high);
        QCOMPARE(slow.low, loud.low);
        QCOMPARE(slow.high, loud.high);
        QCOMPARE(quiet.centres, loud.centres);
        QCOMPARE(slow.centres.size(), loud.centres.size());
        for (int i = 0; i < loud.centres.size(); ++i)
            QVERIFY2(std::abs(slow.centres[i] - loud.centres[i]) < 1e-6 * loud.centres[i] + 1e-9,
                     qPrintable(QStringLiteral("band %1: %2 Hz at 16 kHz, %3 Hz at 22.05 kHz")
                                    .arg(i).arg(slow.centres[i]).arg(loud.centres[i])));
        // One fixed scale: a quieter file looks darker (a measured scale made them alike).
        QVERIFY2(quiet.brightness < loud.brightness - 0.1,
                 qPrintable(QStringLiteral("quiet %1, loud %2").arg(quiet.brightness).arg(loud.brightness)));
    }

    void defaultsAreFixedAndShared()
    {
        const SpectrogramRange r;
        QVERIFY(r.validate().isEmpty());
        // The 8 kHz top is reachable at both analysis rates.
        QCOMPARE(r.highHzAt(22050), 8000.0);
        QCOMPARE(r.highHzAt(16000), 8000.0);
        QCOMPARE(r.highHzAt(8000), 4000.0);   // clipped to Nyquist
        QCOMPARE(r.lowHzAt(FeatureType::Erb, 16000), SpectrogramRange::erbFloorHz);
        SpectrogramRange bad = r;
        bad.lowDb = bad.highDb;
        QVERIFY(!bad.validate().isEmpty());
        bad = r;
        bad.minHz = 9000.0;
        QVERIFY(!bad.validate().isEmpty());
    }

    void userRangeIsShownAndSaved()
    {
        TimeAxis axis;
        SpectrogramView view(&axis);
        view.resize(700, 260);
        QCOMPARE(view.displayRange(), SpectrogramRange());
        const AudioBuffer buffer = music(30.0, 22050, 0.5);
        axis.setTotalDuration(buffer.durationSeconds());
        view.setBuffer(buffer);
        QTRY_VERIFY_WITH_TIMEOUT(view.isCalibrated(), 60000);
        const QVector<double> before = view.bandCentresHz();

        SpectrogramRange mine;
        mine.minHz = 100.0;
        mine.maxHz = 4000.0;
        mine.lowDb = -20.0;
        mine.highDb = 60.0;
        QSignalSpy range(&view, &SpectrogramView::rangeChanged);
        view.setDisplayRange(mine, true);
        QVERIFY(range.count() >= 1);
        QCOMPARE(range.last().at(0).toDouble(), -20.0);
        QCOMPARE(range.last().at(1).toDouble(), 60.0);
        QTRY_VERIFY_WITH_TIMEOUT(view.isCalibrated() && view.visibleTilesReady(), 60000);
        QCOMPARE(view.lowDb(), -20.0);
        QCOMPARE(view.highDb(), 60.0);
        const QVector<double> after = view.bandCentresHz();
        QVERIFY(after != before);
        QVERIFY(after.front() >= 100.0 && after.back() <= 4000.0);

        // An invalid range changes nothing.
        SpectrogramRange bad = mine;
        bad.maxHz = 50.0;
        view.setDisplayRange(bad, true);
        QCOMPARE(view.displayRange(), mine);

        // The next view (the next session) starts with the saved range.
        SpectrogramView next(&axis);
        QCOMPARE(next.displayRange(), mine);
        QCOMPARE(SpectrogramRange::load(), mine);
        next.setDisplayRange(SpectrogramRange(), true);
        QCOMPARE(SpectrogramRange::load(), SpectrogramRange());
    }

    void dialogEditsAndRefusesBadRanges()
    {
        SpectrogramRangeDialog dialog(SpectrogramRange(), 16000);
        QPushButton *ok = dialog.buttons()->button(QDialogButtonBox::Ok);
        QVERIFY(ok->isEnabled());
        dialog.maxHzBox()->setValue(6000.0);
        dialog.lowDbBox()->setValue(-60.0);
        QCOMPARE(dialog.range().maxHz, 6000.0);
        QCOMPARE(dialog.range().lowDb, -60.0);
        dialog.minHzBox()->setValue(7000.0);   // above the top
        QVERIFY(!ok->isEnabled());
        dialog.buttons()->button(QDialogButtonBox::RestoreDefaults)->click();
        QCOMPARE(dialog.range(), SpectrogramRange());
        QVERIFY(ok->isEnabled());
    }
};

QTEST_MAIN(TstSpectrogramRange)
#include "tst_spectrogramrange.moc"
