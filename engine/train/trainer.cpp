// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/formats/atomicwrite.h"
#include "engine/model/statedict_p.h"
#include "engine/semantic/ldamodel.h"
#include "engine/train/trainablenet_p.h"
#include "engine/train/trainer.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Trainer", text);
}

using detail::TorchStateDict;
using detail::TrainableNet;
using detail::TrainableSpec;

/// Batch tensors: features [B, S, bands, frames], targets and mask [B, S, tags].
void makeBatch(const TrainingExamples &ex, const std::vector<int> &order, size_t first, size_t count,
               at::Tensor &features, at::Tensor &targets, at::Tensor &mask)
{
    const size_t fs = ex.featureStride();
    const size_t ls = ex.labelStride();
    features = at::empty({int64_t(count), ex.sequence, ex.bands, ex.frames}, at::kFloat);
    targets = at::zeros({int64_t(count), ex.sequence, ex.tags.size()}, at::kFloat);
    mask = at::zeros({int64_t(count), ex.sequence, ex.tags.size()}, at::kFloat);
    float *f = features.data_ptr<float>();
    float *t = targets.data_ptr<float>();
    float *m = mask.data_ptr<float>();
    for (size_t i = 0; i < count; ++i) {
        const size_t e = size_t(order[first + i]);
        std::copy(ex.features.begin() + long(e * fs), ex.features.begin() + long((e + 1) * fs), f + i * fs);
        for (size_t j = 0; j < ls; ++j) {
            const float v = ex.labels[e * ls + j];
            if (!std::isnan(v)) {
                t[i * ls + j] = v;
                m[i * ls + j] = 1.0f;
            }
        }
    }
}

/// Gain, EQ and noise on a batch of dB features [B, S, bands, frames] (see
/// TrainingConfig::augmentGainDb); deterministic in seed.
void augmentBatch(at::Tensor &features, const TrainingConfig &config, quint64 seed, int waveRows = 0)
{
    if (config.augmentGainDb <= 0.0 && config.augmentEqDb <= 0.0 && config.augmentNoise <= 0.0)
        return;
    if (waveRows > 0) {
        // Only the spectrum bands are in dB; stacked waveform rows stay as they are.
        const int64_t spectrum = features.size(2) - waveRows;
        at::Tensor bands = features.narrow(2, 0, spectrum).contiguous();
        augmentBatch(bands, config, seed);
        features = at::cat({bands, features.narrow(2, spectrum, waveRows)}, 2).contiguous();
        return;
    }
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const int64_t batch = features.size(0);
    const int64_t bands = features.size(2);
    at::Tensor offsets = at::zeros({batch, 1, bands, 1}, at::kFloat);
    at::Tensor floors = at::full({batch, 1, 1, 1}, -300.0f, at::kFloat);
    float *o = offsets.data_ptr<float>();
    float *fl = floors.data_ptr<float>();
    for (int64_t i = 0; i < batch; ++i) {
        const double gain = config.augmentGainDb * (2.0 * unit(rng) - 1.0);
        const double tilt = config.augmentEqDb * (2.0 * unit(rng) - 1.0);
        const double bell = config.augmentEqDb * (2.0 * unit(rng) - 1.0);
        const double centre = unit(rng) * double(bands - 1);
        const double width = 2.0 + unit(rng) * double(bands) / 6.0;
        for (int64_t b = 0; b < bands; ++b) {
            const double x = bands > 1 ? double(b) / double(bands - 1) - 0.5 : 0.0;
            const double d = (double(b) - centre) / width;
            o[i * bands + b] = float(gain + tilt * x + bell * std::exp(-0.5 * d * d));
        }
        if (unit(rng) < config.augmentNoise)
            fl[i] = float(-20.0 - 25.0 * unit(rng));  // relative to the example's peak
    }
    at::Tensor shifted = features + offsets;
    if (config.augmentNoise > 0.0) {
        const at::Tensor peak = std::get<0>(shifted.flatten(1).max(1)).view({batch, 1, 1, 1});
        const at::Tensor level = peak + floors;
        // Power addition in dB: 10 log10(10^(x/10) + 10^(l/10)).
        const at::Tensor hi = at::maximum(shifted, level);
        const at::Tensor lo = at::minimum(shifted, level);
        shifted = hi + 10.0 * at::log10(1.0 + at::pow(10.0, (lo - hi) / 10.0));
    }
    features = shifted.contiguous();
}

