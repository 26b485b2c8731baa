// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/corpus/labelledtrack.h"

namespace taglane::engine {

/// Reads "a folder of audio with CAL500exp CSVs": every audio file (any
/// suffix AudioDecoder reads) under the folder, matched by stem to
/// `<stem>.csv` lying next to it, anywhere under the folder (e.g. a
/// `labels/` or `SegLabelHard/` subfolder), or under an explicit labels
/// folder. When several CSVs share a stem, the one next to the audio wins,
/// then one in a folder whose name contains "Hard", then the first by path
/// (with a warning). A `vocabulary.tsv` in the folder (or labels folder)
/// gives the tags' categories; otherwise they are read from the names.
///
/// A malformed CSV, an unreadable audio file, audio without labels or labels
/// without audio are skipped with a warning naming the file (and line).
/// Stateless; any thread (blocks while it reads headers).
class LabelledAudioFolder
{
public:
    struct Options
    {
        QString labelsFolder;   ///< empty: search the audio folder itself
        bool probeAudio = true; ///< read each audio header for its duration
    };

    /// Fails when the folder does not exist or holds no labelled audio.
    static Result<LabelledFolder> read(const QString &folder, const Options &options,
                                       const ProgressSink &progress = {});
    static Result<LabelledFolder> read(const QString &folder) { return read(folder, Options{}); }

    /// Parses one CAL500exp CSV (`Start_Time,End_Time,<tags>`, values 0/1,
    /// real numbers in [0, 1] or empty); errors name the file and line.
    static Result<LabelledTrack> readCsv(const QString &path, const Vocabulary &categories = {});
};

} // namespace taglane::engine
