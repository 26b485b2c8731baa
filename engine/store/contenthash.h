// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// A quick fingerprint of an audio file that survives renames and moves.
///
/// The hash is SHA-1 over: the file size as 8 bytes little-endian, then the
/// whole file when it is at most 2 MiB, otherwise its first MiB followed by
/// its last MiB. It reads at most 2 MiB whatever the file size, so it is
/// cheap on long recordings; two files with equal size, head and tail but a
/// different middle collide, which is acceptable for finding a moved track.
/// Written as 40 lowercase hex digits.
class ContentHash
{
public:
    static constexpr qint64 kBlockBytes = 1024 * 1024;

    /// Hash of the file at `path`. Any thread.
    static Result<QString> ofFile(const QString &path);
    /// Hash of bytes held in memory, same rule as ofFile. Any thread.
    static QString ofBytes(const QByteArray &bytes);
};

} // namespace taglane::engine
