// SPDX-License-Identifier: GPL-3.0-or-later
// ErnnProbe's entry points for the mia-ernn architectures (trainablenet_p.h):
// the vectorised LDA E-step and the batched CRF chain likelihood.
#include <torch/torch.h>

#include "engine/train/ernn/ernnprobe.h"
#include "engine/train/trainablenet_p.h"

#include <QCoreApplication>

namespace taglane::engine {

namespace {

QString probeError(const char *text)
{
    return QCoreApplication::translate("ErnnProbe", text);
}

at::Tensor doubles(const std::vector<double> &v, at::IntArrayRef shape)
{
    return at::from_blob(const_cast<double *>(v.data()), shape, at::kDouble).clone();
}

std::vector<double> valuesOf(const at::Tensor &t)
{
    const at::Tensor c = t.detach().to(at::kDouble).contiguous();
    return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

} // namespace

Result<std::vector<double>> ErnnProbe::ldaMixtures(const std::vector<double> &beta, int topics, int words, double alpha,
                                                    const std::vector<double> &documents, int n)
{
    using R = Result<std::vector<double>>;
    if (topics < 1 || words < 1 || n < 1 || !(alpha > 0.0))
        return R::failure(probeError("Topics, words, documents and alpha must be positive."));
    if (beta.size() != size_t(topics) * size_t(words) || documents.size() != size_t(n) * size_t(words))
        return R::failure(probeError("The topic or document matrix has the wrong size."));
    try {
        return valuesOf(detail::ldaTopicMixtures(doubles(documents, {n, words}), doubles(beta, {topics, words}), alpha));
    } catch (const std::exception &e) {
        return R::failure(QString::fromUtf8(e.what()));
    }
}

Result<std::vector<double>> ErnnProbe::crfChainLogLikelihoods(const std::vector<double> &unary,
                                                              const std::vector<double> &transitions,
                                                              const std::vector<int> &states, int n, int steps,
                                                              int tags)
{
    using R = Result<std::vector<double>>;
    const size_t cells = size_t(n) * size_t(steps) * size_t(tags);
    if (n < 1 || steps < 1 || tags < 1 || unary.size() != cells || states.size() != cells
        || transitions.size() != size_t(tags) * 4)
        return R::failure(probeError("The unary, state or transition arrays have the wrong size."));
    std::vector<double> s(states.begin(), states.end());
    try {
        return valuesOf(detail::crfChainLogLikelihood(doubles(unary, {n, steps, tags}), doubles(transitions, {tags, 2, 2}),
                                                      doubles(s, {n, steps, tags})));
    } catch (const std::exception &e) {
        return R::failure(QString::fromUtf8(e.what()));
    }
}

} // namespace taglane::engine
