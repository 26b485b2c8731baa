// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QByteArray>
#include <QString>

namespace taglane::engine {

/// Shared helpers of the importers: reading a file with a size limit,
/// strict UTF-8 decoding, numbers, and messages of the form
/// "<file>, line <n>: <reason>". Stateless; any thread.
class ImportText
{
public:
    /// Largest label file an importer reads (256 MiB).
    static constexpr qint64 maxFileBytes = qint64(256) * 1024 * 1024;

    /// "<source>, line <line>: <reason>".
    static QString at(const QString &source, qint64 line, const QString &reason);
    /// The whole file, or a failure naming it (missing, unreadable, too large).
    static Result<QByteArray> readFile(const QString &path);
    /// UTF-8 text without a leading BOM; invalid UTF-8 or a NUL byte is an
    /// error naming the line it is on.
    static Result<QString> decode(const QByteArray &bytes, const QString &source);
    /// Checks the bytes as decode() does without converting them; the offset
    /// where the text starts (3 after a BOM, else 0). For readers that parse
    /// UTF-8 directly instead of holding a second, UTF-16 copy of the file.
    static Result<qint64> checkUtf8(const QByteArray &bytes, const QString &source);
    /// A finite number in C-locale notation (surrounding spaces allowed).
    static bool parseNumber(const QString &text, double &value);
    /// Undoes CsvField::defuse() (same as CsvField::undefuse()).
    static QString undefuse(const QString &field);
};

} // namespace taglane::engine
