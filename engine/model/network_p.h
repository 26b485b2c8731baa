// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: the MagnaTagATune architectures (musicnn, FCN, CRNN)
// as plain ATen code. Include only from engine .cpp files, before any Qt header.
#pragma once

#include <ATen/ATen.h>

#include "engine/core/result.h"
#include "engine/model/statedict_p.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace taglane::engine::detail {

/// A tagging network in eval mode: waveform chunks in, sigmoid outputs out.
/// Not thread-safe; one user at a time.
class TagNetwork
{
public:
    virtual ~TagNetwork() = default;
    /// waveforms: [batch, chunkSamples] float32 on the network's device.
    /// Returns [batch, tags] probabilities. Call under at::NoGradGuard.
    virtual at::Tensor forward(const at::Tensor &waveforms) const = 0;
    /// Moves every weight to device (called once after construction).
    virtual void moveTo(const at::Device &device) = 0;
};

using ShapeList = std::vector<std::pair<std::string, std::vector<int64_t>>>;

/// Architecture facts shared by the importer and the tagger.
struct ArchitectureInfo
{
    QString name;            ///< "musicnn", "fcn", "crnn"
    QString displayName;     ///< "musicnn (MTAT)"
    qint64 chunkSamples = 0;
    std::string outputWeightKey;   ///< the output layer's weight: rows = tags
    ShapeList (*shapes)(int64_t tagCount) = nullptr;
    std::unique_ptr<TagNetwork> (*create)(const TorchStateDict &weights) = nullptr;
};

/// The architectures Taglane knows, by name; nullptr when unknown.
const ArchitectureInfo *findArchitecture(const QString &name);
QStringList architectureNames();

/// Checks that weights hold exactly the keys of info's architecture with the
/// expected shapes for tagCount outputs (num_batches_tracked may be absent).
/// Messages name the key and the shapes; sourceName is the file.
Status checkWeights(const ArchitectureInfo &info, const TorchStateDict &weights, int64_t tagCount,
                    const QString &sourceName);

/// Validates and builds the network. Any thread.
Result<std::unique_ptr<TagNetwork>> createNetwork(const QString &architecture, const TorchStateDict &weights,
                                                  int64_t tagCount, const QString &sourceName);

// ---- building blocks shared by the architectures --------------------------

/// Conv (1d or 2d) with its eval-mode BatchNorm folded into weight and bias.
struct FoldedConv
{
    at::Tensor weight;
    at::Tensor bias;
    std::vector<int64_t> padding;

    void moveTo(const at::Device &device);
};

/// Folds prefix.conv.{weight,bias} and prefix.bn.* (eps 1e-5).
FoldedConv foldConvBn(const TorchStateDict &w, const std::string &prefix, std::vector<int64_t> padding);
/// Eval-mode BatchNorm as scale and shift: y = x * scale + shift.
std::pair<at::Tensor, at::Tensor> batchNormAffine(const TorchStateDict &w, const std::string &prefix);

/// Convolutions with stride 1; on the CPU they go straight to oneDNN (the
/// generic path would fall back to the reference BLAS for 1x1 kernels).
at::Tensor conv2dFast(const at::Tensor &x, const at::Tensor &weight, const at::Tensor &bias, at::IntArrayRef padding);
/// x [B, C, T], weight [O, C, K]: one-dimensional, padding on both sides.
at::Tensor conv1dFast(const at::Tensor &x, const at::Tensor &weight, const at::Tensor &bias, int64_t padding);

/// conv -> (folded) BN -> ReLU -> MaxPool(pool); pooling happens before the
/// ReLU, which gives the same result on fewer values.
at::Tensor convBnReluPool2d(const at::Tensor &x, const FoldedConv &conv, at::IntArrayRef pool);

/// The same for a first layer with one input channel and a 3x3 kernel, as a
/// fused CPU kernel that never stores the full-resolution activation (other
/// devices and shapes go through convBnReluPool2d). [B, 1, F, T] -> [B, C, F/pf, T/pt].
at::Tensor firstConvBnReluPool(const at::Tensor &x, const FoldedConv &conv, int64_t poolF, int64_t poolT);

/// The shared mel front end: STFT (n_fft 512, hop 256, centred, reflect) ->
/// power -> stored mel filter bank -> dB -> spec_bn. [B, N] -> [B, 1, 96, T].
class MelFrontEnd
{
public:
    explicit MelFrontEnd(const TorchStateDict &w);
    at::Tensor forward(const at::Tensor &waveforms) const;
    /// The dB mel spectrogram before spec_bn: [B, 96, T].
    at::Tensor melDb(const at::Tensor &waveforms) const;
    void moveTo(const at::Device &device);

    static constexpr int64_t kFftSize = 512;
    static constexpr int64_t kHop = 256;
    static constexpr int64_t kMels = 96;

private:
    at::Tensor m_window;    // [512]
    at::Tensor m_melConv;   // fb^T as a 1x1 conv weight [96, 257, 1]
    double m_bnScale = 1.0;
    double m_bnShift = 0.0;
};

/// Keys of the front end with their shapes.
void appendFrontEndShapes(ShapeList &shapes);
/// Keys prefix.conv.weight/bias and prefix.bn.* for a conv with weightShape.
void appendConvBnShapes(ShapeList &shapes, const std::string &prefix, std::vector<int64_t> weightShape);

// Factories, one per architecture file.
ShapeList musicnnShapes(int64_t tagCount);
std::unique_ptr<TagNetwork> createMusicnn(const TorchStateDict &weights);
ShapeList fcnShapes(int64_t tagCount);
std::unique_ptr<TagNetwork> createFcn(const TorchStateDict &weights);
ShapeList crnnShapes(int64_t tagCount);
std::unique_ptr<TagNetwork> createCrnn(const TorchStateDict &weights);

} // namespace taglane::engine::detail
