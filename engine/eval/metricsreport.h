// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <limits>
#include <vector>

namespace taglane::engine {

/// Metrics of one tag over its known cells. Undefined values are NaN.
struct TagMetrics
{
    static constexpr double nan = std::numeric_limits<double>::quiet_NaN();

    int known = 0;       ///< cells with a label
    int positives = 0;
    int negatives = 0;
    int truePositives = 0;
    int falsePositives = 0;
    int trueNegatives = 0;
    int falseNegatives = 0;

    double rocAuc = nan;            ///< NaN without both classes
    double averagePrecision = nan;  ///< NaN without positives
    double precision = nan;         ///< tp / (tp + fp); 0 when nothing is predicted positive
    double recall = nan;            ///< tp / (tp + fn); 0 without positives
    double f1 = nan;                ///< 2PR / (P + R); 0 when P + R = 0
    double accuracy = nan;          ///< (tp + tn) / known
    double balancedAccuracy = nan;  ///< (tp / positives + tn / negatives) / 2; NaN without both classes

    bool hasBothClasses() const { return positives > 0 && negatives > 0; }
};

/// The result of Metrics::compute. Macro means skip tags whose value is
/// undefined; the skipped tags are listed. Undefined summaries are NaN.
struct MetricsReport
{
    static constexpr double nan = std::numeric_limits<double>::quiet_NaN();

    double threshold = 0.5;
    std::vector<TagMetrics> perTag;

    double macroRocAuc = nan;          ///< mean of per-tag AUC over tags with both classes
    double microRocAuc = nan;          ///< AUC of all known cells pooled
    double meanAveragePrecision = nan; ///< MAP: mean of per-tag AP over tags with positives
    double microAveragePrecision = nan;///< AP of all known cells pooled

    double macroPrecision = nan;       ///< means over tags with at least one known cell
    double macroRecall = nan;
    double macroF1 = nan;
    double microPrecision = nan;       ///< from counts summed over all known cells
    double microRecall = nan;
    double microF1 = nan;
    double accuracy = nan;             ///< fraction of known cells predicted right
    double meanAverageAccuracy = nan;  ///< MAA: mean balanced accuracy over tags with both classes

    std::vector<int> tagsWithoutBothClasses; ///< left out of macroRocAuc and MAA
    std::vector<int> tagsWithoutPositives;   ///< left out of MAP
};

} // namespace taglane::engine
