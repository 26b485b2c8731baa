// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <vector>

namespace taglane::engine {

/// One point of a ROC curve (x = false positive rate, y = true positive
/// rate) or of a precision-recall curve (x = recall, y = precision), with the
/// score threshold that gives it (predicted positive when score >= threshold).
struct CurvePoint
{
    double x = 0.0;
    double y = 0.0;
    double threshold = 0.0;
};

/// Ranking metrics of one binary problem (one tag), following
/// scikit-learn's definitions, ties included: examples with equal scores are
/// admitted together at one threshold. Stateless; any thread.
class BinaryCurves
{
public:
    /// ROC curve: (0, 0) at threshold +inf, then one point per distinct
    /// score in decreasing order; every point is kept (no thinning). Empty
    /// when there are no positives or no negatives.
    static std::vector<CurvePoint> roc(const std::vector<double> &scores, const std::vector<quint8> &truth);

    /// Precision-recall curve: one point per distinct score in decreasing
    /// order (recall increasing), as scikit-learn's precision_recall_curve
    /// without its final (recall 0, precision 1) point. Empty when there are
    /// no positives.
    static std::vector<CurvePoint> precisionRecall(const std::vector<double> &scores,
                                                   const std::vector<quint8> &truth);

    /// Area under the ROC curve (trapezoids); NaN without both classes.
    static double rocAuc(const std::vector<double> &scores, const std::vector<quint8> &truth);

    /// Average precision: sum over thresholds of (R_n - R_{n-1}) * P_n with
    /// R_0 = 0 (no interpolation); NaN without positives.
    static double averagePrecision(const std::vector<double> &scores, const std::vector<quint8> &truth);
};

} // namespace taglane::engine
