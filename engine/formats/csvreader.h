// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QStringList>
#include <QVector>

namespace taglane::engine {

/// One CSV record and the line it starts on (1-based).
struct CsvRecord
{
    qint64 line = 0;
    QStringList fields;

    /// A line holding nothing but white space.
    bool isBlank() const { return fields.size() == 1 && fields.front().trimmed().isEmpty(); }
};

/// RFC 4180 reader: fields separated by commas, records by CRLF or LF;
/// a field in double quotes may hold commas, line breaks and doubled quotes.
/// Blank lines are skipped. Stateless; any thread.
class CsvReader
{
public:
    /// Fails on an unterminated quoted field, text after a closing quote, or
    /// a quote inside an unquoted field, naming `source` and the line.
    static Result<QVector<CsvRecord>> parse(const QString &text, const QString &source);
    /// Decodes a file's bytes (strict UTF-8, see ImportText) and parses them.
    static Result<QVector<CsvRecord>> parseBytes(const QByteArray &bytes, const QString &source);
};

} // namespace taglane::engine
