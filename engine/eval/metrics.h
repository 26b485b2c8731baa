// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/eval/binarycurves.h"
#include "engine/eval/evalinput.h"
#include "engine/eval/metricsreport.h"

#include <vector>

namespace taglane::engine {

/// Multi-label tagging metrics over partial labels. Only known cells count.
/// Stateless; any thread. Definitions (scikit-learn's where one exists):
///
/// - ROC-AUC per tag: trapezoidal area under the ROC curve; tied scores
///   enter together. Undefined (NaN) for a tag without positives or without
///   negatives; such tags are excluded from the macro mean and listed in
///   MetricsReport::tagsWithoutBothClasses. Micro: all known cells pooled.
/// - Average precision (PR-AUC): sum over distinct thresholds, scores
///   decreasing, of (R_n - R_{n-1}) * P_n with R_0 = 0. NaN for a tag without
///   positives (scikit-learn returns 0 there); MAP is the mean of per-tag AP
///   over tags with positives.
/// - At a threshold t an example is predicted positive when score >= t.
///   Precision, recall, F1 per tag use zero_division = 0; macro = mean over
///   tags with at least one known cell; micro = from tp/fp/fn summed over all
///   known cells. Accuracy = fraction of known cells predicted right.
/// - MAA (mean average accuracy, as in the time-varying CNN tagging study):
///   per tag the mean of the accuracy on its positive examples (recall) and
///   the accuracy on its negative examples (specificity), i.e. balanced
///   accuracy; then the mean over tags that have both classes.
class Metrics
{
public:
    /// Fails with a sentence when the input is malformed (see EvalInput::validate).
    static Result<MetricsReport> compute(const EvalInput &input, double threshold = 0.5);

    /// ROC curve of one tag over its known cells; tag = -1 pools all known cells (micro).
    static std::vector<CurvePoint> rocCurve(const EvalInput &input, int tag);
    /// Precision-recall curve of one tag over its known cells; tag = -1 pools all known cells.
    static std::vector<CurvePoint> precisionRecallCurve(const EvalInput &input, int tag);

private:
    static void column(const EvalInput &input, int tag, std::vector<double> &scores, std::vector<quint8> &truth);
};

} // namespace taglane::engine
