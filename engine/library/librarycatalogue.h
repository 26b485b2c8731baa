// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/store/libraryrow.h"

#include <QDateTime>
#include <QPair>
#include <QStringList>
#include <QVector>

namespace taglane::engine {

/// One model version's run over a track.
struct LibraryModelRun
{
    QString modelVersion;
    QDateTime at;                      ///< UTC; invalid when unknown (runs from before schema 2)
};

/// One track of the library as `library list` shows it. Value type; any thread.
struct LibraryEntry
{
    enum class FileState {
        Present,    ///< the file is where the store says, with the size it had
        Missing,    ///< no file at the track's path
        Changed,    ///< a file is there but another size, or a newer track took the path
    };
    LibraryRow row;                    ///< duration, segments, share reviewed
    qint64 sizeBytes = 0;
    FileState file = FileState::Present;
    QVector<LibraryModelRun> runs;     ///< model versions that tagged the track, oldest first
    QString topTagsModel;              ///< the version topTags come from (the newest run)
    QVector<QPair<QString, float>> topTags;   ///< highest mean probability over the current segments
};

/// Reads the library with per-track facts that the library summary lacks
/// (model runs, top tags, file state). Runs on the calling thread with a
/// connection of its own (StoreQuery); committed data only. The top tags
/// come from the ranks the store's writer keeps per track (schema 5; a
/// store without them averages the predictions here): 10,000 tracks with
/// 20 million predicted cells list in about 50-150 ms (bench_library).
class LibraryCatalogue
{
public:
    static Result<QVector<LibraryEntry>> list(const QString &storePath, int topTags = 3);
    /// "present", "missing" or "changed". Any thread.
    static QString fileStateName(LibraryEntry::FileState state);
};

} // namespace taglane::engine
