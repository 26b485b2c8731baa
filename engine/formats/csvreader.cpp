// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/csvreader.h"

#include "engine/formats/importtext.h"

#include <QCoreApplication>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("CsvReader", text);
}
} // namespace

CsvCursor::CsvCursor(const QByteArray &utf8, qint64 offset, QString source)
    : m_p(utf8.constData())
    , m_n(utf8.size())
    , m_i(std::min<qint64>(std::max<qint64>(offset, 0), utf8.size()))
    , m_source(std::move(source))
{
}

bool CsvCursor::nextNonBlank(CsvRecord &record)
{
    while (next(record)) {
        if (!record.isBlank())
            return true;
    }
    return false;
}

bool CsvCursor::next(CsvRecord &record)
{
    record.fields.clear();
    if (!m_error.isEmpty())
        return false;
    QByteArray quoted;   // the text of a quoted field, doubled quotes undone
    while (m_i < m_n) {
        record.line = m_line;
        bool anything = false;   // the record has a character or a separator
        bool ended = false;
        qint64 fieldStart = m_i;
        bool inQuotedField = false;
        const auto pushField = [&](qint64 end) {
            if (inQuotedField)
                record.fields << QString::fromUtf8(quoted);
            else
                record.fields << QString::fromUtf8(m_p + fieldStart, int(end - fieldStart));
            inQuotedField = false;
        };
        while (m_i < m_n) {
            const char c = m_p[m_i];
            if (c == '"' && m_i == fieldStart && !inQuotedField) {
                const qint64 openLine = m_line;
                ++m_i;
                quoted.clear();
                bool closed = false;
                qint64 runStart = m_i;
                while (m_i < m_n) {
                    const char q = m_p[m_i];
                    if (q == '"') {
                        quoted.append(m_p + runStart, int(m_i - runStart));
                        if (m_i + 1 < m_n && m_p[m_i + 1] == '"') {
                            quoted.append('"');
                            m_i += 2;
                            runStart = m_i;
                            continue;
                        }
                        closed = true;
                        ++m_i;
                        break;
                    }
                    if (q == '\n')
                        ++m_line;
                    ++m_i;
                }
                if (!closed) {
                    m_error = ImportText::at(m_source, openLine, tr("a quoted field is never closed"));
                    return false;
                }
                if (m_i < m_n && m_p[m_i] != ',' && m_p[m_i] != '\n' && m_p[m_i] != '\r') {
                    m_error = ImportText::at(m_source, m_line, tr("text follows a closing quote"));
                    return false;
                }
                inQuotedField = true;
                anything = true;
                continue;
            }
            if (c == ',') {
                pushField(m_i);
                ++m_i;
                fieldStart = m_i;
                anything = true;
                continue;
            }
            if (c == '\r' || c == '\n') {
                const qint64 end = m_i;
                if (c == '\r' && m_i + 1 < m_n && m_p[m_i + 1] == '\n')
                    ++m_i;
                ++m_i;
                ++m_line;
                if (anything || end > fieldStart || inQuotedField) {
                    pushField(end);
                    ended = true;
                }
                break;
            }
            if (c == '"') {
                m_error = ImportText::at(m_source, m_line, tr("a quote inside an unquoted field"));
                return false;
            }
            anything = true;
            ++m_i;
        }
        if (ended)
            return true;
        if (m_i >= m_n && (anything || m_i > fieldStart || inQuotedField)) {
            pushField(m_i);
            return true;
        }
        // A blank line: read on.
        record.fields.clear();
    }
    return false;
}

Result<QVector<CsvRecord>> CsvReader::parse(const QString &text, const QString &source)
{
    return parseBytes(text.toUtf8(), source);
}

Result<QVector<CsvRecord>> CsvReader::parseBytes(const QByteArray &bytes, const QString &source)
{
    using R = Result<QVector<CsvRecord>>;
    const auto start = ImportText::checkUtf8(bytes, source);
    if (!start)
        return R::failure(start.error());
    QVector<CsvRecord> records;
    CsvCursor cursor(bytes, start.value(), source);
    CsvRecord record;
    while (cursor.next(record))
        records << record;
    if (!cursor.error().isEmpty())
        return R::failure(cursor.error());
    return records;
}

} // namespace taglane::engine