double validationLoss(TrainableNet &net, const TrainingExamples &val, int batchSize, double alpha)
{
    if (val.count() == 0)
        return std::numeric_limits<double>::quiet_NaN();
    torch::NoGradGuard guard;
    net->eval();
    std::vector<int> order(size_t(val.count()));
    std::iota(order.begin(), order.end(), 0);
    double lossSum = 0.0;
    double known = 0.0;
    for (size_t first = 0; first < order.size(); first += size_t(batchSize)) {
        const size_t count = std::min(order.size() - first, size_t(batchSize));
        at::Tensor f, t, m;
        makeBatch(val, order, first, count, f, t, m);
        const double k = m.sum().item<double>();
        lossSum += net->trainingLoss(f, t, m, alpha, 0.0).item<double>() * k;
        known += k;
    }
    return known > 0 ? lossSum / known : std::numeric_limits<double>::quiet_NaN();
}

/// fusion-linear: fits the per-tag weights on `examples` (see
/// detail::fitFusionWeights), writes the fused output layer, and says what was done.
QJsonObject fitFusion(TrainableNet &net, const TrainingExamples &examples, const TrainingConfig &config,
                      const QString &source)
{
    torch::NoGradGuard guard;
    net->eval();
    std::vector<int> order(size_t(examples.count()));
    std::iota(order.begin(), order.end(), 0);
    std::vector<at::Tensor> zm, zw, ts, ms;
    for (size_t first = 0; first < order.size(); first += size_t(config.batchSize)) {
        const size_t count = std::min(order.size() - first, size_t(config.batchSize));
        at::Tensor f, t, m;
        makeBatch(examples, order, first, count, f, t, m);
        const auto [a, b] = net->branchLogits(f);
        zm.push_back(a);
        zw.push_back(b);
        ts.push_back(t);
        ms.push_back(m);
    }
    const at::Tensor w = detail::fitFusionWeights(at::cat(zm), at::cat(zw), at::cat(ts), at::cat(ms), config.alpha);
    net->setFusionWeights(w);
    QJsonObject o;
    o.insert(QStringLiteral("rule"), QStringLiteral("z = w z_mel + (1 - w) z_wave per tag (logits), w on the grid 0, 0.05, "
                                                    "..., 1 minimising the masked weighted BCE; ties: nearest 0.5"));
    o.insert(QStringLiteral("fit_on"), QStringLiteral("%1 examples (%2)")
                                           .arg(examples.count())
                                           .arg(source));
    QJsonObject perTag;
    const at::Tensor wc = w.contiguous();
    for (int t = 0; t < examples.tags.size(); ++t)
        perTag.insert(examples.tags.at(t).name, double(wc.data_ptr<float>()[t]));
    o.insert(QStringLiteral("mel_weight"), perTag);
    return o;
}

TorchStateDict cloneState(TrainableNet &net)
{
    return detail::trainableStateDict(net);
}

/// Each known label flipped with probability p (std::mt19937_64 from seed).
TrainingExamples flipLabels(const TrainingExamples &ex, double p, quint64 seed)
{
    TrainingExamples out = ex;
    std::mt19937_64 rng(seed * 2654435761ull + 14);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (float &y : out.labels)
        if (!std::isnan(y) && u(rng) < p)
            y = 1.0f - y;
    return out;
}

/// mia-ernn kinds: fits the LDA of the semantic input on the training tags
/// (songs x tags: per track, how many of its examples hold each tag) and
/// stores its topics in the net. Says what was fit.
Result<QJsonObject> fitTopicModel(TrainableNet &net, const TrainingExamples &train, quint64 seed)
{
    const int tags = train.tags.size();
    const int tracks = int(train.trackNames.size());
    std::vector<double> counts(size_t(tracks) * size_t(tags), 0.0);
    const size_t ls = train.labelStride();
    for (int e = 0; e < train.count(); ++e)
        for (size_t i = 0; i < ls; ++i) {
            const float y = train.labels[size_t(e) * ls + i];
            if (!std::isnan(y) && y > 0.5f)
                counts[size_t(train.trackOf[size_t(e)]) * size_t(tags) + i % size_t(tags)] += 1.0;
        }
    LdaOptions options;
    options.topics = int(detail::kMiaTopics);
    options.alpha = 0.1;
    options.seed = seed;
    LdaModel lda;
    const Status s = lda.fit(counts, tracks, tags, options);
    if (!s)
        return Result<QJsonObject>::failure(tr("The topic model of the training tags could not be fit: %1").arg(s.error()));
    const std::vector<double> &beta = lda.topicWords();
    at::Tensor b = at::empty({int64_t(lda.topics()), int64_t(tags)}, at::kFloat);
    for (int k = 0; k < lda.topics(); ++k)
        for (int w = 0; w < tags; ++w)
            b[k][w] = float(beta[size_t(k) * size_t(tags) + size_t(w)]);
    net->setTopicModel(b, lda.alpha());
    QJsonObject o;
    o.insert(QStringLiteral("model"), QStringLiteral("LDA (variational EM) of the training tracks' tag counts"));
    o.insert(QStringLiteral("topics"), lda.topics());
    o.insert(QStringLiteral("alpha"), lda.alpha());
    o.insert(QStringLiteral("documents"), tracks);
    o.insert(QStringLiteral("em_iterations"), lda.iterations());
    o.insert(QStringLiteral("training"), QStringLiteral("teacher-forced: the mixture of the example's known tags, "
                                                          "none for a random half of the examples"));
    o.insert(QStringLiteral("inference"), QStringLiteral("two passes: without semantic input, then with the mixture "
                                                           "of the first pass's tags (p >= 0.5)"));
    return o;
}

