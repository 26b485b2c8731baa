// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace taglane::engine {

/// Text of CSV cells. Stateless; any thread.
class CsvField
{
public:
    /// RFC 4180: wraps the field in double quotes, doubling inner quotes,
    /// when it holds a comma, a quote, CR or LF; otherwise returns it as is.
    static QString quote(const QString &field);
    /// Spreadsheet formula-injection guard, applied to every text cell a
    /// spreadsheet could open (tag names, file names, labels): a field
    /// starting with '=', '+', '-', '@', tab or CR gets a leading
    /// apostrophe, and so does one that already starts with an apostrophe
    /// (so that undefuse() gives back exactly the original).
    static QString defuse(const QString &field);
    /// The inverse of defuse(), used by every reader of those cells: a
    /// leading apostrophe before '=', '+', '-', '@', tab, CR or a second
    /// apostrophe is dropped; anything else is returned as is.
    static QString undefuse(const QString &field);
    /// A line of fields joined with commas, each quote()d (and defuse()d
    /// first when spreadsheetSafe), ended with CRLF as RFC 4180 asks.
    static QString line(const QStringList &fields, bool spreadsheetSafe);
    /// A number as the shortest text that reads back to the same value.
    static QString number(double value);
    /// A probability with 9 significant digits (exact for a float).
    static QString probability(float value);
};

} // namespace taglane::engine
