// SPDX-License-Identifier: GPL-3.0-or-later
// Miao and Cheng's multimodal CNN with self-attention pooling on Taglane's
// synthetic corpus (engine/studies/STUDIES.md, section 4): renders a small
// phrase corpus (FluidR3_GM + OPL-3 only), cuts cnn-sam examples once, trains
// cnn-sam (alpha 1, alpha A, alpha 1 with the attention penalty) and
// fusion-linear (whose two branches, fixed to weight 1 and 0, are the
// single-modality networks alone), evaluates each on the held-out corpus and
// prints accuracy, macro ROC-AUC, PR-AUC (MAP), F1 and MAA, then per tag.
// Also the mean attention overlap ||AA^T - I||_F^2 (Mel branch) over held-out
// windows of each cnn-sam model. Prints figures; asserts nothing.
// Environment: CNNSAM_OUT (folder), CNNSAM_TRAIN (24), CNNSAM_VAL (6),
// CNNSAM_TEST (10) tracks, CNNSAM_EPOCHS (6), CNNSAM_ALPHA (2), CNNSAM_PENALTY (1),
// CNNSAM_RUNS (all: "sam sam-novelty sam-alpha sam-penalty fusion").
#include "engine/audio/audiodecoder.h"
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/corpus/soundfontlibrary.h"
#include "engine/corpus/synthcorpusgenerator.h"
#include "engine/eval/metricsreport.h"
#include "engine/train/attentionprobe.h"
#include "engine/train/modelevaluator.h"
#include "engine/train/trainablearchitecture.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTextStream>

#include <cmath>
#include <cstdio>
#include <optional>

using namespace taglane::engine;

namespace {

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariable(name).toInt(&ok);
    return ok ? v : fallback;
}

double envDouble(const char *name, double fallback)
{
    bool ok = false;
    const double v = qEnvironmentVariable(name).toDouble(&ok);
    return ok ? v : fallback;
}

bool render(const QString &dir, int tracks, quint64 seed)
{
    if (QFileInfo::exists(dir + QStringLiteral("/corpus.json")))
        return true;
    SynthCorpusOptions o;
    o.tracks = tracks;
    o.seed = seed;
    o.outDir = dir;
    o.channels = 1;
    o.generator = Generator::Phrase;
    auto fonts = SoundfontLibrary::resolveList({QStringLiteral("fluid"), QStringLiteral("opl3")});
    if (!fonts) {
        std::fprintf(stderr, "bench_cnnsam: %s\n", qPrintable(fonts.error()));
        return false;
    }
    o.soundfonts = fonts.value();
    auto r = SynthCorpusGenerator::generate(o);
    if (!r)
        std::fprintf(stderr, "bench_cnnsam: %s\n", qPrintable(r.error()));
    return r.ok();
}

struct Row
{
    QString label;
    QString bundle;
    double secondsPerEpoch = 0.0;
    int epochs = 0, best = 0;
};

