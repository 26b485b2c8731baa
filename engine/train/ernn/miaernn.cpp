// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/train/ernn/miaernn_p.h"

namespace taglane::engine::detail {

MiaErnnImpl::MiaErnnImpl(int64_t audioDim, int64_t topics, int64_t tags, MiaErnnVariant variant, int64_t r,
                         int64_t hidden)
    : m_variant(variant)
    , m_r(r)
{
    using namespace torch::nn;
    if (variant.ernn)
        m_ernn = register_module("ernn", Ernn(audioDim, 8));
    m_attAudio = register_module("att_audio", Linear(audioDim, hidden));
    m_attAudioOut = register_module("att_audio_out", Linear(LinearOptions(hidden, r).bias(false)));
    m_attSem = register_module("att_sem", Linear(topics, hidden));
    m_attSemAudio = register_module("att_sem_audio", Linear(LinearOptions(audioDim, hidden).bias(false)));
    m_attSemOut = register_module("att_sem_out", Linear(LinearOptions(hidden, r).bias(false)));
    m_temporal = register_module("temporal", GRU(GRUOptions(audioDim, hidden).batch_first(true).bidirectional(true)));
    // h_t = [q_t, e_t]: q = (A + B) X flattened (r x audioDim), e_t 2 x hidden;
    // /AM: [mean_t X, topics, e_t]; /AF: topics only.
    int64_t in = 0;
    if (!variant.audio)
        in = topics;
    else if (!variant.attention)
        in = audioDim + topics + 2 * hidden;
    else
        in = r * audioDim + 2 * hidden;
    m_hiddenDim = in;
    if (tags > 0) {
        m_head = register_module("output", Linear(in, tags));
        m_transitions = register_parameter("crf_transitions", at::zeros({tags, 2, 2}));
    }
}

at::Tensor MiaErnnImpl::hidden(const at::Tensor &audio, const at::Tensor &mask, const at::Tensor &topics,
                               ErnnOutput &ernn)
{
    const int64_t steps = audio.size(1);
    if (!m_variant.audio)
        return topics.unsqueeze(1).expand({-1, steps, -1});
    at::Tensor x;
    if (m_variant.ernn) {
        ernn = m_ernn(audio, mask);
        x = ernn.completed;
    } else {
        x = audio * mask;
    }
    const at::Tensor e = std::get<0>(m_temporal(x));  // [B, T, 2H]
    if (!m_variant.attention) {
        const at::Tensor pooled = at::cat({x.mean(1), topics}, 1).unsqueeze(1).expand({-1, steps, -1});
        return at::cat({pooled, e}, 2);
    }
    // Eq. 18: A [B, r, T] from the audio, B [B, r, T] from the semantic
    // features (scored against each step), Q = (A + B) X [B, r, D].
    at::Tensor weights = at::softmax(m_attAudioOut(at::tanh(m_attAudio(x))), 1).transpose(1, 2);
    if (m_variant.semantic) {
        const at::Tensor s = m_attSem(topics).unsqueeze(1);  // [B, 1, H]
        weights = weights + at::softmax(m_attSemOut(at::tanh(s + m_attSemAudio(x))), 1).transpose(1, 2);
    }
    const at::Tensor q = at::matmul(weights, x).flatten(1);  // [B, r D]
    return at::cat({q.unsqueeze(1).expand({-1, steps, -1}), e}, 2);
}

MiaErnnOutput MiaErnnImpl::forward(const at::Tensor &audio, const at::Tensor &mask, const at::Tensor &topics)
{
    MiaErnnOutput o;
    o.logits = m_head(hidden(audio, mask, topics, o.ernn));
    return o;
}

at::Tensor miaErnnLoss(MiaErnn &net, const MiaErnnOutput &out, const at::Tensor &targets,
                       const at::Tensor &labelMask, const at::Tensor &audio, const at::Tensor &mask)
{
    const at::Tensor logP = -at::softplus(-out.logits);
    const at::Tensor logQ = -at::softplus(out.logits);
    const at::Tensor known = labelMask.sum().clamp_min(1.0);
    at::Tensor loss = (-(targets * logP + (1.0 - targets) * logQ) * labelMask).sum() / known;
    const at::Tensor complete = std::get<0>(labelMask.min(1));  // [B, tags]: every step known
    // Read on the CPU through accessors: one copy, not an item() call per cell.
    const at::Tensor t = targets.detach().to(at::kCPU, at::kFloat).contiguous();
    const at::Tensor c = complete.detach().to(at::kCPU, at::kFloat).contiguous();
    const auto ta = t.accessor<float, 3>();
    const auto ca = c.accessor<float, 2>();
    std::vector<at::Tensor> nll;
    for (int64_t b = 0; b < out.logits.size(0); ++b) {
        for (int64_t k = 0; k < out.logits.size(2); ++k) {
            if (ca[b][k] < 0.5f)
                continue;
            std::vector<int> states(size_t(out.logits.size(1)));
            for (int64_t s = 0; s < out.logits.size(1); ++s)
                states[size_t(s)] = ta[b][s][k] > 0.5f ? 1 : 0;
            nll.push_back(-crfLogLikelihood(out.logits.select(0, b).select(1, k), net->transitions()[k], states));
        }
    }
    if (!nll.empty())
        loss = loss + at::stack(nll).mean() / double(out.logits.size(1));
    if (out.ernn.estimate.defined())
        loss = loss + ernnPredictionLoss(out.ernn, audio, mask);
    return loss;
}

} // namespace taglane::engine::detail
