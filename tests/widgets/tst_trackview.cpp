// SPDX-License-Identifier: GPL-3.0-or-later
// The stacked track view on real fixtures: loading on a worker thread, the
// shared time axis (zoom, Ctrl+wheel, fit, scroll), click to seek, play
// without a device, Mel/ERB tiles from the renderer thread, the tag lane,
// and a bad file that leaves the open track alone.
#include "testsupport.h"

#include "widgets/playback/playbackcontroller.h"
#include "widgets/timeline/spectrogramtilerenderer.h"
#include "widgets/timeline/spectrogramview.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/track/trackview.h"
#include "widgets/timeline/waveformview.h"

#include "engine/audio/audiodecoder.h"
#include "engine/model/vocabulary.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QAudioDevice>
#include <QMediaDevices>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

#include <cmath>
#include <random>

using namespace taglane;
using widgets::TimeAxis;
using widgets::TrackView;

namespace {

bool loadInto(TrackView &view, const QString &path, int timeoutMs = 120000)
{
    QSignalSpy loaded(&view, &TrackView::trackLoaded);
    QSignalSpy failed(&view, &TrackView::loadFailed);
    view.openFile(path);
    for (QElapsedTimer t; !t.isValid() || t.elapsed() < timeoutMs;) {
        if (!t.isValid())
            t.start();
        if (loaded.count() > 0)
            return true;
        if (failed.count() > 0) {
            qWarning() << failed.front().at(1).toString();
            return false;
        }
        QTest::qWait(20);
    }
    return false;
}

void wheel(QWidget *w, QPointF pos, int delta, Qt::KeyboardModifiers mods)
{
    QWheelEvent e(pos, w->mapToGlobal(pos), QPoint(), QPoint(0, delta), Qt::NoButton, mods, Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &e);
}

} // namespace

class TstTrackView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TrackView> m_view;
    QString m_ogg;

