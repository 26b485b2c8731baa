// SPDX-License-Identifier: GPL-3.0-or-later
// mia-ernn (Gao and Wang), its ablations and mat-gru as trainable
// architectures: examples are pre-emphasised ERB cepstra with their deltas,
// the semantic input's vectorised LDA E-step agrees with LdaModel, the
// batched CRF chain agrees with the single-chain forward algorithm, training
// learns and records the topic model, and the Tagger runs the bundle.
#include "engine/audio/audiodecoder.h"
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/corpus/synthrenderer.h"
#include "engine/dsp/cepstrum.h"
#include "engine/dsp/deltaregression.h"
#include "engine/dsp/featureextractor.h"
#include "engine/model/modelbundle.h"
#include "engine/model/tagger.h"
#include "engine/semantic/ldamodel.h"
#include "engine/train/ernn/ernnprobe.h"
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

const QStringList kNames = {QStringLiteral("mia-ernn"),    QStringLiteral("mia-ernn-af"), QStringLiteral("mia-ernn-se"),
                            QStringLiteral("mia-ernn-am"), QStringLiteral("mia-ernn-et"), QStringLiteral("mat-gru")};
constexpr int kCepstra = 20;

/// Tag t present raises cepstrum row 1 + 2t by 3 (in the raw feature
/// domain); tags a and b go together more often than not, so the topic
/// model has structure. 6 tracks of 4 examples, 3 tags.
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
    for (int track = 0; track < 6; ++track) {
        ex.trackNames << QStringLiteral("t%1").arg(track);
        for (int i = 0; i < 4; ++i) {
            const int id = track * 4 + i;
            const float la = float(id % 2);
            const float labels[3] = {la, track % 3 == 0 ? 1.0f - la : la, float((id / 2) % 2)};
            for (int b = 0; b < ex.bands; ++b)
                for (int f = 0; f < ex.frames; ++f) {
                    float v = noise(rng);
                    for (int t = 0; t < 3; ++t)
                        if (labels[t] > 0 && b == 1 + 2 * t)
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
    c.batchSize = 8;
    c.learningRate = 3e-3;
    c.patience = 0;
    c.seed = 3;
    c.threads = 1;
    return c;
}

/// Noise plus two tones whose pitch depends on k, at 16 kHz.
std::vector<float> signal(qint64 n, int k)
{
    std::mt19937 rng(unsigned(100 + k));
    std::normal_distribution<float> noise(0.0f, 0.02f);
    std::vector<float> s(static_cast<size_t>(n));
    for (qint64 i = 0; i < n; ++i) {
        const double t = double(i) / 16000.0;
        s[size_t(i)] = float(0.3 * std::sin(2 * M_PI * 220.0 * (k + 1) * t) + 0.1 * std::sin(2 * M_PI * 3100.0 * t))
                       + noise(rng);
    }
    return s;
}

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

/// The cepstra (DCT of ln ERB energies) of an ERB extractor with or without pre-emphasis, frame-major.
std::vector<float> cepstraOf(const std::vector<float> &x, bool preEmphasis, qint64 &frames)
{
    FeatureSettings s;
    s.type = FeatureType::Erb;
    s.sampleRate = 16000;
    s.nFft = 1024;
    s.hop = 512;
    s.bands = 64;
    s.fMin = 50.0;
    s.fMax = 8000.0;
    s.preEmphasis = preEmphasis;
    const FeatureExtractor fx(s);
    const FeatureMatrix m = fx.compute(x.data(), qint64(x.size()));
    const Cepstrum dct(64, kCepstra);
    std::vector<float> c(size_t(m.frames) * kCepstra);
    for (qint64 f = 0; f < m.frames; ++f)
        dct.apply(m.values.data() + f * 64, c.data() + f * kCepstra);
    frames = m.frames;
    return c;
}

} // namespace

class TestMiaErnnArch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describes()
    {
        qint64 previous = -1;
        for (const QString &name : kNames) {
            auto a = TrainableArchitecture::describe(name, 3);
            QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error()));
            QCOMPARE(a->sampleRate, 16000);
            QCOMPARE(a->bands, 2 * kCepstra);
            QCOMPARE(a->frames, 96);
            QVERIFY(a->parameters > 0);
            QVERIFY(a->parameters != previous);  // each variant is its own network
            previous = a->parameters;
            auto f = TrainableArchitecture::featureForwardShape(name, 7, 2, 1);
            QVERIFY2(f.ok(), qPrintable(f.ok() ? QString() : f.error()));
            QCOMPARE(f.value(), (std::vector<int64_t>{2, 1, 7}));
            auto w = TrainableArchitecture::waveformForwardShape(name, 5, 2);
            QVERIFY2(w.ok(), qPrintable(w.ok() ? QString() : w.error()));
            QCOMPARE(w.value(), (std::vector<int64_t>{2, 5}));
            qInfo("%s: %lld parameters for 3 tags", qPrintable(name), a->parameters);
        }
    }

    /// Example rows 0..19 are the DCT of the pre-emphasised ln ERB energies
    /// of the track, rows 20..39 their regression deltas over the whole track.
    void examplesAreErbCepstraWithDeltas()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_miaernnarch_examples"));
        const LabelledTrack track = trackOf(dir + QStringLiteral("/a.wav"), signal(4 * 49152, 2));
        auto ex = ExampleBuilder::fromTracks({track}, QStringLiteral("mia-ernn"), {});
        QVERIFY2(ex.ok(), qPrintable(ex.ok() ? QString() : ex.error()));
        QCOMPARE(ex->bands, 2 * kCepstra);
        QVERIFY(ex->count() >= 3);
        DecodeOptions options;
        options.analysisRate = 16000;
        auto decoded = AudioDecoder::decode(track.audioPath, options);
        QVERIFY(decoded.ok());
        qint64 frames = 0;
        const std::vector<float> c = cepstraOf(decoded->mono.samples(), true, frames);
        const std::vector<float> d = DeltaRegression::apply(c, kCepstra, frames, 2);
        qint64 plainFrames = 0;
        const std::vector<float> plain = cepstraOf(decoded->mono.samples(), false, plainFrames);
        const int w = ex->frames;
        for (int e = 0; e < 3; ++e) {
            const float *x = ex->features.data() + size_t(e) * ex->featureStride();
            const qint64 first = qint64(e) * ex->hopFrames;
            double worstC = 0.0, worstD = 0.0, fromPlain = 0.0, deltaEnergy = 0.0;
            for (int f = 0; f < w; ++f)
                for (int q = 0; q < kCepstra; ++q) {
                    const size_t i = size_t(first + f) * kCepstra + size_t(q);
                    worstC = std::max(worstC, double(std::abs(x[size_t(q) * w + f] - c[i])));
                    worstD = std::max(worstD, double(std::abs(x[size_t(kCepstra + q) * w + f] - d[i])));
                    fromPlain = std::max(fromPlain, double(std::abs(x[size_t(q) * w + f] - plain[i])));
                    deltaEnergy += double(d[i]) * d[i];
                }
            QVERIFY2(worstC < 1e-3, qPrintable(QStringLiteral("example %1: cepstra differ by %2").arg(e).arg(worstC)));
            QVERIFY2(worstD < 1e-3, qPrintable(QStringLiteral("example %1: deltas differ by %2").arg(e).arg(worstD)));
            QVERIFY2(fromPlain > 0.1, qPrintable(QStringLiteral("pre-emphasis changed nothing (%1)").arg(fromPlain)));
            QVERIFY(deltaEnergy > 1e-3);  // the deltas are not all zero
        }
    }

    /// The network's LDA E-step gives LdaModel's mixtures for the same topics.
    void semanticInputMatchesLdaModel()
    {
        const int words = 6, docs = 8;
        std::vector<double> counts(size_t(docs * words), 0.0);
        for (int d = 0; d < docs; ++d)
            for (int w = 0; w < words; ++w)
                counts[size_t(d * words + w)] = (d < 4) == (w < 3) ? double(1 + (d + w) % 3) : double((d * w) % 2);
        LdaModel lda;
        LdaOptions o;
        o.topics = 3;
        o.alpha = 0.2;
        o.eStepTolerance = 1e-10;
        o.maxEStepIterations = 500;
        QVERIFY(lda.fit(counts, docs, words, o).ok());
        const std::vector<double> queries = {1, 1, 0, 0, 0, 0,  0, 0, 0, 1, 0, 1,  1, 0, 1, 1, 0, 1,  0, 0, 0, 0, 0, 0};
        auto mine = ErnnProbe::ldaMixtures(lda.topicWords(), 3, words, lda.alpha(), queries, 4);
        QVERIFY2(mine.ok(), qPrintable(mine.ok() ? QString() : mine.error()));
        for (int q = 0; q < 3; ++q) {
            auto ref = lda.infer(std::vector<double>(queries.begin() + q * words, queries.begin() + (q + 1) * words));
            QVERIFY(ref.ok());
            for (int k = 0; k < 3; ++k)
                QVERIFY2(std::abs(mine.value()[size_t(q * 3 + k)] - ref->mixture[size_t(k)]) < 1e-3,
                         qPrintable(QStringLiteral("doc %1 topic %2: %3 vs %4").arg(q).arg(k)
                                        .arg(mine.value()[size_t(q * 3 + k)]).arg(ref->mixture[size_t(k)])));
        }
        // Two documents of different tags get different mixtures; the empty one none.
        QVERIFY(std::abs(mine.value()[0] - mine.value()[3]) > 0.05);
        for (int k = 0; k < 3; ++k)
            QCOMPARE(mine.value()[size_t(9 + k)], 0.0);
        QVERIFY(!ErnnProbe::ldaMixtures(lda.topicWords(), 3, words, 0.2, queries, 5).ok());
    }

    /// The batched chains equal the single-chain forward algorithm per (n, tag).
    void crfChainsMatchSingleChain()
    {
        const int n = 2, steps = 5, tags = 3;
        std::mt19937 rng(5);
        std::normal_distribution<double> g(0.0, 1.0);
        std::vector<double> unary(size_t(n * steps * tags)), trans(size_t(tags * 4));
        std::vector<int> states(unary.size());
        for (double &u : unary)
            u = g(rng);
        for (double &t : trans)
            t = g(rng);
        for (int &s : states)
            s = int(rng() % 2);
        auto batched = ErnnProbe::crfChainLogLikelihoods(unary, trans, states, n, steps, tags);
        QVERIFY2(batched.ok(), qPrintable(batched.ok() ? QString() : batched.error()));
        for (int b = 0; b < n; ++b)
            for (int k = 0; k < tags; ++k) {
                std::vector<double> u(steps);
                std::vector<int> s(steps);
                for (int t = 0; t < steps; ++t) {
                    u[size_t(t)] = unary[size_t((b * steps + t) * tags + k)];
                    s[size_t(t)] = states[size_t((b * steps + t) * tags + k)];
                }
                auto one = ErnnProbe::crfLogLikelihood(u, std::vector<double>(trans.begin() + 4 * k, trans.begin() + 4 * k + 4), s);
                QVERIFY(one.ok());
                const double got = batched.value()[size_t(b * tags + k)];
                QVERIFY2(std::abs(got - one.value()) < 1e-6, qPrintable(QStringLiteral("%1 vs %2").arg(got).arg(one.value())));
                QVERIFY(got < 0.0);
            }
    }

    /// Every variant learns the toy task; the manifest says how the semantic
    /// input was made (not for mat-gru) and which fraction of frames was dropped.
    void learns_data()
    {
        QTest::addColumn<QString>("name");
        for (const QString &name : kNames)
            QTest::newRow(qPrintable(name)) << name;
    }

    void learns()
    {
        QFETCH(QString, name);
        const TrainingExamples data = separable(name, 7);
        TrainingConfig c = config(name, 12);
        c.dropFrames = 0.3;
        auto r = Trainer::train(c, data, separable(name, 8));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        const double first = r->history.front().valLoss, last = r->history.back().valLoss;
        qInfo("%s toy validation loss %.4f -> %.4f", qPrintable(name), first, last);
        const QJsonObject semantic = r->manifest.training.value(QStringLiteral("semantic_input")).toObject();
        QCOMPARE(r->manifest.training.value(QStringLiteral("dropped_frames")).toDouble(-1), 0.3);
        QCOMPARE(r->manifest.features.value(QStringLiteral("type")).toString(), QStringLiteral("erb-cepstrum"));
        if (name == QLatin1String("mat-gru")) {
            QVERIFY(semantic.isEmpty());
        } else {
            QCOMPARE(semantic.value(QStringLiteral("topics")).toInt(), 8);
            QCOMPARE(semantic.value(QStringLiteral("documents")).toInt(), 6);
        }
        // Without audio (/AF) only the topics of the first pass remain: no
        // learning at inference is expected there.
        if (name != QLatin1String("mia-ernn-af"))
            QVERIFY2(last < 0.8 * first, qPrintable(QStringLiteral("validation loss %1 -> %2").arg(first).arg(last)));
    }

    void badOptionsFailClearly()
    {
        const TrainingExamples data = separable(QStringLiteral("mia-ernn"), 7);
        TrainingConfig c = config(QStringLiteral("mia-ernn"), 1);
        c.dropFrames = 1.0;
        auto r = Trainer::train(c, data, data);
        QVERIFY(!r.ok());
        QVERIFY(r.error().contains(QStringLiteral("dropped frames")));
        c.dropFrames = 0.0;
        c.flipLabels = 0.7;
        QVERIFY(!Trainer::train(c, data, data).ok());
        auto a = TrainableArchitecture::describe(QStringLiteral("taglane-cnn"), 3);
        TrainingConfig cnn = config(QStringLiteral("taglane-cnn"), 1);
        cnn.dropFrames = 0.2;
        TrainingExamples other = data;
        other.architecture = a->name;
        other.bands = a->bands;
        other.frames = a->frames;
        other.features.assign(size_t(other.count()) * other.featureStride(), 0.0f);
        auto wrong = Trainer::train(cnn, other, other);
        QVERIFY(!wrong.ok());
        QVERIFY(wrong.error().contains(QStringLiteral("mia-ernn")));
    }

    /// Label noise: flipped training labels change the trained weights and are recorded.
    void flippedLabelsAreUsed()
    {
        const TrainingExamples data = separable(QStringLiteral("mat-gru"), 7);
        TrainingConfig c = config(QStringLiteral("mat-gru"), 2);
        auto clean = Trainer::train(c, data, data);
        c.flipLabels = 0.3;
        auto noisy = Trainer::train(c, data, data);
        QVERIFY(clean.ok() && noisy.ok());
        QCOMPARE(noisy->manifest.training.value(QStringLiteral("flipped_labels")).toDouble(), 0.3);
        QVERIFY(clean->weights != noisy->weights);
    }

    /// Train, save, load in the Tagger: the Tagger's output for a chunk
    /// equals the trained net on the example builder's features of that
    /// chunk, with the frames dropped by the bundle's fixed draw.
    void bundleRoundTrip()
    {
        const QString name = QStringLiteral("mia-ernn");
        TrainingConfig c = config(name, 2);
        c.dropFrames = 0.2;
        auto r = Trainer::train(c, separable(name, 7), separable(name, 8));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_miaernnarch_bundle"));
        const QString folder = dir + QStringLiteral("/m.tlmodel");
        QVERIFY(r->writeBundle(folder).ok());
        auto bundle = ModelBundle::open(folder);
        QVERIFY2(bundle.ok(), qPrintable(bundle.ok() ? QString() : bundle.error()));
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

    /// Real audio: a short training on a rendered corpus, then the
    /// Retrainer's version of that bundle, which the Tagger runs.
    void trainsOnAudioAndRetrains()
    {
        if (!QFileInfo::exists(QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")))
            QSKIP("the FluidR3 GM soundfont is not installed");
        const QString dir = taglane::tests::tempDir(QStringLiteral("tst_miaernnarch_retrain"));
        SynthCorpusOptions options;
        options.tracks = 2;
        options.seed = 43;
        options.channels = 1;
        options.outDir = dir + QStringLiteral("/corpus");
        QVERIFY(SynthCorpusGenerator::generate(options).ok());
        LabelledAudioFolder::Options readOptions;
        readOptions.probeAudio = false;
        auto folder = LabelledAudioFolder::read(options.outDir, readOptions);
        QVERIFY(folder.ok());
        const QString name = QStringLiteral("mia-ernn");
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
        auto tagger = Tagger::load(bundle.value(), DevicePreference::Cpu);
        QVERIFY2(tagger.ok(), qPrintable(tagger.ok() ? QString() : tagger.error()));
        auto rows = tagger.value()->predict(AudioBuffer(signal(tagger.value()->chunkSamples(), 1), 16000), {0});
        QVERIFY(rows.ok());
        QCOMPARE(int(rows->front().size()), ex->tags.size());
    }
};

QTEST_GUILESS_MAIN(TestMiaErnnArch)
#include "tst_miaernnarch.moc"
