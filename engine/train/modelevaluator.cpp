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
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>

#include <algorithm>
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
        feats = detail::padFrames(spec, feats, spec.frames);
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

/// Every labelled segment of a folder with the window rows that score it
/// (those centred inside it, or the one nearest its middle).
struct ScoredFolder
{
    ModelManifest manifest;
    QStringList warnings;
    int tracks = 0;
    std::vector<std::vector<std::vector<float>>> segmentRows; ///< [segment][window][tag]
    std::vector<quint8> truth;  ///< [segment][tag]
    std::vector<quint8> known;
};

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

namespace {

Result<ScoredFolder> scoreFolder(const QString &bundleFolder, const QString &dataFolder, bool trainableOnly,
                                 const ProgressSink &progress)
{
    using R = Result<ScoredFolder>;
    auto bundle = ModelBundle::open(bundleFolder);
    if (!bundle)
        return R::failure(bundle.error());
    LabelledAudioFolder::Options options;
    options.probeAudio = false;
    auto folder = LabelledAudioFolder::read(dataFolder, options);
    if (!folder)
        return R::failure(folder.error());

    ScoredFolder sf;
    sf.manifest = bundle->manifest();
    sf.warnings = folder->warnings;
    const Vocabulary &tags = sf.manifest.tags;
    const int n = tags.size();

    detail::TrainableNet net{nullptr};
    std::shared_ptr<Tagger> tagger;
    try {
        if (const detail::TrainableSpec *spec = detail::findTrainableSpec(sf.manifest.architecture)) {
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
        } else if (trainableOnly) {
            return R::failure(tr("%1 is a %2 model; only Taglane's trainable architectures can be calibrated.")
                                  .arg(bundleFolder, sf.manifest.architecture));
        } else {
            auto loaded = Tagger::load(bundle.value(), DevicePreference::Cpu);
            if (!loaded)
                return R::failure(loaded.error());
            tagger = loaded.value();
        }
    } catch (const std::exception &e) {
        return R::failure(tr("The model %1 could not be loaded: %2").arg(bundleFolder, QString::fromUtf8(e.what())));
    }

    for (int ti = 0; ti < folder->tracks.size(); ++ti) {
        if (progress.cancelled())
            return R::failure(tr("Cancelled."));
        const LabelledTrack &track = folder->tracks.at(ti);
        DecodeOptions decodeOptions;
        decodeOptions.analysisRate = sf.manifest.sampleRate;
        auto decoded = AudioDecoder::decode(track.audioPath, decodeOptions);
        if (!decoded) {
            sf.warnings << decoded.error();
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
            std::vector<std::vector<float>> rows;
            for (size_t w = 0; w < scores->centres.size(); ++w)
                if (scores->centres[w] >= seg.start && scores->centres[w] < seg.end)
                    rows.push_back(scores->rows[w]);
            if (rows.empty()) {
                const double mid = 0.5 * (seg.start + seg.end);
                size_t nearest = 0;
                for (size_t w = 1; w < scores->centres.size(); ++w)
                    if (std::abs(scores->centres[w] - mid) < std::abs(scores->centres[nearest] - mid))
                        nearest = w;
                rows.push_back(scores->rows[nearest]);
            }
            sf.segmentRows.push_back(std::move(rows));
            for (int t = 0; t < n; ++t) {
                const float v = column[size_t(t)] >= 0 ? track.value(s, column[size_t(t)]) : NAN;
                sf.truth.push_back(!std::isnan(v) && v > 0.5f ? 1 : 0);
                sf.known.push_back(std::isnan(v) ? 0 : 1);
            }
        }
        ++sf.tracks;
        progress(double(ti + 1) / folder->tracks.size());
    }
    if (sf.segmentRows.empty())
        return R::failure(tr("No labelled segment of %1 could be scored.").arg(dataFolder));
    return sf;
}

/// F1 of one tag at threshold 0.5 for segment scores (known cells only).
double f1At(const std::vector<double> &scores, const ScoredFolder &sf, int tag, int tags)
{
    int tp = 0, fp = 0, fn = 0;
    for (size_t s = 0; s < scores.size(); ++s) {
        const size_t cell = s * size_t(tags) + size_t(tag);
        if (!sf.known[cell])
            continue;
        const bool predicted = scores[s] > 0.5;
        const bool truth = sf.truth[cell] != 0;
        tp += predicted && truth;
        fp += predicted && !truth;
        fn += !predicted && truth;
    }
    return tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn);
}

/// Segment scores of one tag with its window logits shifted by -shift.
std::vector<double> shiftedScores(const ScoredFolder &sf, int tag, double shift)
{
    std::vector<double> out;
    out.reserve(sf.segmentRows.size());
    for (const auto &rows : sf.segmentRows) {
        double sum = 0.0;
        for (const auto &row : rows) {
            const double p = std::clamp(double(row[size_t(tag)]), 1e-7, 1.0 - 1e-7);
            const double z = std::log(p / (1.0 - p)) - shift;
            sum += 1.0 / (1.0 + std::exp(-z));
        }
        out.push_back(sum / double(rows.size()));
    }
    return out;
}

} // namespace

