// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/studies/clipcnn.h"
#include "engine/train/trainablenet_p.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ClipCnn", text);
}

/// Four conv blocks and a dense layer on a fixed-size clip spectrogram.
class ClipNetImpl : public torch::nn::Module
{
public:
    ClipNetImpl(int64_t bands, int64_t frames, int64_t tags)
    {
        using namespace torch::nn;
        const int64_t channels[] = {1, 16, 32, 64, 64};
        int64_t f = bands, t = frames;
        for (int i = 0; i < 4; ++i) {
            m_convs.push_back(register_module("conv" + std::to_string(i + 1),
                                              Conv2d(Conv2dOptions(channels[i], channels[i + 1], 3).padding(1))));
            m_norms.push_back(register_module("bn" + std::to_string(i + 1), BatchNorm2d(channels[i + 1])));
            f /= 2;
            t /= 2;
        }
        m_flat = channels[4] * std::max<int64_t>(f, 1) * std::max<int64_t>(t, 1);
        m_dense = register_module("dense", Linear(m_flat, 128));
        m_out = register_module("output", Linear(128, tags));
        m_drop = register_module("dropout", Dropout(0.5));
        m_mean = register_buffer("band_mean", at::zeros({bands}));
        m_std = register_buffer("band_std", at::ones({bands}));
    }

    /// [B, bands, frames] dB -> logits [B, tags].
    at::Tensor forward(const at::Tensor &features)
    {
        at::Tensor h = ((features - m_mean.view({1, -1, 1})) / m_std.view({1, -1, 1})).unsqueeze(1);
        for (size_t i = 0; i < m_convs.size(); ++i)
            h = at::max_pool2d(at::relu(m_norms[i](m_convs[i](h))), {2, 2});
        h = m_drop(at::relu(m_dense(h.flatten(1))));
        return m_out(h);
    }

    void setStandardisation(const at::Tensor &mean, const at::Tensor &std)
    {
        torch::NoGradGuard guard;
        m_mean.copy_(mean);
        m_std.copy_(std.clamp_min(1e-3));
    }

private:
    std::vector<torch::nn::Conv2d> m_convs;
    std::vector<torch::nn::BatchNorm2d> m_norms;
    torch::nn::Linear m_dense{nullptr}, m_out{nullptr};
    torch::nn::Dropout m_drop{nullptr};
    at::Tensor m_mean, m_std;
    int64_t m_flat = 0;
};
TORCH_MODULE(ClipNet);

at::Tensor featureRows(const TrainingExamples &ex, const std::vector<int64_t> &rows)
{
    const int64_t stride = int64_t(ex.featureStride());
    at::Tensor out = at::empty({int64_t(rows.size()), ex.bands, ex.frames}, at::kFloat);
    float *dst = out.data_ptr<float>();
    for (size_t i = 0; i < rows.size(); ++i)
        std::copy_n(ex.features.data() + rows[i] * stride, stride, dst + int64_t(i) * stride);
    return out;
}

/// Targets (NaN -> 0) and the mask of known cells for rows.
std::pair<at::Tensor, at::Tensor> labelRows(const TrainingExamples &ex, const std::vector<int64_t> &rows)
{
    const int64_t tags = ex.tags.size();
    at::Tensor y = at::zeros({int64_t(rows.size()), tags}, at::kFloat);
    at::Tensor m = at::zeros({int64_t(rows.size()), tags}, at::kFloat);
    float *py = y.data_ptr<float>();
    float *pm = m.data_ptr<float>();
    for (size_t i = 0; i < rows.size(); ++i)
        for (int64_t t = 0; t < tags; ++t) {
            const float v = ex.labels[size_t(rows[i] * tags + t)];
            if (!std::isnan(v)) {
                py[int64_t(i) * tags + t] = v > 0.5f ? 1.0f : 0.0f;
                pm[int64_t(i) * tags + t] = 1.0f;
            }
        }
    return {y, m};
}

Status checkExamples(const TrainingExamples &ex, const QString &what)
{
    if (ex.sequence != 1 || ex.bands <= 0 || ex.frames <= 0 || ex.tags.isEmpty()
        || ex.features.size() != size_t(ex.count()) * ex.featureStride()
        || ex.labels.size() != size_t(ex.count()) * ex.labelStride())
        return Status::failure(tr("The %1 clips are inconsistent (sizes or sequence length).").arg(what));
    return {};
}

} // namespace

struct ClipCnn::Private
{
    ClipNet net{nullptr};
    int bands = 0;
    int frames = 0;
    int tags = 0;
};

ClipCnn::ClipCnn()
    : d(std::make_unique<Private>())
{
}

ClipCnn::~ClipCnn() = default;

qint64 ClipCnn::parameterCount() const
{
    if (!d->net)
        return 0;
    qint64 n = 0;
    for (const at::Tensor &p : d->net->parameters())
        n += p.numel();
    return n;
}

qint64 ClipCnn::parameterCount(int bands, int frames, int tags)
{
    ClipNet net(bands, frames, tags);
    qint64 n = 0;
    for (const at::Tensor &p : net->parameters())
        n += p.numel();
    return n;
}

