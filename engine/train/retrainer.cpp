// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/audio/audiodecoder.h"
#include "engine/dsp/scattering.h"
#include "engine/eval/metrics.h"
#include "engine/model/statedict_p.h"
#include "engine/model/tagger.h"
#include "engine/store/annotationstore.h"
#include "engine/train/curatedcells_p.h"
#include "engine/train/headfit_p.h"
#include "engine/train/retrainer.h"
#include "engine/train/trainablenet_p.h"
#include "engine/train/trainingexamples.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Retrainer", text);
}

constexpr float kUnknown = std::numeric_limits<float>::quiet_NaN();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

using detail::cellOf;
using detail::columnsOf;

/// One curated track embedded: windows at the training hop.
struct EmbeddedTrack
{
    int curatedIndex = 0;
    std::vector<qint64> starts;    ///< window start frames
    std::vector<double> centres;   ///< window centre times (s)
    std::vector<char> evalWindow;  ///< window on the evaluation grid (hop frames / 2)
    std::vector<char> heldWindow;  ///< centre inside a held-out segment: never trained on
    at::Tensor features;           ///< [bands, T] (not standardised)
    at::Tensor embedding;          ///< [W, D]
    at::Tensor baseLogits;         ///< [W, base tags]
    std::vector<float> trainLabels;///< [W][tags] aggregated, NaN = unknown
    std::vector<float> heldLabels; ///< [W][tags] from the held-out cells only
};

/// Segment score: mean over evaluation windows centred inside it, or the
/// evaluation window nearest to its middle (as ModelEvaluator does).
std::vector<double> segmentScore(const EmbeddedTrack &e, const at::Tensor &probs, const Segment &seg)
{
    const int64_t tags = probs.size(1);
    const float *pp = probs.data_ptr<float>();
    std::vector<double> sum(size_t(tags), 0.0);
    int used = 0;
    for (size_t w = 0; w < e.centres.size(); ++w) {
        if (!e.evalWindow[w] || e.centres[w] < seg.start || e.centres[w] >= seg.end)
            continue;
        for (int64_t t = 0; t < tags; ++t)
            sum[size_t(t)] += pp[w * size_t(tags) + size_t(t)];
        ++used;
    }
    if (used == 0) {
        const double mid = 0.5 * (seg.start + seg.end);
        size_t nearest = 0;
        double bestDistance = std::numeric_limits<double>::infinity();
        for (size_t w = 0; w < e.centres.size(); ++w) {
            if (e.evalWindow[w] && std::abs(e.centres[w] - mid) < bestDistance) {
                bestDistance = std::abs(e.centres[w] - mid);
                nearest = w;
            }
        }
        for (int64_t t = 0; t < tags; ++t)
            sum[size_t(t)] = pp[nearest * size_t(tags) + size_t(t)];
        used = 1;
    }
    for (double &s : sum)
        s /= used;
    return sum;
}

QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

QJsonObject reportJson(const MetricsReport &r, const Vocabulary &tags)
{
    QJsonObject o;
    o.insert(QStringLiteral("macro_roc_auc"), number(r.macroRocAuc));
    o.insert(QStringLiteral("map"), number(r.meanAveragePrecision));
    o.insert(QStringLiteral("macro_f1"), number(r.macroF1));
    o.insert(QStringLiteral("micro_f1"), number(r.microF1));
    QJsonObject perTag;
    for (size_t t = 0; t < r.perTag.size() && int(t) < tags.size(); ++t)
        perTag.insert(tags.at(int(t)).name, number(r.perTag[t].rocAuc));
    o.insert(QStringLiteral("per_tag_roc_auc"), perTag);
    return o;
}

/// Restores the LibTorch thread count on scope exit.
struct ThreadScope
{
    int previous = at::get_num_threads();
    explicit ThreadScope(int threads)
    {
        if (threads > 0)
            at::set_num_threads(threads);
    }
    ~ThreadScope() { at::set_num_threads(previous); }
};

} // namespace

