// SPDX-License-Identifier: GPL-3.0-or-later
// cnn-sam and fusion-linear as trainable architectures (Miao and Cheng):
// examples carry the pre-emphasised waveform under the log-Mel bands, the
// attention penalty is an option of the loss, fusion weights are fit on
// validation, bundles give the Tagger the trained nets' outputs, the
// Retrainer retrains them, and AttentionProbe reads the attention weights.
#include "engine/audio/audiodecoder.h"
#include "engine/audio/resampler.h"
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/corpus/synthrenderer.h"
#include "engine/dsp/featuresettings.h"
#include "engine/model/modelbundle.h"
#include "engine/model/tagger.h"
#include "engine/train/attentionprobe.h"
#include "engine/train/retrainer.h"
#include "engine/train/trainablearchitecture.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"

#include "testsupport.h"

#include <QFileInfo>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <random>

using namespace taglane::engine;

namespace {

constexpr int kMelBands = 64;
constexpr int kWaveRows = 512;

/// Tag t present raises the Mel rows [16 t, 16 t + 12) by 6 dB; the
/// waveform rows are noise whatever the tags (so only the Mel branch can
/// learn). 4 tracks of 4 examples, 3 tags.
TrainingExamples separable(const QString &arch, unsigned seed)
{
    auto a = TrainableArchitecture::describe(arch, 3);
    TrainingExamples ex;
    ex.architecture = a->name;
    ex.tags = Vocabulary::fromNames({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
    ex.bands = a->bands;
    ex.frames = a->frames;
    ex.hopFrames = a->frames / 2;
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    for (int track = 0; track < 4; ++track) {
        ex.trackNames << QStringLiteral("t%1").arg(track);
        for (int i = 0; i < 4; ++i) {
            const int id = track * 4 + i;
            const float labels[3] = {float(id % 2), float((id / 2) % 2), float((id / 4) % 2)};
            for (int b = 0; b < ex.bands; ++b)
                for (int f = 0; f < ex.frames; ++f) {
                    float v;
                    if (b < kMelBands) {
                        v = -40.0f + 2.0f * noise(rng);
                        for (int t = 0; t < 3; ++t)
                            if (labels[t] > 0 && b >= 16 * t && b < 16 * t + 12)
                                v += 6.0f;
                    } else {
                        v = 0.05f * noise(rng);
                    }
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
    c.learningRate = 2e-3;
    c.patience = 0;
    c.seed = 3;
    c.threads = 1;
    return c;
}

/// Noise plus a tone whose pitch depends on k, at 16 kHz.
std::vector<float> signal(qint64 n, int k)
{
    std::mt19937 rng(unsigned(100 + k));
    std::normal_distribution<float> noise(0.0f, 0.02f);
    std::vector<float> s(static_cast<size_t>(n));
    for (qint64 i = 0; i < n; ++i)
        s[size_t(i)] = float(0.3 * std::sin(2 * M_PI * 330.0 * (k + 1) * double(i) / 16000.0)) + noise(rng);
    return s;
}

/// Writes `samples` as a 16 kHz WAV and gives it one fully labelled segment.
LabelledTrack trackOf(const QString &path, const std::vector<float> &samples)
{
    const auto written = SynthRenderer::writeWav(path, samples, 1, 16000);
    if (!written)
        qFatal("cannot write %s", qPrintable(path));
    LabelledTrack t;
    t.audioPath = path;
    t.segments = Segmentation::fromSegments({Segment{1, 0.0, double(samples.size()) / 16000.0}}).value();
    t.tags = Vocabulary::fromNames({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
    t.values = {1.0f, 0.0f, 1.0f};
    return t;
}

double overlap(const AttentionWindow &w)
{
    // ||A A^T - I||_F^2 of the Mel attention.
    const int r = w.heads;
    const size_t len = w.melTimes.size();
    double sum = 0.0;
    for (int i = 0; i < r; ++i)
        for (int j = 0; j < r; ++j) {
            double dot = 0.0;
            for (size_t t = 0; t < len; ++t)
                dot += double(w.mel[size_t(i) * len + t]) * w.mel[size_t(j) * len + t];
            const double d = dot - (i == j ? 1.0 : 0.0);
            sum += d * d;
        }
    return sum;
}

} // namespace

class TestCnnSamArch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describes()
    {
        for (const QString &name : {QStringLiteral("cnn-sam"), QStringLiteral("fusion-linear")}) {
            auto a = TrainableArchitecture::describe(name, 3);
            QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error()));
            QCOMPARE(a->sampleRate, 16000);
            QCOMPARE(a->bands, kMelBands + kWaveRows);
            QCOMPARE(a->chunkSamples, qint64(a->frames) * a->hop);  // every frame carries one hop of samples
            QVERIFY(a->parameters > 0);
            auto f = TrainableArchitecture::featureForwardShape(name, 7, 2, 1);
            QVERIFY2(f.ok(), qPrintable(f.ok() ? QString() : f.error()));
            QCOMPARE(f.value(), (std::vector<int64_t>{2, 1, 7}));
            auto w = TrainableArchitecture::waveformForwardShape(name, 5, 2);
            QVERIFY2(w.ok(), qPrintable(w.ok() ? QString() : w.error()));
            QCOMPARE(w.value(), (std::vector<int64_t>{2, 5}));
            qInfo("%s: %lld parameters for 3 tags", qPrintable(name), a->parameters);
        }
    }

    /// The example builder's rows below the Mel bands are the track's
    /// pre-emphasised samples, one hop per frame, in time order.
    void examplesCarryPreEmphasisedWaveform()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_cnnsamarch_examples"));
        const qint64 n = 3 * 49152;
        const LabelledTrack track = trackOf(dir + QStringLiteral("/a.wav"), signal(n, 1));
        auto ex = ExampleBuilder::fromTracks({track}, QStringLiteral("cnn-sam"), {});
        QVERIFY2(ex.ok(), qPrintable(ex.ok() ? QString() : ex.error()));
        QCOMPARE(ex->bands, kMelBands + kWaveRows);
        QVERIFY(ex->count() >= 4);
        DecodeOptions options;
        options.analysisRate = 16000;
        auto decoded = AudioDecoder::decode(track.audioPath, options);
        QVERIFY(decoded.ok());
        const float *x = decoded->mono.data();
        const double c = FeatureSettings::preEmphasisCoefficient;
        const int frames = ex->frames, hop = 512;
        // Example 1 starts at frame hopFrames.
        const qint64 first = qint64(ex->hopFrames) * hop;
        const float *e = ex->features.data() + ex->featureStride();
        double worst = 0.0, energy = 0.0;
        for (int f = 0; f < frames; ++f)
            for (int r = 0; r < kWaveRows; ++r) {
                const qint64 i = first + qint64(f) * hop + r;
                const double y = double(x[i]) - c * double(x[i - 1]);
                worst = std::max(worst, std::abs(double(e[size_t(kMelBands + r) * frames + f]) - y));
                energy += y * y;
            }
        QVERIFY2(worst < 1e-5, qPrintable(QStringLiteral("largest difference %1").arg(worst)));
        QVERIFY(energy > 1.0);  // not silence
        // The Mel rows are in dB, far from sample values.
        QVERIFY(std::abs(e[0]) > 1.0);
    }

    void learnsAndPenaltyIsAnOption()
    {
        const QString name = QStringLiteral("cnn-sam");
        const TrainingExamples data = separable(name, 7);
        auto r = Trainer::train(config(name, 8), data, data);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        const double first = r->history.front().trainLoss, last = r->history.back().trainLoss;
        qInfo("cnn-sam toy loss %.4f -> %.4f", first, last);
        QVERIFY2(last < 0.7 * first, qPrintable(QStringLiteral("loss %1 -> %2").arg(first).arg(last)));
        QCOMPARE(r->manifest.training.value(QStringLiteral("attention_penalty")).toDouble(-1), 0.0);
        TrainingConfig penalised = config(name, 1);
        penalised.attentionPenalty = 2.5;
        auto p = Trainer::train(penalised, data, data);
        QVERIFY2(p.ok(), qPrintable(p.ok() ? QString() : p.error()));
        QCOMPARE(p->manifest.training.value(QStringLiteral("attention_penalty")).toDouble(), 2.5);
        // The penalty is part of the training loss only: the first epoch's
        // training loss is higher with it, the validation loss (plain BCE) is not its sum.
        auto plain = Trainer::train(config(name, 1), data, data);
        QVERIFY(plain.ok());
        QVERIFY2(p->history.front().trainLoss > plain->history.front().trainLoss + 0.1,
                 qPrintable(QStringLiteral("%1 vs %2").arg(p->history.front().trainLoss).arg(plain->history.front().trainLoss)));
        // Bad values and architectures without attention fail clearly.
        penalised.attentionPenalty = -1.0;
        QVERIFY(!Trainer::train(penalised, data, data).ok());
        penalised.attentionPenalty = 1.0;
        penalised.architecture = QStringLiteral("fusion-linear");
        auto wrong = Trainer::train(penalised, separable(QStringLiteral("fusion-linear"), 7),
                                    separable(QStringLiteral("fusion-linear"), 7));
        QVERIFY(!wrong.ok());
        QVERIFY(wrong.error().contains(QStringLiteral("cnn-sam")));
    }

    /// Train, save, load in the Tagger: the Tagger's output for a chunk
    /// equals the trained net on the example builder's features of that chunk.
    void bundleRoundTrip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("cnn-sam") << QStringLiteral("cnn-sam");
        QTest::newRow("fusion-linear") << QStringLiteral("fusion-linear");
    }

    void bundleRoundTrip()
    {
        QFETCH(QString, name);
        auto r = Trainer::train(config(name, 2), separable(name, 7), separable(name, 8));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_cnnsamarch_") + name);
        const QString folder = dir + QStringLiteral("/m.tlmodel");
        QVERIFY(r->writeBundle(folder).ok());
        auto bundle = ModelBundle::open(folder);
        QVERIFY2(bundle.ok(), qPrintable(bundle.ok() ? QString() : bundle.error()));
        QCOMPARE(bundle->manifest().features.value(QStringLiteral("type")).toString(), QStringLiteral("mel+waveform"));
        QCOMPARE(bundle->manifest().features.value(QStringLiteral("waveform_rows")).toInt(), kWaveRows);
        auto tagger = Tagger::load(bundle.value(), DevicePreference::Cpu);
        QVERIFY2(tagger.ok(), qPrintable(tagger.ok() ? QString() : tagger.error()));
        const qint64 n = tagger.value()->chunkSamples();
        std::vector<float> previous;
        for (int k = 0; k < 2; ++k) {
            const LabelledTrack track = trackOf(dir + QStringLiteral("/k%1.wav").arg(k), signal(n, k));
            DecodeOptions options;
            options.analysisRate = 16000;
            auto decoded = AudioDecoder::decode(track.audioPath, options);
            QVERIFY(decoded.ok());
            auto rows = tagger.value()->predict(decoded->mono, {0});
            QVERIFY2(rows.ok(), qPrintable(rows.ok() ? QString() : rows.error()));
            auto ex = ExampleBuilder::fromTracks({track}, name, {});
            QVERIFY2(ex.ok(), qPrintable(ex.ok() ? QString() : ex.error()));
            QCOMPARE(ex->count(), 1);
            auto p = TrainableArchitecture::featureProbabilities(name, r->weights, ex->features);
            QVERIFY2(p.ok(), qPrintable(p.ok() ? QString() : p.error()));
            QCOMPARE(rows->front().size(), p->size());
            for (size_t t = 0; t < p->size(); ++t)
                QVERIFY2(std::abs(rows->front()[t] - p.value()[t]) < 1e-4,
                         qPrintable(QStringLiteral("tag %1: Tagger %2, trained net %3").arg(t).arg(rows->front()[t]).arg(p.value()[t])));
            if (!previous.empty())
                QVERIFY(previous != rows->front());
            previous = rows->front();
        }
    }

    /// Only the Mel rows carry the tags: the weights fit on validation lean
    /// on the Mel branch, lie in [0, 1], and are written to the manifest.
    void fusionWeightsFitOnValidation()
    {
        const QString name = QStringLiteral("fusion-linear");
        auto r = Trainer::train(config(name, 6), separable(name, 7), separable(name, 8));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        const QJsonObject fusion = r->manifest.training.value(QStringLiteral("fusion")).toObject();
        QVERIFY(fusion.value(QStringLiteral("fit_on")).toString().contains(QStringLiteral("validation")));
        const QJsonObject w = fusion.value(QStringLiteral("mel_weight")).toObject();
        QCOMPARE(w.size(), 3);
        double mean = 0.0;
        for (const QString &tag : w.keys()) {
            const double v = w.value(tag).toDouble(-1.0);
            QVERIFY(v >= 0.0 && v <= 1.0);
            mean += v / 3.0;
        }
        qInfo("fusion-linear: mean Mel weight %.3f (a %.2f, b %.2f, c %.2f)", mean, w.value(QStringLiteral("a")).toDouble(),
              w.value(QStringLiteral("b")).toDouble(), w.value(QStringLiteral("c")).toDouble());
        QVERIFY2(mean > 0.5, qPrintable(QStringLiteral("mean Mel weight %1").arg(mean)));
    }

    /// The fused output is w z_mel + (1 - w) z_wave in logits: bundles with
    /// w fixed to 1, 0 and 0.5 give logit(p_0.5) = (logit(p_1) + logit(p_0)) / 2.
    void fixedFusionWeightsAreLinearInLogits()
    {
        const QString name = QStringLiteral("fusion-linear");
        auto r = Trainer::train(config(name, 1), separable(name, 7), separable(name, 8));
        QVERIFY(r.ok());
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_cnnsamarch_fixed"));
        QVERIFY(r->writeBundle(dir + QStringLiteral("/fit.tlmodel")).ok());
        std::vector<std::vector<float>> out;
        for (double w : {1.0, 0.0, 0.5}) {
            const QString folder = dir + QStringLiteral("/w%1.tlmodel").arg(w);
            const Status s = TrainableArchitecture::fixFusionWeights(dir + QStringLiteral("/fit.tlmodel"), w, folder);
            QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error()));
            auto bundle = ModelBundle::open(folder);
            QVERIFY(bundle.ok());
            QCOMPARE(bundle->manifest().parentVersion, r->manifest.version);
            const QJsonObject mw = bundle->manifest().training.value(QStringLiteral("fusion")).toObject()
                                       .value(QStringLiteral("mel_weight")).toObject();
            QCOMPARE(mw.value(QStringLiteral("b")).toDouble(-1), w);
            auto tagger = Tagger::load(bundle.value(), DevicePreference::Cpu);
            QVERIFY(tagger.ok());
            auto rows = tagger.value()->predict(AudioBuffer(signal(tagger.value()->chunkSamples(), 1), 16000), {0});
            QVERIFY(rows.ok());
            out.push_back(rows->front());
        }
        auto logit = [](double p) { return std::log(p / (1.0 - p)); };
        QVERIFY(out[0] != out[1]);
        for (size_t t = 0; t < out[0].size(); ++t) {
            const double mid = 0.5 * (logit(out[0][t]) + logit(out[1][t]));
            QVERIFY2(std::abs(logit(out[2][t]) - mid) < 1e-3,
                     qPrintable(QStringLiteral("tag %1: %2 vs %3").arg(t).arg(logit(out[2][t])).arg(mid)));
        }
        QVERIFY(!TrainableArchitecture::fixFusionWeights(dir + QStringLiteral("/fit.tlmodel"), 1.5, dir + QStringLiteral("/bad")).ok());
        QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/bad")));
    }

