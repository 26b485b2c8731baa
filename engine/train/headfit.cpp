// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/train/headfit_p.h"

#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>

namespace taglane::engine::detail {

namespace {

/// softplus(z) - y z: binary cross-entropy of logits z against targets y in [0, 1].
at::Tensor bceLogits(const at::Tensor &z, const at::Tensor &y)
{
    return at::softplus(z) - y * z;
}

/// Entropy of Bernoulli(q), so that bce - entropy is the KL divergence (0 at the target).
at::Tensor bernoulliEntropy(const at::Tensor &q)
{
    const at::Tensor c = q.clamp(1e-7, 1.0 - 1e-7);
    return -(c * at::log(c) + (1.0 - c) * at::log(1.0 - c));
}

} // namespace

at::Tensor embedWindows(TrainableNet &net, const at::Tensor &features, const std::vector<qint64> &starts)
{
    torch::NoGradGuard guard;
    net->eval();
    const int frames = net->spec().frames;
    const int64_t dim = net->outputLayer()->options.in_features();
    std::vector<at::Tensor> parts;
    constexpr size_t batch = 64;
    for (size_t first = 0; first < starts.size(); first += batch) {
        const size_t count = std::min(starts.size() - first, batch);
        std::vector<at::Tensor> windows;
        windows.reserve(count);
        for (size_t i = 0; i < count; ++i)
            windows.push_back(features.narrow(1, starts[first + i], frames));
        const at::Tensor x = at::stack(windows).unsqueeze(1);  // [B, 1, bands, frames]
        parts.push_back(net->embedding(x).reshape({int64_t(count), dim}).contiguous());
    }
    if (parts.empty())
        return at::zeros({0, dim}, at::kFloat);
    return at::cat(parts, 0);
}

at::Tensor logitsOfWindows(TrainableNet &net, const at::Tensor &features, const std::vector<qint64> &starts)
{
    torch::NoGradGuard guard;
    net->eval();
    const int frames = net->spec().frames;
    std::vector<at::Tensor> parts;
    constexpr size_t batch = 64;
    for (size_t first = 0; first < starts.size(); first += batch) {
        const size_t count = std::min(starts.size() - first, batch);
        std::vector<at::Tensor> windows;
        for (size_t i = 0; i < count; ++i)
            windows.push_back(features.narrow(1, starts[first + i], frames));
        parts.push_back(net->logits(at::stack(windows).unsqueeze(1)).reshape({int64_t(count), net->tagCount()}).contiguous());
    }
    if (parts.empty())
        return at::zeros({0, net->tagCount()}, at::kFloat);
    return at::cat(parts, 0);
}

AdaptResult adaptLastBlock(TrainableNet &net, const AdaptProblem &p, const AdaptOptions &options,
                           const std::function<void(const HeadFitStep &)> &onStep, const std::atomic_bool *cancel)
{
    AdaptResult result;
    const int64_t n = int64_t(p.windows.size());
    if (n == 0 || options.epochs < 1)
        return result;
    const int frames = net->spec().frames;
    // Trainable: the output layer and the last `lastModules` modules with parameters before it.
    std::vector<std::string> modules;
    for (const auto &item : net->named_parameters(true)) {
        const std::string prefix = item.key().substr(0, item.key().find('.'));
        if (prefix != "output" && (modules.empty() || modules.back() != prefix))
            modules.push_back(prefix);
    }
    std::set<std::string> trainable{"output"};
    for (size_t i = modules.size() > size_t(options.lastModules) ? modules.size() - size_t(options.lastModules) : 0;
         i < modules.size(); ++i)
        trainable.insert(modules[i]);
    std::vector<at::Tensor> params;
    for (auto &item : net->named_parameters(true)) {
        const bool train = trainable.count(item.key().substr(0, item.key().find('.'))) > 0;
        item.value().set_requires_grad(train);
        if (train)
            params.push_back(item.value());
    }
    for (const std::string &m : trainable)
        result.trainedModules << QString::fromStdString(m);
    torch::optim::Adam optimizer(params, torch::optim::AdamOptions(options.learningRate));

    // Class-balanced weights per row over the whole set; scaled per batch below.
    const at::Tensor pos = (p.targets * p.mask).sum(0);
    const at::Tensor neg = ((1.0 - p.targets) * p.mask).sum(0);
    const at::Tensor both = (pos > 0).logical_and(neg > 0).to(at::kFloat);
    const at::Tensor share = 0.5 * both + (1.0 - both);
    const at::Tensor posW = at::where(pos > 0, share / pos.clamp_min(1.0), at::zeros_like(pos));
    const at::Tensor negW = at::where(neg > 0, share / neg.clamp_min(1.0), at::zeros_like(neg));
    at::Tensor cellW = p.mask * (p.targets * posW + (1.0 - p.targets) * negW);  // [N, T], sums to 1 per row
    if (p.rowWeight.defined())
        cellW = cellW * p.rowWeight;
    const at::Tensor softH = bernoulliEntropy(p.soft);
    const at::Tensor base = p.hasBase.to(at::kFloat);

    TorchStateDict lastGood = trainableStateDict(net);
    std::vector<int64_t> order(static_cast<size_t>(n));
    net->eval();
    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        std::iota(order.begin(), order.end(), 0);
        std::mt19937_64 rng(options.seed * 1000003ull + quint64(epoch) + 77);
        std::shuffle(order.begin(), order.end(), rng);
        const int batches = int((n + options.batchSize - 1) / options.batchSize);
        HeadFitStep s;
        s.epoch = epoch;
        double sum = 0.0;
        for (int b = 0; b < batches; ++b) {
            if (cancel && cancel->load()) {
                result.cancelled = true;
                loadTrainableWeights(net, lastGood, QStringLiteral("last epoch"));
                for (auto &item : net->named_parameters(true))
                    item.value().set_requires_grad(true);
                return result;
            }
            const int64_t first = int64_t(b) * options.batchSize;
            const int64_t count = std::min<int64_t>(options.batchSize, n - first);
            std::vector<at::Tensor> windows;
            std::vector<int64_t> rows;
            for (int64_t i = 0; i < count; ++i) {
                const auto &[track, start] = p.windows[size_t(order[size_t(first + i)])];
                windows.push_back(p.trackFeatures[size_t(track)].narrow(1, start, frames));
                rows.push_back(order[size_t(first + i)]);
            }
            const at::Tensor idx = at::tensor(rows, at::kLong);
            const at::Tensor z = net->logits(at::stack(windows).unsqueeze(1)).reshape({count, net->tagCount()});
            const at::Tensor y = p.targets.index_select(0, idx);
            const at::Tensor w = cellW.index_select(0, idx) * (double(n) / double(count));
            const at::Tensor q = p.soft.index_select(0, idx);
            const at::Tensor sup = (w * bceLogits(z, y)).sum();
            const at::Tensor dist = ((bceLogits(z, q) - softH.index_select(0, idx)).mean(0) * base).sum() * options.distill;
            const at::Tensor loss = sup + dist;
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            sum += loss.item<double>();
            s.step = b + 1;
            s.loss = sum / (b + 1);
            if (onStep)
                onStep(s);
        }
        s.epochDone = true;
        result.history.push_back(s);
        result.epochsRun = epoch;
        lastGood = trainableStateDict(net);
        if (onStep)
            onStep(s);
    }
    for (auto &item : net->named_parameters(true))
        item.value().set_requires_grad(true);
    return result;
}

