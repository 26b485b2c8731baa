// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace taglane::engine {

/// Audio files named by paths a user gave: files as they are, folders
/// searched recursively for the decoder's suffixes. Value type; any thread.
struct AudioFileList
{
    QStringList files;      ///< clean absolute paths, folders' files sorted, no duplicates
    QStringList missing;    ///< given paths that do not exist
};

class AudioFiles
{
public:
    /// Collects the audio files under `paths` (see AudioFileList). Any thread;
    /// it walks the folders, so call it off the GUI thread for large trees.
    static AudioFileList collect(const QStringList &paths);
    /// Whether the file name ends with a suffix the decoder reads. Any thread.
    static bool hasAudioSuffix(const QString &path);
};

} // namespace taglane::engine