Result<ModelEvaluation> ModelEvaluator::evaluate(const QString &bundleFolder, const QString &dataFolder,
                                                 double threshold, const ProgressSink &progress)
{
    using R = Result<ModelEvaluation>;
    QElapsedTimer clock;
    clock.start();
    auto scored = scoreFolder(bundleFolder, dataFolder, false, progress);
    if (!scored)
        return R::failure(scored.error());
    const ScoredFolder &sf = scored.value();
    ModelEvaluation ev;
    ev.manifest = sf.manifest;
    ev.warnings = sf.warnings;
    ev.tracks = sf.tracks;
    const int n = ev.manifest.tags.size();
    ev.input.tags = n;
    for (const auto &rows : sf.segmentRows) {
        std::vector<double> sum(size_t(n), 0.0);
        for (const auto &row : rows)
            for (int t = 0; t < n; ++t)
                sum[size_t(t)] += row[size_t(t)];
        for (int t = 0; t < n; ++t)
            ev.input.scores.push_back(sum[size_t(t)] / double(rows.size()));
        ++ev.input.examples;
    }
    ev.input.truth = sf.truth;
    ev.input.known = sf.known;
    auto report = Metrics::compute(ev.input, threshold);
    if (!report)
        return R::failure(report.error());
    ev.report = report.value();
    ev.seconds = clock.elapsed() / 1000.0;
    return ev;
}

Result<BiasCalibration> ModelEvaluator::calibrate(const QString &bundleFolder, const QString &dataFolder,
                                                  const ProgressSink &progress)
{
    using R = Result<BiasCalibration>;
    auto scored = scoreFolder(bundleFolder, dataFolder, true, progress);
    if (!scored)
        return R::failure(scored.error());
    const ScoredFolder &sf = scored.value();
    const int n = sf.manifest.tags.size();
    constexpr int steps = 60;          // shifts -3 .. 3 in steps of 0.05
    constexpr double stepSize = 0.05;
    constexpr int halfWindow = 3;      // smoothing: 7 neighbouring shifts
    BiasCalibration c;
    c.data = QFileInfo(dataFolder).fileName();
    c.segments = int(sf.segmentRows.size());
    for (int t = 0; t < n; ++t) {
        c.tags << sf.manifest.tags.at(t).name;
        std::vector<double> f1(size_t(2 * steps + 1));
        for (int k = -steps; k <= steps; ++k)
            f1[size_t(k + steps)] = f1At(shiftedScores(sf, t, k * stepSize), sf, t, n);
        int best = 0;
        double bestValue = -1.0;
        for (int k = -steps; k <= steps; ++k) {
            double sum = 0.0;
            int used = 0;
            for (int d = -halfWindow; d <= halfWindow; ++d) {
                const int i = k + d;
                if (i >= -steps && i <= steps) {
                    sum += f1[size_t(i + steps)];
                    ++used;
                }
            }
            const double value = sum / used;
            if (value > bestValue + 1e-12 || (std::abs(value - bestValue) <= 1e-12 && std::abs(k) < std::abs(best))) {
                bestValue = value;
                best = k;
            }
        }
        c.shifts.push_back(best * stepSize);
        c.f1Before.push_back(f1[size_t(steps)]);
        c.f1After.push_back(f1[size_t(best + steps)]);
    }
    return c;
}

Status ModelEvaluator::applyCalibration(const QString &bundleFolder, const BiasCalibration &calibration)
{
    auto bundle = ModelBundle::open(bundleFolder);
    if (!bundle)
        return Status::failure(bundle.error());
    ModelManifest manifest = bundle->manifest();
    const int n = manifest.tags.size();
    if (int(calibration.shifts.size()) != n || calibration.tags != manifest.tags.names())
        return Status::failure(tr("The calibration does not match the tags of %1.").arg(bundleFolder));
    try {
        auto weights = detail::loadTorchStateDict(bundle->weightsPath());
        if (!weights)
            return Status::failure(weights.error());
        const auto it = weights->find("output.bias");
        if (it == weights->end() || it->second.dim() != 1 || it->second.size(0) != n)
            return Status::failure(tr("%1 has no output bias with one entry per tag.").arg(bundle->weightsPath()));
        at::Tensor bias = it->second.to(at::kFloat).contiguous().clone();
        for (int t = 0; t < n; ++t)
            bias[t] -= calibration.shifts[size_t(t)];
        it->second = bias;
        auto bytes = detail::serializeTorchStateDict(weights.value());
        if (!bytes)
            return Status::failure(bytes.error());
        QJsonObject record;
        record.insert(QStringLiteral("data"), calibration.data);
        record.insert(QStringLiteral("segments"), calibration.segments);
        record.insert(QStringLiteral("method"),
                      QStringLiteral("per-tag output-bias shift c (b' = b - c, i.e. window threshold sigmoid(c)) "
                                     "maximising segment F1 at 0.5 on the validation data, F1 smoothed over 7 shifts "
                                     "of 0.05"));
        QJsonObject perTag;
        for (int t = 0; t < n; ++t) {
            QJsonObject o;
            o.insert(QStringLiteral("shift"), calibration.shifts[size_t(t)]);
            o.insert(QStringLiteral("window_threshold"), 1.0 / (1.0 + std::exp(-calibration.shifts[size_t(t)])));
            o.insert(QStringLiteral("f1_before"), calibration.f1Before[size_t(t)]);
            o.insert(QStringLiteral("f1_after"), calibration.f1After[size_t(t)]);
            perTag.insert(calibration.tags.at(t), o);
        }
        record.insert(QStringLiteral("per_tag"), perTag);
        manifest.training.insert(QStringLiteral("threshold_calibration"), record);
        const QString oldVersion = manifest.version;
        const int dash = oldVersion.lastIndexOf(QLatin1Char('-'));
        const QString hash = QString::fromLatin1(QCryptographicHash::hash(bytes.value(), QCryptographicHash::Sha256).toHex().left(12));
        manifest.version = (dash > 0 ? oldVersion.left(dash) : manifest.architecture) + QLatin1Char('-') + hash;
        return ModelBundle::write(bundleFolder, manifest, bytes.value());
    } catch (const std::exception &e) {
        return Status::failure(tr("The bias of %1 could not be calibrated: %2").arg(bundleFolder, QString::fromUtf8(e.what())));
    }
}

} // namespace taglane::engine