QJsonObject featureJson(const TrainableSpec &spec)
{
    // What every front end records; each kind adds its own keys below.
    QJsonObject f;
    f.insert(QStringLiteral("n_fft"), spec.nFft);
    f.insert(QStringLiteral("hop"), spec.hop);
    f.insert(QStringLiteral("bands"), spec.bands);
    f.insert(QStringLiteral("f_min"), spec.fMin);
    f.insert(QStringLiteral("f_max"), spec.fMax);
    f.insert(QStringLiteral("frames"), spec.frames);
    f.insert(QStringLiteral("sequence"), spec.sequence);
    const auto stft = [&f, &spec]() {
        f.insert(QStringLiteral("win_length"), spec.nFft);
        f.insert(QStringLiteral("window"), QStringLiteral("hann (periodic), centred, reflect padding"));
    };
    if (detail::isErbCepstrumKind(spec.kind)) {
        const FeatureSettings s = detail::miaErnnFeatureSettings(spec);
        f.insert(QStringLiteral("type"), FeatureSettings::typeName(s.type));
        f.insert(QStringLiteral("scale"), QStringLiteral("erb gammatone"));
        stft();
        f.insert(QStringLiteral("erb_bands"), s.bands);
        f.insert(QStringLiteral("cepstra"), s.cepstra);
        f.insert(QStringLiteral("delta_width"), s.deltaWidth);
        f.insert(QStringLiteral("pre_emphasis"), FeatureSettings::preEmphasisCoefficient);
        f.insert(QStringLiteral("db"), QStringLiteral("ln ERB energy, orthonormal DCT-II, deltas, per-row standardisation"));
        return f;
    }
    if (detail::isCnnSamKind(spec.kind)) {
        f.insert(QStringLiteral("type"), QLatin1String(detail::kMelWaveformType));
        f.insert(QStringLiteral("scale"), QStringLiteral("htk"));
        stft();
        f.insert(QStringLiteral("mel_bands"), spec.spectrumBands());
        f.insert(QStringLiteral("waveform_rows"), spec.waveRows);
        f.insert(QStringLiteral("db"), QStringLiteral("mel rows: 10 log10(max(power, 1e-10)), per-band standardisation"));
        f.insert(QStringLiteral("waveform"),
                 QStringLiteral("rows mel_bands.. : the pre-emphasised waveform y[n] = x[n] - 0.97 x[n-1], frame t "
                                "holding samples [t hop, (t+1) hop), zeros past the end; one common scale"));
        return f;
    }
    if (detail::isScatterKind(spec.kind)) {
        // The default engine/dsp/scattering transform (Morlet banks Q1 = 8, Q2 = 1, T = 8192).
        f.insert(QStringLiteral("type"), QStringLiteral("scattering"));
        f.insert(QStringLiteral("scale"), QLatin1String(detail::kScatteringScale));
        f.insert(QStringLiteral("db"), QStringLiteral("ln(S + 1e-6), second order divided by its first-order parent, "
                                                      "then per-row standardisation"));
        return f;
    }
    f.insert(QStringLiteral("type"), spec.logFrequency ? QStringLiteral("log-frequency") : QStringLiteral("mel"));
    f.insert(QStringLiteral("scale"), spec.logFrequency ? QStringLiteral("semitone") : QStringLiteral("htk"));
    stft();
    f.insert(QStringLiteral("db"), QStringLiteral("10 log10(max(power, 1e-10)), then per-band standardisation"));
    return f;
}

// ---- checkpoints ---------------------------------------------------------------

void writeDict(torch::serialize::OutputArchive &archive, const std::string &prefix, const TorchStateDict &dict)
{
    for (const auto &[key, value] : dict)
        archive.write(prefix + key, value);
}

/// What a checkpoint was made on (see Trainer::dataSummary).
struct CheckpointData
{
    QByteArray fingerprint;
    QString summary;
};

