// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/train/trainablearchitecture.h"
#include "engine/train/trainablenet_p.h"
#include "engine/train/trainingexamples.h"

#include <QCoreApplication>

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

} // namespace taglane::engine