/// Mean ||AA^T - I||_F^2 of the Mel attention over windows of the first held-out tracks.
double meanOverlap(const QString &bundle, const LabelledFolder &test)
{
    auto probe = AttentionProbe::open(bundle);
    if (!probe)
        return std::nan("");
    double sum = 0.0;
    int n = 0;
    for (int i = 0; i < std::min(3, int(test.tracks.size())); ++i) {
        DecodeOptions d;
        d.analysisRate = probe->sampleRate();
        auto audio = AudioDecoder::decode(test.tracks.at(i).audioPath, d);
        if (!audio)
            continue;
        auto windows = probe->segment(audio->mono, 0.0, audio->mono.durationSeconds());
        if (!windows)
            continue;
        for (const AttentionWindow &w : windows.value()) {
            const size_t len = w.melTimes.size();
            double s = 0.0;
            for (int a = 0; a < w.heads; ++a)
                for (int b = 0; b < w.heads; ++b) {
                    double dot = 0.0;
                    for (size_t t = 0; t < len; ++t)
                        dot += double(w.mel[size_t(a) * len + t]) * w.mel[size_t(b) * len + t];
                    s += std::pow(dot - (a == b ? 1.0 : 0.0), 2);
                }
            sum += s;
            ++n;
        }
    }
    return n > 0 ? sum / n : std::nan("");
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString out = qEnvironmentVariable("CNNSAM_OUT", QDir::tempPath() + QStringLiteral("/bench_cnnsam"));
    const int nTrain = envInt("CNNSAM_TRAIN", 24), nVal = envInt("CNNSAM_VAL", 6), nTest = envInt("CNNSAM_TEST", 10);
    const int epochs = envInt("CNNSAM_EPOCHS", 6);
    const double alpha = envDouble("CNNSAM_ALPHA", 2.0), penalty = envDouble("CNNSAM_PENALTY", 1.0);
    const QStringList runs = qEnvironmentVariable("CNNSAM_RUNS", QStringLiteral("sam sam-novelty sam-alpha sam-penalty fusion"))
                                 .split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QDir().mkpath(out);
    const QString trainDir = out + QStringLiteral("/corpus/train"), valDir = out + QStringLiteral("/corpus/val"),
                  testDir = out + QStringLiteral("/corpus/test");
    if (!render(trainDir, nTrain, 141) || !render(valDir, nVal, 142) || !render(testDir, nTest, 143))
        return 2;
    QElapsedTimer clock;
    clock.start();
    auto train = ExampleBuilder::fromFolder(trainDir, QStringLiteral("cnn-sam"));
    if (!train) {
        std::fprintf(stderr, "bench_cnnsam: %s\n", qPrintable(train.error()));
        return 2;
    }
    auto val = ExampleBuilder::fromFolder(valDir, QStringLiteral("cnn-sam"), train->tags);
    if (!val) {
        std::fprintf(stderr, "bench_cnnsam: %s\n", qPrintable(val.error()));
        return 2;
    }
    std::printf("corpus: train %d tracks (%d examples), val %d (%d), test %d tracks; %d tags; examples cut in %.0f s\n",
                nTrain, train->count(), nVal, val->count(), nTest, train->tags.size(), clock.elapsed() / 1000.0);
    std::printf("up to %d epochs, patience 2, batch 16, Adam 1e-3, 1 thread; alpha %.1f; penalty weight %.2f\n", epochs,
                alpha, penalty);
    std::fflush(stdout);

    std::vector<Row> rows;
    // The study's adaptive segmentation: the same corpus with the windows
    // placed inside self-similarity novelty segments (run "sam-novelty").
    std::optional<TrainingExamples> trainNovelty, valNovelty;
    if (runs.contains(QStringLiteral("sam-novelty"))) {
        auto t = ExampleBuilder::fromFolder(trainDir, QStringLiteral("cnn-sam"), train->tags, 0, {},
                                            ExampleBuilder::Windows::Novelty);
        auto v = ExampleBuilder::fromFolder(valDir, QStringLiteral("cnn-sam"), train->tags, 0, {},
                                            ExampleBuilder::Windows::Novelty);
        if (!t || !v) {
            std::fprintf(stderr, "bench_cnnsam: %s\n", qPrintable(!t ? t.error() : v.error()));
            return 2;
        }
        trainNovelty = t.value();
        valNovelty = v.value();
        std::printf("novelty windows: train %d examples, val %d (fixed: %d, %d)\n", trainNovelty->count(),
                    valNovelty->count(), train->count(), val->count());
    }
    auto trainOne = [&](const QString &label, const QString &arch, double a, double p, bool novelty = false) -> bool {
        TrainingConfig c;
        c.architecture = arch;
        c.epochs = epochs;
        c.batchSize = 16;
        c.learningRate = 1e-3;
        c.alpha = a;
        c.attentionPenalty = p;
        c.patience = 2;
        c.seed = 1;
        c.threads = 1;
        c.validationSource = QStringLiteral("a separate validation corpus (seed 142)");
        TrainingExamples t = novelty ? *trainNovelty : train.value(), v = novelty ? *valNovelty : val.value();
        t.architecture = v.architecture = arch;
        auto r = Trainer::train(c, t, v);
        if (!r) {
            std::fprintf(stderr, "bench_cnnsam: %s: %s\n", qPrintable(label), qPrintable(r.error()));
            return false;
        }
        const QString bundle = out + QLatin1Char('/') + label + QStringLiteral(".tlmodel");
        QDir(bundle).removeRecursively();
        if (!r->writeBundle(bundle).ok())
            return false;
        rows.push_back({label, bundle, r->seconds / std::max(1, r->epochsRun), r->epochsRun, r->bestEpoch});
        std::printf("trained %s: %d epochs (best %d), %.0f s\n", qPrintable(label), r->epochsRun, r->bestEpoch, r->seconds);
        std::fflush(stdout);
        return true;
    };
    for (const QString &run : runs) {
        if (run == QLatin1String("sam"))
            trainOne(QStringLiteral("cnn-sam"), QStringLiteral("cnn-sam"), 1.0, 0.0);
        else if (run == QLatin1String("sam-novelty"))
            trainOne(QStringLiteral("cnn-sam-novelty"), QStringLiteral("cnn-sam"), 1.0, 0.0, true);
        else if (run == QLatin1String("sam-alpha"))
            trainOne(QStringLiteral("cnn-sam-alpha%1").arg(alpha), QStringLiteral("cnn-sam"), alpha, 0.0);
        else if (run == QLatin1String("sam-penalty"))
            trainOne(QStringLiteral("cnn-sam-penalty%1").arg(penalty), QStringLiteral("cnn-sam"), 1.0, penalty);
        else if (run == QLatin1String("fusion") && trainOne(QStringLiteral("fusion-linear"), QStringLiteral("fusion-linear"), 1.0, 0.0)) {
            const Row fused = rows.back();
            for (const auto &[label, w] : {std::pair{QStringLiteral("mel-branch-alone"), 1.0},
                                           std::pair{QStringLiteral("wave-branch-alone"), 0.0}}) {
                const QString bundle = out + QLatin1Char('/') + label + QStringLiteral(".tlmodel");
                QDir(bundle).removeRecursively();
                if (TrainableArchitecture::fixFusionWeights(fused.bundle, w, bundle).ok())
                    rows.push_back({label, bundle, fused.secondsPerEpoch, fused.epochs, fused.best});
            }
        }
    }

    LabelledAudioFolder::Options readOptions;
    readOptions.probeAudio = false;
    auto test = LabelledAudioFolder::read(testDir, readOptions);
    std::printf("\n%-22s %8s %5s %8s %8s %8s %8s %8s %9s\n", "model", "s/epoch", "ep/bs", "acc", "rocauc", "prauc", "f1",
                "maa", "overlap");
    std::vector<ModelEvaluation> evals;
    for (const Row &r : rows) {
        auto e = ModelEvaluator::evaluate(r.bundle, testDir);
        if (!e) {
            std::fprintf(stderr, "bench_cnnsam: %s: %s\n", qPrintable(r.label), qPrintable(e.error()));
            continue;
        }
        const MetricsReport &m = e->report;
        const double overlap = test ? meanOverlap(r.bundle, test.value()) : std::nan("");
        std::printf("%-22s %8.1f %2d/%-2d %8.3f %8.3f %8.3f %8.3f %8.3f %9.3f\n", qPrintable(r.label), r.secondsPerEpoch,
                    r.epochs, r.best, m.accuracy, m.macroRocAuc, m.meanAveragePrecision, m.macroF1, m.meanAverageAccuracy,
                    overlap);
        std::fflush(stdout);
        evals.push_back(e.value());
    }
    if (!evals.empty()) {
        std::printf("\nper tag ROC-AUC (positives/segments):\n%-34s", "tag");
        for (const Row &r : rows)
            std::printf(" %10.10s", qPrintable(r.label));
        std::printf("\n");
        const ModelEvaluation &first = evals.front();
        for (size_t t = 0; t < first.report.perTag.size(); ++t) {
            const TagMetrics &tm = first.report.perTag[t];
            std::printf("%-28s %2d/%-3d", qPrintable(first.manifest.tags.at(int(t)).name), tm.positives,
                        tm.positives + tm.negatives);
            for (const ModelEvaluation &e : evals)
                std::printf(" %10.3f", t < e.report.perTag.size() ? e.report.perTag[t].rocAuc : std::nan(""));
            std::printf("\n");
        }
    }
    return 0;
}
