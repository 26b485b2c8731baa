// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/train/ernn/semanticinput.h"

#include "engine/semantic/ldamodel.h"

#include <QCoreApplication>

namespace taglane::engine {

Result<SemanticInput> SemanticInput::compute(const LdaModel &lda, const std::vector<int> &verdicts,
                                             const std::vector<float> &firstPass, double threshold)
{
    using R = Result<SemanticInput>;
    if (!lda.isFitted())
        return R::failure(QCoreApplication::translate("SemanticInput", "The topic model is not fitted."));
    const size_t words = size_t(lda.words());
    if (verdicts.size() != words || firstPass.size() != words) {
        return R::failure(QCoreApplication::translate("SemanticInput", "Expected %1 tags, got %2 verdicts and %3 probabilities.")
                              .arg(lda.words())
                              .arg(qint64(verdicts.size()))
                              .arg(qint64(firstPass.size())));
    }
    std::vector<double> document(words, 0.0);
    bool anyVerdict = false;
    double total = 0.0;
    for (size_t w = 0; w < words; ++w) {
        const int v = verdicts[w];
        if (v != -1 && v != 0 && v != 1)
            return R::failure(QCoreApplication::translate("SemanticInput", "A verdict is -1, 0 or 1."));
        anyVerdict = anyVerdict || v != -1;
        if (v == 1 || (v == -1 && double(firstPass[w]) >= threshold))
            document[w] = 1.0;
        total += document[w];
    }
    SemanticInput out;
    if (total <= 0.0) {
        out.mixture.assign(size_t(lda.topics()), 0.0);
        return out;
    }
    const Result<LdaInference> inf = lda.infer(document);
    if (!inf)
        return R::failure(inf.error());
    out.mixture = inf.value().mixture;
    out.source = anyVerdict ? Source::Verdicts : Source::Predictions;
    return out;
}

} // namespace taglane::engine
