// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/svregionreader.h"

#include "engine/formats/csvfield.h"
#include "engine/formats/csvreader.h"
#include "engine/formats/importtext.h"
#include "engine/formats/labelassembler.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("SvRegionReader", text);
}
} // namespace

Result<ImportedFile> SvRegionReader::parse(const QByteArray &bytes, const QString &source, const ImportOptions &options)
{
    using R = Result<ImportedFile>;
    const auto offset = ImportText::checkUtf8(bytes, source);
    if (!offset)
        return R::failure(offset.error());
    CsvCursor cursor(bytes, offset.value(), source);
    ImportedFile out;
    out.source = source;
    out.format = LabelFormat::SonicVisualiser;
    LabelAssembler assembler(source, options);
    assembler.setFillAbsent(options.unlistedAbsent);
    bool anyProbability = false;
    bool first = true;
    int instants = 0;
    CsvRecord row;
    while (cursor.next(row)) {
        if (row.fields.size() == 1 && row.fields.front().trimmed().isEmpty())
            continue;
        if (first) {
            first = false;
            if (!row.fields.isEmpty() && row.fields.front().trimmed() == QLatin1String("time"))
                continue;   // header
        }
        if (row.fields.size() < 3 || row.fields.size() > 4)
            return R::failure(ImportText::at(source, row.line, tr("expected time,value,duration,label (%1 fields found).")
                                                                   .arg(row.fields.size())));
        double time = 0.0, value = 0.0, duration = 0.0;
        if (!ImportText::parseNumber(row.fields.at(0), time))
            return R::failure(ImportText::at(source, row.line, tr("time \"%1\" is not a number.").arg(row.fields.at(0).left(40))));
        if (!ImportText::parseNumber(row.fields.at(1), value))
            return R::failure(ImportText::at(source, row.line, tr("value \"%1\" is not a number.").arg(row.fields.at(1).left(40))));
        if (!ImportText::parseNumber(row.fields.at(2), duration))
            return R::failure(ImportText::at(source, row.line, tr("duration \"%1\" is not a number.").arg(row.fields.at(2).left(40))));
        if (duration < 0.0)
            return R::failure(ImportText::at(source, row.line, tr("duration %1 is negative.").arg(duration)));
        if (duration == 0.0) {
            if (++instants <= 5)
                out.warnings << ImportText::at(source, row.line, tr("an instant (duration 0) skipped."));
            continue;
        }
        const auto seg = assembler.segment(time, time + duration, row.line, tr("time"), tr("end"));
        if (!seg)
            return R::failure(seg.error());
        const QString label = row.fields.size() > 3 ? CsvField::undefuse(row.fields.at(3).trimmed()) : QString();
        if (label.isEmpty())
            continue;
        LabelCell &cell = assembler.cell(seg.value(), assembler.tag(label));
        if (value >= 0.0 && value < 1.0) {
            cell.probability = float(value);
            anyProbability = true;
        } else {
            cell.verdict = Verdict::Present;
        }
    }
    if (!cursor.error().isEmpty())
        return R::failure(cursor.error());
    if (instants > 5)
        out.warnings << tr("%1: %2 instants skipped in all.").arg(source).arg(instants);
    QString stem = QFileInfo(source).completeBaseName();
    if (stem.endsWith(QLatin1String(".sv")))
        stem.chop(3);
    auto labels = assembler.finish(stem);
    if (!labels)
        return R::failure(labels.error());
    if (anyProbability)
        labels->modelVersion = options.modelVersion;
    out.tracks << std::move(labels).value();
    return out;
}

Result<ImportedFile> SvRegionReader::read(const QString &path, const ImportOptions &options)
{
    const auto bytes = ImportText::readFile(path);
    if (!bytes)
        return Result<ImportedFile>::failure(bytes.error());
    return parse(bytes.value(), path, options);
}

} // namespace taglane::engine
