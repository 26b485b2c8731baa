// SPDX-License-Identifier: GPL-3.0-or-later
// InferenceController tags the open track with an imported musicnn bundle on
// a worker thread; the lane fills progressively and ends equal to the result.
#include "widgets/models/inferencecontroller.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/track/trackview.h"

#include "engine/jobs/inferenceengine.h"
#include "engine/jobs/inferenceplan.h"
#include "engine/model/checkpointimport.h"
#include "engine/store/annotationstore.h"

#include "testsupport.h"

#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using namespace taglane;

class tst_InferenceController : public QObject
{
    Q_OBJECT

private:
    QString m_bundle;
    QString m_wav;

    /// Probability cells of the lane that hold a value.
    static int filledCells(const widgets::TagLaneModel *model)
    {
        int n = 0;
        for (int r = 0; r < model->rowCount(); ++r)
            for (int c = 0; c < model->columnCount(); ++c)
                n += model->data(model->index(r, c), widgets::TagLaneModel::ProbabilityRole).isValid() ? 1 : 0;
        return n;
    }

    bool openTrack(widgets::TrackView &view)
    {
        QSignalSpy loaded(&view, &widgets::TrackView::trackLoaded);
        view.openFile(m_wav);
        return loaded.wait(60000) || loaded.count() > 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        TAGLANE_REQUIRE_SHARED(checkpoint, "fixtures/pretrained/mtat-musicnn.pth");
        TAGLANE_REQUIRE_SHARED(tags, "fixtures/pretrained/mtat-tags.txt");
        TAGLANE_REQUIRE_SHARED(wav, "fixtures/reference/mtat_joram_solipsism.16k.wav");
        m_wav = wav;
        engine::configureTorchThreads(0);
        engine::CheckpointImport request;
        request.architecture = QStringLiteral("musicnn");
        request.checkpointPath = checkpoint;
        request.tags = engine::loadTagList(tags).value();
        request.bundleFolder = tests::tempDir(QStringLiteral("inferencecontroller")) + QStringLiteral("/musicnn.tlmodel");
        const auto bundle = engine::importCheckpoint(request);
        QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
        m_bundle = bundle->folder();
    }

    void refusesWithoutTrackOrModel()
    {
        widgets::TrackView view;
        widgets::InferenceController controller(&view);
        QSignalSpy failed(&controller, &widgets::InferenceController::failed);
        QVERIFY(!controller.start(m_bundle, {}));
        QCOMPARE(failed.count(), 1);
        QVERIFY(!controller.lastError().isEmpty());
        QVERIFY(!controller.isRunning());
    }

    void tagsTrackAndFillsLane()
    {
        widgets::TrackView view;
        QVERIFY(openTrack(view));
        widgets::InferenceController controller(&view);
        controller.engine()->setProgressInterval(0);   // a report per batch
        QSignalSpy started(&controller, &widgets::InferenceController::started);
        QSignalSpy progress(&controller, &widgets::InferenceController::progress);
        QSignalSpy finished(&controller, &widgets::InferenceController::finished);
        QSignalSpy failed(&controller, &widgets::InferenceController::failed);

        // Record how full the lane is at each progress report.
        QVector<int> fill;
        connect(&controller, &widgets::InferenceController::progress, this,
                [&]() { fill.push_back(filledCells(view.tagLaneModel())); });

        QVERIFY(controller.start(m_bundle, {}, 1));
        QVERIFY(controller.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() > 0, 300000);
        QVERIFY2(failed.isEmpty(), qPrintable(controller.lastError()));
        QCOMPARE(started.count(), 1);
        QVERIFY(!controller.isRunning());

        const engine::InferenceResult &result = controller.lastResult();
        const widgets::TagLaneModel *model = view.tagLaneModel();
        // The lane shows the plan: one column per segment, one row per model tag.
        QCOMPARE(model->columnCount(), result.plan.segments.size());
        QCOMPARE(model->rowCount(), result.plan.tags.size());
        QCOMPARE(model->rowCount(), 50);
        QVERIFY(model->columnCount() >= 5);
        QCOMPARE(int(result.segmentRows.size()), model->columnCount());
        QCOMPARE(filledCells(model), model->rowCount() * model->columnCount());
        // Every cell equals the result's probability for that segment and tag.
        for (int c = 0; c < model->columnCount(); ++c) {
            for (int r = 0; r < model->rowCount(); ++r) {
                const int tag = model->tagIndexOfRow(r);
                const double shown = model->data(model->index(r, c), widgets::TagLaneModel::ProbabilityRole).toDouble();
                QVERIFY(std::abs(shown - result.segmentRows[size_t(c)][size_t(tag)]) < 1e-6);
            }
        }
        // The lane filled progressively: one batch of one chunk per report,
        // never shrinking, partly filled at the first report.
        QVERIFY2(fill.size() >= 3, qPrintable(QString::number(fill.size())));
        for (int i = 1; i < fill.size(); ++i)
            QVERIFY(fill[i] >= fill[i - 1]);
        QVERIFY2(fill.front() < model->rowCount() * model->columnCount(), "the lane was full at the first report");
        QVERIFY(fill.front() > 0);
        QVERIFY(controller.lastSummary().contains(result.plan.device));
        QVERIFY(controller.lastSummary().contains(QStringLiteral("mtat_joram_solipsism")));
        QVERIFY(result.plan.device.startsWith(QStringLiteral("CPU")) || result.plan.device.startsWith(QStringLiteral("CUDA")));
    }

