// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/eval/metricsreport.h"
#include "engine/model/vocabulary.h"
#include "engine/studies/clipcnn.h"
#include "engine/studies/multilabellogistic.h"

#include <QString>
#include <QStringList>

namespace taglane::engine {

/// Where the clip study's data lies and how both systems are trained.
struct ClipStudyOptions
{
    QString trainFolder;       ///< audio + CAL500exp CSVs
    QString validationFolder;  ///< for the CNN's best epoch; may be empty
    QString testFolder;        ///< held out
    ClipCnnConfig cnn;
    LogisticOptions baseline;
    double threshold = 0.5;    ///< decision threshold for precision and recall
    int clipFrames = 96;       ///< STFT frames per clip (taglane-cnn front end: 96 = 3.07 s); hop = one clip
};

/// One system's figures on the held-out folder.
struct ClipStudySystem
{
    QString name;
    MetricsReport track;         ///< track level: mean of clip probabilities vs majority truth
    MetricsReport trackPresence; ///< track level: max of clip probabilities vs presence truth
    MetricsReport segment;       ///< labelled segments: mean of the clips centred inside
    MetricsReport clip;          ///< every clip against its own (majority of frames) label
    double trainSeconds = 0.0;   ///< fitting only (features excluded)
    double featureSeconds = 0.0; ///< computing this system's features for all folders
    double predictSeconds = 0.0;
    qint64 parameters = 0;
};

/// The side-by-side result.
struct ClipStudyReport
{
    Vocabulary tags;
    ClipStudySystem cnn;
    ClipStudySystem baseline;
    ClipCnnTraining cnnTraining;
    int trainClips = 0;
    int validationClips = 0;
    int testClips = 0;
    int testTracks = 0;
    int testSegments = 0;
    double clipSeconds = 0.0;
    QStringList warnings;
    /// A plain-text table: per tag precision and recall of both systems at
    /// track and segment level, then macro and micro figures and times.
    QString table() const;
};

/// The clip-CNN study: cut every track into consecutive clips, tag each clip
/// with (a) the clip CNN on its spectrogram and (b) the classical baseline
/// (FFT features + binary-relevance logistic regression), join clip
/// probabilities into track and segment scores, and compare per tag.
/// Stateless; call from a worker thread (it blocks for minutes).
class ClipStudy
{
public:
    static Result<ClipStudyReport> run(const ClipStudyOptions &options, const ProgressSink &progress = {});
};

} // namespace taglane::engine