Status saveCheckpoint(const QString &path, TrainableNet &net, torch::optim::Adam &optimizer, const TorchStateDict &best,
                      int epoch, int bestEpoch, double bestLoss, int stale, const std::vector<TrainingProgress> &history,
                      const CheckpointData &data)
{
    try {
        torch::serialize::OutputArchive archive;
        archive.write("data_fingerprint", c10::IValue(data.fingerprint.toStdString()));
        archive.write("data_summary", c10::IValue(data.summary.toStdString()));
        writeDict(archive, "model.", detail::trainableStateDict(net));
        writeDict(archive, "best.", best);
        torch::serialize::OutputArchive opt;
        optimizer.save(opt);
        archive.write("optimizer", opt);
        std::vector<double> h;
        for (const TrainingProgress &p : history)
            h.insert(h.end(), {double(p.epoch), p.trainLoss, p.valLoss, p.seconds});
        archive.write("history", at::tensor(h.empty() ? std::vector<double>{0} : h, at::kDouble));
        archive.write("state", at::tensor(std::vector<double>{double(epoch), double(bestEpoch), bestLoss, double(stale),
                                                              double(history.size())},
                                          at::kDouble));
        std::ostringstream out;
        archive.save_to(out);
        const Status written = AtomicWrite::write(path, QByteArray::fromStdString(out.str()));
        if (!written)
            return Status::failure(tr("The checkpoint %1 could not be written: %2").arg(path, written.error()));
    } catch (const std::exception &e) {
        return Status::failure(tr("The checkpoint %1 could not be written: %2").arg(path, QString::fromUtf8(e.what())));
    }
    return {};
}

Status loadCheckpoint(const QString &path, TrainableNet &net, torch::optim::Adam &optimizer, TorchStateDict &best,
                      int &epoch, int &bestEpoch, double &bestLoss, int &stale, std::vector<TrainingProgress> &history,
                      const CheckpointData &data)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Status::failure(tr("The checkpoint %1 does not exist.").arg(path));
    if (!info.isFile())
        return Status::failure(tr("The checkpoint %1 is not a file.").arg(path));
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(QFile::encodeName(path).toStdString());
    } catch (const std::exception &) {
        return Status::failure(tr("%1 is not a Taglane training checkpoint (it is not a LibTorch archive).").arg(path));
    }
    try {
        c10::IValue fingerprint, summary;
        if (!archive.try_read("data_fingerprint", fingerprint) || !fingerprint.isString()) {
            return Status::failure(tr("The checkpoint %1 does not record which data it was made on (an older Taglane "
                                      "wrote it), so it cannot be checked against this training; start a new training.")
                                       .arg(path));
        }
        if (QByteArray::fromStdString(fingerprint.toStringRef()) != data.fingerprint) {
            const QString made = archive.try_read("data_summary", summary) && summary.isString()
                                     ? QString::fromStdString(summary.toStringRef())
                                     : tr("unknown data");
            return Status::failure(tr("The checkpoint %1 was made on other data (%2); this training has %3. Resume only "
                                      "with the data, tags and architecture the checkpoint was made on.")
                                       .arg(path, made, data.summary));
        }
        TorchStateDict current = detail::trainableStateDict(net);
        TorchStateDict model;
        for (auto &[key, value] : current) {
            at::Tensor t;
            archive.read("model." + key, t);
            model[key] = t;
            at::Tensor b;
            archive.read("best." + key, b);
            best[key] = b;
        }
        const Status s = detail::loadTrainableWeights(net, model, path);
        if (!s)
            return s;
        torch::serialize::InputArchive opt;
        archive.read("optimizer", opt);
        optimizer.load(opt);
        at::Tensor state, h;
        archive.read("state", state);
        archive.read("history", h);
        const double *sp = state.data_ptr<double>();
        epoch = int(sp[0]);
        bestEpoch = int(sp[1]);
        bestLoss = sp[2];
        stale = int(sp[3]);
        const int entries = int(sp[4]);
        const double *hp = h.data_ptr<double>();
        history.clear();
        for (int i = 0; i < entries; ++i) {
            TrainingProgress p;
            p.epoch = int(hp[4 * i]);
            p.trainLoss = hp[4 * i + 1];
            p.valLoss = hp[4 * i + 2];
            p.seconds = hp[4 * i + 3];
            p.epochDone = true;
            history.push_back(p);
        }
    } catch (const std::exception &e) {
        return Status::failure(tr("The checkpoint %1 could not be read (is it a checkpoint of this architecture?): %2")
                                   .arg(path, QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0)));
    }
    return {};
}

} // namespace

