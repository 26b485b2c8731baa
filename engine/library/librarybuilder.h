// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/store/trackrecord.h"

#include <QStringList>
#include <QVector>

#include <functional>

namespace taglane::engine {

class AnnotationStore;

/// What adding one file to the library did. Value type; any thread.
struct LibraryAddition
{
    enum class Kind {
        Added,        ///< a new track (a new file, or a known path whose content changed)
        Known,        ///< the track with this path and content was already there
        Relinked,     ///< a track whose file had gone missing was found again at this path
        SameContent,  ///< another file with the same content is already a track (a copy)
    };
    Kind kind = Kind::Added;
    TrackRecord track;        ///< the track the file is now (for Relinked: at its new path)
    QString previousPath;     ///< Relinked: where it was; SameContent: the file it copies
};

/// One track found again by relink().
struct LibraryMove
{
    TrackRecord track;        ///< as it was, at its old path
    QString newPath;
};

/// Adds audio files to the annotation store's library and finds moved files
/// again, tracks being identified by content hash (ContentHash): a renamed
/// or moved file keeps its track (and its verdicts and predictions), a file
/// whose content changed becomes a new track while the old one stays, shown
/// as changed or missing. Every method runs on the store's owner thread and
/// reads files (up to 2 MiB each for the hash, plus the header probe).
class LibraryBuilder
{
public:
    explicit LibraryBuilder(AnnotationStore &store) : m_store(store) {}

    /// Adds one audio file. Fails with a sentence naming the file when it
    /// cannot be read or decoded, or when the store refuses the edit.
    Result<LibraryAddition> addFile(const QString &path);

    /// Looks among `files` for the content of tracks whose file is missing
    /// (or holds other content now: another size, or a newer track has the
    /// path) and records their new paths. Files are hashed only when their
    /// size is that of a missing track.
    /// `progress(done, total)` is called after each file looked at.
    Result<QVector<LibraryMove>> relink(const QStringList &files,
                                        const std::function<void(int, int)> &progress = {});

    /// Whether the file at the track's path still holds the track's content
    /// (exists, same size, same content hash). Any thread.
    static bool fileHoldsTrack(const TrackRecord &track);

private:
    AnnotationStore &m_store;
};

} // namespace taglane::engine
