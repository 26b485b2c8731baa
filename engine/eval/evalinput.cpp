// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/eval/evalinput.h"

#include <QCoreApplication>

#include <cmath>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("EvalInput", text);
}
} // namespace

Status EvalInput::validate(const QString &sourceName) const
{
    const QString source = sourceName.isEmpty() ? tr("evaluation data") : sourceName;
    if (examples < 0 || tags < 0)
        return Status::failure(tr("%1: the matrix size %2 x %3 is negative.").arg(source).arg(examples).arg(tags));
    const size_t cells = size_t(examples) * size_t(tags);
    if (scores.size() != cells)
        return Status::failure(tr("%1: %2 scores for a %3 x %4 matrix.")
                                   .arg(source).arg(qulonglong(scores.size())).arg(examples).arg(tags));
    if (truth.size() != cells)
        return Status::failure(tr("%1: %2 truth values for a %3 x %4 matrix.")
                                   .arg(source).arg(qulonglong(truth.size())).arg(examples).arg(tags));
    if (!known.empty() && known.size() != cells)
        return Status::failure(tr("%1: %2 mask values for a %3 x %4 matrix.")
                                   .arg(source).arg(qulonglong(known.size())).arg(examples).arg(tags));
    for (int e = 0; e < examples; ++e) {
        for (int t = 0; t < tags; ++t) {
            if (!isKnown(e, t))
                continue;
            const size_t i = index(e, t);
            if (truth[i] > 1)
                return Status::failure(tr("%1: truth at example %2, tag %3 is %4, not 0 or 1.")
                                           .arg(source).arg(e).arg(t).arg(int(truth[i])));
            if (!std::isfinite(scores[i]))
                return Status::failure(tr("%1: the score at example %2, tag %3 is not a finite number.")
                                           .arg(source).arg(e).arg(t));
        }
    }
    return {};
}

} // namespace taglane::engine