Status TrainingResult::writeBundle(const QString &folder) const
{
    return ModelBundle::write(folder, manifest, weights);
}

void Trainer::splitByTrack(const TrainingExamples &all, double fraction, quint64 seed, TrainingExamples &train,
                           TrainingExamples &validation)
{
    std::vector<int> tracks(size_t(all.trackNames.size()));
    std::iota(tracks.begin(), tracks.end(), 0);
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 17);
    std::shuffle(tracks.begin(), tracks.end(), rng);
    int held = int(std::lround(fraction * tracks.size()));
    if (fraction > 0 && held == 0 && tracks.size() > 1)
        held = 1;
    std::vector<int> val(tracks.begin(), tracks.begin() + held);
    std::vector<int> rest(tracks.begin() + held, tracks.end());
    std::sort(val.begin(), val.end());
    std::sort(rest.begin(), rest.end());
    train = all.subset(rest);
    validation = all.subset(val);
}

int Trainer::trackCount(const TrainingExamples &examples)
{
    std::vector<char> seen(size_t(examples.trackNames.size()), 0);
    int count = 0;
    for (int t : examples.trackOf) {
        if (t >= 0 && size_t(t) < seen.size() && !seen[size_t(t)]) {
            seen[size_t(t)] = 1;
            ++count;
        }
    }
    return count;
}

QString Trainer::dataSummary(const TrainingExamples &train, const TrainingExamples &validation)
{
    return tr("%1 training tracks (%2 examples), %3 validation tracks (%4 examples), %5 tags, %6")
        .arg(trackCount(train))
        .arg(train.count())
        .arg(trackCount(validation))
        .arg(validation.count())
        .arg(train.tags.size())
        .arg(train.architecture);
}

QByteArray Trainer::dataFingerprint(const TrainingExamples &train, const TrainingExamples &validation)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(train.architecture.toUtf8());
    hash.addData(train.tags.names().join(QLatin1Char('\n')).toUtf8());
    for (const TrainingExamples *part : {&train, &validation}) {
        hash.addData(QByteArray::number(part->count()));
        int previous = -1;
        for (int t : part->trackOf) {
            if (t != previous && t >= 0 && t < part->trackNames.size())
                hash.addData(part->trackNames.at(t).toUtf8() + '\0');
            previous = t;
        }
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(part->labels.data()),
                                    qsizetype(part->labels.size() * sizeof(float))));
    }
    return hash.result().toHex();
}

double Trainer::maskedLoss(const std::vector<float> &logits, const std::vector<float> &labels, double alpha)
{
    const int64_t n = int64_t(std::min(logits.size(), labels.size()));
    at::Tensor z = at::tensor(std::vector<float>(logits.begin(), logits.begin() + n), at::kDouble);
    at::Tensor y = at::tensor(std::vector<float>(labels.begin(), labels.begin() + n), at::kDouble);
    const at::Tensor mask = at::logical_not(at::isnan(y)).to(at::kDouble);
    y = at::nan_to_num(y, 0.0);
    return detail::maskedWeightedBce(z, y, mask, alpha).item<double>();
}

