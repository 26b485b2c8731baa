// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <vector>

namespace taglane::engine {

/// What several curators said about the same cells, one table per tag.
/// ratings[tag][item * raters + rater] is the category the rater gave the
/// item (for verdicts: 0 absent, 1 present) or -1 where the rater did not
/// judge it. Value type; any thread.
struct AgreementInput
{
    QStringList raters;
    QStringList tags;
    int items = 0;                       ///< items per tag (cells; unjudged ones are -1)
    int categories = 2;
    std::vector<std::vector<qint8>> ratings;   ///< one vector of items x raters per tag

    /// Checks sizes and that every rating is -1 or a category. The message
    /// names the first bad tag, item and rater.
    Status validate() const;
};

/// Agreement of two raters on one tag, over the items both judged.
struct PairAgreement
{
    int raterA = 0;
    int raterB = 0;
    int items = 0;                       ///< items both judged
    double raw = 0.0;                    ///< share of those items with the same category; NaN when items = 0
    double cohensKappa = 0.0;            ///< NaN when undefined (no items, or chance agreement 1)
};

/// Agreement of all raters on one tag.
struct TagAgreement
{
    QString tag;
    QVector<PairAgreement> pairs;        ///< every pair a < b, in order
    /// Fleiss' kappa over the items that every rater judged (its classic
    /// definition needs the same number of ratings per item); NaN when fewer
    /// than two raters, no such item, or chance agreement 1.
    double fleissKappa = 0.0;
    int fleissItems = 0;
    /// Pairwise agreement over every item that two or more raters judged:
    /// agreeing pairs / all pairs of ratings. NaN when there is none.
    double raw = 0.0;
};

/// Inter-curator agreement: Cohen's kappa per pair (scikit-learn's
/// cohen_kappa_score without weights), Fleiss' kappa for the whole group
/// (statsmodels' fleiss_kappa, method "fleiss") and raw agreement.
/// Stateless; any thread.
class Agreement
{
public:
    /// Fails with validate()'s sentence on malformed input.
    static Result<QVector<TagAgreement>> compute(const AgreementInput &input);

    /// Cohen's kappa from a square confusion matrix (categories x
    /// categories, row-major, counts). NaN when it is empty or when chance
    /// agreement is 1.
    static double cohensKappa(const std::vector<double> &confusion, int categories);
    /// Fleiss' kappa from per-item category counts (items x categories,
    /// row-major); every item must have the same number n >= 2 of ratings.
    /// NaN when there is no item or chance agreement is 1.
    static double fleissKappa(const std::vector<double> &counts, int categories);
};

} // namespace taglane::engine
