// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/train/ernn/ernn_p.h"
#include "engine/train/ernn/ernnprobe.h"
#include "engine/train/ernn/miaernn_p.h"

#include <QCoreApplication>
#include <QString>

namespace taglane::engine {

namespace {

QString sizeError(size_t got, qint64 want)
{
    return QCoreApplication::translate("ErnnProbe", "Expected %1 values, got %2.").arg(want).arg(qint64(got));
}

bool badShape(int steps, int streams)
{
    return steps < 2 || streams < 1;
}

QString shapeError()
{
    return QCoreApplication::translate("ErnnProbe", "A sequence needs at least two steps and one stream.");
}

at::Tensor tensorOf(const std::vector<float> &v, int steps, int streams)
{
    return at::from_blob(const_cast<float *>(v.data()), {1, steps, streams}, at::kFloat).clone();
}

std::vector<float> valuesOf(const at::Tensor &t)
{
    const at::Tensor c = t.detach().to(at::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

at::Tensor doubles(const std::vector<double> &v)
{
    return at::from_blob(const_cast<double *>(v.data()), {int64_t(v.size())}, at::kDouble).clone();
}

} // namespace

Result<ErnnProbe::Pass> ErnnProbe::pass(const std::vector<float> &x, const std::vector<float> &m, int steps,
                                        int streams, quint64 seed)
{
    using R = Result<Pass>;
    if (badShape(steps, streams))
        return R::failure(shapeError());
    const qint64 n = qint64(steps) * streams;
    if (qint64(x.size()) != n || qint64(m.size()) != n)
        return R::failure(sizeError(qint64(x.size()) != n ? x.size() : m.size(), n));
    try {
        torch::NoGradGuard guard;
        torch::manual_seed(seed);
        detail::Ernn net(streams, 8);
        const detail::ErnnOutput o = net->forward(tensorOf(x, steps, streams), tensorOf(m, steps, streams));
        Pass p;
        p.phi = valuesOf(o.phi);
        p.psi = valuesOf(o.psi);
        p.weights = valuesOf(o.weights);
        p.estimate = valuesOf(o.estimate);
        p.completed = valuesOf(o.completed);
        return p;
    } catch (const std::exception &e) {
        return R::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

Result<std::vector<float>> ErnnProbe::phiEstimates(const std::vector<float> &x, const std::vector<float> &m,
                                                   int steps, int streams, quint64 seed)
{
    const Result<Pass> p = pass(x, m, steps, streams, seed);
    if (!p)
        return Result<std::vector<float>>::failure(p.error());
    return p.value().phi;
}

Result<ErnnProbe::PsiSteps> ErnnProbe::psiWeightsAroundTraining(int streams, int trainingSteps, quint64 seed)
{
    using R = Result<PsiSteps>;
    if (streams < 1 || trainingSteps < 1)
        return R::failure(shapeError());
    try {
        torch::manual_seed(seed);
        detail::Ernn net(streams, 8);
        PsiSteps out;
        out.before = valuesOf(net->psiRawWeight());
        torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-2).weight_decay(1e-4));
        const at::Tensor x = at::randn({4, 12, streams});
        const at::Tensor m = (at::rand({4, 12, streams}) > 0.3).to(at::kFloat);
        for (int i = 0; i < trainingSteps; ++i) {
            opt.zero_grad();
            const detail::ErnnOutput o = net->forward(x, m);
            detail::ernnPredictionLoss(o, x, m).backward();
            opt.step();
        }
        // The raw parameter, not the masked product: its diagonal must stay zero.
        out.after = valuesOf(net->psiRawWeight());
        return out;
    } catch (const std::exception &e) {
        return R::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

Result<std::vector<float>> ErnnProbe::elapsed(const std::vector<float> &m, int steps, int streams)
{
    using R = Result<std::vector<float>>;
    if (badShape(steps, streams))
        return R::failure(shapeError());
    if (qint64(m.size()) != qint64(steps) * streams)
        return R::failure(sizeError(m.size(), qint64(steps) * streams));
    return valuesOf(detail::ernnElapsed(tensorOf(m, steps, streams)));
}

Result<std::vector<float>> ErnnProbe::dynamicWeights(const std::vector<float> &m, int steps, int streams,
                                                     const std::vector<float> &gamma, const std::vector<float> &a)
{
    using R = Result<std::vector<float>>;
    if (badShape(steps, streams))
        return R::failure(shapeError());
    if (qint64(m.size()) != qint64(steps) * streams)
        return R::failure(sizeError(m.size(), qint64(steps) * streams));
    if (int(gamma.size()) != streams || int(a.size()) != streams)
        return R::failure(sizeError(gamma.size() != size_t(streams) ? gamma.size() : a.size(), streams));
    const at::Tensor g = at::from_blob(const_cast<float *>(gamma.data()), {streams}, at::kFloat).clone();
    const at::Tensor b = at::from_blob(const_cast<float *>(a.data()), {streams}, at::kFloat).clone();
    return valuesOf(detail::ernnDynamicWeights(detail::ernnElapsed(tensorOf(m, steps, streams)), g, b));
}

Result<double> ErnnProbe::crfLogLikelihood(const std::vector<double> &unary, const std::vector<double> &transitions,
                                           const std::vector<int> &states)
{
    using R = Result<double>;
    if (unary.empty() || transitions.size() != 4 || states.size() != unary.size())
        return R::failure(QCoreApplication::translate("ErnnProbe", "A chain needs T unary scores, T states and 2 x 2 transitions."));
    for (int s : states)
        if (s != 0 && s != 1)
            return R::failure(QCoreApplication::translate("ErnnProbe", "States are 0 or 1."));
    const at::Tensor ll = detail::crfLogLikelihood(doubles(unary), doubles(transitions).view({2, 2}), states);
    return ll.item<double>();
}

Result<std::vector<int>> ErnnProbe::crfViterbi(const std::vector<double> &unary, const std::vector<double> &transitions)
{
    using R = Result<std::vector<int>>;
    if (unary.empty() || transitions.size() != 4)
        return R::failure(QCoreApplication::translate("ErnnProbe", "A chain needs T unary scores and 2 x 2 transitions."));
    return detail::crfViterbi(doubles(unary), doubles(transitions).view({2, 2}));
}

namespace {

bool parseVariant(const QString &variant, detail::MiaErnnVariant &v)
{
    const QString name = variant.toLower();
    if (name == QLatin1String("mia-ernn/af"))
        v.audio = false;
    else if (name == QLatin1String("mia-ernn/se"))
        v.semantic = false;
    else if (name == QLatin1String("mia-ernn/am"))
        v.attention = false;
    else if (name == QLatin1String("mia-ernn/et"))
        v.ernn = false;
    else if (name != QLatin1String("mia-ernn"))
        return false;
    return true;
}

QString variantError(const QString &variant)
{
    return QCoreApplication::translate("ErnnProbe", "\"%1\" is not a MIA-ERNN variant.").arg(variant);
}

} // namespace

Result<ErnnProbe::Training> ErnnProbe::trainMiaErnn(const QString &variant, int iterations, quint64 seed)
{
    using R = Result<Training>;
    detail::MiaErnnVariant v;
    if (!parseVariant(variant, v))
        return R::failure(variantError(variant));
    if (iterations < 1)
        return R::failure(QCoreApplication::translate("ErnnProbe", "Nothing to train on."));
    try {
        torch::manual_seed(seed);
        const int64_t b = 8, steps = 12, d = 4, topics = 3, tags = 2;
        const at::Tensor audio = at::randn({b, steps, d});
        const at::Tensor mask = (at::rand({b, steps, d}) > 0.3).to(at::kFloat);
        const at::Tensor first = (audio.select(2, 0) > 0).to(at::kFloat);
        const at::Tensor targets = at::stack({first, 1.0 - first}, 2);
        const at::Tensor labelMask = at::ones({b, steps, tags});
        const at::Tensor sem = at::softmax(at::randn({b, topics}), 1);
        detail::MiaErnn net(d, topics, tags, v);
        torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-2));
        Training out;
        for (int i = 0; i < iterations; ++i) {
            opt.zero_grad();
            const detail::MiaErnnOutput o = net->forward(audio, mask, sem);
            at::Tensor loss = detail::miaErnnLoss(net, o, targets, labelMask, audio, mask);
            loss.backward();
            opt.step();
            out.losses.push_back(loss.item<double>());
        }
        torch::NoGradGuard guard;
        detail::MiaErnn copy(d, topics, tags, v);
        auto src = net->named_parameters(true);
        for (auto &item : copy->named_parameters(true))
            item.value().copy_(src[item.key()]);
        auto srcBuffers = net->named_buffers(true);
        for (auto &item : copy->named_buffers(true))
            item.value().copy_(srcBuffers[item.key()]);
        const at::Tensor a = net->forward(audio, mask, sem).logits;
        const at::Tensor c = copy->forward(audio, mask, sem).logits;
        out.roundTripError = (a - c).abs().max().item<double>();
        return out;
    } catch (const std::exception &e) {
        return R::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

Result<std::vector<qint64>> ErnnProbe::miaErnnLogitShape(const QString &variant, int batch, int steps, int audioDim,
                                                         int topics, int tags)
{
    using R = Result<std::vector<qint64>>;
    detail::MiaErnnVariant v;
    if (!parseVariant(variant, v))
        return R::failure(variantError(variant));
    if (batch < 1 || steps < 2 || audioDim < 1 || topics < 1 || tags < 1)
        return R::failure(shapeError());
    try {
        torch::NoGradGuard guard;
        detail::MiaErnn net(audioDim, topics, tags, v);
        const detail::MiaErnnOutput o = net->forward(at::randn({batch, steps, audioDim}),
                                                     at::ones({batch, steps, audioDim}), at::rand({batch, topics}));
        std::vector<qint64> shape;
        for (int64_t s : o.logits.sizes())
            shape.push_back(qint64(s));
        return shape;
    } catch (const std::exception &e) {
        return R::failure(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0));
    }
}

Result<std::vector<double>> ErnnProbe::trainCrfTransitions(const std::vector<std::vector<int>> &sequences,
                                                           int iterations)
{
    using R = Result<std::vector<double>>;
    if (sequences.empty() || iterations < 1)
        return R::failure(QCoreApplication::translate("ErnnProbe", "Nothing to train on."));
    for (const auto &s : sequences) {
        if (s.empty())
            return R::failure(QCoreApplication::translate("ErnnProbe", "An empty state sequence."));
        for (int x : s)
            if (x != 0 && x != 1)
                return R::failure(QCoreApplication::translate("ErnnProbe", "States are 0 or 1."));
    }
    at::Tensor tr = at::zeros({2, 2}, at::kDouble).set_requires_grad(true);
    torch::optim::Adam opt({tr}, torch::optim::AdamOptions(0.05));
    for (int i = 0; i < iterations; ++i) {
        opt.zero_grad();
        at::Tensor loss = at::zeros({}, at::kDouble);
        for (const auto &s : sequences)
            loss = loss - detail::crfLogLikelihood(at::zeros({int64_t(s.size())}, at::kDouble), tr, s);
        (loss / double(sequences.size())).backward();
        opt.step();
    }
    const at::Tensor c = tr.detach().contiguous();
    return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + 4);
}

} // namespace taglane::engine
