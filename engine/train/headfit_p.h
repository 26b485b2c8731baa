// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: refitting the output layer of a trainable network
// on frozen embeddings (the fast path of Retrainer). Include only from engine
// .cpp files, before any Qt header.
#pragma once

#include <torch/torch.h>

#include "engine/train/trainablenet_p.h"

#include <QStringList>

#include <atomic>
#include <functional>
#include <vector>

namespace taglane::engine::detail {

/// What the head fit sees. Rows are windows (long-term frames), columns are
/// the new model's tags. Every tensor is float32 on the CPU.
struct HeadFitProblem
{
    at::Tensor x;           ///< [N, D] frozen embeddings of the training windows
    at::Tensor targets;     ///< [N, T] 0/1 (0 where unknown)
    at::Tensor mask;        ///< [N, T] 1 where the label is known
    at::Tensor soft;        ///< [N, T] the base model's probabilities (distillation targets)
    at::Tensor hasBase;     ///< [T] 1 for rows the base model has (pulled towards it, distilled)
    at::Tensor rowWeight;   ///< optional [T]: weight of each row's curated-label term (default 1)
    at::Tensor initWeight;  ///< [T, D] base rows; zeros for new tags
    at::Tensor initBias;    ///< [T]
    at::Tensor valX;        ///< optional [M, D]: held-out windows, only to report a loss (never used to choose)
    at::Tensor valTargets;  ///< [M, T]
    at::Tensor valMask;     ///< [M, T]
};

/// Objective per output row t (rows are independent given frozen features),
/// on standardised embeddings:
///   class-balanced BCE over the known cells (half the weight on positives,
///   half on negatives)
/// + for base rows: distill x soft-target BCE against the base model's
///   outputs on every training window, and pull x ||w - w_base||^2
/// + for new rows: ridge x ||w||^2.
struct HeadFitOptions
{
    int epochs = 30;
    int stepsPerEpoch = 10;     ///< full-batch Adam steps per reported epoch
    double learningRate = 0.05;
    double ridge = 1e-3;
    double pull = 1e-2;
    double distill = 1.0;
};

struct HeadFitStep
{
    int epoch = 0;      ///< 1-based
    int step = 0;       ///< within the epoch, 1-based
    double loss = 0.0;  ///< objective (training windows)
    double valLoss = std::numeric_limits<double>::quiet_NaN(); ///< plain masked BCE on valX; NaN without one
    bool epochDone = false;
};

struct HeadFitResult
{
    at::Tensor weight;  ///< [T, D] for the raw (unstandardised) embedding
    at::Tensor bias;    ///< [T]
    int epochsRun = 0;
    bool cancelled = false;
    double bestLoss = 0.0;
    std::vector<HeadFitStep> history; ///< one entry per finished epoch
};

/// Fits the output rows. The weights of the epoch with the lowest objective
/// are returned (the last one normally: the problem is convex). Cancel is
/// checked between steps; when cancelled before the first epoch finished,
/// epochsRun is 0 and weight/bias are the initial ones.
HeadFitResult fitHead(const HeadFitProblem &problem, const HeadFitOptions &options,
                      const std::function<void(const HeadFitStep &)> &onStep, const std::atomic_bool *cancel);

/// Training windows for adapting the last block of the backbone.
struct AdaptProblem
{
    std::vector<at::Tensor> trackFeatures;          ///< per track [bands, T], not standardised
    std::vector<std::pair<int, int64_t>> windows;   ///< (track, start frame) per training window
    at::Tensor targets;   ///< [N, T] 0/1
    at::Tensor mask;      ///< [N, T]
    at::Tensor soft;      ///< [N, T] base model probabilities
    at::Tensor hasBase;   ///< [T]
    at::Tensor rowWeight; ///< optional [T]: weight of each row's curated-label term
};

struct AdaptOptions
{
    int epochs = 4;
    int batchSize = 32;
    double learningRate = 1e-3;
    double distill = 3.0;      ///< soft-target BCE weight on base rows (per row, batch mean)
    quint64 seed = 1;
    int lastModules = 2;       ///< trainable: the output layer and the last this-many parameter modules before it
};

struct AdaptResult
{
    int epochsRun = 0;
    bool cancelled = false;
    std::vector<HeadFitStep> history;
    QStringList trainedModules;
};

/// Fine-tunes the output layer and the last modules of the backbone of net
/// (in place; eval mode throughout, so batch-norm statistics and dropout stay
/// as they are) on class-balanced BCE plus distillation on the base rows.
/// When cancelled, net holds the weights of the last finished epoch (the
/// weights it came with when none finished).
AdaptResult adaptLastBlock(TrainableNet &net, const AdaptProblem &problem, const AdaptOptions &options,
                           const std::function<void(const HeadFitStep &)> &onStep, const std::atomic_bool *cancel);

/// Logits [W, T] of net on the long-term frames of one track's features at `starts`. Eval mode, no grad.
at::Tensor logitsOfWindows(TrainableNet &net, const at::Tensor &features, const std::vector<qint64> &starts);

/// Embeddings [W, D] of the long-term frames of one track's features
/// ([bands, T], not standardised) starting at `starts`. Eval mode, no grad.
at::Tensor embedWindows(TrainableNet &net, const at::Tensor &features, const std::vector<qint64> &starts);

} // namespace taglane::engine::detail
