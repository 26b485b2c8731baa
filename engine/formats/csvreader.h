// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QByteArray>
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

/// RFC 4180 reader that hands out one record at a time, so that a reader
/// holds one row, not the whole file, in memory: fields separated by
/// commas, records by CRLF or LF; a field in double quotes may hold commas,
/// line breaks and doubled quotes. Blank lines are skipped. Reads UTF-8
/// bytes checked by ImportText::checkUtf8() (a UTF-8 continuation byte is
/// never a comma, quote or line break, so the bytes are split as they are).
/// The bytes must outlive the cursor. Not thread-safe; one per file.
class CsvCursor
{
public:
    CsvCursor(const QByteArray &utf8, qint64 offset, QString source);

    /// The next record into `record`; false at the end of the text or on a
    /// syntax error (then error() is not empty): an unterminated quoted
    /// field, text after a closing quote, or a quote inside an unquoted
    /// field, naming the source and the line.
    bool next(CsvRecord &record);
    /// next(), skipping blank records (lines of only spaces), e.g. to find
    /// a header; false at the end or on a syntax error.
    bool nextNonBlank(CsvRecord &record);
    const QString &error() const { return m_error; }

private:
    const char *m_p;
    qint64 m_n;
    qint64 m_i;
    qint64 m_line = 1;
    QString m_source;
    QString m_error;
};

/// Whole-file helpers on top of CsvCursor (for small files and tests).
/// Stateless; any thread.
class CsvReader
{
public:
    static Result<QVector<CsvRecord>> parse(const QString &text, const QString &source);
    /// Checks the bytes (strict UTF-8, see ImportText) and parses them.
    static Result<QVector<CsvRecord>> parseBytes(const QByteArray &bytes, const QString &source);
};

} // namespace taglane::engine
