// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/result.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace taglane::engine {

class Tagger;

/// How closely a student follows its teacher on a set of tracks. Value type.
struct AgreementReport
{
    struct TagFigures
    {
        QString tag;
        double pearson = 0.0;     ///< of segment probabilities, student vs teacher (NaN when either is constant)
        double teacherStd = 0.0;  ///< of the teacher's segment probabilities
        double teacherMean = 0.0;
        double studentMean = 0.0;
        bool varies = false;      ///< teacherStd >= the report's threshold
    };
    std::vector<TagFigures> tags;  ///< the teacher's tags that the student also has, teacher order
    double stdThreshold = 0.03;
    int varyingTags = 0;
    double meanPearson = 0.0;      ///< over the varying tags
    double meanTop5Overlap = 0.0;  ///< song level: |top-5 student ∩ top-5 teacher|, mean over tracks
    std::vector<int> top5Overlap;  ///< per track
    QStringList tracks;
    int segments = 0;
    double audioSeconds = 0.0;
    double teacherSeconds = 0.0;   ///< inference time of each model (decoding excluded)
    int teacherCached = 0;         ///< tracks whose teacher outputs came from the cache (not timed)
    double studentSeconds = 0.0;
};

/// Compares a student with its teacher: both tag the same segments of
/// segmentSamples (full segments from 0; a track shorter than one segment
/// gives one zero-padded segment). A track's song-level score per tag is the
/// mean over its segments. teacherCache: a folder of Distillation targets
/// made by the same teacher with hop segmentSamples, used instead of running
/// the teacher where they exist. Worker thread (decodes and runs both models).
class DistillAgreement
{
public:
    static constexpr qint64 kSegmentSamples = 48000;  ///< 3 s at 16 kHz

    static Result<AgreementReport> measure(Tagger &teacher, Tagger &student, const QStringList &audioFiles,
                                           qint64 segmentSamples = kSegmentSamples, double stdThreshold = 0.03,
                                           const ProgressSink &progress = {}, const QString &teacherCache = {});
    /// Pearson correlation of two equally long series; NaN when either has
    /// no variance or they are empty. Any thread.
    static double pearson(const std::vector<double> &a, const std::vector<double> &b);
    /// How many of the k highest-scoring indices of a and of b are shared
    /// (ties broken by the lower index). Any thread.
    static int topKOverlap(const std::vector<double> &a, const std::vector<double> &b, int k);
};

} // namespace taglane::engine
