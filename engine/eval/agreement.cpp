// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/eval/agreement.h"

#include <QCoreApplication>

#include <cmath>
#include <limits>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Agreement", text);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// (observed - chance) / (1 - chance), NaN when chance agreement is 1
// (within rounding): every rating in one category, nothing to agree beyond it.
double kappa(double observed, double chance)
{
    if (!(1.0 - chance > 1e-12))
        return kNaN;
    return (observed - chance) / (1.0 - chance);
}

} // namespace

Status AgreementInput::validate() const
{
    if (categories < 2)
        return Status::failure(tr("Agreement needs at least two categories, not %1.").arg(categories));
    if (items < 0)
        return Status::failure(tr("The number of items (%1) is negative.").arg(items));
    if (int(ratings.size()) != tags.size())
        return Status::failure(tr("%1 rating tables for %2 tags.").arg(ratings.size()).arg(tags.size()));
    const size_t cells = size_t(items) * size_t(raters.size());
    for (int t = 0; t < tags.size(); ++t) {
        const std::vector<qint8> &table = ratings[size_t(t)];
        if (table.size() != cells)
            return Status::failure(tr("Tag %1: %2 ratings for %3 items by %4 raters.")
                                       .arg(tags[t]).arg(table.size()).arg(items).arg(raters.size()));
        for (size_t i = 0; i < cells; ++i) {
            const int r = table[i];
            if (r < -1 || r >= categories)
                return Status::failure(tr("Tag %1, item %2, rater %3: rating %4 is neither -1 nor a category 0..%5.")
                                           .arg(tags[t]).arg(i / size_t(raters.size()))
                                           .arg(raters[int(i % size_t(raters.size()))]).arg(r).arg(categories - 1));
        }
    }
    return {};
}

double Agreement::cohensKappa(const std::vector<double> &confusion, int categories)
{
    const int k = categories;
    if (k < 1 || confusion.size() != size_t(k) * size_t(k))
        return kNaN;
    double n = 0.0, agree = 0.0;
    std::vector<double> rows(size_t(k), 0.0), cols(size_t(k), 0.0);
    for (int a = 0; a < k; ++a)
        for (int b = 0; b < k; ++b) {
            const double c = confusion[size_t(a * k + b)];
            n += c;
            rows[size_t(a)] += c;
            cols[size_t(b)] += c;
            if (a == b)
                agree += c;
        }
    if (n <= 0.0)
        return kNaN;
    double chance = 0.0;
    for (int c = 0; c < k; ++c)
        chance += (rows[size_t(c)] / n) * (cols[size_t(c)] / n);
    return kappa(agree / n, chance);
}

double Agreement::fleissKappa(const std::vector<double> &counts, int categories)
{
    const int k = categories;
    if (k < 1 || counts.empty() || counts.size() % size_t(k) != 0)
        return kNaN;
    const size_t items = counts.size() / size_t(k);
    std::vector<double> perCategory(size_t(k), 0.0);
    double total = 0.0, meanItemAgreement = 0.0;
    for (size_t i = 0; i < items; ++i) {
        double n = 0.0, squares = 0.0;
        for (int c = 0; c < k; ++c) {
            const double v = counts[i * size_t(k) + size_t(c)];
            n += v;
            squares += v * v;
            perCategory[size_t(c)] += v;
        }
        if (n < 2.0)
            return kNaN;
        total += n;
        meanItemAgreement += (squares - n) / (n * (n - 1.0));
    }
    meanItemAgreement /= double(items);
    double chance = 0.0;
    for (double v : perCategory)
        chance += (v / total) * (v / total);
    return kappa(meanItemAgreement, chance);
}

Result<QVector<TagAgreement>> Agreement::compute(const AgreementInput &input)
{
    if (Status valid = input.validate(); !valid)
        return Result<QVector<TagAgreement>>::failure(valid.error());
    const int raters = input.raters.size();
    const int k = input.categories;
    QVector<TagAgreement> result;
    result.reserve(input.tags.size());
    for (int t = 0; t < input.tags.size(); ++t) {
        const std::vector<qint8> &table = input.ratings[size_t(t)];
        auto rating = [&](int item, int rater) { return int(table[size_t(item) * size_t(raters) + size_t(rater)]); };
        TagAgreement tag;
        tag.tag = input.tags[t];
        for (int a = 0; a < raters; ++a)
            for (int b = a + 1; b < raters; ++b) {
                std::vector<double> confusion(size_t(k) * size_t(k), 0.0);
                PairAgreement pair;
                pair.raterA = a;
                pair.raterB = b;
                int same = 0;
                for (int i = 0; i < input.items; ++i) {
                    const int ra = rating(i, a), rb = rating(i, b);
                    if (ra < 0 || rb < 0)
                        continue;
                    ++pair.items;
                    same += ra == rb ? 1 : 0;
                    confusion[size_t(ra * k + rb)] += 1.0;
                }
                pair.raw = pair.items > 0 ? double(same) / pair.items : kNaN;
                pair.cohensKappa = cohensKappa(confusion, k);
                tag.pairs << pair;
            }
        std::vector<double> complete;
        double agreeingPairs = 0.0, pairs = 0.0;
        for (int i = 0; i < input.items; ++i) {
            std::vector<double> counts(size_t(k), 0.0);
            int judged = 0;
            for (int r = 0; r < raters; ++r)
                if (const int v = rating(i, r); v >= 0) {
                    counts[size_t(v)] += 1.0;
                    ++judged;
                }
            if (judged >= 2) {
                pairs += judged * (judged - 1) / 2.0;
                for (double c : counts)
                    agreeingPairs += c * (c - 1.0) / 2.0;
            }
            if (judged == raters && raters >= 2) {
                complete.insert(complete.end(), counts.begin(), counts.end());
                ++tag.fleissItems;
            }
        }
        tag.raw = pairs > 0.0 ? agreeingPairs / pairs : kNaN;
        tag.fleissKappa = tag.fleissItems > 0 ? fleissKappa(complete, k) : kNaN;
        result << tag;
    }
    return result;
}

} // namespace taglane::engine
