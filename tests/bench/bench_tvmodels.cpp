// SPDX-License-Identifier: GPL-3.0-or-later
// The time-varying study's two models (tvcnn, tvcnn-lstm) trained on a
// synthetic corpus (seed 2026, validation seed 2027) and evaluated on a
// held-out corpus rendered with seed 2028: per-tag average accuracy (the
// study's MAA is their mean), ROC-AUC, segment level. Prints one table with
// both models side by side.
//
// Environment (all optional):
//   TAGLANE_STUDY_CORPUS    folder holding train/ val/ test/ corpora; rendered
//                           there when absent (default: a temporary folder)
//   TAGLANE_TV_TRAIN_TRACKS tracks used for training (60; the first N of train/)
//   TAGLANE_TV_VAL_TRACKS   validation tracks rendered (16)
//   TAGLANE_TV_TEST_TRACKS  held-out tracks rendered (30)
//   TAGLANE_TV_EPOCHS (16), TAGLANE_TV_PATIENCE (4), TAGLANE_TV_LR (0.0005),
//   TAGLANE_TV_BATCH (32 frames for tvcnn, 8 sequences of 8 for tvcnn-lstm),
//   TAGLANE_TV_THREADS (1), TAGLANE_TV_SEED (1)
//   TAGLANE_TV_ARCHS        comma-separated subset of "tvcnn,tvcnn-lstm"
//   TAGLANE_TV_OUT          keep the bundles and evaluation JSON here
//   TAGLANE_TV_CHECKPOINTS  folder for per-epoch checkpoints <arch>.ckpt; a run
//                           finding one resumes from it (same config), so a long
//                           training can be done in several shorter runs
//   TAGLANE_TV_MINUTES      stop starting epochs after about this many minutes
//                           (the best epoch so far is evaluated)
#include "engine/train/modelevaluator.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"

#include "studycorpus.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMap>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>

using namespace taglane::engine;
using taglane::tests::envDouble;
using taglane::tests::envInt;

namespace {

struct ArchOutcome
{
    int trainExamples = 0;
    int epochsRun = 0;
    int bestEpoch = 0;
    double seconds = 0.0;
    ModelEvaluation evaluation;
};

} // namespace

