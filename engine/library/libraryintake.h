// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audioinfo.h"
#include "engine/library/librarybuilder.h"

#include <QString>

namespace taglane::engine {

class AnnotationStore;

/// A file read for the library: its header and content hash, or why not.
/// Value type; any thread.
struct ProbedFile
{
    QString path;             ///< clean absolute path
    QString error;            ///< non-empty: the file cannot be added (the sentence names it)
    QString contentHash;
    qint64 sizeBytes = 0;
    AudioInfo info;
};

/// LibraryBuilder::addFile in two steps, for a store owned by a thread that
/// must not wait on the disk (the GUI): probe() reads the file on a worker
/// thread, add() then decides on the owner thread, without reading the file
/// again, what the file is to the library (added, known, relinked, a copy)
/// and queues the edit. The decisions are those of LibraryBuilder::addFile.
class LibraryIntake
{
public:
    /// Reads the header and the content hash (up to 2 MiB). Any thread.
    static ProbedFile probe(const QString &path);
    /// Adds a probed file to the library. Owner thread; it reads the disk
    /// only when another track has the same content (to tell a moved file
    /// from a copy, as LibraryBuilder does). Fails with probed.error, or
    /// with the store's message.
    static Result<LibraryAddition> add(AnnotationStore &store, const ProbedFile &probed);
};

} // namespace taglane::engine
