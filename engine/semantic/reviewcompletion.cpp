// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/semantic/reviewcompletion.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ReviewCompletion", text);
}

} // namespace

double ReviewCompletion::automaticSideWeight(int tags, int segments)
{
    return 1.0 / (0.35 * (std::sqrt(double(std::max(tags, 1))) + std::sqrt(double(std::max(segments, 1)))));
}

Result<CompletionResult> ReviewCompletion::complete(const std::vector<double> &verdicts,
                                                    const std::vector<double> &probabilities, int tags,
                                                    int segments, const ReviewCompletionOptions &options)
{
    using R = Result<CompletionResult>;
    if (tags < 1 || segments < 1)
        return R::failure(tr("The review to complete is empty (%1 tags x %2 segments).").arg(tags).arg(segments));
    const size_t size = size_t(tags) * size_t(segments);
    if (verdicts.size() != size || probabilities.size() != size)
        return R::failure(tr("The review has %1 verdicts and %2 probabilities; %3 tags x %4 segments need %5 of "
                             "each.")
                              .arg(verdicts.size())
                              .arg(probabilities.size())
                              .arg(tags)
                              .arg(segments)
                              .arg(size));
    if (!std::isfinite(options.sideWeight) || options.sideWeight < 0.0)
        return R::failure(tr("The side information weight must be >= 0 (0 = automatic); got %1.")
                              .arg(options.sideWeight));
    std::vector<quint8> curated(size, 0);
    for (size_t i = 0; i < size; ++i) {
        const double v = verdicts[i];
        if (std::isnan(v))
            continue;
        if (v != 0.0 && v != 1.0)
            return R::failure(tr("Verdict %1 (tag %2, segment %3) is %4; a verdict is 1, 0 or NaN (not curated).")
                                  .arg(i)
                                  .arg(int(i / size_t(segments)))
                                  .arg(int(i % size_t(segments)))
                                  .arg(v));
        curated[i] = 1;
    }
    for (size_t i = 0; i < size; ++i)
        if (!(probabilities[i] >= 0.0 && probabilities[i] <= 1.0))
            return R::failure(tr("Probability %1 (tag %2, segment %3) is %4, outside [0, 1].")
                                  .arg(i)
                                  .arg(int(i / size_t(segments)))
                                  .arg(int(i % size_t(segments)))
                                  .arg(probabilities[i]));
    SideInformation side;
    side.values = probabilities;
    side.weight = options.sideWeight > 0.0 ? options.sideWeight : automaticSideWeight(tags, segments);
    return TensorCompletion::completeMatrix(verdicts, curated, tags, segments, options.admm, &side);
}

Result<ReviewCompletion::Tuned> ReviewCompletion::completeTuned(const std::vector<double> &verdicts,
                                                                const std::vector<double> &probabilities, int tags,
                                                                int segments, const std::vector<double> &factors,
                                                                int folds, quint64 seed, const CompletionOptions &admm)
{
    using R = Result<Tuned>;
    ReviewCompletionOptions options;
    options.admm = admm;
    const double automatic = automaticSideWeight(tags, segments);
    std::vector<size_t> curated;
    for (size_t i = 0; i < verdicts.size(); ++i)
        if (!std::isnan(verdicts[i]))
            curated.push_back(i);
    Tuned out;
    // The probabilities with the verdicts set, after the checks complete() makes.
    const auto probabilitiesOnly = [&](Tuned result) -> R {
        ReviewCompletionOptions check = options;
        check.sideWeight = automatic;
        check.admm.maxIterations = 1;
        const auto checked = complete(verdicts, probabilities, tags, segments, check);
        if (!checked)
            return R::failure(checked.error());
        result.completion = checked.value();
        for (size_t i = 0; i < verdicts.size(); ++i)
            result.completion.values[i] = std::isnan(verdicts[i]) ? probabilities[i] : verdicts[i];
        result.completion.iterations = 0;
        result.completion.converged = true;
        result.completion.residualTrace.clear();
        result.chosenWeight = 0.0;
        return result;
    };
    if (factors.empty() || folds < 2)
        return R::failure(tr("The cross-validation needs candidate weights and at least 2 folds."));
    if (int(curated.size()) < minimumCuratedForTuning)
        return probabilitiesOnly(out);
    // Fold of each curated cell: a seeded shuffle dealt round-robin.
    std::mt19937_64 rng(seed);
    std::shuffle(curated.begin(), curated.end(), rng);
    const int k = std::min<int>(folds, int(curated.size()));
    // Squared error of each held-out verdict, per candidate (the last is P).
    const size_t candidates = factors.size() + 1;
    std::vector<std::vector<double>> cellErrors(candidates);
    for (int f = 0; f < k; ++f) {
        std::vector<double> train = verdicts;
        std::vector<size_t> held;
        for (size_t j = size_t(f); j < curated.size(); j += size_t(k)) {
            held.push_back(curated[j]);
            train[curated[j]] = std::numeric_limits<double>::quiet_NaN();
        }
        for (size_t i : held) {
            const double p = std::clamp(probabilities[i], 0.0, 1.0);
            cellErrors[factors.size()].push_back((p - verdicts[i]) * (p - verdicts[i]));
        }
        for (size_t c = 0; c < factors.size(); ++c) {
            options.sideWeight = automatic * factors[c];
            const auto completed = complete(train, probabilities, tags, segments, options);
            if (!completed)
                return R::failure(completed.error());
            for (size_t i : held) {
                const double x = completed->values[i];
                cellErrors[c].push_back((x - verdicts[i]) * (x - verdicts[i]));
            }
        }
    }
    const double n = double(curated.size());
    std::vector<double> mean(candidates, 0.0);
    for (size_t c = 0; c < candidates; ++c)
        mean[c] = std::accumulate(cellErrors[c].begin(), cellErrors[c].end(), 0.0) / n;
    const size_t lowest = size_t(std::min_element(mean.begin(), mean.end()) - mean.begin());
    // One-standard-error rule: a few curated cells make the errors noisy, so
    // take the most conservative candidate (P, then the largest lambda, the
    // one closest to P) whose error is within one standard error of the
    // lowest.
    double spread = 0.0;
    for (double e : cellErrors[lowest])
        spread += (e - mean[lowest]) * (e - mean[lowest]);
    const double standardError = n > 1 ? std::sqrt(spread / (n - 1) / n) : 0.0;
    std::vector<size_t> order(factors.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return factors[a] > factors[b]; });
    order.insert(order.begin(), factors.size());
    size_t best = lowest;
    for (size_t c : order)
        if (mean[c] <= mean[lowest] + standardError) {
            best = c;
            break;
        }
    std::vector<double> error(factors.size());
    for (size_t c = 0; c < factors.size(); ++c)
        error[c] = mean[c] * n;
    out.probabilityError = mean[factors.size()];
    if (best == factors.size()) {
        out.chosenError = out.probabilityError;
        return probabilitiesOnly(out);
    }
    options.sideWeight = automatic * factors[best];
    auto completed = complete(verdicts, probabilities, tags, segments, options);
    if (!completed)
        return R::failure(completed.error());
    out.completion = std::move(completed).value();
    out.chosenWeight = options.sideWeight;
    out.chosenError = error[best] / n;
    return out;
}

} // namespace taglane::engine
