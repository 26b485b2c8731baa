// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/audio/audiodecoder.h"
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/eval/metrics.h"
#include "engine/model/statedict_p.h"
#include "engine/model/tagger.h"
#include "engine/train/modelevaluator.h"
#include "engine/train/trainablenet_p.h"
#include "engine/train/trainingexamples.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>

#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ModelEvaluator", text);
}

/// Window outputs of one track: centre times (s) and rows [windows][tags].
struct WindowScores
{
    std::vector<double> centres;
    std::vector<std::vector<float>> rows;
};

Result<WindowScores> scoreTrainable(detail::TrainableNet &net, const AudioBuffer &audio)
{
    const detail::TrainableSpec &spec = net->spec();
    torch::NoGradGuard guard;
    net->eval();
    at::Tensor wave = at::from_blob(const_cast<float *>(audio.data()), {1, audio.size()}, at::kFloat);
    at::Tensor feats = net->features(wave)[0];  // [bands, T]
    if (feats.size(1) < spec.frames)
        feats = at::constant_pad_nd(feats, {0, spec.frames - feats.size(1)}, -100.0);
    const std::vector<qint64> starts = ExampleBuilder::longTermStarts(feats.size(1), spec.frames, spec.frames / 2);
    std::vector<at::Tensor> windows;
    for (qint64 s : starts)
        windows.push_back(feats.narrow(1, s, spec.frames));
    WindowScores out;
    const int64_t tags = net->tagCount();
    // Recurrent models see the whole track as one sequence; the others in batches.
    const int64_t batch = spec.sequence > 1 ? int64_t(windows.size()) : 32;
    for (size_t first = 0; first < windows.size(); first += size_t(batch)) {
        const size_t count = std::min(windows.size() - first, size_t(batch));
        std::vector<at::Tensor> part(windows.begin() + long(first), windows.begin() + long(first + count));
        at::Tensor x = at::stack(part);  // [count, bands, frames]
        x = spec.sequence > 1 ? x.unsqueeze(0) : x.unsqueeze(1);
        at::Tensor p = at::sigmoid(net->logits(x)).reshape({int64_t(count), tags}).contiguous();
        const float *pp = p.data_ptr<float>();
        for (size_t i = 0; i < count; ++i) {
            out.rows.emplace_back(pp + i * size_t(tags), pp + (i + 1) * size_t(tags));
            const qint64 s = starts[first + i];
            out.centres.push_back(double(s + spec.frames / 2) * spec.hop / spec.sampleRate);
        }
    }
    return out;
}

Result<WindowScores> scoreTagger(Tagger &tagger, const AudioBuffer &audio)
{
    const qint64 chunk = tagger.chunkSamples();
    const qint64 hop = std::max<qint64>(1, chunk / 2);
    std::vector<qint64> starts;
    for (qint64 s = 0; s == 0 || s + chunk <= audio.size(); s += hop)
        starts.push_back(s);
    auto rows = tagger.predict(audio, starts, 8);
    if (!rows)
        return Result<WindowScores>::failure(rows.error());
    WindowScores out;
    out.rows = rows.value();
    for (qint64 s : starts)
        out.centres.push_back(double(s + chunk / 2) / tagger.sampleRate());
    return out;
}

QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

} // namespace

QJsonObject ModelEvaluation::toJson(const QString &dataFolder) const
{
    QJsonObject root;
    root.insert(QStringLiteral("model"), manifest.name);
    root.insert(QStringLiteral("architecture"), manifest.architecture);
    root.insert(QStringLiteral("version"), manifest.version);
    root.insert(QStringLiteral("data"), dataFolder);
    root.insert(QStringLiteral("tracks"), tracks);
    root.insert(QStringLiteral("segments"), input.examples);
    root.insert(QStringLiteral("threshold"), report.threshold);
    root.insert(QStringLiteral("level"), QStringLiteral("segment"));
    QJsonObject macro;
    macro.insert(QStringLiteral("roc_auc"), number(report.macroRocAuc));
    macro.insert(QStringLiteral("pr_auc"), number(report.meanAveragePrecision));
    macro.insert(QStringLiteral("f1"), number(report.macroF1));
    macro.insert(QStringLiteral("precision"), number(report.macroPrecision));
    macro.insert(QStringLiteral("recall"), number(report.macroRecall));
    macro.insert(QStringLiteral("maa"), number(report.meanAverageAccuracy));
    root.insert(QStringLiteral("macro"), macro);
    QJsonObject micro;
    micro.insert(QStringLiteral("roc_auc"), number(report.microRocAuc));
    micro.insert(QStringLiteral("pr_auc"), number(report.microAveragePrecision));
    micro.insert(QStringLiteral("f1"), number(report.microF1));
    micro.insert(QStringLiteral("precision"), number(report.microPrecision));
    micro.insert(QStringLiteral("recall"), number(report.microRecall));
    micro.insert(QStringLiteral("accuracy"), number(report.accuracy));
    root.insert(QStringLiteral("micro"), micro);
    QJsonObject perTag;
    for (size_t t = 0; t < report.perTag.size(); ++t) {
        const TagMetrics &m = report.perTag[t];
        QJsonObject o;
        o.insert(QStringLiteral("roc_auc"), number(m.rocAuc));
        o.insert(QStringLiteral("pr_auc"), number(m.averagePrecision));
        o.insert(QStringLiteral("f1"), number(m.f1));
        o.insert(QStringLiteral("precision"), number(m.precision));
        o.insert(QStringLiteral("recall"), number(m.recall));
        o.insert(QStringLiteral("accuracy"), number(m.accuracy));
        o.insert(QStringLiteral("average_accuracy"), number(m.balancedAccuracy));
        o.insert(QStringLiteral("positives"), m.positives);
        o.insert(QStringLiteral("negatives"), m.negatives);
        perTag.insert(manifest.tags.at(int(t)).name, o);
    }
    root.insert(QStringLiteral("per_tag"), perTag);
    root.insert(QStringLiteral("seconds"), seconds);
    return root;
}

