// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/eval/evalinput.h"
#include "engine/eval/metricsreport.h"
#include "engine/model/modelbundle.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace taglane::engine {

/// A model's segment-level scores on a labelled folder, with the metrics.
struct ModelEvaluation
{
    ModelManifest manifest;
    EvalInput input;          ///< one example per labelled segment, model tag order
    MetricsReport report;
    int tracks = 0;
    double seconds = 0.0;     ///< wall time of the scoring
    QStringList warnings;
    /// {model, data, macro{roc_auc,pr_auc,f1,precision,recall,maa},
    ///  micro{roc_auc,pr_auc,f1,precision,recall}, per_tag{tag:{...}}, ...}
    QJsonObject toJson(const QString &dataFolder) const;
};

/// Scores every labelled segment of a folder (audio + CAL500exp CSVs) with a
/// model bundle and computes the metrics. A segment's score is the mean of
/// the model's outputs on the windows (long-term frames, or model chunks at
/// half-chunk hop) whose centre lies inside it, or of the window nearest to
/// its middle when none does. Tags are matched by name; a tag a track's CSV
/// lacks is unknown there. Stateless; call from a worker thread.
/// Per-tag decision thresholds of a bundle, chosen on a labelled folder and
/// expressed as shifts of the output layer's bias (see ModelEvaluator::calibrate).
struct BiasCalibration
{
    QStringList tags;            ///< the bundle's tags, in output order
    std::vector<double> shifts;  ///< per tag: the new bias is the old bias minus this
    std::vector<double> f1Before; ///< per tag, on the calibration folder, threshold 0.5
    std::vector<double> f1After;  ///< the same with the shifted bias
    int segments = 0;
    QString data;                ///< the calibration folder's name
};

class ModelEvaluator
{
public:
    static Result<ModelEvaluation> evaluate(const QString &bundleFolder, const QString &dataFolder,
                                            double threshold = 0.5, const ProgressSink &progress = {});
    /// Chooses for each tag the shift c of its output bias (from -3 to 3 in
    /// steps of 0.05) that maximises the tag's segment-level F1 at threshold
    /// 0.5 on dataFolder, with the segment score computed exactly as
    /// evaluate() does from the shifted window outputs sigmoid(z - c). The F1
    /// curve is smoothed over 7 neighbouring shifts before its maximum is
    /// taken (ties: the smaller |c|), so that one segment does not decide.
    /// Use a validation folder, never the held-out test folder. Only for
    /// trainable architectures. Stateless; call from a worker thread.
    static Result<BiasCalibration> calibrate(const QString &bundleFolder, const QString &dataFolder,
                                             const ProgressSink &progress = {});
    /// Folds calibration shifts into the bundle's output bias (b' = b - c) so
    /// that 0.5 stays the decision threshold, and records them in the
    /// manifest's training summary ("threshold_calibration"). Rewrites the
    /// bundle in place; the version changes with the weights. Any thread.
    static Status applyCalibration(const QString &bundleFolder, const BiasCalibration &calibration);
};

} // namespace taglane::engine
