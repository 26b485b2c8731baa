// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/csvfield.h"

#include <QLocale>

namespace taglane::engine {

QString CsvField::quote(const QString &field)
{
    const bool needs = field.contains(QLatin1Char(',')) || field.contains(QLatin1Char('"'))
                       || field.contains(QLatin1Char('\n')) || field.contains(QLatin1Char('\r'));
    if (!needs)
        return field;
    QString out = field;
    out.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

namespace {
bool isFormulaStart(QChar c)
{
    return c == QLatin1Char('=') || c == QLatin1Char('+') || c == QLatin1Char('-') || c == QLatin1Char('@')
           || c == QLatin1Char('\t') || c == QLatin1Char('\r');
}
} // namespace

QString CsvField::defuse(const QString &field)
{
    if (field.isEmpty())
        return field;
    const QChar c = field.front();
    if (isFormulaStart(c) || c == QLatin1Char('\''))
        return QLatin1Char('\'') + field;
    return field;
}

QString CsvField::undefuse(const QString &field)
{
    if (field.size() >= 2 && field.front() == QLatin1Char('\'')) {
        const QChar c = field.at(1);
        if (isFormulaStart(c) || c == QLatin1Char('\''))
            return field.mid(1);
    }
    return field;
}

QString CsvField::line(const QStringList &fields, bool spreadsheetSafe)
{
    QStringList cells;
    cells.reserve(fields.size());
    for (const QString &f : fields)
        cells << quote(spreadsheetSafe ? defuse(f) : f);
    return cells.join(QLatin1Char(',')) + QLatin1String("\r\n");
}

QString CsvField::number(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

QString CsvField::probability(float value)
{
    return QString::number(double(value), 'g', 9);
}

} // namespace taglane::engine
