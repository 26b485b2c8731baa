// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/modelbundle.h"
#include "engine/train/trainablearchitecture.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"

#include "testsupport.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace taglane::engine;

namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

double softplus(double x)
{
    return std::log1p(std::exp(x));
}

/// A tiny fixed dataset for the compact CNN: tag t present raises a band
/// range; 4 tracks of 3 examples, 3 tags, one unknown cell per example.
TrainingExamples tinyDataset()
{
    auto arch = TrainableArchitecture::describe(QStringLiteral("taglane-cnn"), 3);
    TrainingExamples ex;
    ex.architecture = arch->name;
    ex.tags = Vocabulary::fromNames({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
    ex.bands = arch->bands;
    ex.frames = arch->frames;
    ex.sequence = 1;
    ex.hopFrames = arch->frames / 2;
    std::mt19937 rng(42);
    std::normal_distribution<float> noise(0.0f, 3.0f);
    for (int track = 0; track < 4; ++track) {
        ex.trackNames << QStringLiteral("t%1").arg(track);
        for (int i = 0; i < 3; ++i) {
            const int id = track * 3 + i;
            const float labels[3] = {float(id % 2), float((id / 2) % 2), float((id / 4) % 2)};
            for (int b = 0; b < ex.bands; ++b) {
                for (int f = 0; f < ex.frames; ++f) {
                    float v = -40.0f + noise(rng);
                    for (int t = 0; t < 3; ++t)
                        if (labels[t] > 0 && b >= 20 * t && b < 20 * t + 12)
                            v += 15.0f;
                    ex.features.push_back(v);
                }
            }
            for (int t = 0; t < 3; ++t)
                ex.labels.push_back(t == id % 3 && id % 4 == 0 ? kNan : labels[t]);
            ex.trackOf.push_back(track);
        }
    }
    return ex;
}

TrainingConfig tinyConfig()
{
    TrainingConfig c;
    c.architecture = QStringLiteral("default");
    c.epochs = 3;
    c.batchSize = 4;
    c.learningRate = 3e-3;
    c.patience = 0;
    c.seed = 5;
    c.threads = 1;
    return c;
}

} // namespace

class TestTraining : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void maskedLossMatchesHandComputation()
    {
        // Cells: (z=0, y=1), (z=2, y=0), (z=-1, unknown), (z=3, y=1); alpha 2.
        const std::vector<float> logits = {0.0f, 2.0f, -1.0f, 3.0f};
        const std::vector<float> labels = {1.0f, 0.0f, kNan, 1.0f};
        const double alpha = 2.0;
        // -alpha log p = alpha softplus(-z); -log(1-p) = softplus(z).
        const double expected = (alpha * softplus(-0.0) + softplus(2.0) + alpha * softplus(-3.0)) / 3.0;
        QVERIFY(std::abs(Trainer::maskedLoss(logits, labels, alpha) - expected) < 1e-9);
        // With alpha 1 it is the plain mean binary cross-entropy.
        const double plain = (softplus(-0.0) + softplus(2.0) + softplus(-3.0)) / 3.0;
        QVERIFY(std::abs(Trainer::maskedLoss(logits, labels, 1.0) - plain) < 1e-9);
        // Alpha weighs positives only: a negative-only set does not change.
        QVERIFY(std::abs(Trainer::maskedLoss({1.5f}, {0.0f}, 4.0) - softplus(1.5)) < 1e-9);
        QVERIFY(std::abs(Trainer::maskedLoss({1.5f}, {1.0f}, 4.0) - 4.0 * softplus(-1.5)) < 1e-9);
    }

    void maskingIgnoresUnknownCells()
    {
        const std::vector<float> labels = {1.0f, kNan, 0.0f, kNan};
        const double a = Trainer::maskedLoss({0.3f, -5.0f, 0.2f, 9.0f}, labels, 1.5);
        const double b = Trainer::maskedLoss({0.3f, 7.0f, 0.2f, -30.0f}, labels, 1.5);
        QCOMPARE(a, b);
        // Only the known cells are averaged (not divided by all four cells).
        const double twoCells = Trainer::maskedLoss({0.3f, 0.2f}, {1.0f, 0.0f}, 1.5);
        QVERIFY(std::abs(a - twoCells) < 1e-12);
        // Nothing known: no loss at all.
        QCOMPARE(Trainer::maskedLoss({1.0f, 2.0f}, {kNan, kNan}, 2.0), 0.0);
    }

    void tinyModelOverfits()
    {
        const TrainingExamples data = tinyDataset();
        TrainingConfig config = tinyConfig();
        config.epochs = 12;
        auto result = Trainer::train(config, data, data);
        QVERIFY2(result.ok(), qPrintable(result.error()));
        QCOMPARE(int(result->history.size()), 12);
        const double first = result->history.front().trainLoss;
        const double last = result->history.back().trainLoss;
        QVERIFY2(last < 0.5 * first, qPrintable(QStringLiteral("loss %1 -> %2").arg(first).arg(last)));
        QVERIFY(result->bestValLoss < result->history.front().valLoss);
        QCOMPARE(result->manifest.tags.names(), data.tags.names());
        QCOMPARE(result->manifest.architecture, QStringLiteral("taglane-cnn"));
        // The bundle round-trips through ModelBundle.
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_training_bundle")) + QStringLiteral("/m.tlmodel");
        QVERIFY(result->writeBundle(dir).ok());
        auto bundle = ModelBundle::open(dir);
        QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
        QCOMPARE(bundle->manifest().chunkSamples, TrainableArchitecture::describe(QStringLiteral("default"), 3)->chunkSamples);
    }

    void sameSeedGivesIdenticalWeights()
    {
        const TrainingExamples data = tinyDataset();
        TrainingConfig config = tinyConfig();
        auto a = Trainer::train(config, data, data);
        auto b = Trainer::train(config, data, data);
        QVERIFY(a.ok() && b.ok());
        auto wa = Trainer::flatWeights(a->weights);
        auto wb = Trainer::flatWeights(b->weights);
        QVERIFY(wa.ok() && wb.ok());
        QVERIFY(wa->size() > 1000);
        QVERIFY(wa.value() == wb.value());
        config.seed = 6;
        auto c = Trainer::train(config, data, data);
        QVERIFY(c.ok());
        QVERIFY(Trainer::flatWeights(c->weights).value() != wa.value());
    }

    void cancelStops()
    {
        const TrainingExamples data = tinyDataset();
        TrainingConfig config = tinyConfig();
        config.epochs = 50;
        std::atomic_bool cancel{false};
        int batches = 0;
        auto result = Trainer::train(
            config, data, data,
            [&](const TrainingProgress &p) {
                if (!p.epochDone && ++batches == 2)
                    cancel.store(true);
            },
            &cancel);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
        QVERIFY(result->cancelled);
        QCOMPARE(batches, 2);
        QCOMPARE(result->epochsRun, 0);
        QVERIFY(!result->weights.isEmpty());
    }

    void cosineScheduleResumesExactly()
    {
        // The cosine learning rate depends only on (epoch, batch): a run
        // interrupted after epoch 2 and resumed gives the uninterrupted
        // run's weights, and the schedule does change the result.
        const TrainingExamples data = tinyDataset();
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_training_cosine"));
        TrainingConfig config = tinyConfig();
        config.epochs = 4;
        auto constant = Trainer::train(config, data, data);
        config.cosineDecay = true;
        auto straight = Trainer::train(config, data, data);
        QVERIFY(constant.ok() && straight.ok());
        QCOMPARE(straight->manifest.training.value(QStringLiteral("learning_rate_schedule")).toString().left(6),
                 QStringLiteral("cosine"));
        QVERIFY(Trainer::flatWeights(constant->weights).value() != Trainer::flatWeights(straight->weights).value());

        config.checkpointPath = dir + QStringLiteral("/cosine.ckpt");
        std::atomic_bool cancel{false};
        auto interrupted = Trainer::train(
            config, data, data,
            [&](const TrainingProgress &p) {
                if (p.epochDone && p.epoch == 2)
                    cancel.store(true);
            },
            &cancel);
        QVERIFY(interrupted.ok());
        QVERIFY(interrupted->cancelled);
        QCOMPARE(interrupted->epochsRun, 2);

        config.resumeFrom = config.checkpointPath;
        config.checkpointPath = dir + QStringLiteral("/cosine2.ckpt");
        auto resumed = Trainer::train(config, data, data);
        QVERIFY2(resumed.ok(), qPrintable(resumed.ok() ? QString() : resumed.error()));
        QCOMPARE(resumed->epochsRun, 4);
        const auto ws = Trainer::flatWeights(straight->weights).value();
        const auto wr = Trainer::flatWeights(resumed->weights).value();
        QCOMPARE(ws.size(), wr.size());
        double maxDiff = 0;
        for (size_t i = 0; i < ws.size(); ++i)
            maxDiff = std::max(maxDiff, double(std::abs(ws[i] - wr[i])));
        QVERIFY2(maxDiff < 1e-5, qPrintable(QStringLiteral("max difference %1").arg(maxDiff)));
    }

    void checkpointAndResumeContinue()
    {
        const TrainingExamples data = tinyDataset();
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_training_resume"));
        TrainingConfig config = tinyConfig();
        config.epochs = 4;
        auto straight = Trainer::train(config, data, data);
        QVERIFY(straight.ok());

        config.epochs = 2;
        config.checkpointPath = dir + QStringLiteral("/run.ckpt");
        auto firstHalf = Trainer::train(config, data, data);
        QVERIFY(firstHalf.ok());
        QVERIFY(QFileInfo::exists(config.checkpointPath));

        config.epochs = 4;
        config.resumeFrom = config.checkpointPath;
        config.checkpointPath = dir + QStringLiteral("/run2.ckpt");
        int firstEpochSeen = 0;
        auto resumed = Trainer::train(config, data, data, [&](const TrainingProgress &p) {
            if (firstEpochSeen == 0)
                firstEpochSeen = p.epoch;
        });
        QVERIFY2(resumed.ok(), qPrintable(resumed.ok() ? QString() : resumed.error()));
        QCOMPARE(firstEpochSeen, 3);
        QCOMPARE(resumed->epochsRun, 4);
        QCOMPARE(int(resumed->history.size()), 4);
        QCOMPARE(resumed->history[0].trainLoss, firstHalf->history[0].trainLoss);
        const auto ws = Trainer::flatWeights(straight->weights).value();
        const auto wr = Trainer::flatWeights(resumed->weights).value();
        QCOMPARE(ws.size(), wr.size());
        double maxDiff = 0;
        for (size_t i = 0; i < ws.size(); ++i)
            maxDiff = std::max(maxDiff, double(std::abs(ws[i] - wr[i])));
        QVERIFY2(maxDiff < 1e-5, qPrintable(QStringLiteral("max difference %1").arg(maxDiff)));
        QVERIFY(std::abs(resumed->history[3].trainLoss - straight->history[3].trainLoss) < 1e-6);

        // A missing checkpoint is a clear error.
        config.resumeFrom = dir + QStringLiteral("/missing.ckpt");
        auto missing = Trainer::train(config, data, data);
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().contains(QStringLiteral("missing.ckpt")));
    }

    void badConfigurationIsRefused()
    {
        const TrainingExamples data = tinyDataset();
        TrainingConfig config = tinyConfig();
        config.alpha = 0.5;
        QVERIFY(!Trainer::train(config, data, data).ok());
        config = tinyConfig();
        config.architecture = QStringLiteral("tvcnn");  // examples were cut for the compact CNN
        QVERIFY(!Trainer::train(config, data, data).ok());
        config.architecture = QStringLiteral("nonsense");
        QVERIFY(!Trainer::train(config, data, data).ok());
    }
};

QTEST_GUILESS_MAIN(TestTraining)
#include "tst_training.moc"
