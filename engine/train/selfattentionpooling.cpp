// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/train/selfattentionpooling_p.h"

#include "engine/train/selfattentionpooling.h"

#include <QString>

namespace taglane::engine::detail {

SelfAttentionPoolingImpl::SelfAttentionPoolingImpl(int64_t dim, int64_t hidden, int64_t heads)
{
    w1 = register_module("w1", torch::nn::Linear(torch::nn::LinearOptions(dim, hidden).bias(false)));
    w2 = register_module("w2", torch::nn::Linear(torch::nn::LinearOptions(hidden, heads).bias(false)));
}

std::pair<at::Tensor, at::Tensor> SelfAttentionPoolingImpl::forward(const at::Tensor &x)
{
    // x [B, T, D]: scores [B, T, r], softmax along time, A [B, r, T].
    const at::Tensor scores = w2->forward(torch::tanh(w1->forward(x)));
    const at::Tensor a = torch::softmax(scores, 1).transpose(1, 2);
    return {torch::bmm(a, x), a};
}

at::Tensor attentionPenalty(const at::Tensor &attention)
{
    const int64_t r = attention.size(1);
    const at::Tensor eye = torch::eye(r, attention.options()).unsqueeze(0);
    const at::Tensor d = torch::bmm(attention, attention.transpose(1, 2)) - eye;
    return d.pow(2).sum({1, 2}).mean();
}

} // namespace taglane::engine::detail

namespace taglane::engine {

namespace {

at::Tensor fromVector(const std::vector<double> &v, std::vector<int64_t> shape)
{
    int64_t n = 1;
    for (int64_t s : shape)
        n *= s;
    if (int64_t(v.size()) != n)
        throw std::invalid_argument("probe array has the wrong size");
    return torch::from_blob(const_cast<double *>(v.data()), shape, torch::kFloat64).clone();
}

std::vector<double> toVector(const at::Tensor &t)
{
    const at::Tensor c = t.detach().to(torch::kFloat64).contiguous();
    return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

struct Evaluated
{
    at::Tensor objective, w1, w2, attention;
};

Evaluated evaluate(const SelfAttentionPoolingProbe &p, bool grad)
{
    if (p.frames < 1 || p.dim < 1 || p.hidden < 1 || p.heads < 1)
        throw std::invalid_argument("probe sizes must be positive");
    detail::SelfAttentionPooling pool(p.dim, p.hidden, p.heads);
    pool->to(torch::kFloat64);
    torch::NoGradGuard noGrad;
    pool->w1->weight.copy_(fromVector(p.w1, {p.hidden, p.dim}));
    pool->w2->weight.copy_(fromVector(p.w2, {p.heads, p.hidden}));
    Evaluated e;
    {
        at::AutoGradMode on(true);
        const at::Tensor x = fromVector(p.x, {1, p.frames, p.dim});
        const auto [m, a] = pool->forward(x);
        at::Tensor obj = (m.squeeze(0) * fromVector(p.v, {p.heads, p.dim})).sum();
        if (p.penaltyWeight != 0.0)
            obj = obj + p.penaltyWeight * detail::attentionPenalty(a);
        if (grad)
            obj.backward();
        e.objective = obj.detach();
        e.attention = a.detach().squeeze(0);
    }
    if (grad) {
        e.w1 = pool->w1->weight.grad().clone();
        e.w2 = pool->w2->weight.grad().clone();
    }
    return e;
}

template<typename T, typename F>
Result<T> guarded(F f)
{
    try {
        return f();
    } catch (const std::exception &ex) {
        return Result<T>::failure(QString::fromUtf8(ex.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

} // namespace

Result<double> SelfAttentionPoolingProbe::objective() const
{
    return guarded<double>([&] { return evaluate(*this, false).objective.item<double>(); });
}

Result<std::vector<double>> SelfAttentionPoolingProbe::gradient() const
{
    return guarded<std::vector<double>>([&] {
        const Evaluated e = evaluate(*this, true);
        std::vector<double> g = toVector(e.w1);
        const std::vector<double> g2 = toVector(e.w2);
        g.insert(g.end(), g2.begin(), g2.end());
        return g;
    });
}

Result<std::vector<double>> SelfAttentionPoolingProbe::attention() const
{
    return guarded<std::vector<double>>([&] { return toVector(evaluate(*this, false).attention); });
}

Result<std::vector<int64_t>> SelfAttentionPoolingProbe::pooledShape(int batch) const
{
    return guarded<std::vector<int64_t>>([&] {
        if (batch < 1 || frames < 1 || dim < 1 || hidden < 1 || heads < 1)
            throw std::invalid_argument("probe sizes must be positive");
        detail::SelfAttentionPooling pool(dim, hidden, heads);
        torch::NoGradGuard noGrad;
        const auto [m, a] = pool->forward(torch::randn({batch, frames, dim}));
        if (a.size(2) != frames)
            throw std::logic_error("attention length differs from the sequence length");
        return m.sizes().vec();
    });
}

Result<double> SelfAttentionPoolingProbe::penalty(const std::vector<double> &a, int rows, int cols)
{
    return guarded<double>([&] {
        if (rows < 1 || cols < 1)
            throw std::invalid_argument("matrix sizes must be positive");
        return detail::attentionPenalty(fromVector(a, {1, rows, cols})).item<double>();
    });
}

} // namespace taglane::engine
