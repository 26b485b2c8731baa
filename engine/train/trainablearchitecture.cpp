// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/train/trainablearchitecture.h"
#include "engine/train/trainablenet_p.h"
#include "engine/train/trainingexamples.h"

#include "engine/model/modelbundle.h"
#include "engine/model/statedict_p.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonObject>

namespace taglane::engine {

namespace {

const detail::TrainableSpec *specFor(const QString &name)
{
    return detail::findTrainableSpec(ExampleBuilder::resolveArchitecture(name));
}

QString unknown(const QString &name)
{
    return QCoreApplication::translate("TrainableArchitecture", "\"%1\" is not a trainable architecture.").arg(name);
}

std::vector<int64_t> shapeOf(const at::Tensor &t)
{
    return t.sizes().vec();
}

} // namespace

Result<TrainableArchitecture> TrainableArchitecture::describe(const QString &name, int tags)
{
    const detail::TrainableSpec *spec = specFor(name);
    if (!spec)
        return Result<TrainableArchitecture>::failure(unknown(name));
    TrainableArchitecture a;
    a.name = spec->name;
    a.displayName = spec->displayName;
    a.sampleRate = spec->sampleRate;
    a.nFft = spec->nFft;
    a.hop = spec->hop;
    a.bands = spec->bands;
    a.frames = spec->frames;
    a.sequence = spec->sequence;
    a.chunkSamples = spec->chunkSamples();
    detail::TrainableNet net = detail::createTrainableNet(*spec, tags);
    for (const at::Tensor &p : net->parameters())
        a.parameters += p.numel();
    return a;
}

QStringList TrainableArchitecture::names()
{
    return detail::trainableSpecNames();
}

Result<std::vector<int64_t>> TrainableArchitecture::featureForwardShape(const QString &name, int tags, int batch,
                                                                       int sequence)
{
    const detail::TrainableSpec *spec = specFor(name);
    if (!spec)
        return Result<std::vector<int64_t>>::failure(unknown(name));
    try {
        torch::NoGradGuard guard;
        detail::TrainableNet net = detail::createTrainableNet(*spec, tags);
        net->eval();
        return shapeOf(net->logits(at::zeros({batch, sequence, spec->bands, spec->frames})));
    } catch (const std::exception &e) {
        return Result<std::vector<int64_t>>::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

Result<std::vector<int64_t>> TrainableArchitecture::waveformForwardShape(const QString &name, int tags, int batch)
{
    const detail::TrainableSpec *spec = specFor(name);
    if (!spec)
        return Result<std::vector<int64_t>>::failure(unknown(name));
    try {
        torch::NoGradGuard guard;
        detail::TrainableNet net = detail::createTrainableNet(*spec, tags);
        net->eval();
        return shapeOf(net->forward(at::zeros({batch, spec->chunkSamples()})));
    } catch (const std::exception &e) {
        return Result<std::vector<int64_t>>::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

Result<std::vector<float>> TrainableArchitecture::featureProbabilities(const QString &name, const QByteArray &weights,
                                                                      const std::vector<float> &features)
{
    using R = Result<std::vector<float>>;
    const detail::TrainableSpec *spec = specFor(name);
    if (!spec)
        return R::failure(unknown(name));
    if (features.size() != size_t(spec->bands) * size_t(spec->frames))
        return R::failure(QCoreApplication::translate("TrainableArchitecture", "Expected %1 x %2 feature values, got %3.")
                              .arg(spec->bands)
                              .arg(spec->frames)
                              .arg(features.size()));
    auto dict = detail::parseTorchStateDict(weights, QStringLiteral("weights"));
    if (!dict)
        return R::failure(dict.error());
    const auto it = dict->find("output.weight");
    if (it == dict->end())
        return R::failure(QCoreApplication::translate("TrainableArchitecture", "The weights lack the output layer."));
    try {
        torch::NoGradGuard guard;
        detail::TrainableNet net = detail::createTrainableNet(*spec, it->second.size(0));
        const Status s = detail::loadTrainableWeights(net, dict.value(), name);
        if (!s)
            return R::failure(s.error());
        net->eval();
        const at::Tensor x = at::from_blob(const_cast<float *>(features.data()), {1, 1, spec->bands, spec->frames},
                                           at::kFloat).clone();
        const at::Tensor p = at::sigmoid(net->logits(x)).reshape({-1}).contiguous();
        return std::vector<float>(p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
    } catch (const std::exception &e) {
        return R::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

Result<TrainableArchitecture::RhythmPitchEvidence>
TrainableArchitecture::rhythmPitchEvidence(const QString &name, const std::vector<float> &features, int frames,
                                           quint64 seed)
{
    using R = Result<RhythmPitchEvidence>;
    const detail::TrainableSpec *spec = specFor(name);
    if (!spec)
        return R::failure(unknown(name));
    if (spec->kind != detail::TrainableKind::CompactRhythm) {
        return R::failure(QCoreApplication::translate("TrainableArchitecture", "\"%1\" has no tempo and key evidence.")
                              .arg(spec->name));
    }
    if (frames < 1 || features.size() != size_t(spec->bands) * size_t(frames)) {
        return R::failure(QCoreApplication::translate("TrainableArchitecture", "Expected %1 x %2 feature values, got %3.")
                              .arg(spec->bands)
                              .arg(frames)
                              .arg(features.size()));
    }
    try {
        torch::NoGradGuard guard;
        torch::manual_seed(seed);
        detail::TrainableNet net = detail::createTrainableNet(*spec, 1);
        net->eval();
        const at::Tensor x = at::from_blob(const_cast<float *>(features.data()), {1, 1, spec->bands, frames}, at::kFloat)
                                 .clone();
        const at::Tensor e = net->rhythmPitchEmbedding(x).contiguous();
        const float *p = e.data_ptr<float>();
        const int lags = detail::TrainableNetImpl::kOnsetLags;
        RhythmPitchEvidence out;
        out.onsetAutocorrelation.assign(p, p + lags);
        const int64_t keys = e.size(1) - lags - 32;
        out.keyTemplates.assign(p + lags + 32, p + lags + 32 + keys);
        return out;
    } catch (const std::exception &e) {
        return R::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

Status TrainableArchitecture::fixFusionWeights(const QString &bundleFolder, double melWeight, const QString &outFolder)
{
    if (!(melWeight >= 0.0 && melWeight <= 1.0))
        return Status::failure(QCoreApplication::translate("TrainableArchitecture",
                                                           "The fusion weight must lie in [0, 1] (got %1).").arg(melWeight));
    auto bundle = ModelBundle::open(bundleFolder);
    if (!bundle)
        return Status::failure(bundle.error());
    ModelManifest m = bundle->manifest();
    const detail::TrainableSpec *spec = detail::findTrainableSpec(m.architecture);
    if (!spec || spec->kind != detail::TrainableKind::FusionLinear) {
        return Status::failure(QCoreApplication::translate("TrainableArchitecture", "%1 is a %2 model, not fusion-linear.")
                                   .arg(bundleFolder, m.architecture));
    }
    auto dict = detail::loadTorchStateDict(bundle->weightsPath());
    if (!dict)
        return Status::failure(dict.error());
    try {
        torch::NoGradGuard guard;
        detail::TrainableNet net = detail::createTrainableNet(*spec, m.tags.size());
        const Status s = detail::loadTrainableWeights(net, dict.value(), bundle->weightsPath());
        if (!s)
            return s;
        net->setFusionWeights(at::full({int64_t(m.tags.size())}, melWeight, at::kFloat));
        auto bytes = detail::serializeTorchStateDict(detail::trainableStateDict(net));
        if (!bytes)
            return Status::failure(bytes.error());
        m.parentVersion = m.version;
        m.version = spec->name + QLatin1Char('-')
                    + QString::fromLatin1(QCryptographicHash::hash(bytes.value(), QCryptographicHash::Sha256).toHex().left(12));
        QJsonObject training = m.training;
        QJsonObject fusion = training.value(QStringLiteral("fusion")).toObject();
        QJsonObject perTag;
        for (int t = 0; t < m.tags.size(); ++t)
            perTag.insert(m.tags.at(t).name, melWeight);
        fusion.insert(QStringLiteral("mel_weight"), perTag);
        fusion.insert(QStringLiteral("fit_on"), QStringLiteral("none: fixed to %1 for every tag").arg(melWeight));
        training.insert(QStringLiteral("fusion"), fusion);
        m.training = training;
        return ModelBundle::write(outFolder, m, bytes.value());
    } catch (const std::exception &e) {
        return Status::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

} // namespace taglane::engine
