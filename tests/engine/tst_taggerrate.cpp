// SPDX-License-Identifier: GPL-3.0-or-later
// The Tagger runs a trainable bundle at its architecture's rate: a tvcnn
// bundle (22050 Hz front end) loads, reports 22050 Hz, tags audio at that
// rate and refuses other rates; a manifest claiming another rate is refused.
#include "engine/model/modelbundle.h"
#include "engine/model/tagger.h"
#include "engine/train/trainablearchitecture.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"

#include "testsupport.h"

#include <QTest>

#include <cmath>
#include <random>

using namespace taglane::engine;

class TestTaggerRate : public QObject
{
    Q_OBJECT

private:
    QString m_bundle;
    TrainingResult m_trained;

private Q_SLOTS:
    void initTestCase()
    {
        configureTorchThreads(1);
        // A tvcnn trained for one batch on random features: enough for a bundle.
        auto arch = TrainableArchitecture::describe(QStringLiteral("tvcnn"), 2);
        QVERIFY(arch.ok());
        TrainingExamples ex;
        ex.architecture = arch->name;
        ex.tags = Vocabulary::fromNames({QStringLiteral("Piano"), QStringLiteral("Drum_Set")});
        ex.bands = arch->bands;
        ex.frames = arch->frames;
        std::mt19937 rng(1);
        std::normal_distribution<float> db(-40.0f, 10.0f);
        for (int i = 0; i < 4; ++i) {
            for (size_t k = 0; k < ex.featureStride(); ++k)
                ex.features.push_back(db(rng));
            ex.labels.push_back(float(i % 2));
            ex.labels.push_back(float(i / 2));
            ex.trackOf.push_back(i);
            ex.trackNames << QStringLiteral("t%1").arg(i);
        }
        TrainingConfig config;
        config.architecture = arch->name;
        config.epochs = 1;
        config.batchSize = 4;
        config.threads = 1;
        config.patience = 0;
        auto trained = Trainer::train(config, ex, ex);
        QVERIFY2(trained.ok(), qPrintable(trained.ok() ? QString() : trained.error()));
        m_trained = trained.value();
        QCOMPARE(m_trained.manifest.sampleRate, 22050);
        m_bundle = taglane::tests::tempDir(QStringLiteral("tst_taggerrate")) + QStringLiteral("/tvcnn.tlmodel");
        QVERIFY(m_trained.writeBundle(m_bundle).ok());
    }

    void tvcnnRunsAt22050()
    {
        auto bundle = ModelBundle::open(m_bundle);
        QVERIFY2(bundle.ok(), qPrintable(bundle.ok() ? QString() : bundle.error()));
        auto tagger = Tagger::load(bundle.value(), DevicePreference::Cpu);
        QVERIFY2(tagger.ok(), qPrintable(tagger.ok() ? QString() : tagger.error()));
        QCOMPARE(tagger.value()->sampleRate(), 22050);
        QCOMPARE(tagger.value()->chunkSamples(), qint64(127) * 1024);
        std::vector<float> samples(size_t(3 * 22050));
        for (size_t i = 0; i < samples.size(); ++i)
            samples[i] = float(0.3 * std::sin(2.0 * M_PI * 440.0 * double(i) / 22050.0));
        auto rows = tagger.value()->predict(AudioBuffer(samples, 22050), {0, 22050});
        QVERIFY2(rows.ok(), qPrintable(rows.ok() ? QString() : rows.error()));
        QCOMPARE(int(rows->size()), 2);
        for (const auto &row : rows.value()) {
            QCOMPARE(int(row.size()), 2);
            for (float p : row)
                QVERIFY(p >= 0.0f && p <= 1.0f);
        }
        QVERIFY(!tagger.value()->predict(AudioBuffer(samples, 16000), {0}).ok());
    }

    void wrongRateIsRefused()
    {
        ModelManifest m = m_trained.manifest;
        m.sampleRate = 16000;
        const QString folder = taglane::tests::tempDir(QStringLiteral("tst_taggerrate")) + QStringLiteral("/wrong.tlmodel");
        QVERIFY(ModelBundle::write(folder, m, m_trained.weights).ok());
        auto bundle = ModelBundle::open(folder);
        QVERIFY(bundle.ok());
        auto tagger = Tagger::load(bundle.value(), DevicePreference::Cpu);
        QVERIFY(!tagger.ok());
        QVERIFY2(tagger.error().contains(QLatin1String("22050")), qPrintable(tagger.error()));
    }
};

QTEST_GUILESS_MAIN(TestTaggerRate)
#include "tst_taggerrate.moc"
