// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/cal500csvreader.h"

#include "engine/formats/csvfield.h"
#include "engine/formats/csvreader.h"
#include "engine/formats/importtext.h"
#include "engine/formats/labelassembler.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSet>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("Cal500CsvReader", text);
}
} // namespace

Result<ImportedFile> Cal500CsvReader::parse(const QByteArray &bytes, const QString &source, const ImportOptions &options)
{
    using R = Result<ImportedFile>;
    const auto offset = ImportText::checkUtf8(bytes, source);
    if (!offset)
        return R::failure(offset.error());
    // One row at a time: the file's bytes and the cells are all it holds.
    CsvCursor cursor(bytes, offset.value(), source);
    CsvRecord header;
    const bool haveHeader = cursor.nextNonBlank(header);
    if (!cursor.error().isEmpty())
        return R::failure(cursor.error());
    if (!haveHeader)
        return R::failure(tr("%1 is empty: a CAL500exp file starts with the header Start_Time,End_Time,<tags>.").arg(source));
    if (header.fields.size() < 2 || header.fields.at(0).trimmed().compare(QLatin1String("Start_Time"), Qt::CaseInsensitive) != 0
        || header.fields.at(1).trimmed().compare(QLatin1String("End_Time"), Qt::CaseInsensitive) != 0)
        return R::failure(ImportText::at(source, header.line,
                                         tr("the header must start with Start_Time,End_Time (found \"%1\").")
                                             .arg(header.fields.join(QLatin1Char(',')).left(80))));
    LabelAssembler assembler(source, options);
    QVector<int> tagColumns;
    QSet<QString> seen;
    for (int c = 2; c < header.fields.size(); ++c) {
        const QString name = CsvField::undefuse(header.fields.at(c).trimmed());
        if (name.isEmpty())
            return R::failure(ImportText::at(source, header.line, tr("column %1 has no tag name.").arg(c + 1)));
        if (seen.contains(name))
            return R::failure(ImportText::at(source, header.line, tr("the tag \"%1\" appears twice.").arg(name)));
        seen.insert(name);
        tagColumns << assembler.tag(name);
    }
    const QString startName = QStringLiteral("Start_Time");
    const QString endName = QStringLiteral("End_Time");
    bool anyProbability = false;
    CsvRecord row;
    while (cursor.next(row)) {
        if (row.isBlank())
            continue;
        if (row.fields.size() != header.fields.size())
            return R::failure(ImportText::at(source, row.line, tr("the row has %1 fields; the header has %2.")
                                                                   .arg(row.fields.size()).arg(header.fields.size())));
        double start = 0.0, end = 0.0;
        if (!ImportText::parseNumber(row.fields.at(0), start))
            return R::failure(ImportText::at(source, row.line, tr("Start_Time \"%1\" is not a number (times are numbers of seconds).").arg(row.fields.at(0).left(40))));
        if (!ImportText::parseNumber(row.fields.at(1), end))
            return R::failure(ImportText::at(source, row.line, tr("End_Time \"%1\" is not a number (times are numbers of seconds).").arg(row.fields.at(1).left(40))));
        const int before = assembler.segmentCount();
        const auto seg = assembler.segment(start, end, row.line, startName, endName);
        if (!seg)
            return R::failure(seg.error());
        if (assembler.segmentCount() == before)
            return R::failure(ImportText::at(source, row.line, tr("the segment %1-%2 s appears twice.").arg(start).arg(end)));
        for (int c = 2; c < row.fields.size(); ++c) {
            const QString cell = row.fields.at(c).trimmed();
            if (cell.isEmpty())
                continue;
            double v = 0.0;
            if (!ImportText::parseNumber(cell, v) || v < 0.0 || v > 1.0)
                return R::failure(ImportText::at(source, row.line, tr("the value \"%1\" of %2 is not a number from 0 to 1.")
                                                                       .arg(cell.left(40), assembler.tagName(tagColumns.at(c - 2)))));
            LabelCell &out = assembler.cell(seg.value(), tagColumns.at(c - 2));
            switch (options.cal500Values) {
            case ImportOptions::Cal500Values::Hard:
                out.verdict = v >= 0.5 ? Verdict::Present : Verdict::Absent;
                break;
            case ImportOptions::Cal500Values::Soft:
                out.probability = float(v);
                anyProbability = true;
                break;
            case ImportOptions::Cal500Values::Auto:
                if (v == 0.0 || v == 1.0) {
                    out.verdict = v == 1.0 ? Verdict::Present : Verdict::Absent;
                } else {
                    out.probability = float(v);
                    anyProbability = true;
                }
                break;
            }
        }
    }
    if (!cursor.error().isEmpty())
        return R::failure(cursor.error());
    auto labels = assembler.finish(QFileInfo(source).completeBaseName());
    if (!labels)
        return R::failure(labels.error());
    if (anyProbability)
        labels->modelVersion = options.modelVersion;
    ImportedFile file;
    file.source = source;
    file.format = LabelFormat::Cal500Exp;
    file.tracks << std::move(labels).value();
    return file;
}

Result<ImportedFile> Cal500CsvReader::read(const QString &path, const ImportOptions &options)
{
    const auto bytes = ImportText::readFile(path);
    if (!bytes)
        return Result<ImportedFile>::failure(bytes.error());
    return parse(bytes.value(), path, options);
}

} // namespace taglane::engine