Result<std::vector<float>> Trainer::flatWeights(const QByteArray &weightsBytes)
{
    auto dict = detail::parseTorchStateDict(weightsBytes, QStringLiteral("weights"));
    if (!dict)
        return Result<std::vector<float>>::failure(dict.error());
    std::vector<float> flat;
    for (const auto &[key, t] : dict.value()) {
        const at::Tensor c = t.to(at::kFloat).contiguous();
        flat.insert(flat.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    }
    return flat;
}

Result<TrainingResult> Trainer::train(const TrainingConfig &config, const TrainingExamples &cleanTrain,
                                      const TrainingExamples &validation, const ProgressCallback &onProgress,
                                      const std::atomic_bool *cancel)
{
    using R = Result<TrainingResult>;
    if (!(config.flipLabels >= 0.0 && config.flipLabels <= 0.5))
        return R::failure(tr("The label flip probability must be between 0 and 0.5 (got %1).").arg(config.flipLabels));
    if (!(config.dropFrames >= 0.0 && config.dropFrames < 1.0))
        return R::failure(tr("The fraction of dropped frames must be at least 0 and below 1 (got %1).").arg(config.dropFrames));
    TrainingExamples noisy;
    if (config.flipLabels > 0.0)
        noisy = flipLabels(cleanTrain, config.flipLabels, config.seed);
    const TrainingExamples &train = config.flipLabels > 0.0 ? noisy : cleanTrain;
    const QString archName = ExampleBuilder::resolveArchitecture(config.architecture);
    const TrainableSpec *spec = detail::findTrainableSpec(archName);
    if (!spec)
        return R::failure(tr("\"%1\" is not a trainable architecture.").arg(config.architecture));
    if (train.count() == 0)
        return R::failure(tr("There are no training examples."));
    if (train.bands != spec->bands || train.sequence != spec->sequence || train.frames != spec->frames)
        return R::failure(tr("The training examples were not cut for the %1 architecture.").arg(spec->name));
    if (validation.count() > 0 && (validation.tags.names() != train.tags.names() || validation.bands != train.bands))
        return R::failure(tr("The validation examples do not match the training examples (tags or features)."));
    if (!(config.alpha >= 1.0) || !std::isfinite(config.alpha))
        return R::failure(tr("The positive weight alpha must be a finite number of at least 1 (got %1).").arg(config.alpha));
    if (!(config.attentionPenalty >= 0.0) || !std::isfinite(config.attentionPenalty))
        return R::failure(tr("The attention penalty must be a finite number of at least 0 (got %1).").arg(config.attentionPenalty));
    if (config.attentionPenalty > 0.0 && spec->kind != detail::TrainableKind::CnnSam)
        return R::failure(tr("The attention penalty applies only to cnn-sam (the %1 architecture has no attention pooling).")
                              .arg(spec->name));
    if (config.dropFrames > 0.0 && !detail::isErbCepstrumKind(spec->kind))
        return R::failure(tr("Dropping feature frames applies only to the mia-ernn kinds and mat-gru (not %1).").arg(spec->name));
    if (config.epochs < 1 || config.batchSize < 1 || !(config.learningRate > 0) || !std::isfinite(config.learningRate))
        return R::failure(tr("Epochs, batch size and learning rate must be positive (and the learning rate finite)."));
    const CheckpointData data{dataFingerprint(train, validation), dataSummary(train, validation)};

    QElapsedTimer clock;
    clock.start();
    if (config.threads > 0)
        at::set_num_threads(config.threads);
    const int tags = train.tags.size();
    TrainingResult result;
    try {
        torch::manual_seed(config.seed);
        TrainableNet net = detail::createTrainableNet(*spec, tags);
        QString parentVersion;
        if (!config.initBundle.isEmpty()) {
            auto bundle = ModelBundle::open(config.initBundle);
            if (!bundle)
                return R::failure(bundle.error());
            if (bundle->manifest().architecture.compare(spec->name, Qt::CaseInsensitive) != 0) {
                return R::failure(tr("The bundle %1 is a %2 model; it cannot start a %3 training.")
                                      .arg(config.initBundle, bundle->manifest().architecture, spec->name));
            }
            auto weights = detail::loadTorchStateDict(bundle->weightsPath());
            if (!weights)
                return R::failure(weights.error());
            std::vector<int> rowMap(size_t(tags), -1);
            for (int t = 0; t < tags; ++t)
                rowMap[size_t(t)] = bundle->manifest().tags.indexOf(train.tags.at(t).name);
            const Status loaded = detail::loadTrainableWeights(net, weights.value(), bundle->weightsPath(), &rowMap);
            if (!loaded)
                return R::failure(loaded.error());
            parentVersion = bundle->manifest().version;
        } else {
            // Per-band standardisation from the training features.
            at::Tensor f = at::from_blob(const_cast<float *>(train.features.data()),
                                         {int64_t(train.count()) * train.sequence, train.bands, train.frames}, at::kFloat);
            const at::Tensor perBand = f.transpose(0, 1).reshape({train.bands, -1});
            net->setStandardisation(perBand.mean(1), perBand.std(1));
        }
        QJsonObject semantic;
        if (detail::isErbCepstrumKind(spec->kind)) {
            net->setFrameDrop(config.dropFrames);
            if (spec->kind != detail::TrainableKind::MatGru) {
                auto fitted = fitTopicModel(net, train, config.seed);
                if (!fitted)
                    return R::failure(fitted.error());
                semantic = fitted.value();
            }
        }
        torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(config.learningRate));

        TorchStateDict best = cloneState(net);
        int epoch = 0, bestEpoch = 0, stale = 0;
        double bestLoss = std::numeric_limits<double>::infinity();
        std::vector<TrainingProgress> history;
        if (!config.resumeFrom.isEmpty()) {
            const Status s = loadCheckpoint(config.resumeFrom, net, optimizer, best, epoch, bestEpoch, bestLoss, stale, history,
                                            data);
            if (!s)
                return R::failure(s.error());
        }
        const double secondsBefore = history.empty() ? 0.0 : history.back().seconds;
        std::vector<int> order(size_t(train.count()));
        bool stop = false;
        while (epoch < config.epochs && !stop) {
            ++epoch;
            // The data order and dropout depend only on (seed, epoch), so a
            // resumed run continues exactly as an uninterrupted one.
            std::iota(order.begin(), order.end(), 0);
            std::mt19937_64 rng(config.seed * 1000003ull + quint64(epoch));
            std::shuffle(order.begin(), order.end(), rng);
            torch::manual_seed(config.seed * 7919ull + quint64(epoch));
            net->train();
            int batches = int((order.size() + size_t(config.batchSize) - 1) / size_t(config.batchSize));
            if (config.maxBatchesPerEpoch > 0)
                batches = std::min(batches, config.maxBatchesPerEpoch);
            double lossSum = 0.0;
            TrainingProgress p;
            p.epoch = epoch;
            p.epochs = config.epochs;
            p.batches = batches;
            p.valLoss = std::numeric_limits<double>::quiet_NaN();
            for (int b = 0; b < batches; ++b) {
                if (cancel && cancel->load()) {
                    result.cancelled = true;
                    stop = true;
                    break;
                }
                const size_t first = size_t(b) * size_t(config.batchSize);
                const size_t count = std::min(order.size() - first, size_t(config.batchSize));
                at::Tensor f, t, m;
                makeBatch(train, order, first, count, f, t, m);
                augmentBatch(f, config, (config.seed * 1000003ull + quint64(epoch)) * 100003ull + quint64(b), spec->waveRows);
                if (config.cosineDecay) {
                    const double step = double(epoch - 1) * batches + b;
                    const double total = double(config.epochs) * batches;
                    const double lr = config.learningRate * 0.5 * (1.0 + std::cos(M_PI * step / total));
                    for (auto &group : optimizer.param_groups())
                        static_cast<torch::optim::AdamOptions &>(group.options()).lr(lr);
                }
                optimizer.zero_grad();
                at::Tensor loss = net->trainingLoss(f, t, m, config.alpha, config.attentionPenalty);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<double>();
                p.batch = b + 1;
                p.trainLoss = lossSum / (b + 1);
                p.seconds = secondsBefore + clock.elapsed() / 1000.0;
                if (onProgress)
                    onProgress(p);
            }
            if (result.cancelled) {
                --epoch;  // the interrupted epoch does not count
                break;
            }
            p.valLoss = validationLoss(net, validation.count() > 0 ? validation : train, config.batchSize, config.alpha);
            p.epochDone = true;
            p.seconds = secondsBefore + clock.elapsed() / 1000.0;
            history.push_back(p);
            if (p.valLoss < bestLoss) {
                bestLoss = p.valLoss;
                bestEpoch = epoch;
                best = cloneState(net);
                stale = 0;
            } else if (config.patience > 0 && ++stale >= config.patience) {
                result.stoppedEarly = true;
                stop = true;
            }
            if (!config.checkpointPath.isEmpty()) {
                const Status s = saveCheckpoint(config.checkpointPath, net, optimizer, best, epoch, bestEpoch, bestLoss,
                                                stale, history, data);
                if (!s)
                    return R::failure(s.error());
            }
            if (onProgress)
                onProgress(p);
        }
        // Keep the best epoch's weights.
        if (bestEpoch > 0) {
            const Status s = detail::loadTrainableWeights(net, best, QStringLiteral("best"));
            if (!s)
                return R::failure(s.error());
        }
        QJsonObject fusion;
        if (spec->kind == detail::TrainableKind::FusionLinear)
            fusion = validation.count() > 0 ? fitFusion(net, validation, config, QStringLiteral("the validation examples"))
                                            : fitFusion(net, train, config,
                                                        QStringLiteral("the training examples: no validation set"));
        auto bytes = detail::serializeTorchStateDict(detail::trainableStateDict(net));
        if (!bytes)
            return R::failure(bytes.error());
        result.weights = bytes.value();
        result.history = history;
        result.epochsRun = epoch;
        result.bestEpoch = bestEpoch;
        result.bestValLoss = bestLoss;
        result.seconds = secondsBefore + clock.elapsed() / 1000.0;
        result.trainExamples = train.count();
        result.valExamples = validation.count();

        ModelManifest &m = result.manifest;
        m.name = config.modelName.isEmpty() ? spec->displayName : config.modelName;
        m.architecture = spec->name;
        m.tags = train.tags;
        m.sampleRate = spec->sampleRate;
        m.features = featureJson(*spec);
        m.chunkSamples = spec->chunkSamples();
        m.created = QDateTime::currentDateTimeUtc();
        m.version = spec->name + QLatin1Char('-')
                    + QString::fromLatin1(QCryptographicHash::hash(result.weights, QCryptographicHash::Sha256).toHex().left(12));
        m.parentVersion = parentVersion;
        QJsonObject training;
        training.insert(QStringLiteral("train_examples"), train.count());
        training.insert(QStringLiteral("train_tracks"), trackCount(train));
        training.insert(QStringLiteral("validation_examples"), validation.count());
        training.insert(QStringLiteral("validation_tracks"), trackCount(validation));
        if (validation.count() == 0) {
            training.insert(QStringLiteral("validation_source"),
                            QStringLiteral("none: the best epoch was chosen on the training loss"));
        } else if (!config.validationSource.isEmpty()) {
            training.insert(QStringLiteral("validation_source"), config.validationSource);
        }
        // Examples cut from one list of tracks (a split, or the same set
        // passed twice) can be checked for shared tracks.
        if (validation.count() > 0 && validation.trackNames == train.trackNames) {
            std::vector<char> inTrain(size_t(train.trackNames.size()), 0);
            for (int t : train.trackOf)
                inTrain[size_t(t)] = 1;
            std::vector<char> shared(inTrain.size(), 0);
            for (int t : validation.trackOf)
                if (inTrain[size_t(t)])
                    shared[size_t(t)] = 1;
            training.insert(QStringLiteral("validation_tracks_shared_with_training"),
                            int(std::count(shared.begin(), shared.end(), char(1))));
        }
        training.insert(QStringLiteral("example_hop_frames"), train.hopFrames);
        training.insert(QStringLiteral("example_windows"), train.windows);
        training.insert(QStringLiteral("label_aggregation"),
                        config.labelSource.isEmpty() ? QStringLiteral("mean of frame labels > 0.5") : config.labelSource);
        if (config.augmentGainDb > 0.0 || config.augmentEqDb > 0.0 || config.augmentNoise > 0.0) {
            QJsonObject aug;
            aug.insert(QStringLiteral("gain_db"), config.augmentGainDb);
            aug.insert(QStringLiteral("eq_db"), config.augmentEqDb);
            aug.insert(QStringLiteral("noise_probability"), config.augmentNoise);
            training.insert(QStringLiteral("augmentation"), aug);
        }
        training.insert(QStringLiteral("loss"), QStringLiteral("masked weighted BCE: -[alpha y log p + (1-y) log(1-p)] over known cells"));
        training.insert(QStringLiteral("alpha"), config.alpha);
        if (spec->kind == detail::TrainableKind::CnnSam)
            training.insert(QStringLiteral("attention_penalty"), config.attentionPenalty);
        if (!fusion.isEmpty())
            training.insert(QStringLiteral("fusion"), fusion);
        if (!semantic.isEmpty())
            training.insert(QStringLiteral("semantic_input"), semantic);
        if (detail::isErbCepstrumKind(spec->kind))
            training.insert(QStringLiteral("dropped_frames"), config.dropFrames);
        if (config.flipLabels > 0.0)
            training.insert(QStringLiteral("flipped_labels"), config.flipLabels);
        training.insert(QStringLiteral("optimizer"), QStringLiteral("Adam"));
        training.insert(QStringLiteral("learning_rate"), config.learningRate);
        training.insert(QStringLiteral("learning_rate_schedule"),
                        config.cosineDecay ? QStringLiteral("cosine decay to 0 over the requested epochs, per batch")
                                           : QStringLiteral("constant"));
        training.insert(QStringLiteral("batch_size"), config.batchSize);
        training.insert(QStringLiteral("seed"), QString::number(config.seed));
        training.insert(QStringLiteral("patience"), config.patience);
        training.insert(QStringLiteral("epochs_requested"), config.epochs);
        training.insert(QStringLiteral("epochs_run"), epoch);
        training.insert(QStringLiteral("best_epoch"), bestEpoch);
        training.insert(QStringLiteral("best_validation_loss"), std::isfinite(bestLoss) ? bestLoss : -1.0);
        training.insert(QStringLiteral("seconds"), result.seconds);
        training.insert(QStringLiteral("threads"), at::get_num_threads());
        QJsonArray hist;
        for (const TrainingProgress &h : history) {
            QJsonObject e;
            e.insert(QStringLiteral("epoch"), h.epoch);
            e.insert(QStringLiteral("train_loss"), h.trainLoss);
            e.insert(QStringLiteral("validation_loss"), h.valLoss);
            e.insert(QStringLiteral("seconds"), h.seconds);
            hist.append(e);
        }
        training.insert(QStringLiteral("history"), hist);
        m.training = training;
    } catch (const std::exception &e) {
        return R::failure(tr("Training failed: %1").arg(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0)));
    }
    return result;
}

} // namespace taglane::engine