Result<ModelEvaluation> ModelEvaluator::evaluate(const QString &bundleFolder, const QString &dataFolder,
                                                 double threshold, const ProgressSink &progress)
{
    using R = Result<ModelEvaluation>;
    QElapsedTimer clock;
    clock.start();
    auto bundle = ModelBundle::open(bundleFolder);
    if (!bundle)
        return R::failure(bundle.error());
    LabelledAudioFolder::Options options;
    options.probeAudio = false;
    auto folder = LabelledAudioFolder::read(dataFolder, options);
    if (!folder)
        return R::failure(folder.error());

    ModelEvaluation ev;
    ev.manifest = bundle->manifest();
    ev.warnings = folder->warnings;
    const Vocabulary &tags = ev.manifest.tags;
    const int n = tags.size();

    detail::TrainableNet net{nullptr};
    std::shared_ptr<Tagger> tagger;
    try {
        if (const detail::TrainableSpec *spec = detail::findTrainableSpec(ev.manifest.architecture)) {
            auto weights = detail::loadTorchStateDict(bundle->weightsPath());
            if (!weights)
                return R::failure(weights.error());
            const auto it = weights->find("output.weight");
            if (it == weights->end() || it->second.size(0) != n)
                return R::failure(tr("%1 does not hold %2 outputs for the manifest's tags.").arg(bundle->weightsPath()).arg(n));
            net = detail::createTrainableNet(*spec, n);
            const Status s = detail::loadTrainableWeights(net, weights.value(), bundle->weightsPath());
            if (!s)
                return R::failure(s.error());
        } else {
            auto loaded = Tagger::load(bundle.value(), DevicePreference::Cpu);
            if (!loaded)
                return R::failure(loaded.error());
            tagger = loaded.value();
        }
    } catch (const std::exception &e) {
        return R::failure(tr("The model %1 could not be loaded: %2").arg(bundleFolder, QString::fromUtf8(e.what())));
    }

    ev.input.tags = n;
    for (int ti = 0; ti < folder->tracks.size(); ++ti) {
        if (progress.cancelled())
            return R::failure(tr("Cancelled."));
        const LabelledTrack &track = folder->tracks.at(ti);
        DecodeOptions decodeOptions;
        decodeOptions.analysisRate = ev.manifest.sampleRate;
        auto decoded = AudioDecoder::decode(track.audioPath, decodeOptions);
        if (!decoded) {
            ev.warnings << decoded.error();
            continue;
        }
        Result<WindowScores> scores = Result<WindowScores>::failure(QString());
        try {
            scores = !net.is_empty() ? scoreTrainable(net, decoded->mono) : scoreTagger(*tagger, decoded->mono);
        } catch (const std::exception &e) {
            return R::failure(tr("The model failed on %1: %2").arg(track.audioPath, QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0)));
        }
        if (!scores)
            return R::failure(scores.error());
        if (scores->rows.empty())
            continue;
        std::vector<int> column(size_t(n), -1);
        for (int t = 0; t < n; ++t)
            column[size_t(t)] = track.tags.indexOf(tags.at(t).name);
        for (int s = 0; s < track.segments.size(); ++s) {
            const Segment &seg = track.segments.at(s);
            std::vector<double> sum(size_t(n), 0.0);
            int used = 0;
            for (size_t w = 0; w < scores->centres.size(); ++w) {
                if (scores->centres[w] >= seg.start && scores->centres[w] < seg.end) {
                    for (int t = 0; t < n; ++t)
                        sum[size_t(t)] += scores->rows[w][size_t(t)];
                    ++used;
                }
            }
            if (used == 0) {
                const double mid = 0.5 * (seg.start + seg.end);
                size_t nearest = 0;
                for (size_t w = 1; w < scores->centres.size(); ++w)
                    if (std::abs(scores->centres[w] - mid) < std::abs(scores->centres[nearest] - mid))
                        nearest = w;
                for (int t = 0; t < n; ++t)
                    sum[size_t(t)] = scores->rows[nearest][size_t(t)];
                used = 1;
            }
            for (int t = 0; t < n; ++t) {
                ev.input.scores.push_back(sum[size_t(t)] / used);
                const float v = column[size_t(t)] >= 0 ? track.value(s, column[size_t(t)]) : NAN;
                ev.input.truth.push_back(!std::isnan(v) && v > 0.5f ? 1 : 0);
                ev.input.known.push_back(std::isnan(v) ? 0 : 1);
            }
            ++ev.input.examples;
        }
        ++ev.tracks;
        progress(double(ti + 1) / folder->tracks.size());
    }
    if (ev.input.examples == 0)
        return R::failure(tr("No labelled segment of %1 could be scored.").arg(dataFolder));
    auto report = Metrics::compute(ev.input, threshold);
    if (!report)
        return R::failure(report.error());
    ev.report = report.value();
    ev.seconds = clock.elapsed() / 1000.0;
    return ev;
}

} // namespace taglane::engine
