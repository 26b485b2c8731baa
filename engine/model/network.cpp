// SPDX-License-Identifier: GPL-3.0-or-later
#include <ATen/ATen.h>

#include "engine/model/network_p.h"
#include "engine/train/trainedarchitectures_p.h"

#include <QCoreApplication>

#include <exception>
#include <set>

namespace taglane::engine::detail {

namespace {

constexpr double kBatchNormEps = 1e-5;

QString tr(const char *text)
{
    return QCoreApplication::translate("ModelImport", text);
}

QString shapeText(at::IntArrayRef shape)
{
    if (shape.empty())
        return QStringLiteral("scalar");
    QStringList parts;
    for (int64_t d : shape)
        parts << QString::number(d);
    return parts.join(QStringLiteral(" x "));
}

bool isBatchCounter(const std::string &key)
{
    static const std::string suffix = "num_batches_tracked";
    return key.size() >= suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const std::vector<ArchitectureInfo> &architectures()
{
    static const std::vector<ArchitectureInfo> list = {
        {QStringLiteral("musicnn"), QStringLiteral("musicnn (MagnaTagATune)"), 48000, "dense2.weight", &musicnnShapes,
         &createMusicnn},
        {QStringLiteral("fcn"), QStringLiteral("FCN (MagnaTagATune)"), 464000, "dense.weight", &fcnShapes, &createFcn},
        {QStringLiteral("crnn"), QStringLiteral("CRNN (MagnaTagATune)"), 464000, "dense.weight", &crnnShapes, &createCrnn},
    };
    return list;
}

} // namespace

const ArchitectureInfo *findArchitecture(const QString &name)
{
    // Architectures trained in Taglane (engine/train) register here.
    if (const ArchitectureInfo *trained = findTrainedArchitecture(name))
        return trained;
    for (const ArchitectureInfo &info : architectures()) {
        if (info.name.compare(name, Qt::CaseInsensitive) == 0)
            return &info;
    }
    return nullptr;
}

QStringList architectureNames()
{
    QStringList names;
    for (const ArchitectureInfo &info : architectures())
        names << info.name;
    return names;
}

Status checkWeights(const ArchitectureInfo &info, const TorchStateDict &weights, int64_t tagCount,
                    const QString &sourceName)
{
    const ShapeList expected = info.shapes(tagCount);
    std::set<std::string> known;
    for (const auto &[key, shape] : expected) {
        known.insert(key);
        const auto it = weights.find(key);
        if (it == weights.end()) {
            return Status::failure(tr("%1 is not a %2 checkpoint: the key \"%3\" is missing.")
                                       .arg(sourceName, info.name, QString::fromStdString(key)));
        }
        if (it->second.sizes() != at::IntArrayRef(shape)) {
            if (key == info.outputWeightKey && it->second.dim() == 2 && it->second.size(1) == shape[1]) {
                return Status::failure(tr("%1: the output layer \"%2\" has %3 outputs, but %4 tags were given.")
                                           .arg(sourceName, QString::fromStdString(key))
                                           .arg(it->second.size(0))
                                           .arg(tagCount));
            }
            return Status::failure(tr("%1: \"%2\" has shape %3; a %4 model needs %5.")
                                       .arg(sourceName, QString::fromStdString(key), shapeText(it->second.sizes()),
                                            info.name, shapeText(shape)));
        }
    }
    for (const auto &[key, tensor] : weights) {
        if (!known.count(key) && !isBatchCounter(key)) {
            return Status::failure(tr("%1 has the key \"%2\", which a %3 model does not have; is it a %3 checkpoint?")
                                       .arg(sourceName, QString::fromStdString(key), info.name));
        }
    }
    return {};
}

Result<std::unique_ptr<TagNetwork>> createNetwork(const QString &architecture, const TorchStateDict &weights,
                                                  int64_t tagCount, const QString &sourceName)
{
    using R = Result<std::unique_ptr<TagNetwork>>;
    const ArchitectureInfo *info = findArchitecture(architecture);
    if (!info) {
        return R::failure(tr("%1: unknown architecture \"%2\" (known: %3).")
                              .arg(sourceName, architecture, architectureNames().join(QStringLiteral(", "))));
    }
    const Status checked = checkWeights(*info, weights, tagCount, sourceName);
    if (!checked)
        return R::failure(checked.error());
    try {
        return info->create(weights);
    } catch (const std::exception &e) {
        return R::failure(tr("%1: the %2 network could not be built: %3").arg(sourceName, info->name, QString::fromUtf8(e.what())));
    }
}

void FoldedConv::moveTo(const at::Device &device)
{
    weight = weight.to(device);
    bias = bias.to(device);
}

std::pair<at::Tensor, at::Tensor> batchNormAffine(const TorchStateDict &w, const std::string &prefix)
{
    const at::Tensor gamma = w.at(prefix + ".weight");
    const at::Tensor beta = w.at(prefix + ".bias");
    const at::Tensor mean = w.at(prefix + ".running_mean");
    const at::Tensor var = w.at(prefix + ".running_var");
    // Double precision while folding keeps the folded weights as close as
    // possible to what BatchNorm would compute in float.
    const at::Tensor scale = gamma.to(at::kDouble) / (var.to(at::kDouble) + kBatchNormEps).sqrt();
    const at::Tensor shift = beta.to(at::kDouble) - mean.to(at::kDouble) * scale;
    return {scale, shift};
}

FoldedConv foldConvBn(const TorchStateDict &w, const std::string &prefix, std::vector<int64_t> padding)
{
    const auto [scale, shift] = batchNormAffine(w, prefix + ".bn");
    const at::Tensor weight = w.at(prefix + ".conv.weight").to(at::kDouble);
    const at::Tensor bias = w.at(prefix + ".conv.bias").to(at::kDouble);
    std::vector<int64_t> view(weight.dim(), 1);
    view[0] = -1;
    FoldedConv out;
    out.weight = (weight * scale.view(view)).to(at::kFloat).contiguous();
    out.bias = (bias * scale + shift).to(at::kFloat).contiguous();
    out.padding = std::move(padding);
    return out;
}

at::Tensor conv2dFast(const at::Tensor &x, const at::Tensor &weight, const at::Tensor &bias, at::IntArrayRef padding)
{
    if (x.is_cpu() && at::hasMKLDNN()) {
        const c10::optional<at::Tensor> b = bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt;
        const at::MemoryFormat format = x.suggest_memory_format();
        return at::mkldnn_convolution(x.contiguous(format), weight.contiguous(format), b, padding, {1, 1}, {1, 1}, 1);
    }
    return at::conv2d(x, weight, bias, {1, 1}, padding);
}

at::Tensor conv1dFast(const at::Tensor &x, const at::Tensor &weight, const at::Tensor &bias, int64_t padding)
{
    const std::vector<int64_t> pad{0, padding};
    return conv2dFast(x.unsqueeze(2), weight.unsqueeze(2), bias, pad).squeeze(2);
}

at::Tensor convBnReluPool2d(const at::Tensor &x, const FoldedConv &conv, at::IntArrayRef pool)
{
    // On the CPU, channels-last activations make oneDNN skip its layout
    // reorders and let max pooling vectorise over channels.
    const at::Tensor in = x.is_cpu() ? x.contiguous(at::MemoryFormat::ChannelsLast) : x;
    const at::Tensor y = conv2dFast(in, conv.weight, conv.bias, conv.padding);
    return at::max_pool2d(y, pool, pool).relu_();
}

void appendConvBnShapes(ShapeList &shapes, const std::string &prefix, std::vector<int64_t> weightShape)
{
    const int64_t out = weightShape[0];
    shapes.emplace_back(prefix + ".conv.weight", std::move(weightShape));
    shapes.emplace_back(prefix + ".conv.bias", std::vector<int64_t>{out});
    for (const char *part : {".bn.weight", ".bn.bias", ".bn.running_mean", ".bn.running_var"})
        shapes.emplace_back(prefix + part, std::vector<int64_t>{out});
}

void appendFrontEndShapes(ShapeList &shapes)
{
    shapes.emplace_back("spec.spectrogram.window", std::vector<int64_t>{MelFrontEnd::kFftSize});
    shapes.emplace_back("spec.mel_scale.fb", std::vector<int64_t>{MelFrontEnd::kFftSize / 2 + 1, MelFrontEnd::kMels});
    for (const char *part : {"spec_bn.weight", "spec_bn.bias", "spec_bn.running_mean", "spec_bn.running_var"})
        shapes.emplace_back(part, std::vector<int64_t>{1});
}

MelFrontEnd::MelFrontEnd(const TorchStateDict &w)
    : m_window(w.at("spec.spectrogram.window").contiguous())
    , m_melConv(w.at("spec.mel_scale.fb").t().unsqueeze(2).contiguous())
{
    const auto [scale, shift] = batchNormAffine(w, "spec_bn");
    m_bnScale = scale.item<double>();
    m_bnShift = shift.item<double>();
}

void MelFrontEnd::moveTo(const at::Device &device)
{
    m_window = m_window.to(device);
    m_melConv = m_melConv.to(device);
}

at::Tensor MelFrontEnd::melDb(const at::Tensor &waveforms) const
{
    const at::Tensor spec = at::stft(waveforms, kFftSize, kHop, kFftSize, m_window, /*center*/ true, "reflect",
                                     /*normalized*/ false, /*onesided*/ true, /*return_complex*/ true);
    const at::Tensor power = spec.abs().square_();   // [B, 257, T]
    const at::Tensor mel = conv1dFast(power, m_melConv, at::Tensor(), 0);   // [B, 96, T]
    return mel.clamp_min(1e-10).log10().mul_(10.0);
}

at::Tensor MelFrontEnd::forward(const at::Tensor &waveforms) const
{
    return melDb(waveforms).mul_(m_bnScale).add_(m_bnShift).unsqueeze(1);
}

} // namespace taglane::engine::detail
