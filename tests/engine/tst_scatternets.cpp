// SPDX-License-Identifier: GPL-3.0-or-later
// The scattering architectures of Song et al. (scatter-gru, scatter-lstm,
// scatter-cnn): input shape, output shapes, learning on a separable toy
// problem, and a bundle that gives the Tagger the trained net's outputs.
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/dsp/scattering.h"
#include "engine/model/modelbundle.h"
#include "engine/model/tagger.h"
#include "engine/train/retrainer.h"
#include "engine/train/trainablearchitecture.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"

#include "testsupport.h"

#include <QFileInfo>
#include <QTest>

#include <cmath>
#include <random>

using namespace taglane::engine;

namespace {

const QStringList kArchs = {QStringLiteral("scatter-gru"), QStringLiteral("scatter-lstm"), QStringLiteral("scatter-cnn")};

/// Tag t present raises the rows [40 t, 40 t + 30) of a noisy scattering
/// image: 4 tracks of 4 examples, 3 tags.
TrainingExamples separable(const QString &arch)
{
    auto a = TrainableArchitecture::describe(arch, 3);
    TrainingExamples ex;
    ex.architecture = a->name;
    ex.tags = Vocabulary::fromNames({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
    ex.bands = a->bands;
    ex.frames = a->frames;
    ex.hopFrames = a->frames / 2;
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    for (int track = 0; track < 4; ++track) {
        ex.trackNames << QStringLiteral("t%1").arg(track);
        for (int i = 0; i < 4; ++i) {
            const int id = track * 4 + i;
            const float labels[3] = {float(id % 2), float((id / 2) % 2), float((id / 4) % 2)};
            for (int b = 0; b < ex.bands; ++b)
                for (int f = 0; f < ex.frames; ++f) {
                    float v = -8.0f + noise(rng);
                    for (int t = 0; t < 3; ++t)
                        if (labels[t] > 0 && b >= 40 * t && b < 40 * t + 30)
                            v += 3.0f;
                    ex.features.push_back(v);
                }
            ex.labels.insert(ex.labels.end(), labels, labels + 3);
            ex.trackOf.push_back(track);
        }
    }
    return ex;
}

TrainingConfig config(const QString &arch, int epochs)
{
    TrainingConfig c;
    c.architecture = arch;
    c.epochs = epochs;
    c.batchSize = 4;
    c.learningRate = 3e-3;
    c.patience = 0;
    c.seed = 3;
    c.threads = 1;
    return c;
}

/// An amplitude-modulated tone whose carrier and rate depend on k.
std::vector<float> tone(qint64 n, int k)
{
    std::vector<float> s(static_cast<size_t>(n), 0.0f);
    for (qint64 i = 0; i < n; ++i) {
        const double t = double(i) / 22050.0;
        s[size_t(i)] = float(0.3 * (1.0 + 0.8 * std::sin(2 * M_PI * (2.0 + 3 * k) * t)) *
                             std::sin(2 * M_PI * (220.0 * (k + 1)) * t));
    }
    return s;
}

} // namespace

class TestScatterNets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void frontEnd()
    {
        const Scattering s{ScatteringSettings{}};
        QVERIFY(s.isValid());
        for (const QString &name : kArchs) {
            auto a = TrainableArchitecture::describe(name, 4);
            QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error()));
            QCOMPARE(a->sampleRate, 22050);
            QCOMPARE(a->bands, s.rows());
            QCOMPARE(a->hop, s.hop());
            QCOMPARE(s.frameCount(a->chunkSamples), qint64(a->frames));
            QVERIFY(a->parameters > 0);
        }
    }

    void shapes_data()
    {
        QTest::addColumn<QString>("name");
        for (const QString &n : kArchs)
            QTest::newRow(qPrintable(n)) << n;
    }

    void shapes()
    {
        QFETCH(QString, name);
        auto f = TrainableArchitecture::featureForwardShape(name, 7, 2, 3);
        QVERIFY2(f.ok(), qPrintable(f.ok() ? QString() : f.error()));
        QCOMPARE(f.value(), (std::vector<int64_t>{2, 3, 7}));
        auto w = TrainableArchitecture::waveformForwardShape(name, 5, 2);
        QVERIFY2(w.ok(), qPrintable(w.ok() ? QString() : w.error()));
        QCOMPARE(w.value(), (std::vector<int64_t>{2, 5}));
    }

    void learnsSeparableProblem_data() { shapes_data(); }

    void learnsSeparableProblem()
    {
        QFETCH(QString, name);
        const TrainingExamples data = separable(name);
        auto r = Trainer::train(config(name, 15), data, data);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        const double first = r->history.front().trainLoss;
        const double last = r->history.back().trainLoss;
        QVERIFY2(last < 0.6 * first, qPrintable(QStringLiteral("%1: loss %2 -> %3").arg(name).arg(first).arg(last)));
        QVERIFY(r->bestValLoss < r->history.front().valLoss);
        QCOMPARE(r->manifest.architecture, name);
    }

    void bundleRoundTrip()
    {
        const QString name = QStringLiteral("scatter-gru");
        auto r = Trainer::train(config(name, 3), separable(name), separable(name));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_scatternets")) + QStringLiteral("/m.tlmodel");
        QVERIFY(r->writeBundle(dir).ok());
        auto bundle = ModelBundle::open(dir);
        QVERIFY2(bundle.ok(), qPrintable(bundle.ok() ? QString() : bundle.error()));
        QCOMPARE(bundle->manifest().features.value(QStringLiteral("type")).toString(), QStringLiteral("scattering"));
        auto tagger = Tagger::load(bundle.value(), DevicePreference::Cpu);
        QVERIFY2(tagger.ok(), qPrintable(tagger.ok() ? QString() : tagger.error()));
        const qint64 n = TrainableArchitecture::describe(name, 3)->chunkSamples;
        const Scattering s{ScatteringSettings{}};
        std::vector<float> previous;
        for (int k = 0; k < 2; ++k) {
            const std::vector<float> samples = tone(n, k);
            auto rows = tagger.value()->predict(AudioBuffer(samples, 22050), {0});
            QVERIFY2(rows.ok(), qPrintable(rows.ok() ? QString() : rows.error()));
            QCOMPARE(int(rows->size()), 1);
            // The training path: the example builder's front end (the scattering transform), then the trained net.
            auto m = s.compute(samples.data(), n);
            QVERIFY(m.ok());
            std::vector<float> feats(size_t(m->rows) * size_t(m->frames));
            for (int row = 0; row < m->rows; ++row)
                for (qint64 f = 0; f < m->frames; ++f)
                    feats[size_t(row * m->frames + f)] = m->at(row, f);
            auto p = TrainableArchitecture::featureProbabilities(name, r->weights, feats);
            QVERIFY2(p.ok(), qPrintable(p.ok() ? QString() : p.error()));
            QCOMPARE(rows->front().size(), p->size());
            for (size_t t = 0; t < p->size(); ++t)
                QVERIFY2(std::abs(rows->front()[t] - p.value()[t]) < 1e-4,
                         qPrintable(QStringLiteral("tag %1: Tagger %2, trained net %3").arg(t).arg(rows->front()[t]).arg(p.value()[t])));
            if (!previous.empty())
                QVERIFY(previous != rows->front());  // the audio reaches the output
            previous = rows->front();
        }
    }

    /// Real audio: the example builder cuts scattering frames, a model trains,
    /// and the Retrainer fine-tunes its bundle into a new loadable version.
    void trainsOnAudioAndRetrains()
    {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_scatternets_retrain"));
        SynthCorpusOptions options;
        options.tracks = 3;
        options.seed = 41;
        options.channels = 1;
        options.outDir = dir + QStringLiteral("/corpus");
        QVERIFY(SynthCorpusGenerator::generate(options).ok());
        LabelledAudioFolder::Options readOptions;
        readOptions.probeAudio = false;
        auto folder = LabelledAudioFolder::read(options.outDir, readOptions);
        QVERIFY(folder.ok());
        const QString name = QStringLiteral("scatter-gru");
        auto ex = ExampleBuilder::fromTracks(folder->tracks, name, {});
        QVERIFY2(ex.ok(), qPrintable(ex.ok() ? QString() : ex.error()));
        QCOMPARE(ex->bands, 488);
        QVERIFY(ex->count() > 10);
        auto r = Trainer::train(config(name, 1), ex.value(), ex.value());
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        const QString base = dir + QStringLiteral("/base.tlmodel");
        QVERIFY(r->writeBundle(base).ok());
        QVERIFY(Retrainer::canRetrain(base).ok());
        RetrainRequest req;
        req.baseBundle = base;
        req.curated = folder->tracks;
        req.outputFolder = dir + QStringLiteral("/retrained.tlmodel");
        req.threads = 1;
        req.epochs = 2;
        req.tuning.adaptEpochs = 1;
        req.seed = 7;
        auto outcome = Retrainer::run(req);
        QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error()));
        QCOMPARE(outcome->manifest.architecture, name);
        auto bundle = ModelBundle::open(outcome->bundleFolder);
        QVERIFY2(bundle.ok(), qPrintable(bundle.ok() ? QString() : bundle.error()));
        QVERIFY(Tagger::load(bundle.value(), DevicePreference::Cpu).ok());
    }
};

QTEST_GUILESS_MAIN(TestScatterNets)
#include "tst_scatternets.moc"
