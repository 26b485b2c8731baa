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
class ModelEvaluator
{
public:
    static Result<ModelEvaluation> evaluate(const QString &bundleFolder, const QString &dataFolder,
                                            double threshold = 0.5, const ProgressSink &progress = {});
};

} // namespace taglane::engine