HeadFitResult fitHead(const HeadFitProblem &p, const HeadFitOptions &options,
                      const std::function<void(const HeadFitStep &)> &onStep, const std::atomic_bool *cancel)
{
    HeadFitResult result;
    result.weight = p.initWeight.clone();
    result.bias = p.initBias.clone();
    const int64_t n = p.x.size(0);
    const int64_t tags = p.initWeight.size(0);
    if (n == 0 || tags == 0)
        return result;

    // Standardise the embedding (dead channels keep a unit scale).
    const at::Tensor mu = p.x.mean(0);
    at::Tensor sd = p.x.std(0, /*unbiased=*/false);
    sd = at::where(sd < 1e-6, at::ones_like(sd), sd);
    const at::Tensor xs = (p.x - mu) / sd;
    const bool hasVal = p.valX.defined() && p.valX.size(0) > 0 && p.valMask.sum().item<double>() > 0;
    const at::Tensor vs = hasVal ? (p.valX - mu) / sd : at::Tensor();

    // Class-balanced cell weights per row.
    const at::Tensor pos = (p.targets * p.mask).sum(0);           // [T]
    const at::Tensor neg = ((1.0 - p.targets) * p.mask).sum(0);
    const at::Tensor both = (pos > 0).logical_and(neg > 0).to(at::kFloat);
    const at::Tensor share = 0.5 * both + (1.0 - both);            // 0.5 each with both classes, else 1
    const at::Tensor posW = at::where(pos > 0, share / pos.clamp_min(1.0), at::zeros_like(pos));
    const at::Tensor negW = at::where(neg > 0, share / neg.clamp_min(1.0), at::zeros_like(neg));
    at::Tensor cellW = p.mask * (p.targets * posW + (1.0 - p.targets) * negW);  // [N, T]
    if (p.rowWeight.defined())
        cellW = cellW * p.rowWeight;
    const at::Tensor base = p.hasBase.to(at::kFloat);
    const at::Tensor softT = p.soft.defined() ? p.soft : at::zeros_like(p.targets);
    const at::Tensor softH = bernoulliEntropy(softT);
    const at::Tensor distillW = base * (options.distill / double(n));  // [T]

    // Parameters in the standardised space.
    const at::Tensor w0 = p.initWeight * sd;                          // [T, D]
    const at::Tensor b0 = p.initBias + at::matmul(p.initWeight, mu);  // [T]
    at::Tensor w = w0.clone().set_requires_grad(true);
    at::Tensor b = b0.clone().set_requires_grad(true);
    torch::optim::Adam optimizer(std::vector<at::Tensor>{w, b}, torch::optim::AdamOptions(options.learningRate));

    auto objective = [&]() {
        const at::Tensor z = at::matmul(xs, w.t()) + b;  // [N, T]
        const at::Tensor sup = (cellW * bceLogits(z, p.targets)).sum();
        const at::Tensor dist = ((bceLogits(z, softT) - softH).sum(0) * distillW).sum();
        const at::Tensor reg = (options.pull * base * (w - w0).pow(2).sum(1)).sum()
                               + (options.ridge * (1.0 - base) * w.pow(2).sum(1)).sum();
        return sup + dist + reg;
    };
    auto valLoss = [&]() -> double {
        if (!hasVal)
            return std::numeric_limits<double>::quiet_NaN();
        torch::NoGradGuard guard;
        const at::Tensor z = at::matmul(vs, w.t()) + b;
        return ((bceLogits(z, p.valTargets) * p.valMask).sum() / p.valMask.sum()).item<double>();
    };
    auto keep = [&]() {
        torch::NoGradGuard guard;
        const at::Tensor raw = w.detach() / sd;
        result.weight = raw.clone();
        result.bias = (b.detach() - at::matmul(raw, mu)).clone();
    };

    double best = std::numeric_limits<double>::infinity();
    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        HeadFitStep s;
        s.epoch = epoch;
        for (int step = 1; step <= options.stepsPerEpoch; ++step) {
            if (cancel && cancel->load()) {
                result.cancelled = true;
                return result;
            }
            optimizer.zero_grad();
            at::Tensor loss = objective();
            loss.backward();
            optimizer.step();
            s.step = step;
            s.loss = loss.item<double>();
            if (onStep)
                onStep(s);
        }
        {
            torch::NoGradGuard guard;
            s.loss = objective().item<double>();
        }
        s.valLoss = valLoss();
        s.epochDone = true;
        result.history.push_back(s);
        result.epochsRun = epoch;
        if (s.loss < best) {
            best = s.loss;
            keep();
        }
        result.bestLoss = best;
        if (onStep)
            onStep(s);
    }
    return result;
}

} // namespace taglane::engine::detail
