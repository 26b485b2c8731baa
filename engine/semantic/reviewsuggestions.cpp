// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/semantic/reviewsuggestions.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <limits>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ReviewSuggester", text);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

} // namespace

bool ReviewSuggestions::hasValue(int row, int column) const
{
    return row >= 0 && row < rows && column >= 0 && column < columns && !std::isnan(value(row, column));
}

Result<ReviewSuggestions> ReviewSuggester::complete(const LabelGrid &grid, const ReviewCompletionOptions &options)
{
    using R = Result<ReviewSuggestions>;
    const int rows = grid.rows();
    const int columns = grid.columns();
    if (rows < 1 || columns < 1)
        return R::failure(tr("The track has no segments or no tags: there is nothing to complete."));
    if (grid.probabilities.size() != rows * columns || grid.verdicts.size() != rows * columns)
        return R::failure(tr("The label grid is inconsistent (%1 x %2 cells, %3 probabilities, %4 verdicts).")
                              .arg(rows)
                              .arg(columns)
                              .arg(grid.probabilities.size())
                              .arg(grid.verdicts.size()));
    ReviewSuggestions out;
    out.rows = rows;
    out.columns = columns;
    out.values = QVector<double>(rows * columns, kNaN);
    QVector<int> used;
    // A tag takes part when every cell the curator has not judged has a
    // probability (a judged cell needs none: it is held at its verdict).
    for (int t = 0; t < columns; ++t) {
        bool any = false;
        bool full = true;
        for (int s = 0; s < rows && full; ++s) {
            any = any || grid.hasProbability(s, t);
            full = grid.hasProbability(s, t) || grid.verdict(s, t) != Verdict::Unknown;
        }
        if (any && full)
            used << t;
        else
            out.skippedTags << t;
    }
    if (used.isEmpty())
        return R::failure(grid.modelVersion.isEmpty()
                              ? tr("The track has no model predictions: tag it first (taglane-cli tag or Tag in the "
                                   "window).")
                              : tr("No tag has a probability of model %1 in every unjudged segment of the "
                                   "current segmentation: tag the track again.")
                                    .arg(grid.modelVersion));
    const int tags = used.size();
    std::vector<double> verdicts(size_t(tags) * size_t(rows), kNaN);
    std::vector<double> probabilities(verdicts.size(), 0.0);
    for (int k = 0; k < tags; ++k) {
        for (int s = 0; s < rows; ++s) {
            const size_t i = size_t(k) * size_t(rows) + size_t(s);
            const Verdict v = grid.verdict(s, used[k]);
            // Side information is read on unjudged cells only.
            probabilities[i] = grid.hasProbability(s, used[k])
                ? std::clamp(double(grid.probability(s, used[k])), 0.0, 1.0)
                : (v == Verdict::Present ? 1.0 : 0.0);
            if (v == Verdict::Present)
                verdicts[i] = 1.0;
            else if (v == Verdict::Absent)
                verdicts[i] = 0.0;
            if (v != Verdict::Unknown)
                ++out.curatedCells;
        }
    }
    if (out.curatedCells == 0)
        return R::failure(tr("The track has no verdicts on the tags the model predicts: judge some cells first, "
                             "then complete the review from them."));
    Result<CompletionResult> completed = Result<CompletionResult>::failure(QString());
    if (options.sideWeight > 0.0) {
        completed = ReviewCompletion::complete(verdicts, probabilities, tags, rows, options);
        out.sideWeight = options.sideWeight;
    } else {
        const auto tuned = ReviewCompletion::completeTuned(verdicts, probabilities, tags, rows, {1, 2, 4, 8, 16, 32, 64}, 5, 1,
                                                           options.admm);
        if (tuned) {
            completed = tuned->completion;
            out.sideWeight = tuned->chosenWeight;
        } else {
            completed = Result<CompletionResult>::failure(tuned.error());
        }
    }
    if (!completed)
        return R::failure(completed.error());
    for (int k = 0; k < tags; ++k) {
        for (int s = 0; s < rows; ++s) {
            const size_t i = size_t(k) * size_t(rows) + size_t(s);
            if (!std::isnan(verdicts[i]))
                continue;
            out.values[s * columns + used[k]] = completed->values[i];
            ++out.suggestedCells;
        }
    }
    out.iterations = completed->iterations;
    out.converged = completed->converged;
    return out;
}

QVector<VerdictEdit> ReviewSuggester::edits(const LabelGrid &grid, const ReviewSuggestions &suggestions, double above,
                                            double below)
{
    QVector<VerdictEdit> out;
    if (suggestions.rows != grid.rows() || suggestions.columns != grid.columns())
        return out;
    for (int s = 0; s < grid.rows(); ++s) {
        for (int t = 0; t < grid.columns(); ++t) {
            if (!suggestions.hasValue(s, t) || grid.verdict(s, t) != Verdict::Unknown)
                continue;
            const double v = suggestions.value(s, t);
            if (!std::isnan(above) && v >= above)
                out.append({grid.segmentation.at(s).id, grid.tagIds.at(t), Verdict::Present});
            else if (!std::isnan(below) && v <= below)
                out.append({grid.segmentation.at(s).id, grid.tagIds.at(t), Verdict::Absent});
        }
    }
    return out;
}

} // namespace taglane::engine