Status Retrainer::canRetrain(const QString &bundleFolder)
{
    auto bundle = ModelBundle::open(bundleFolder);
    if (!bundle)
        return Status::failure(tr("The base model could not be read: %1").arg(bundle.error()));
    if (!detail::findTrainableSpec(bundle->manifest().architecture)) {
        return Status::failure(tr("The model %1 is a \"%2\" model, which Taglane can use but not retrain; retrain a "
                                  "model of one of Taglane's own architectures (%3).")
                                   .arg(bundleFolder, bundle->manifest().architecture,
                                        detail::trainableSpecNames().join(QStringLiteral(", "))));
    }
    // A base whose manifest does not fit its architecture would train a model on the wrong front end.
    if (const Status fits = Tagger::checkManifest(bundle.value()); !fits)
        return fits;
    return {};
}

Result<RetrainOutcome> Retrainer::run(const RetrainRequest &request, const ProgressCallback &onProgress,
                                      const std::atomic_bool *cancel)
{
    using R = Result<RetrainOutcome>;
    QElapsedTimer clock;
    clock.start();
    if (request.outputFolder.isEmpty())
        return R::failure(tr("No output folder was given for the retrained model."));
    if (QFileInfo::exists(request.outputFolder))
        return R::failure(tr("The output folder %1 already exists; choose a new folder for the retrained model.")
                              .arg(request.outputFolder));
    if (!(request.holdOutFraction >= 0.0 && request.holdOutFraction < 1.0))
        return R::failure(tr("The hold-out share must be at least 0 and below 1 (got %1).").arg(request.holdOutFraction));
    if (request.epochs < 0 || request.epochs > 10000)
        return R::failure(tr("The number of epochs must be from 0 (the default) to 10000 (got %1).").arg(request.epochs));
    const Status usable = canRetrain(request.baseBundle);
    if (!usable)
        return R::failure(usable.error());
    auto bundle = ModelBundle::open(request.baseBundle);
    if (!bundle)
        return R::failure(tr("The base model could not be read: %1").arg(bundle.error()));
    const ModelManifest &baseManifest = bundle->manifest();
    const detail::TrainableSpec *spec = detail::findTrainableSpec(baseManifest.architecture);
    if (!spec)
        return R::failure(tr("The model %1 cannot be retrained.").arg(request.baseBundle));
    auto baseWeights = detail::loadTorchStateDict(bundle->weightsPath());
    if (!baseWeights)
        return R::failure(baseWeights.error());
    // The base is read before the curated data: a damaged model is the first thing to say.
    if (request.curated.isEmpty())
        return R::failure(tr("There are no curated tracks to learn from: mark tags present or absent in some segments first."));
    const Vocabulary &baseTags = baseManifest.tags;

    // The new model's tags: as asked, or the base tags plus curated tags with a verdict.
    RetrainOutcome outcome;
    Vocabulary tags = request.tags;
    if (tags.isEmpty()) {
        QVector<Tag> list = baseTags.tags();
        QStringList names = baseTags.names();
        for (const LabelledTrack &t : request.curated) {
            for (int c = 0; c < t.tags.size(); ++c) {
                if (names.contains(t.tags.at(c).name))
                    continue;
                bool known = false;
                for (int s = 0; s < t.segments.size() && !known; ++s)
                    known = !std::isnan(t.value(s, c));
                if (known) {
                    names << t.tags.at(c).name;
                    list << t.tags.at(c);
                }
            }
        }
        tags = Vocabulary(list);
    } else if (tags.names().mid(0, baseTags.size()) != baseTags.names()) {
        outcome.warnings << tr("The new model's tags do not start with the base model's tags in order; rows are matched by name.");
    }
    const int nTags = tags.size();
    std::vector<int> rowMap(size_t(nTags), -1);
    for (int t = 0; t < nTags; ++t) {
        rowMap[size_t(t)] = baseTags.indexOf(tags.at(t).name);
        if (rowMap[size_t(t)] < 0)
            outcome.newTags << tags.at(t).name;
    }

    const RetrainSplit split = request.heldOutSegments.isEmpty()
                                   ? splitHoldOut(request.curated, tags, request.holdOutFraction, request.seed)
                                   : splitHoldOut(request.curated, tags, request.heldOutSegments);
    if (split.curatedSegments == 0) {
        return R::failure(tr("There are no curated segments to learn from: mark tags present or absent in some "
                             "segments first (none of the %1 tracks given has a verdict on the model's tags).")
                              .arg(request.curated.size()));
    }
    outcome.heldOutSegments = split.heldOutSegments.size();
    outcome.trainSegments = split.curatedSegments - outcome.heldOutSegments;
    if (outcome.heldOutSegments == 0)
        outcome.warnings << tr("No curated segment was held out, so there is no before/after comparison.");

    const ThreadScope threads(request.threads);
    auto cancelled = [&]() { return cancel && cancel->load(); };
    auto cancelledOutcome = [&]() {
        outcome.cancelled = true;
        outcome.tags = tags;
        outcome.seconds = clock.elapsed() / 1000.0;
        return R(outcome);
    };

    try {
        torch::NoGradGuard noGrad;
        torch::manual_seed(request.seed);
        detail::TrainableNet baseNet = detail::createTrainableNet(*spec, baseTags.size());
        const Status loaded = detail::loadTrainableWeights(baseNet, baseWeights.value(), bundle->weightsPath());
        if (!loaded)
            return R::failure(loaded.error());
        baseNet->eval();

        // Embed every window of every curated track once (the backbone stays frozen).
        const int evalHop = std::max(1, spec->frames / 2);
        const int trainHop = std::max(1, spec->frames / std::max(1, request.tuning.windowsPerFrame));
        std::vector<EmbeddedTrack> embedded;
        for (int i = 0; i < request.curated.size(); ++i) {
            if (cancelled())
                return cancelledOutcome();
            const LabelledTrack &track = request.curated.at(i);
            DecodeOptions options;
            options.analysisRate = spec->sampleRate;
            auto decoded = AudioDecoder::decode(track.audioPath, options);
            if (!decoded) {
                outcome.warnings << decoded.error();
                continue;
            }
            const AudioBuffer &audio = decoded->mono;
            if (audio.size() < spec->nFft) {
                outcome.warnings << tr("%1 is too short to learn from.").arg(track.audioPath);
                continue;
            }
            at::Tensor wave = at::from_blob(const_cast<float *>(audio.data()), {1, audio.size()}, at::kFloat);
            at::Tensor feats = baseNet->features(wave)[0].contiguous();  // [bands, T]
            if (feats.size(1) < spec->frames)
                feats = detail::padFrames(*spec, feats, spec->frames);
            const qint64 frameCount = feats.size(1);
            EmbeddedTrack e;
            e.curatedIndex = i;
            // Training grid and evaluation grid (hop frames / 2, as ModelEvaluator) together.
            std::vector<qint64> grid = ExampleBuilder::longTermStarts(frameCount, spec->frames, trainHop);
            for (qint64 s : ExampleBuilder::longTermStarts(frameCount, spec->frames, evalHop))
                grid.push_back(s);
            std::sort(grid.begin(), grid.end());
            grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
            for (qint64 s : grid) {
                e.starts.push_back(s);
                e.evalWindow.push_back(s % evalHop == 0 ? 1 : 0);
                e.centres.push_back(double(s + spec->frames / 2) * spec->hop / spec->sampleRate);
            }
            e.features = feats;
            e.embedding = detail::embedWindows(baseNet, feats, e.starts);
            e.baseLogits = baseNet->outputLayer()->forward(e.embedding).contiguous();
            const LabelledTrack &trainTrack = split.training.at(i);
            const LabelledTrack &heldTrack = split.heldOut.at(i);
            const std::vector<float> trainFrames =
                ExampleBuilder::frameLabels(trainTrack, tags, frameCount, spec->hop, spec->sampleRate);
            const std::vector<float> heldFrames =
                ExampleBuilder::frameLabels(heldTrack, tags, frameCount, spec->hop, spec->sampleRate);
            for (size_t w = 0; w < e.starts.size(); ++w) {
                const qint64 s = e.starts[w];
                const int segment = track.segments.indexAt(e.centres[w]);
                const bool inHeld = segment >= 0 && split.heldOutSegments.contains(qMakePair(i, segment));
                e.heldWindow.push_back(inHeld ? 1 : 0);
                const std::vector<float> tw(trainFrames.begin() + long(s * nTags),
                                            trainFrames.begin() + long((s + spec->frames) * nTags));
                const std::vector<float> hw(heldFrames.begin() + long(s * nTags),
                                            heldFrames.begin() + long((s + spec->frames) * nTags));
                std::vector<float> tl = ExampleBuilder::aggregateFrameLabels(tw, spec->frames, nTags);
                if (inHeld)
                    std::fill(tl.begin(), tl.end(), kUnknown);
                e.trainLabels.insert(e.trainLabels.end(), tl.begin(), tl.end());
                const std::vector<float> hl = ExampleBuilder::aggregateFrameLabels(hw, spec->frames, nTags);
                e.heldLabels.insert(e.heldLabels.end(), hl.begin(), hl.end());
            }
            embedded.push_back(std::move(e));
            if (onProgress) {
                TrainingProgress p;
                p.epoch = 0;
                p.batch = i + 1;
                p.batches = request.curated.size();
                p.trainLoss = kNan;
                p.valLoss = kNan;
                p.seconds = clock.elapsed() / 1000.0;
                onProgress(p);
            }
        }
        if (embedded.empty())
            return R::failure(tr("None of the curated tracks could be read: %1").arg(outcome.warnings.join(QLatin1Char(' '))));

        // The head-fit problem: training windows (not centred in a held-out segment).
        const int64_t dim = baseNet->outputLayer()->options.in_features();
        std::vector<at::Tensor> xs, softs, valXs;
        std::vector<float> targets, mask, valTargets, valMask;
        std::vector<int64_t> baseIndex(size_t(nTags), 0);
        for (int t = 0; t < nTags; ++t)
            baseIndex[size_t(t)] = std::max(0, rowMap[size_t(t)]);
        const at::Tensor gather = at::tensor(baseIndex, at::kLong);
        int trainWindows = 0;
        std::vector<std::pair<int, int64_t>> trainRefs;  // (index into embedded, start frame)
        for (size_t ei = 0; ei < embedded.size(); ++ei) {
            const EmbeddedTrack &e = embedded[ei];
            std::vector<int64_t> keep, val;
            for (size_t w = 0; w < e.starts.size(); ++w) {
                if (!e.heldWindow[w]) {
                    keep.push_back(int64_t(w));
                    trainRefs.emplace_back(int(ei), int64_t(e.starts[w]));
                    for (int t = 0; t < nTags; ++t) {
                        const float v = e.trainLabels[w * size_t(nTags) + size_t(t)];
                        targets.push_back(std::isnan(v) ? 0.0f : v);
                        mask.push_back(std::isnan(v) ? 0.0f : 1.0f);
                    }
                } else {
                    bool known = false;
                    for (int t = 0; t < nTags; ++t)
                        known = known || !std::isnan(e.heldLabels[w * size_t(nTags) + size_t(t)]);
                    if (!known)
                        continue;
                    val.push_back(int64_t(w));
                    for (int t = 0; t < nTags; ++t) {
                        const float v = e.heldLabels[w * size_t(nTags) + size_t(t)];
                        valTargets.push_back(std::isnan(v) ? 0.0f : v);
                        valMask.push_back(std::isnan(v) ? 0.0f : 1.0f);
                    }
                }
            }
            if (!keep.empty()) {
                const at::Tensor k = at::tensor(keep, at::kLong);
                xs.push_back(e.embedding.index_select(0, k));
                softs.push_back(at::sigmoid(e.baseLogits.index_select(0, k).index_select(1, gather)));
                trainWindows += int(keep.size());
            }
            if (!val.empty())
                valXs.push_back(e.embedding.index_select(0, at::tensor(val, at::kLong)));
        }
        if (trainWindows == 0 || std::none_of(mask.begin(), mask.end(), [](float m) { return m > 0; })) {
            return R::failure(tr("Every curated segment was held out or lies where no window could be cut; curate more "
                                 "segments or lower the hold-out share."));
        }
        outcome.trainWindows = trainWindows;
        detail::HeadFitProblem problem;
        problem.x = at::cat(xs, 0);
        problem.targets = at::tensor(targets, at::kFloat).view({trainWindows, nTags});
        problem.mask = at::tensor(mask, at::kFloat).view({trainWindows, nTags});
        problem.soft = at::cat(softs, 0);
        std::vector<float> hasBase(size_t(nTags), 0.0f);
        const at::Tensor baseW = baseWeights->at(baseNet->outputWeightKey()).to(at::kFloat);
        const at::Tensor baseB = baseWeights->at(baseNet->outputBiasKey()).to(at::kFloat);
        problem.initWeight = at::zeros({nTags, dim}, at::kFloat);
        problem.initBias = at::zeros({nTags}, at::kFloat);
        for (int t = 0; t < nTags; ++t) {
            const int r = rowMap[size_t(t)];
            if (r >= 0) {
                hasBase[size_t(t)] = 1.0f;
                problem.initWeight[t].copy_(baseW[r]);
                problem.initBias[t].copy_(baseB[r]);
            } else {
                // A fresh row starts at the log-odds of its positive share.
                const at::Tensor m = problem.mask.select(1, t);
                const double known = m.sum().item<double>();
                const double pos = (problem.targets.select(1, t) * m).sum().item<double>();
                const double rate = known > 0 ? std::clamp(pos / known, 0.02, 0.98) : 0.5;
                problem.initBias[t].fill_(std::log(rate / (1.0 - rate)));
                if (known == 0)
                    outcome.warnings << tr("The new tag \"%1\" has no curated verdict outside the hold-out; its output "
                                           "learns nothing.").arg(tags.at(t).name);
            }
        }
        problem.hasBase = at::tensor(hasBase, at::kFloat);
        // Evidence per row: curated training segments with a known cell.
        std::vector<float> rowWeight(size_t(nTags), 1.0f);
        {
            std::vector<int> segmentsKnown(size_t(nTags), 0);
            for (int i = 0; i < split.training.size(); ++i) {
                const LabelledTrack &t = split.training.at(i);
                const std::vector<int> columns = columnsOf(t, tags);
                for (int s = 0; s < t.segments.size(); ++s)
                    for (int c = 0; c < nTags; ++c)
                        segmentsKnown[size_t(c)] += std::isnan(cellOf(t, columns, s, c)) ? 0 : 1;
            }
            for (int c = 0; c < nTags; ++c) {
                if (rowMap[size_t(c)] >= 0 && request.tuning.evidenceSegments > 0) {
                    const double k = segmentsKnown[size_t(c)];
                    rowWeight[size_t(c)] = float(k / (k + request.tuning.evidenceSegments));
                }
            }
        }
        problem.rowWeight = at::tensor(rowWeight, at::kFloat);
        if (!valXs.empty()) {
            problem.valX = at::cat(valXs, 0);
            problem.valTargets = at::tensor(valTargets, at::kFloat).view({problem.valX.size(0), nTags});
            problem.valMask = at::tensor(valMask, at::kFloat).view({problem.valX.size(0), nTags});
        }

        detail::HeadFitOptions fitOptions;
        fitOptions.learningRate = request.tuning.learningRate;
        fitOptions.stepsPerEpoch = std::max(1, request.tuning.stepsPerEpoch);
        fitOptions.ridge = request.tuning.newTagRidge;
        fitOptions.pull = request.tuning.oldTagPull;
        fitOptions.distill = request.tuning.distill;
        if (request.epochs > 0)
            fitOptions.epochs = request.epochs;
        const double prepSeconds = clock.elapsed() / 1000.0;
        auto onStep = [&](const detail::HeadFitStep &s) {
            TrainingProgress p;
            p.epoch = s.epoch;
            p.epochs = fitOptions.epochs;
            p.batch = s.step;
            p.batches = fitOptions.stepsPerEpoch;
            p.trainLoss = s.loss;
            p.valLoss = s.epochDone ? s.valLoss : kNan;
            p.epochDone = s.epochDone;
            p.seconds = clock.elapsed() / 1000.0;
            if (s.epochDone)
                outcome.history.push_back(p);
            if (onProgress)
                onProgress(p);
        };
        detail::HeadFitResult fit;
        {
            at::AutoGradMode gradMode(true);
            fit = detail::fitHead(problem, fitOptions, onStep, cancel);
        }
        if (fit.epochsRun == 0)
            return cancelledOutcome();
        outcome.cancelled = fit.cancelled;

        // The new network: base weights, output rows from the fit.
        detail::TrainableNet newNet = detail::createTrainableNet(*spec, nTags);
        const Status copied = detail::loadTrainableWeights(newNet, baseWeights.value(), bundle->weightsPath(), &rowMap);
        if (!copied)
            return R::failure(copied.error());
        newNet->outputLayer()->weight.copy_(fit.weight);
        newNet->outputLayer()->bias.copy_(fit.bias);

        // Second stage: the last block and the output layer on the windows themselves.
        int adaptEpochs = request.tuning.adaptEpochs;
        if (adaptEpochs < 0)
            adaptEpochs = std::clamp(8000 / std::max(1, trainWindows), 2, 8);
        detail::AdaptResult adapted;
        if (adaptEpochs > 0 && !fit.cancelled) {
            detail::AdaptProblem ap;
            for (const EmbeddedTrack &e : embedded)
                ap.trackFeatures.push_back(e.features);
            ap.windows = trainRefs;
            ap.targets = problem.targets;
            ap.mask = problem.mask;
            ap.soft = problem.soft;
            ap.hasBase = problem.hasBase;
            ap.rowWeight = problem.rowWeight;
            detail::AdaptOptions ao;
            ao.epochs = adaptEpochs;
            ao.learningRate = request.tuning.adaptLearningRate;
            ao.distill = request.tuning.adaptDistill;
            ao.lastModules = request.tuning.adaptModules;
            ao.seed = request.seed;
            const int offset = fit.epochsRun;
            auto onAdapt = [&](const detail::HeadFitStep &s) {
                TrainingProgress p;
                p.epoch = offset + s.epoch;
                p.epochs = offset + adaptEpochs;
                p.batch = s.step;
                p.batches = int((trainRefs.size() + size_t(ao.batchSize) - 1) / size_t(ao.batchSize));
                p.trainLoss = s.loss;
                p.valLoss = kNan;
                p.epochDone = s.epochDone;
                p.seconds = clock.elapsed() / 1000.0;
                if (s.epochDone)
                    outcome.history.push_back(p);
                if (onProgress)
                    onProgress(p);
            };
            at::AutoGradMode gradMode(true);
            adapted = detail::adaptLastBlock(newNet, ap, ao, onAdapt, cancel);
            outcome.cancelled = outcome.cancelled || adapted.cancelled;
        }
        const bool backboneChanged = adapted.epochsRun > 0;
        auto bytes = detail::serializeTorchStateDict(detail::trainableStateDict(newNet));
        if (!bytes)
            return R::failure(bytes.error());

        // Held-out segments: base and new scores.
        outcome.tags = tags;
        EvalInput before, after;
        before.tags = after.tags = nTags;
        for (const EmbeddedTrack &e : embedded) {
            const LabelledTrack &track = request.curated.at(e.curatedIndex);
            const std::vector<int> columns = columnsOf(split.heldOut.at(e.curatedIndex), tags);
            const at::Tensor baseProbs = at::sigmoid(e.baseLogits).contiguous();
            bool hasHeld = false;
            for (int s = 0; s < track.segments.size() && !hasHeld; ++s)
                hasHeld = split.heldOutSegments.contains(qMakePair(e.curatedIndex, s));
            if (!hasHeld)
                continue;
            const at::Tensor newLogits = backboneChanged ? detail::logitsOfWindows(newNet, e.features, e.starts)
                                                         : newNet->outputLayer()->forward(e.embedding);
            const at::Tensor newProbs = at::sigmoid(newLogits).contiguous();
            for (int s = 0; s < track.segments.size(); ++s) {
                if (!split.heldOutSegments.contains(qMakePair(e.curatedIndex, s)))
                    continue;
                const std::vector<double> b = segmentScore(e, baseProbs, track.segments.at(s));
                const std::vector<double> a = segmentScore(e, newProbs, track.segments.at(s));
                for (int t = 0; t < nTags; ++t) {
                    const float v = cellOf(split.heldOut.at(e.curatedIndex), columns, s, t);
                    const quint8 truth = !std::isnan(v) && v > 0.5f ? 1 : 0;
                    const quint8 known = std::isnan(v) ? 0 : 1;
                    const int r = rowMap[size_t(t)];
                    after.scores.push_back(a[size_t(t)]);
                    after.truth.push_back(truth);
                    after.known.push_back(known);
                    before.scores.push_back(r >= 0 ? b[size_t(r)] : kNan);
                    before.truth.push_back(truth);
                    before.known.push_back(r >= 0 ? known : 0);
                }
                ++before.examples;
                ++after.examples;
                outcome.heldOutIndex << qMakePair(e.curatedIndex, s);
            }
        }
        outcome.heldOut = after;
        outcome.heldOutBefore = before;
        if (after.examples > 0) {
            auto b = Metrics::compute(before);
            auto a = Metrics::compute(after);
            if (b)
                outcome.before = b.value();
            if (a)
                outcome.after = a.value();
        }

        // Manifest: the base's, with the new tags, version and provenance.
        ModelManifest &m = outcome.manifest;
        m = baseManifest;
        m.name = request.modelName.isEmpty() ? tr("%1 (retrained)").arg(baseManifest.name) : request.modelName;
        m.tags = tags;
        m.created = QDateTime::currentDateTimeUtc();
        m.parentVersion = baseManifest.version;
        m.version = spec->name + QLatin1Char('-')
                    + QString::fromLatin1(QCryptographicHash::hash(bytes.value(), QCryptographicHash::Sha256).toHex().left(12));
        outcome.seconds = clock.elapsed() / 1000.0;
        QJsonObject training;
        training.insert(QStringLiteral("kind"), QStringLiteral("retrain from curated verdicts"));
        training.insert(QStringLiteral("method"),
                        QStringLiteral("frozen backbone; output layer refitted on embeddings of every window (quarter-frame "
                                       "hop): class-balanced logistic loss, new rows ridge %1, base rows pulled to the base "
                                       "weights (%2) and distilled on the base outputs (weight %3); full-batch Adam lr %4")
                            .arg(fitOptions.ridge)
                            .arg(fitOptions.pull)
                            .arg(fitOptions.distill)
                            .arg(fitOptions.learningRate));
        training.insert(QStringLiteral("base_model"), baseManifest.name);
        training.insert(QStringLiteral("base_version"), baseManifest.version);
        training.insert(QStringLiteral("base_bundle"), QFileInfo(request.baseBundle).fileName());
        training.insert(QStringLiteral("curated_tracks"), request.curated.size());
        training.insert(QStringLiteral("curated_segments"), split.curatedSegments);
        training.insert(QStringLiteral("train_segments"), outcome.trainSegments);
        training.insert(QStringLiteral("held_out_segments"), outcome.heldOutSegments);
        training.insert(QStringLiteral("hold_out_fraction"), request.holdOutFraction);
        training.insert(QStringLiteral("train_windows"), trainWindows);
        training.insert(QStringLiteral("new_tags"), QJsonArray::fromStringList(outcome.newTags));
        training.insert(QStringLiteral("seed"), QString::number(request.seed));
        training.insert(QStringLiteral("epochs_requested"), fitOptions.epochs);
        training.insert(QStringLiteral("epochs_run"), fit.epochsRun);
        training.insert(QStringLiteral("adapt_epochs_requested"), adaptEpochs);
        training.insert(QStringLiteral("adapt_epochs_run"), adapted.epochsRun);
        training.insert(QStringLiteral("adapted_modules"), QJsonArray::fromStringList(adapted.trainedModules));
        training.insert(QStringLiteral("adapt_learning_rate"), request.tuning.adaptLearningRate);
        training.insert(QStringLiteral("adapt_distill"), request.tuning.adaptDistill);
        training.insert(QStringLiteral("evidence_segments"), request.tuning.evidenceSegments);
        training.insert(QStringLiteral("cancelled"), outcome.cancelled);
        training.insert(QStringLiteral("embedding_seconds"), prepSeconds);
        training.insert(QStringLiteral("seconds"), outcome.seconds);
        training.insert(QStringLiteral("threads"), at::get_num_threads());
        QJsonArray hist;
        for (const TrainingProgress &h : outcome.history) {
            QJsonObject o;
            o.insert(QStringLiteral("epoch"), h.epoch);
            o.insert(QStringLiteral("train_loss"), h.trainLoss);
            o.insert(QStringLiteral("validation_loss"), number(h.valLoss));
            hist.append(o);
        }
        training.insert(QStringLiteral("history"), hist);
        m.training = training;
        QJsonObject metrics;
        if (after.examples > 0) {
            metrics.insert(QStringLiteral("data"), QStringLiteral("curated hold-out"));
            metrics.insert(QStringLiteral("level"), QStringLiteral("segment"));
            metrics.insert(QStringLiteral("segments"), after.examples);
            metrics.insert(QStringLiteral("before"), reportJson(outcome.before, tags));
            metrics.insert(QStringLiteral("after"), reportJson(outcome.after, tags));
        }
        m.metrics = metrics;
        const Status written = ModelBundle::write(request.outputFolder, m, bytes.value());
        if (!written)
            return R::failure(written.error());
        outcome.bundleFolder = QDir(request.outputFolder).absolutePath();
    } catch (const std::exception &e) {
        return R::failure(tr("Retraining failed: %1").arg(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0)));
    }
    outcome.seconds = clock.elapsed() / 1000.0;
    return outcome;
}

} // namespace taglane::engine
