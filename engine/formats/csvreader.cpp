// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/csvreader.h"

#include "engine/formats/importtext.h"

#include <QCoreApplication>

namespace taglane::engine {

Result<QVector<CsvRecord>> CsvReader::parse(const QString &text, const QString &source)
{
    using R = Result<QVector<CsvRecord>>;
    const auto tr = [](const char *s) { return QCoreApplication::translate("CsvReader", s); };
    QVector<CsvRecord> records;
    CsvRecord record;
    QString field;
    qint64 line = 1;
    record.line = 1;
    const qsizetype n = text.size();
    qsizetype i = 0;
    bool anything = false;   // the current record has a character or a separator
    while (i < n) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('"') && field.isEmpty()) {
            // Quoted field.
            const qint64 openLine = line;
            ++i;
            bool closed = false;
            while (i < n) {
                const QChar q = text.at(i);
                if (q == QLatin1Char('"')) {
                    if (i + 1 < n && text.at(i + 1) == QLatin1Char('"')) {
                        field += QLatin1Char('"');
                        i += 2;
                        continue;
                    }
                    closed = true;
                    ++i;
                    break;
                }
                if (q == QLatin1Char('\n'))
                    ++line;
                field += q;
                ++i;
            }
            if (!closed)
                return R::failure(ImportText::at(source, openLine, tr("a quoted field is never closed")));
            if (i < n && text.at(i) != QLatin1Char(',') && text.at(i) != QLatin1Char('\n')
                && text.at(i) != QLatin1Char('\r'))
                return R::failure(ImportText::at(source, line, tr("text follows a closing quote")));
            anything = true;
            // An empty quoted field must still count as a field.
            if (field.isEmpty())
                field = QString(QLatin1String(""));
            continue;
        }
        if (c == QLatin1Char(',')) {
            record.fields << field;
            field.clear();
            anything = true;
            ++i;
            continue;
        }
        if (c == QLatin1Char('\r') || c == QLatin1Char('\n')) {
            if (c == QLatin1Char('\r') && i + 1 < n && text.at(i + 1) == QLatin1Char('\n'))
                ++i;
            ++i;
            if (anything || !field.isEmpty()) {
                record.fields << field;
                records << record;
            }
            record = CsvRecord();
            field.clear();
            anything = false;
            ++line;
            record.line = line;
            continue;
        }
        if (c == QLatin1Char('"'))
            return R::failure(ImportText::at(source, line, tr("a quote inside an unquoted field")));
        field += c;
        anything = true;
        ++i;
    }
    if (anything || !field.isEmpty()) {
        record.fields << field;
        records << record;
    }
    return records;
}

Result<QVector<CsvRecord>> CsvReader::parseBytes(const QByteArray &bytes, const QString &source)
{
    const auto text = ImportText::decode(bytes, source);
    if (!text)
        return Result<QVector<CsvRecord>>::failure(text.error());
    return parse(text.value(), source);
}

} // namespace taglane::engine
