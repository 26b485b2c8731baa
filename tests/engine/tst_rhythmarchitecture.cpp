// SPDX-License-Identifier: GPL-3.0-or-later
// taglane-cnn2: the compact CNN plus tempo (onset autocorrelation) and key
// (rotation-invariant chroma templates) evidence. Shape probes, what the two
// branches compute, and that the whole network learns a tempo tag.
#include "engine/train/trainablearchitecture.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace taglane::engine;

namespace {

const QString kArch = QStringLiteral("taglane-cnn2");

/// [bands][frames] dB features: noise floor at -60 dB, a broadband click
/// (+30 dB, decaying over two frames) every `period` frames from `phase`.
std::vector<float> clickFeatures(int bands, int frames, int period, int phase, std::mt19937 &rng)
{
    std::normal_distribution<float> noise(0.0f, 1.0f);
    std::vector<float> f(size_t(bands) * size_t(frames));
    for (int b = 0; b < bands; ++b) {
        for (int t = 0; t < frames; ++t) {
            const int since = ((t - phase) % period + period) % period;
            const float click = since == 0 ? 30.0f : since == 1 ? 15.0f : 0.0f;
            f[size_t(b) * size_t(frames) + size_t(t)] = -60.0f + click + noise(rng);
        }
    }
    return f;
}

/// Chord-like features: energy at the given pitch classes (band b has pitch
/// class b % 12; the first class is the root) inside bands [first, last),
/// silence (-100 dB) elsewhere.
std::vector<float> pitchFeatures(int bands, int frames, const std::vector<int> &classes, int first, int last)
{
    std::vector<float> f(size_t(bands) * size_t(frames), -100.0f);
    for (int b = first; b < last; ++b) {
        const bool on = std::find(classes.begin(), classes.end(), b % 12) != classes.end();
        // The root (first class) 3 dB above the others.
        const float level = !on ? -100.0f : b % 12 == classes.front() ? -17.0f : -20.0f;
        for (int t = 0; t < frames; ++t)
            f[size_t(b) * size_t(frames) + size_t(t)] = level;
    }
    return f;
}

} // namespace