    void fixedWindows()
    {
        widgets::TrackView view;
        QVERIFY(openTrack(view));
        widgets::InferenceController controller(&view);
        QSignalSpy finished(&controller, &widgets::InferenceController::finished);
        QSignalSpy failed(&controller, &widgets::InferenceController::failed);
        engine::SegmentationSettings fixed;
        fixed.mode = engine::SegmentationSettings::Mode::Fixed;
        fixed.windowSeconds = 5.0;
        QVERIFY(controller.start(m_bundle, fixed, 8));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() > 0, 300000);
        QVERIFY2(failed.isEmpty(), qPrintable(controller.lastError()));
        const auto &segments = view.tagLaneModel()->segments();
        QVERIFY(segments.size() >= 2);
        QCOMPARE(segments.front().start, 0.0);
        QCOMPARE(segments.front().end, 5.0);
        const double duration = view.track()->audio.mono.durationSeconds();
        QVERIFY(std::abs(segments.back().end - duration) < 0.05);
    }

    void badBundleFailsWithMessage()
    {
        widgets::TrackView view;
        QVERIFY(openTrack(view));
        widgets::InferenceController controller(&view);
        QSignalSpy failed(&controller, &widgets::InferenceController::failed);
        const QString missing = tests::tempDir(QStringLiteral("inferencecontroller-bad")) + QStringLiteral("/none.tlmodel");
        QVERIFY(controller.start(missing, {}));
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() > 0, 60000);
        QVERIFY2(failed.front().front().toString().contains(QStringLiteral("none.tlmodel")),
                 qPrintable(failed.front().front().toString()));
        QVERIFY(!controller.isRunning());
    }

    void appTagsFromTheCommandLine()
    {
        // The window end to end: taglane --store S --tag-with BUNDLE
        // --screenshot PNG FILE opens the track, tags it, saves the window
        // and quits; the store then holds the track's segments.
        const QString app = QStringLiteral(TAGLANE_APP_PATH);
        if (!QFileInfo(app).isExecutable())
            QSKIP("the taglane executable is not built");
        const QString dir = tests::tempDir(QStringLiteral("inferencecontroller-app"));
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir + QStringLiteral("/config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir + QStringLiteral("/data"));
        env.insert(QStringLiteral("TAGLANE_MODEL_PATH"), QFileInfo(m_bundle).absolutePath());
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::MergedChannels);
        const QString store = dir + QStringLiteral("/store.sqlite");
        const QString png = dir + QStringLiteral("/window.png");
        process.start(app, {QStringLiteral("--store"), store, QStringLiteral("--tag-with"), m_bundle,
                            QStringLiteral("--cursor"), QStringLiteral("12"), QStringLiteral("--screenshot"), png, m_wav});
        QVERIFY(process.waitForStarted());
        QVERIFY2(process.waitForFinished(180000), "the app did not quit after tagging");
        QVERIFY2(process.exitCode() == 0, process.readAll().constData());
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 800);

        engine::AnnotationStore reader;
        QVERIFY(reader.open(store, engine::AnnotationStore::OpenMode::ReadOnly).ok());
        const auto rows = reader.librarySummary();
        QVERIFY2(rows.ok(), qPrintable(rows.error()));
        QCOMPARE(rows->size(), 1);
        QCOMPARE(QFileInfo(rows->front().path).fileName(), QFileInfo(m_wav).fileName());
        QVERIFY(rows->front().segmentCount > 0);
    }

    void cancelEndsTheJob()
    {
        widgets::TrackView view;
        QVERIFY(openTrack(view));
        widgets::InferenceController controller(&view);
        QSignalSpy cancelled(&controller, &widgets::InferenceController::cancelled);
        QSignalSpy finished(&controller, &widgets::InferenceController::finished);
        QSignalSpy running(&controller, &widgets::InferenceController::runningChanged);
        QVERIFY(controller.start(m_bundle, {}, 1));
        controller.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(cancelled.count() + finished.count() > 0, 60000);
        QVERIFY(!controller.isRunning());
        QCOMPARE(running.count(), 2);
        QCOMPARE(running.last().front().toBool(), false);
    }
};

QTEST_MAIN(tst_InferenceController)
#include "tst_inferencecontroller.moc"
