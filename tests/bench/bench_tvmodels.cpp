// SPDX-License-Identifier: GPL-3.0-or-later
// The time-varying study's two models (tvcnn, tvcnn-lstm) trained briefly on a
// synthetic corpus and evaluated on a held-out corpus rendered with another
// seed: per-tag average accuracy and MAA, segment level. Sizes come from the
// environment so the bench can run small: TAGLANE_TV_TRAIN_TRACKS (24),
// TAGLANE_TV_VAL_TRACKS (6), TAGLANE_TV_TEST_TRACKS (30), TAGLANE_TV_EPOCHS (3).
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/train/modelevaluator.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"

#include "testsupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QTest>

#include <cmath>

using namespace taglane::engine;

namespace {

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok && v > 0 ? v : fallback;
}

} // namespace

class BenchTvModels : public QObject
{
    Q_OBJECT

private:
    QString m_dir;

    void render(const QString &name, int tracks, quint64 seed)
    {
        SynthCorpusOptions options;
        options.tracks = tracks;
        options.seed = seed;
        options.channels = 1;
        options.outDir = m_dir + QLatin1Char('/') + name;
        auto summary = SynthCorpusGenerator::generate(options);
        QVERIFY2(summary.ok(), qPrintable(summary.ok() ? QString() : summary.error()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        m_dir = taglane::tests::tempDir(QStringLiteral("bench_tvmodels"));
        render(QStringLiteral("train"), envInt("TAGLANE_TV_TRAIN_TRACKS", 24), 2026);
        render(QStringLiteral("val"), envInt("TAGLANE_TV_VAL_TRACKS", 6), 2027);
        render(QStringLiteral("test"), envInt("TAGLANE_TV_TEST_TRACKS", 30), 2028);
    }

    void studyModels_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::newRow("tvcnn") << QStringLiteral("tvcnn");
        QTest::newRow("tvcnn-lstm") << QStringLiteral("tvcnn-lstm");
    }

    void studyModels()
    {
        QFETCH(QString, arch);
        auto train = ExampleBuilder::fromFolder(m_dir + QStringLiteral("/train"), arch);
        QVERIFY2(train.ok(), qPrintable(train.ok() ? QString() : train.error()));
        auto val = ExampleBuilder::fromFolder(m_dir + QStringLiteral("/val"), arch, train->tags);
        QVERIFY(val.ok());
        TrainingConfig config;
        config.architecture = arch;
        config.epochs = envInt("TAGLANE_TV_EPOCHS", 3);
        config.learningRate = 3e-4;
        config.batchSize = 32;
        config.seed = 1;
        config.patience = 3;
        auto result = Trainer::train(config, train.value(), val.value());
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
        const QString bundle = m_dir + QLatin1Char('/') + arch + QStringLiteral(".tlmodel");
        QVERIFY(result->writeBundle(bundle).ok());
        auto ev = ModelEvaluator::evaluate(bundle, m_dir + QStringLiteral("/test"));
        QVERIFY2(ev.ok(), qPrintable(ev.ok() ? QString() : ev.error()));
        qInfo("%s: %d training examples, %d epochs in %.1f s; held-out %d segments",
              qPrintable(arch), train->count(), result->epochsRun, result->seconds, ev->input.examples);
        for (size_t t = 0; t < ev->report.perTag.size(); ++t) {
            const TagMetrics &m = ev->report.perTag[t];
            qInfo("  %-32s average accuracy %.3f  ROC-AUC %.3f", qPrintable(ev->manifest.tags.at(int(t)).name),
                  m.balancedAccuracy, m.rocAuc);
        }
        qInfo("  MAA %.3f  macro ROC-AUC %.3f  macro F1 %.3f", ev->report.meanAverageAccuracy, ev->report.macroRocAuc,
              ev->report.macroF1);
        QVERIFY(std::isfinite(ev->report.meanAverageAccuracy));
    }
};

QTEST_GUILESS_MAIN(BenchTvModels)
#include "bench_tvmodels.moc"