class TestRhythmArchitecture : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameFrontEndAsTheCompactCnn()
    {
        auto a = TrainableArchitecture::describe(kArch, 14);
        QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error()));
        auto old = TrainableArchitecture::describe(QStringLiteral("taglane-cnn"), 14);
        QVERIFY(old.ok());
        QCOMPARE(a->name, kArch);
        QCOMPARE(a->sampleRate, old->sampleRate);
        QCOMPARE(a->bands, old->bands);
        QCOMPARE(a->frames, old->frames);
        QCOMPARE(a->chunkSamples, old->chunkSamples);
        QVERIFY(TrainableArchitecture::names().contains(kArch));
        QVERIFY(TrainableArchitecture::names().contains(QStringLiteral("taglane-cnn")));
        // Extra: tempo 40 -> 32, key templates 2 x 12 -> 24, and the output
        // layer's 96 more inputs per tag.
        const qint64 extra = (40 * 32 + 32) + (2 * 12 * 24 + 24) + 96 * 14;
        QCOMPARE(a->parameters - old->parameters, extra);
    }

    void shapes()
    {
        auto shape = TrainableArchitecture::featureForwardShape(kArch, 14, 2, 3);
        QVERIFY2(shape.ok(), qPrintable(shape.ok() ? QString() : shape.error()));
        QCOMPARE(shape.value(), (std::vector<int64_t>{2, 3, 14}));
        auto wave = TrainableArchitecture::waveformForwardShape(kArch, 5, 2);
        QVERIFY2(wave.ok(), qPrintable(wave.ok() ? QString() : wave.error()));
        QCOMPARE(wave.value(), (std::vector<int64_t>{2, 5}));
    }

    void evidenceRefusesOtherArchitecturesAndBadSizes()
    {
        QVERIFY(!TrainableArchitecture::rhythmPitchEvidence(QStringLiteral("taglane-cnn"), std::vector<float>(84 * 96), 96, 1)
                     .ok());
        auto bad = TrainableArchitecture::rhythmPitchEvidence(kArch, std::vector<float>(10), 96, 1);
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().contains(QStringLiteral("84")));
    }

    void onsetAutocorrelationPeaksAtTheClickPeriod_data()
    {
        QTest::addColumn<int>("period");
        QTest::newRow("11 frames (170 bpm)") << 11;
        QTest::newRow("13 frames (144 bpm)") << 13;
        QTest::newRow("14 frames (134 bpm)") << 14;
        QTest::newRow("19 frames (99 bpm)") << 19;
    }

    void onsetAutocorrelationPeaksAtTheClickPeriod()
    {
        QFETCH(int, period);
        std::mt19937 rng(7);
        const auto e = TrainableArchitecture::rhythmPitchEvidence(kArch, clickFeatures(84, 96, period, 3, rng), 96, 1);
        QVERIFY2(e.ok(), qPrintable(e.ok() ? QString() : e.error()));
        const std::vector<float> &acf = e->onsetAutocorrelation;
        QCOMPARE(int(acf.size()), 40);
        // The highest value over lags 5..(period + 4) is at the period itself.
        int best = 5;
        for (int lag = 5; lag <= period + 4; ++lag)
            if (acf[size_t(lag - 1)] > acf[size_t(best - 1)])
                best = lag;
        QCOMPARE(best, period);
        QVERIFY(acf[size_t(period - 1)] > 0.5f);
        // Silence gives no evidence at all.
        const auto quiet = TrainableArchitecture::rhythmPitchEvidence(kArch, std::vector<float>(84 * 96, -100.0f), 96, 1);
        QVERIFY(quiet.ok());
        for (float v : quiet->onsetAutocorrelation)
            QCOMPARE(v, 0.0f);
    }

    void keyEvidenceIgnoresTheTonic()
    {
        // A major triad (root, third, fifth) in the treble, in every key: the
        // best-rotation template scores are the same; a minor triad differs.
        const std::vector<int> major{0, 4, 7};
        auto reference = TrainableArchitecture::rhythmPitchEvidence(kArch, pitchFeatures(84, 96, major, 36, 72), 96, 3);
        QVERIFY2(reference.ok(), qPrintable(reference.ok() ? QString() : reference.error()));
        QCOMPARE(int(reference->keyTemplates.size()), 24);
        for (int shift = 1; shift < 12; ++shift) {
            std::vector<int> moved;
            for (int c : major)
                moved.push_back((c + shift) % 12);
            auto e = TrainableArchitecture::rhythmPitchEvidence(kArch, pitchFeatures(84, 96, moved, 36, 72), 96, 3);
            QVERIFY(e.ok());
            for (size_t k = 0; k < 24; ++k)
                QVERIFY2(std::abs(e->keyTemplates[k] - reference->keyTemplates[k]) < 1e-4f,
                         qPrintable(QStringLiteral("shift %1, template %2: %3 vs %4")
                                        .arg(shift)
                                        .arg(k)
                                        .arg(e->keyTemplates[k])
                                        .arg(reference->keyTemplates[k])));
        }
        auto minor = TrainableArchitecture::rhythmPitchEvidence(kArch, pitchFeatures(84, 96, {0, 3, 7}, 36, 72), 96, 3);
        QVERIFY(minor.ok());
        double diff = 0;
        for (size_t k = 0; k < 24; ++k)
            diff += std::abs(minor->keyTemplates[k] - reference->keyTemplates[k]);
        QVERIFY2(diff > 1e-2, qPrintable(QStringLiteral("minor vs major: %1").arg(diff)));
    }

    void learnsATempoTag()
    {
        // Tag "fast": clicks every 10-12 frames; absent: every 15-18 frames.
        // Random phase; 8 training tracks of 4 windows, 4 validation tracks.
        auto arch = TrainableArchitecture::describe(kArch, 1);
        QVERIFY(arch.ok());
        auto make = [&](int tracks, unsigned seed) {
            TrainingExamples ex;
            ex.architecture = arch->name;
            ex.tags = Vocabulary::fromNames({QStringLiteral("fast")});
            ex.bands = arch->bands;
            ex.frames = arch->frames;
            ex.sequence = 1;
            ex.hopFrames = arch->frames / 2;
            std::mt19937 rng(seed);
            for (int track = 0; track < tracks; ++track) {
                ex.trackNames << QStringLiteral("t%1").arg(track);
                for (int i = 0; i < 4; ++i) {
                    const bool fast = (track + i) % 2 == 0;
                    const int period = fast ? 10 + int(rng() % 3) : 15 + int(rng() % 4);
                    const std::vector<float> f = clickFeatures(ex.bands, ex.frames, period, int(rng() % 10), rng);
                    ex.features.insert(ex.features.end(), f.begin(), f.end());
                    ex.labels.push_back(fast ? 1.0f : 0.0f);
                    ex.trackOf.push_back(track);
                }
            }
            return ex;
        };
        const TrainingExamples train = make(8, 11);
        const TrainingExamples val = make(4, 12);
        TrainingConfig config;
        config.architecture = kArch;
        config.epochs = 15;
        config.batchSize = 8;
        config.learningRate = 3e-3;
        config.patience = 0;
        config.seed = 3;
        config.threads = 1;
        auto result = Trainer::train(config, train, val);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
        QCOMPARE(result->manifest.architecture, kArch);
        const double first = result->history.front().valLoss;
        QVERIFY2(result->bestValLoss < 0.5 * first,
                 qPrintable(QStringLiteral("validation loss %1 -> %2").arg(first).arg(result->bestValLoss)));
    }
};

QTEST_GUILESS_MAIN(TestRhythmArchitecture)
#include "tst_rhythmarchitecture.moc"