class BenchTvModels : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QMap<QString, ArchOutcome> m_outcomes;
    QStringList m_order;

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        QString error;
        m_dir = taglane::tests::studyCorpus(QStringLiteral("bench_tvmodels"), envInt("TAGLANE_TV_TRAIN_TRACKS", 60),
                                            envInt("TAGLANE_TV_VAL_TRACKS", 16), envInt("TAGLANE_TV_TEST_TRACKS", 30),
                                            &error);
        QVERIFY2(!m_dir.isEmpty(), qPrintable(error));
    }

    void studyModels_data()
    {
        QTest::addColumn<QString>("arch");
        const QStringList wanted = qEnvironmentVariable("TAGLANE_TV_ARCHS", QStringLiteral("tvcnn,tvcnn-lstm"))
                                       .split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const QString &a : wanted)
            QTest::newRow(qPrintable(a.trimmed())) << a.trimmed();
    }

    void studyModels()
    {
        QFETCH(QString, arch);
        auto all = ExampleBuilder::fromFolder(m_dir + QStringLiteral("/train"), arch);
        QVERIFY2(all.ok(), qPrintable(all.ok() ? QString() : all.error()));
        // The first N tracks of the training folder.
        const int wantTracks = std::min(envInt("TAGLANE_TV_TRAIN_TRACKS", 60), int(all->trackNames.size()));
        std::vector<int> first(static_cast<size_t>(wantTracks));
        std::iota(first.begin(), first.end(), 0);
        const TrainingExamples train = all->subset(first);
        auto val = ExampleBuilder::fromFolder(m_dir + QStringLiteral("/val"), arch, train.tags);
        QVERIFY(val.ok());

        TrainingConfig config;
        config.architecture = arch;
        config.epochs = envInt("TAGLANE_TV_EPOCHS", 16);
        config.patience = envInt("TAGLANE_TV_PATIENCE", 4);
        config.learningRate = envDouble("TAGLANE_TV_LR", 5e-4);
        config.batchSize = envInt("TAGLANE_TV_BATCH", train.sequence > 1 ? 8 : 32);
        config.threads = envInt("TAGLANE_TV_THREADS", 1);
        config.seed = quint64(envInt("TAGLANE_TV_SEED", 1));
        const QString checkpoints = qEnvironmentVariable("TAGLANE_TV_CHECKPOINTS");
        if (!checkpoints.isEmpty()) {
            QDir().mkpath(checkpoints);
            config.checkpointPath = checkpoints + QLatin1Char('/') + arch + QStringLiteral(".ckpt");
            if (QFileInfo::exists(config.checkpointPath))
                config.resumeFrom = config.checkpointPath;
        }
        // A wall-clock budget: no new epoch once the next one would overrun it.
        const double budget = envDouble("TAGLANE_TV_MINUTES", 1e9) * 60.0;
        std::atomic_bool stop{false};
        QElapsedTimer clock;
        clock.start();
        double lastEpochStart = 0.0;
        auto result = Trainer::train(
            config, train, val.value(),
            [&](const TrainingProgress &p) {
                if (!p.epochDone)
                    return;
                const double now = clock.elapsed() / 1000.0;
                qInfo("  %s epoch %d/%d: train loss %.4f, validation loss %.4f (%.0f s)", qPrintable(arch), p.epoch,
                      p.epochs, p.trainLoss, p.valLoss, p.seconds);
                if (now + (now - lastEpochStart) > budget)
                    stop = true;
                lastEpochStart = now;
            },
            &stop);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));

        const QString keep = qEnvironmentVariable("TAGLANE_TV_OUT");
        const QString base = keep.isEmpty() ? m_dir : keep;
        QDir().mkpath(base);
        const QString bundle = base + QLatin1Char('/') + arch + QStringLiteral(".tlmodel");
        QVERIFY(result->writeBundle(bundle).ok());
        auto ev = ModelEvaluator::evaluate(bundle, m_dir + QStringLiteral("/test"));
        QVERIFY2(ev.ok(), qPrintable(ev.ok() ? QString() : ev.error()));
        if (!keep.isEmpty()) {
            QFile json(base + QLatin1Char('/') + arch + QStringLiteral("-heldout.json"));
            if (json.open(QIODevice::WriteOnly))
                json.write(QJsonDocument(ev->toJson(m_dir + QStringLiteral("/test"))).toJson());
        }

        // MAA as the study defines it: per tag the mean of the accuracy on the
        // positive and on the negative segments, then the mean over tags.
        // Recomputed here from the confusion counts as a check on the engine.
        double sum = 0.0;
        int counted = 0;
        for (const TagMetrics &m : ev->report.perTag) {
            if (m.positives == 0 || m.negatives == 0)
                continue;
            const double aa = 0.5 * (double(m.truePositives) / m.positives + double(m.trueNegatives) / m.negatives);
            QVERIFY(std::abs(aa - m.balancedAccuracy) < 1e-9);
            sum += aa;
            ++counted;
        }
        QVERIFY(counted > 0);
        QVERIFY(std::abs(sum / counted - ev->report.meanAverageAccuracy) < 1e-9);

        ArchOutcome o;
        o.trainExamples = train.count();
        o.epochsRun = result->epochsRun;
        o.bestEpoch = result->bestEpoch;
        o.seconds = result->seconds;
        o.evaluation = ev.value();
        m_outcomes.insert(arch, o);
        m_order << arch;
    }

    void cleanupTestCase()
    {
        if (m_order.isEmpty())
            return;
        QString head = QStringLiteral("%1").arg(QStringLiteral("tag (held-out segments: AA = average accuracy)"), -48);
        for (const QString &a : m_order)
            head += QStringLiteral(" | %1").arg(a + QStringLiteral(" AA   AUC"), -20);
        qInfo("%s", qPrintable(head));
        const ModelEvaluation &ref = m_outcomes.value(m_order.first()).evaluation;
        for (int t = 0; t < ref.manifest.tags.size(); ++t) {
            const TagMetrics &r = ref.report.perTag[size_t(t)];
            QString row = QStringLiteral("%1").arg(QStringLiteral("%1 (%2+/%3-)")
                                                       .arg(ref.manifest.tags.at(t).name)
                                                       .arg(r.positives)
                                                       .arg(r.negatives),
                                                   -48);
            for (const QString &a : m_order) {
                const TagMetrics &m = m_outcomes.value(a).evaluation.report.perTag[size_t(t)];
                row += QStringLiteral(" | %1  %2     ").arg(m.balancedAccuracy, 5, 'f', 3).arg(m.rocAuc, 5, 'f', 3);
            }
            qInfo("%s", qPrintable(row));
        }
        for (const QString &a : m_order) {
            const ArchOutcome &o = m_outcomes.value(a);
            const MetricsReport &r = o.evaluation.report;
            qInfo("%s: %d training examples, %d epochs (best %d) in %.0f s; %d held-out segments: "
                  "MAA %.3f  macro ROC-AUC %.3f  MAP %.3f  macro F1 %.3f",
                  qPrintable(a), o.trainExamples, o.epochsRun, o.bestEpoch, o.seconds, o.evaluation.input.examples,
                  r.meanAverageAccuracy, r.macroRocAuc, r.meanAveragePrecision, r.macroF1);
        }
    }
};

TAGLANE_STUDY_BENCH_MAIN(BenchTvModels)
#include "bench_tvmodels.moc"