Result<ClipCnnTraining> ClipCnn::train(const TrainingExamples &train, const TrainingExamples &validation,
                                       const ClipCnnConfig &config, const std::atomic_bool *cancel)
{
    using R = Result<ClipCnnTraining>;
    if (train.count() == 0)
        return R::failure(tr("There are no training clips."));
    if (Status s = checkExamples(train, tr("training")); !s)
        return R::failure(s.error());
    const bool hasVal = validation.count() > 0;
    if (hasVal) {
        if (Status s = checkExamples(validation, tr("validation")); !s)
            return R::failure(s.error());
        if (validation.bands != train.bands || validation.frames != train.frames
            || validation.tags.names() != train.tags.names())
            return R::failure(tr("The validation clips differ in shape or tags from the training clips."));
    }
    if (config.threads > 0)
        at::set_num_threads(config.threads);
    QElapsedTimer clock;
    clock.start();
    try {
        torch::manual_seed(config.seed);
        d->bands = train.bands;
        d->frames = train.frames;
        d->tags = train.tags.size();
        d->net = ClipNet(train.bands, train.frames, d->tags);
        {
            // Per-band statistics of the training clips.
            const at::Tensor all = at::from_blob(const_cast<float *>(train.features.data()),
                                                 {train.count(), train.bands, train.frames}, at::kFloat);
            const std::vector<int64_t> dims = {0, 2};
            d->net->setStandardisation(all.mean(at::IntArrayRef(dims)), all.std(at::IntArrayRef(dims), /*unbiased=*/true));
        }
        torch::optim::Adam adam(d->net->parameters(), torch::optim::AdamOptions(config.learningRate));
        ClipCnnTraining out;
        std::vector<at::Tensor> best;
        auto snapshot = [&] {
            best.clear();
            for (const at::Tensor &p : d->net->parameters())
                best.push_back(p.detach().clone());
            for (const at::Tensor &b : d->net->buffers())
                best.push_back(b.detach().clone());
        };
        auto restore = [&] {
            torch::NoGradGuard guard;
            size_t i = 0;
            for (at::Tensor &p : d->net->parameters())
                p.copy_(best[i++]);
            for (at::Tensor &b : d->net->buffers())
                b.copy_(best[i++]);
        };
        auto validationLoss = [&]() -> double {
            if (!hasVal)
                return std::numeric_limits<double>::quiet_NaN();
            torch::NoGradGuard guard;
            d->net->eval();
            double sum = 0.0, weight = 0.0;
            for (int64_t first = 0; first < validation.count(); first += 128) {
                std::vector<int64_t> rows(size_t(std::min<int64_t>(128, validation.count() - first)));
                std::iota(rows.begin(), rows.end(), first);
                const auto [y, m] = labelRows(validation, rows);
                const double known = m.sum().item<double>();
                sum += detail::maskedWeightedBce(d->net->forward(featureRows(validation, rows)), y, m, config.alpha)
                           .item<double>()
                       * known;
                weight += known;
            }
            return weight > 0 ? sum / weight : 0.0;
        };
        std::vector<int64_t> order(size_t(train.count()));
        std::iota(order.begin(), order.end(), 0);
        const int batch = std::max(1, config.batchSize);
        int sinceBest = 0;
        out.bestValLoss = std::numeric_limits<double>::infinity();
        for (int epoch = 1; epoch <= std::max(1, config.epochs); ++epoch) {
            std::mt19937_64 rng(config.seed * 1000003ULL + quint64(epoch));
            std::shuffle(order.begin(), order.end(), rng);
            d->net->train();
            double lossSum = 0.0;
            int batches = 0;
            for (size_t first = 0; first < order.size(); first += size_t(batch)) {
                if (cancel && cancel->load())
                    return R::failure(tr("Cancelled."));
                const std::vector<int64_t> rows(order.begin() + long(first),
                                                order.begin() + long(std::min(order.size(), first + size_t(batch))));
                if (rows.size() < 2)
                    continue;  // batch norm needs two examples
                const auto [y, m] = labelRows(train, rows);
                adam.zero_grad();
                const at::Tensor loss = detail::maskedWeightedBce(d->net->forward(featureRows(train, rows)), y, m,
                                                                  config.alpha);
                loss.backward();
                adam.step();
                lossSum += loss.item<double>();
                ++batches;
            }
            out.trainLoss.push_back(batches ? lossSum / batches : 0.0);
            const double val = validationLoss();
            out.valLoss.push_back(val);
            out.epochsRun = epoch;
            const double score = hasVal ? val : out.trainLoss.back();
            if (score < out.bestValLoss) {
                out.bestValLoss = score;
                out.bestEpoch = epoch;
                sinceBest = 0;
                snapshot();
            } else if (config.patience > 0 && ++sinceBest >= config.patience) {
                break;
            }
        }
        if (!best.empty())
            restore();
        d->net->eval();
        out.seconds = clock.elapsed() / 1000.0;
        return out;
    } catch (const std::exception &e) {
        d->net = nullptr;
        return R::failure(tr("Training the clip CNN failed: %1").arg(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0)));
    }
}

Result<std::vector<float>> ClipCnn::predict(const TrainingExamples &examples) const
{
    using R = Result<std::vector<float>>;
    if (!d->net)
        return R::failure(tr("The clip CNN has not been trained."));
    if (Status s = checkExamples(examples, tr("test")); !s)
        return R::failure(s.error());
    if (examples.bands != d->bands || examples.frames != d->frames || examples.tags.size() != d->tags)
        return R::failure(tr("The clips have another shape or tag count than the clip CNN was trained on."));
    std::vector<float> out;
    out.reserve(size_t(examples.count()) * size_t(d->tags));
    try {
        torch::NoGradGuard guard;
        d->net->eval();
        for (int64_t first = 0; first < examples.count(); first += 128) {
            std::vector<int64_t> rows(size_t(std::min<int64_t>(128, examples.count() - first)));
            std::iota(rows.begin(), rows.end(), first);
            const at::Tensor p = at::sigmoid(d->net->forward(featureRows(examples, rows))).contiguous();
            out.insert(out.end(), p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
        }
    } catch (const std::exception &e) {
        return R::failure(tr("The clip CNN failed: %1").arg(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0)));
    }
    return out;
}

} // namespace taglane::engine