    /// Fine-tuning a fusion-linear bundle on a vocabulary with one more tag:
    /// the branch heads and fusion weights follow the tags by name.
    void fusionFineTunesOnNewTags()
    {
        const QString name = QStringLiteral("fusion-linear");
        auto r = Trainer::train(config(name, 1), separable(name, 7), separable(name, 8));
        QVERIFY(r.ok());
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_cnnsamarch_init"));
        QVERIFY(r->writeBundle(dir + QStringLiteral("/base.tlmodel")).ok());
        // Tags d, a, b, c: d is new (unknown everywhere), a..c keep their labels.
        TrainingExamples ex = separable(name, 7);
        ex.tags = Vocabulary::fromNames({QStringLiteral("d"), QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
        std::vector<float> labels;
        for (int i = 0; i < ex.count(); ++i) {
            labels.push_back(std::nanf(""));
            labels.insert(labels.end(), ex.labels.begin() + 3 * i, ex.labels.begin() + 3 * i + 3);
        }
        ex.labels = labels;
        TrainingConfig c = config(name, 1);
        c.initBundle = dir + QStringLiteral("/base.tlmodel");
        auto tuned = Trainer::train(c, ex, ex);
        QVERIFY2(tuned.ok(), qPrintable(tuned.ok() ? QString() : tuned.error()));
        QCOMPARE(tuned->manifest.tags.size(), 4);
        QCOMPARE(tuned->manifest.parentVersion, r->manifest.version);
    }

    void attentionWeights()
    {
        const QString name = QStringLiteral("cnn-sam");
        auto r = Trainer::train(config(name, 1), separable(name, 7), separable(name, 7));
        QVERIFY(r.ok());
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_cnnsamarch_attention"));
        QVERIFY(r->writeBundle(dir + QStringLiteral("/m.tlmodel")).ok());
        auto probe = AttentionProbe::open(dir + QStringLiteral("/m.tlmodel"));
        QVERIFY2(probe.ok(), qPrintable(probe.ok() ? QString() : probe.error()));
        QCOMPARE(probe->heads(), 4);
        QCOMPARE(probe->sampleRate(), 16000);
        const AudioBuffer audio(signal(5 * 16000, 2), 16000);
        auto one = probe->segment(audio, 1.0, 2.5);
        QVERIFY2(one.ok(), qPrintable(one.ok() ? QString() : one.error()));
        QCOMPARE(int(one->size()), 1);
        const AttentionWindow &a = one->front();
        QCOMPARE(a.heads, 4);
        QCOMPARE(int(a.melTimes.size()), 96 / 8);
        QCOMPARE(a.mel.size(), size_t(4) * a.melTimes.size());
        QCOMPARE(a.wave.size(), size_t(4) * a.waveTimes.size());
        QVERIFY(a.waveTimes.size() > 100);
        QVERIFY(std::abs(0.5 * (a.start + a.end) - 1.75) < 1e-3);  // centred on the stretch
        for (int h = 0; h < 4; ++h) {
            double ms = 0.0, ws = 0.0;
            for (size_t t = 0; t < a.melTimes.size(); ++t) {
                QVERIFY(a.mel[size_t(h) * a.melTimes.size() + t] >= 0.0f);
                ms += a.mel[size_t(h) * a.melTimes.size() + t];
            }
            for (size_t t = 0; t < a.waveTimes.size(); ++t)
                ws += a.wave[size_t(h) * a.waveTimes.size() + t];
            QVERIFY2(std::abs(ms - 1.0) < 1e-5 && std::abs(ws - 1.0) < 1e-5,
                     qPrintable(QStringLiteral("head %1: sums %2, %3").arg(h).arg(ms).arg(ws)));
        }
        for (size_t t = 1; t < a.melTimes.size(); ++t)
            QVERIFY(a.melTimes[t] > a.melTimes[t - 1] && a.melTimes[t] > a.start && a.melTimes[t] < a.end);
        // A longer stretch: consecutive windows; other audio, other weights.
        auto two = probe->segment(audio, 0.0, 4.5);
        QVERIFY(two.ok());
        QCOMPARE(int(two->size()), 2);
        QCOMPARE(two->at(1).start, two->at(0).end);
        QVERIFY(two->at(0).wave != two->at(1).wave);
        qInfo("Mel attention overlap ||AA^T - I||^2 after one epoch: %.3f", overlap(a));
        // Audio at another rate is resampled: the same stretch, the same times.
        auto other = probe->segment(AudioBuffer(Resampler::resample(signal(5 * 16000, 2), 16000, 8000), 8000), 1.0, 2.5);
        QVERIFY2(other.ok(), qPrintable(other.ok() ? QString() : other.error()));
        QCOMPARE(int(other->size()), 1);
        QVERIFY(std::abs(other->front().start - a.start) < 1e-3);
        QVERIFY(std::abs(other->front().melTimes[5] - a.melTimes[5]) < 1e-3);
        // Bad input: stretch outside the audio, a model without attention.
        QVERIFY(!probe->segment(AudioBuffer(), 0.0, 0.5).ok());
        QVERIFY(!probe->segment(audio, 6.0, 7.0).ok());
        QVERIFY(!probe->segment(audio, 2.0, 1.0).ok());
        auto fusion = Trainer::train(config(QStringLiteral("fusion-linear"), 1), separable(QStringLiteral("fusion-linear"), 7),
                                     separable(QStringLiteral("fusion-linear"), 7));
        QVERIFY(fusion.ok());
        QVERIFY(fusion->writeBundle(dir + QStringLiteral("/f.tlmodel")).ok());
        auto none = AttentionProbe::open(dir + QStringLiteral("/f.tlmodel"));
        QVERIFY(!none.ok());
        QVERIFY(none.error().contains(QStringLiteral("cnn-sam")));
        QVERIFY(!AttentionProbe::open(dir + QStringLiteral("/missing.tlmodel")).ok());
    }

    /// Real audio: examples from a synthetic corpus, a short training, and a
    /// Retrainer version that the Tagger loads.
    void trainsOnAudioAndRetrains()
    {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_cnnsamarch_retrain"));
        SynthCorpusOptions options;
        options.tracks = 3;
        options.seed = 43;
        options.channels = 1;
        options.outDir = dir + QStringLiteral("/corpus");
        QVERIFY(SynthCorpusGenerator::generate(options).ok());
        LabelledAudioFolder::Options readOptions;
        readOptions.probeAudio = false;
        auto folder = LabelledAudioFolder::read(options.outDir, readOptions);
        QVERIFY(folder.ok());
        const QString name = QStringLiteral("cnn-sam");
        auto ex = ExampleBuilder::fromTracks(folder->tracks, name, {});
        QVERIFY2(ex.ok(), qPrintable(ex.ok() ? QString() : ex.error()));
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
        QVERIFY(AttentionProbe::open(outcome->bundleFolder).ok());

        // fusion-linear on the same examples: its fused output layer is what the Retrainer refits.
        TrainingExamples fex = ex.value();
        fex.architecture = QStringLiteral("fusion-linear");
        auto f = Trainer::train(config(fex.architecture, 1), fex, fex);
        QVERIFY2(f.ok(), qPrintable(f.ok() ? QString() : f.error()));
        QVERIFY(f->writeBundle(dir + QStringLiteral("/fusion.tlmodel")).ok());
        req.baseBundle = dir + QStringLiteral("/fusion.tlmodel");
        req.outputFolder = dir + QStringLiteral("/fusion-retrained.tlmodel");
        auto fo = Retrainer::run(req);
        QVERIFY2(fo.ok(), qPrintable(fo.ok() ? QString() : fo.error()));
        QCOMPARE(fo->manifest.architecture, fex.architecture);
        auto fb = ModelBundle::open(fo->bundleFolder);
        QVERIFY(fb.ok());
        QVERIFY(Tagger::load(fb.value(), DevicePreference::Cpu).ok());
    }
};

QTEST_GUILESS_MAIN(TestCnnSamArch)
#include "tst_cnnsamarch.moc"
