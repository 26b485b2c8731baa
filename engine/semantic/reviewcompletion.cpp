// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/semantic/reviewcompletion.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

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

} // namespace taglane::engine
