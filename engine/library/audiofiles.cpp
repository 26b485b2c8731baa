// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/audiofiles.h"

#include "engine/audio/audiodecoder.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#include <algorithm>

namespace taglane::engine {

bool AudioFiles::hasAudioSuffix(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return AudioDecoder::supportedSuffixes().contains(suffix);
}

AudioFileList AudioFiles::collect(const QStringList &paths)
{
    QStringList filters;
    for (const QString &s : AudioDecoder::supportedSuffixes())
        filters << QStringLiteral("*.") + s << QStringLiteral("*.") + s.toUpper();
    AudioFileList list;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            QStringList found;
            QDirIterator it(info.absoluteFilePath(), filters, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                found << QDir::cleanPath(it.next());
            std::sort(found.begin(), found.end());
            list.files << found;
        } else if (info.exists()) {
            list.files << QDir::cleanPath(info.absoluteFilePath());
        } else {
            list.missing << path;
        }
    }
    list.files.removeDuplicates();
    return list;
}

} // namespace taglane::engine