private Q_SLOTS:
    void initTestCase()
    {
        m_view = std::make_unique<TrackView>();
        m_view->resize(1200, 800);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    }

    void cleanupTestCase() { m_view.reset(); }

    void opensOggOnWorkerThread()
    {
        TAGLANE_REQUIRE_SHARED(ogg, "fixtures/audio/traveling_minstrels.ogg");
        m_ogg = ogg;
        QSignalSpy progress(m_view.get(), &TrackView::loadProgress);
        QElapsedTimer clock;
        clock.start();
        m_view->openFile(ogg);
        QVERIFY(m_view->loader()->isLoading());   // returned before decoding finished
        QTRY_VERIFY_WITH_TIMEOUT(m_view->hasTrack(), 120000);
        qInfo("time to first waveform: %lld ms (decode %.2f s)", clock.elapsed(), m_view->track()->loadSeconds);
        QVERIFY(progress.count() >= 1);

        const auto info = engine::AudioDecoder::probe(ogg);
        QVERIFY(info.ok());
        TimeAxis *axis = m_view->timeAxis();
        QVERIFY(std::abs(axis->totalDuration() - info->durationSeconds()) < 0.1);
        QCOMPARE(axis->visibleStart(), 0.0);
        QCOMPARE(axis->visibleDuration(), axis->totalDuration());
        QCOMPARE(m_view->filePath(), QFileInfo(ogg).absoluteFilePath());
        QVERIFY(!m_view->waveformView()->peaks().isEmpty());
        QVERIFY(m_view->describeTrack().contains(QStringLiteral("traveling_minstrels.ogg")));
        QVERIFY(m_view->describeTrack().contains(QString::number(info->sampleRate)));
    }

    void zoomActionsChangeVisibleRange()
    {
        if (!m_view->hasTrack())
            QSKIP("no track");
        TimeAxis *axis = m_view->timeAxis();
        const double total = axis->totalDuration();
        m_view->zoomInAction()->trigger();
        QVERIFY(std::abs(axis->visibleDuration() - total / TimeAxis::zoomStep) < 1e-9);
        QCOMPARE(axis->cursor(), 0.0);   // zooms around the visible play cursor (issue 11, item 12)
        QVERIFY(std::abs(axis->visibleStart()) < 1e-9);
        m_view->zoomInAction()->trigger();
        QVERIFY(std::abs(axis->visibleDuration() - total / (TimeAxis::zoomStep * TimeAxis::zoomStep)) < 1e-9);
        m_view->zoomOutAction()->trigger();
        QVERIFY(std::abs(axis->visibleDuration() - total / TimeAxis::zoomStep) < 1e-9);
        m_view->fitAction()->trigger();
        QCOMPARE(axis->visibleStart(), 0.0);
        QCOMPARE(axis->visibleDuration(), total);

        // The +/- keys reach the same actions.
        m_view->activateWindow();
        m_view->waveformView()->setFocus();
        QTest::keyClick(m_view->waveformView(), Qt::Key_Plus);
        QVERIFY(std::abs(axis->visibleDuration() - total / TimeAxis::zoomStep) < 1e-9);
        QTest::keyClick(m_view->waveformView(), Qt::Key_Minus);
        QCOMPARE(axis->visibleDuration(), total);
    }

    void ctrlWheelZoomsAroundMouse()
    {
        if (!m_view->hasTrack())
            QSKIP("no track");
        TimeAxis *axis = m_view->timeAxis();
        auto *spec = m_view->spectrogramView();
        const double total = axis->totalDuration();
        const QPointF mouse(spec->plotRect().left() + spec->plotRect().width() * 0.3, spec->height() / 2.0);
        const double before = spec->timeForX(mouse.x());
        wheel(spec, mouse, 120, Qt::ControlModifier);
        QVERIFY(std::abs(axis->visibleDuration() - total / TimeAxis::zoomStep) < 1e-9);
        QVERIFY(std::abs(spec->timeForX(mouse.x()) - before) < 1e-6 * total);
        wheel(spec, mouse, 240, Qt::ControlModifier);
        QVERIFY(std::abs(axis->visibleDuration() - total / std::pow(TimeAxis::zoomStep, 3)) < 1e-9);
        QVERIFY(std::abs(spec->timeForX(mouse.x()) - before) < 1e-6 * total);

        // A plain wheel scrolls later in time, and the scrollbar follows.
        const double start = axis->visibleStart();
        wheel(m_view->waveformView(), mouse, -120, Qt::NoModifier);
        QVERIFY(axis->visibleStart() > start);
        QCOMPARE(m_view->horizontalScrollBar()->value(), int(std::lround(axis->visibleStart() * 1000)));
        m_view->horizontalScrollBar()->setValue(0);
        QCOMPARE(axis->visibleStart(), 0.0);
        wheel(spec, mouse, -120 * 10, Qt::ControlModifier);
        QCOMPARE(axis->visibleDuration(), total);
    }

    void clickSeeksCursor()
    {
        if (!m_view->hasTrack())
            QSKIP("no track");
        TimeAxis *axis = m_view->timeAxis();
        axis->setVisibleRange(30.0, 60.0);
        auto *wave = m_view->waveformView();
        const QRect plot = wave->plotRect();
        const int x = plot.left() + plot.width() / 4;
        QTest::mouseClick(wave, Qt::LeftButton, Qt::NoModifier, QPoint(x, wave->height() / 2));
        const double expected = 30.0 + 60.0 * double(x - plot.left()) / plot.width();
        QVERIFY2(std::abs(axis->cursor() - expected) < 1e-6, qPrintable(QString::number(axis->cursor())));
        QCOMPARE(m_view->playback()->position(), axis->cursor());

        // Any view seeks: the tag lane too.
        auto *lanes = m_view->tagLaneView();
        const int x2 = lanes->plotRect().left() + lanes->plotRect().width() * 3 / 4;
        QTest::mouseClick(lanes, Qt::LeftButton, Qt::NoModifier, QPoint(x2, 40));
        QVERIFY(std::abs(axis->cursor() - (30.0 + 60.0 * double(x2 - lanes->plotRect().left()) / lanes->plotRect().width())) < 1e-6);
        // Clicking the gutter does not seek.
        const double cursor = axis->cursor();
        QTest::mouseClick(lanes, Qt::LeftButton, Qt::NoModifier, QPoint(10, 40));
        QCOMPARE(axis->cursor(), cursor);
        axis->fit();
    }

    void playToggleOrNoDeviceMessage()
    {
        if (!m_view->hasTrack())
            QSKIP("no track");
        QSignalSpy messages(m_view.get(), &TrackView::statusMessage);
        m_view->playPauseAction()->trigger();
        auto *playback = m_view->playback();
        if (QMediaDevices::audioOutputs().isEmpty()) {
            QCOMPARE(playback->state(), widgets::PlaybackController::State::Stopped);
            QCOMPARE(messages.count(), 1);
            QVERIFY(m_view->lastStatusMessage().contains(QStringLiteral("No audio output device")));
            QVERIFY(!m_view->playPauseAction()->isChecked());
        } else if (playback->isPlaying()) {
            QVERIFY(m_view->playPauseAction()->isChecked());
            const double from = playback->position();
            QTRY_VERIFY_WITH_TIMEOUT(playback->position() > from, 5000);
            QCOMPARE(m_view->timeAxis()->cursor(), playback->position());
            m_view->playPauseAction()->trigger();
            QCOMPARE(playback->state(), widgets::PlaybackController::State::Paused);
            m_view->stopAction()->trigger();
        } else {
            QVERIFY(!m_view->lastStatusMessage().isEmpty());
        }
        // Everything else still works after a failed play.
        m_view->zoomInAction()->trigger();
        m_view->fitAction()->trigger();
        QCOMPARE(m_view->timeAxis()->visibleStart(), 0.0);
    }

    void melAndErbTilesArrive()
    {
        if (!m_view->hasTrack())
            QSKIP("no track");
        auto *spec = m_view->spectrogramView();
        QCOMPARE(spec->featureType(), engine::FeatureType::Mel);
        QElapsedTimer clock;
        clock.start();
        QTRY_VERIFY_WITH_TIMEOUT(spec->visibleTilesReady(), 60000);
        qInfo("Mel tiles for the fitted view ready after %lld ms", clock.elapsed());
        QVERIFY(spec->isCalibrated());
        QCOMPARE(spec->bandCentresHz().size(), 128);
        QVERIFY(spec->highDb() > spec->lowDb());
        const QImage mel = spec->visibleImage();
        const int before = spec->tilesReceived();

        m_view->erbAction()->trigger();
        QCOMPARE(spec->featureType(), engine::FeatureType::Erb);
        clock.restart();
        QTRY_VERIFY_WITH_TIMEOUT(spec->visibleTilesReady() && spec->isCalibrated(), 60000);
        qInfo("ERB tiles ready after %lld ms", clock.elapsed());
        QVERIFY(spec->tilesReceived() > before);
        QCOMPARE(spec->bandCentresHz().size(), 64);
        const QVector<double> erb = spec->bandCentresHz();
        QVERIFY(std::is_sorted(erb.begin(), erb.end()));
        QVERIFY(spec->visibleImage() != mel);

        // Zooming in asks for a finer level and those tiles arrive too.
        const int coarse = spec->currentLevel();
        m_view->timeAxis()->setVisibleRange(60.0, 5.0);
        QVERIFY(spec->currentLevel() < coarse);
        QTRY_VERIFY_WITH_TIMEOUT(spec->visibleTilesReady(), 60000);

        m_view->melAction()->trigger();
        QCOMPARE(spec->featureType(), engine::FeatureType::Mel);
        QTRY_VERIFY_WITH_TIMEOUT(spec->visibleTilesReady(), 60000);
        m_view->timeAxis()->fit();
    }

    void savesScreenshotsWhenAsked()
    {
        // Developer aid: TAGLANE_SCREENSHOT_DIR=/tmp/x saves grabs of a few states.
        const QString dir = qEnvironmentVariable("TAGLANE_SCREENSHOT_DIR");
        if (dir.isEmpty() || !m_view->hasTrack())
            QSKIP("set TAGLANE_SCREENSHOT_DIR to save screenshots");
        auto *spec = m_view->spectrogramView();
        auto shoot = [&](const QString &name) {
            QTRY_VERIFY_WITH_TIMEOUT(spec->visibleTilesReady(), 60000);
            QTest::qWait(50);
            QVERIFY(m_view->grab().save(dir + QLatin1Char('/') + name));
        };
        m_view->timeAxis()->setCursor(62.0);
        m_view->timeAxis()->setVisibleRange(58.0, 8.0);
        shoot(QStringLiteral("zoom-mel.png"));
        m_view->erbAction()->trigger();
        shoot(QStringLiteral("zoom-erb.png"));
        m_view->timeAxis()->setVisibleRange(60.0, 0.05);
        shoot(QStringLiteral("zoom-max-erb.png"));
        m_view->melAction()->trigger();
        m_view->timeAxis()->fit();
        shoot(QStringLiteral("fit-mel.png"));
    }

    void tagLaneHasOneRowPerTag()
    {
        // Rows are the tags of the model that will tag (tst_lanerows holds the rule).
        const engine::Vocabulary vocabulary = engine::Vocabulary::bundledDefault();
        m_view->setModelTags(vocabulary);
        QCOMPARE(m_view->tagLaneModel()->rowCount(), vocabulary.size());
        auto *lanes = m_view->tagLaneView();
        QCOMPARE(lanes->rowAt(lanes->rowTop(0) + 1), 0);
        const int last = vocabulary.size() - 1;
        QVERIFY(lanes->rowTop(last) > lanes->height());   // more lanes than fit: it scrolls
    }

    void badFileKeepsOpenTrack()
    {
        if (!m_view->hasTrack())
            QSKIP("no track");
        const QString dir = tests::tempDir(QStringLiteral("tst_trackview"));
        const QString bad = dir + QStringLiteral("/not-audio.ogg");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        const QString before = m_view->filePath();
        const double total = m_view->timeAxis()->totalDuration();
        QSignalSpy failed(m_view.get(), &TrackView::loadFailed);
        m_view->openFile(bad);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QCOMPARE(failed.front().at(0).toString(), bad);
        QVERIFY(!failed.front().at(1).toString().isEmpty());
        QCOMPARE(m_view->filePath(), before);
        QCOMPARE(m_view->timeAxis()->totalDuration(), total);

        QSignalSpy failedAgain(m_view.get(), &TrackView::loadFailed);
        m_view->openFile(dir + QStringLiteral("/missing.wav"));
        QTRY_COMPARE_WITH_TIMEOUT(failedAgain.count(), 1, 30000);
        QCOMPARE(m_view->filePath(), before);
    }

    void opensMp3()
    {
        TAGLANE_REQUIRE_SHARED(mp3, "fixtures/audio/mtat_joram_solipsism.mp3");
        QVERIFY(loadInto(*m_view, mp3));
        const auto info = engine::AudioDecoder::probe(mp3);
        QVERIFY(info.ok());
        QVERIFY(std::abs(m_view->timeAxis()->totalDuration() - info->durationSeconds()) < 0.2);
        QCOMPARE(m_view->timeAxis()->visibleDuration(), m_view->timeAxis()->totalDuration());
        QTRY_VERIFY_WITH_TIMEOUT(m_view->spectrogramView()->visibleTilesReady(), 60000);
    }

    void longFileWhenAsked()
    {
        // Developer aid: TAGLANE_LONG_FILE=/path/to/one-hour.wav measures a real long file.
        const QString path = qEnvironmentVariable("TAGLANE_LONG_FILE");
        if (path.isEmpty())
            QSKIP("set TAGLANE_LONG_FILE to time a long file");
        QElapsedTimer clock;
        clock.start();
        QVERIFY(loadInto(*m_view, path, 600000));
        qInfo("long file: %.0f s of audio, first waveform after %lld ms", m_view->timeAxis()->totalDuration(),
              clock.elapsed());
        auto *spec = m_view->spectrogramView();
        clock.restart();
        QTRY_VERIFY_WITH_TIMEOUT(spec->visibleTilesReady(), 60000);
        qInfo("long file: fitted spectrogram after %lld ms", clock.elapsed());
        TimeAxis *axis = m_view->timeAxis();
        axis->setVisibleRange(axis->totalDuration() / 2, 10.0);
        clock.restart();
        QTRY_VERIFY_WITH_TIMEOUT(spec->visibleTilesReady(), 60000);
        qInfo("long file: 10 s window after %lld ms", clock.elapsed());
        qint64 worst = 0;
        clock.restart();
        for (int i = 0; i < 40; ++i) {
            axis->scrollByPages(0.2);
            QElapsedTimer paint;
            paint.start();
            m_view->repaint();
            worst = std::max(worst, paint.elapsed());
            QTest::qWait(16);
        }
        QTRY_VERIFY_WITH_TIMEOUT(spec->visibleTilesReady(), 60000);
        qInfo("long file: 40 scroll steps at 60 Hz in %lld ms, worst repaint %lld ms", clock.elapsed(), worst);
        axis->fit();
    }

    void oneHourTrackScrollsWithoutWholeFileWork()
    {
        // One hour of noise at 8 kHz, shown without a file.
        const int rate = 8000;
        std::vector<float> samples(size_t(rate) * 3600);
        std::minstd_rand rng(7);
        std::uniform_real_distribution<float> dist(-0.3f, 0.3f);
        for (float &s : samples)
            s = dist(rng);
        auto track = std::make_shared<widgets::LoadedTrack>();
        track->audio.mono = engine::AudioBuffer(std::move(samples), rate);
        track->audio.info.path = QStringLiteral("one-hour.wav");
        track->audio.info.sampleRate = rate;
        track->audio.info.channels = 1;
        track->audio.info.frames = qint64(rate) * 3600;
        track->peaks = engine::PeakPyramid::build(track->audio.mono);
        m_view->setTrack(track);
        auto *spec = m_view->spectrogramView();
        TimeAxis *axis = m_view->timeAxis();

        QElapsedTimer clock;
        clock.start();
        QTRY_VERIFY_WITH_TIMEOUT(spec->visibleTilesReady(), 60000);
        qInfo("1 h track, fitted view: tiles ready in %lld ms (level %d)", clock.elapsed(), spec->currentLevel());
        QVERIFY(spec->currentLevel() >= 5);   // decimated, not every 64th sample

        axis->setVisibleRange(1800.0, 10.0);
        clock.restart();
        QTRY_VERIFY_WITH_TIMEOUT(spec->visibleTilesReady(), 60000);
        qInfo("1 h track, 10 s window: tiles ready in %lld ms", clock.elapsed());

        // Scroll page by page: each paint is quick and new tiles keep up.
        qint64 worstPaint = 0;
        clock.restart();
        for (int i = 0; i < 20; ++i) {
            axis->scrollByPages(0.25);
            QElapsedTimer paint;
            paint.start();
            m_view->repaint();
            worstPaint = std::max(worstPaint, paint.elapsed());
            QTest::qWait(10);
        }
        QTRY_VERIFY_WITH_TIMEOUT(spec->visibleTilesReady(), 60000);
        qInfo("1 h track: 20 quarter-page scrolls in %lld ms, worst full repaint %lld ms", clock.elapsed(), worstPaint);
        QVERIFY2(worstPaint < 250, qPrintable(QString::number(worstPaint)));
        axis->fit();
    }
};

QTEST_MAIN(TstTrackView)
#include "tst_trackview.moc"
