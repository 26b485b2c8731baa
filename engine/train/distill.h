// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/train/trainingexamples.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>
#include <vector>

namespace taglane::engine {

class Tagger;

/// The soft targets of one track: a teacher's sigmoid outputs for windows of
/// chunkSamples starting every hopSamples (at sampleRate), cached so that the
/// teacher runs once per track. Value type; any thread.
struct TeacherTargets
{
    QString audioPath;        ///< absolute path of the audio file
    qint64 fileSize = 0;      ///< size of the audio file when the targets were made (cache check)
    QString teacher;          ///< the teacher bundle's manifest version
    QStringList tags;         ///< teacher output order
    int sampleRate = 16000;
    qint64 hopSamples = 0;
    qint64 chunkSamples = 0;
    std::vector<qint64> starts;       ///< window starts in samples
    std::vector<float> probabilities; ///< [starts][tags]
    /// The windows' audio [starts][chunkSamples] at sampleRate, kept by
    /// computeTargets (empty when not kept); written next to the cache file
    /// as raw float32 (".f32") so that the student's examples need not
    /// decode the track again.
    std::vector<float> windowAudio;
    QString windowAudioPath;  ///< set by readTargets when the ".f32" file is there

    int windows() const { return int(starts.size()); }
};

/// Distillation of a teacher (Taglane's musicnn) into a trainable student on
/// unlabelled audio: teacher targets, their cache, and the student's
/// examples. Stateless; every function blocks, so call them from a worker
/// thread (or the command line).
class Distillation
{
public:
    /// Default hop between training windows: 47 STFT hops of 512 samples at
    /// 16 kHz (1.504 s), so that every window starts on a student frame.
    static constexpr qint64 kDefaultHopSamples = 47 * 512;

    /// True for audio that is reserved for evaluation and must never be
    /// trained, validated or tuned on: files of the wesnoth-1.16-music
    /// package (installed under /usr/share/games/wesnoth) and any path with
    /// a folder or file name containing "wesnoth". Any thread.
    static bool isReservedForEvaluation(const QString &audioPath);

    /// Reads a list file: one audio path per line, blank lines and lines
    /// starting with '#' skipped, relative paths taken from the list's folder.
    static Result<QStringList> readFileList(const QString &listPath);

    /// Runs the teacher over the whole track (full windows only; a track
    /// shorter than one window gets one zero-padded window). Worker thread.
    /// maxWindows > 0 keeps at most that many windows, evenly spread over
    /// the track (their starts rounded down to a multiple of alignSamples).
    static Result<TeacherTargets> computeTargets(Tagger &teacher, const QString &audioPath, qint64 hopSamples,
                                                 int maxWindows = 0, qint64 alignSamples = 512);

    /// The cache file of a track inside cacheFolder (a name derived from the
    /// absolute path). Any thread.
    static QString cacheFile(const QString &cacheFolder, const QString &audioPath);
    static Status writeTargets(const QString &file, const TeacherTargets &targets);
    /// Reads a cache file; fails with a message naming it when it is damaged.
    static Result<TeacherTargets> readTargets(const QString &file);
    /// The cached targets of audioPath, when they exist, were made by the
    /// teacher `teacherVersion` at hopSamples and the file has not changed
    /// size since; otherwise nothing (the caller recomputes). Any thread.
    static std::optional<TeacherTargets> cachedTargets(const QString &cacheFolder, const QString &audioPath,
                                                       const QString &teacherVersion, qint64 hopSamples);

    /// Training examples for a student architecture: each teacher window
    /// becomes one example whose labels are the teacher's probabilities (soft
    /// targets, in the order of `tags`, matched by name). Refuses audio that
    /// isReservedForEvaluation(). Worker thread (decodes, computes features).
    static Result<TrainingExamples> examples(const QVector<TeacherTargets> &targets, const QString &architecture,
                                             const Vocabulary &tags, const ProgressSink &progress = {});
};

} // namespace taglane::engine
