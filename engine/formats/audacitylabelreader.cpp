// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/audacitylabelreader.h"

#include "engine/formats/csvfield.h"
#include "engine/formats/importtext.h"
#include "engine/formats/labelassembler.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("AudacityLabelReader", text);
}
} // namespace

Result<ImportedFile> AudacityLabelReader::parse(const QByteArray &bytes, const QString &source, const ImportOptions &options)
{
    using R = Result<ImportedFile>;
    const auto text = ImportText::decode(bytes, source);
    if (!text)
        return R::failure(text.error());
    ImportedFile out;
    out.source = source;
    out.format = LabelFormat::Audacity;
    LabelAssembler assembler(source, options);
    assembler.setFillAbsent(options.unlistedAbsent);
    int points = 0;
    const QString &all = text.value();
    qint64 lineNo = 0;
    for (qsizetype from = 0; from <= all.size();) {   // one line at a time, no list of them
        ++lineNo;
        qsizetype to = all.indexOf(QLatin1Char('\n'), from);
        if (to < 0)
            to = all.size();
        QString line = all.mid(from, to - from);
        from = to + 1;
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        if (line.trimmed().isEmpty() || line.startsWith(QLatin1Char('\\')))
            continue;
        const QStringList fields = line.split(QLatin1Char('\t'));
        if (fields.size() < 2)
            return R::failure(ImportText::at(source, lineNo, tr("expected start<TAB>end<TAB>title.")));
        if (fields.size() > 3)
            return R::failure(ImportText::at(source, lineNo, tr("a label title may not hold a tab.")));
        double start = 0.0, end = 0.0;
        if (!ImportText::parseNumber(fields.at(0), start))
            return R::failure(ImportText::at(source, lineNo, tr("start \"%1\" is not a number.").arg(fields.at(0).left(40))));
        if (!ImportText::parseNumber(fields.at(1), end))
            return R::failure(ImportText::at(source, lineNo, tr("end \"%1\" is not a number.").arg(fields.at(1).left(40))));
        if (start == end && start >= 0.0) {
            ++points;
            if (points <= 5)
                out.warnings << ImportText::at(source, lineNo, tr("point label at %1 s skipped (a segment needs an end after its start).").arg(start));
            continue;
        }
        const auto seg = assembler.segment(start, end, lineNo, tr("start"), tr("end"));
        if (!seg)
            return R::failure(seg.error());
        const QString title = fields.size() > 2 ? CsvField::undefuse(fields.at(2)) : QString();
        for (const QString &part : title.split(QLatin1Char(';'))) {
            const QString name = part.trimmed();
            if (name.isEmpty())
                continue;
            LabelCell &cell = assembler.cell(seg.value(), assembler.tag(name));
            cell.verdict = Verdict::Present;
        }
    }
    if (points > 5)
        out.warnings << tr("%1: %2 point labels skipped in all.").arg(source).arg(points);
    auto labels = assembler.finish(QFileInfo(source).completeBaseName());
    if (!labels)
        return R::failure(labels.error());
    out.tracks << std::move(labels).value();
    return out;
}

Result<ImportedFile> AudacityLabelReader::read(const QString &path, const ImportOptions &options)
{
    const auto bytes = ImportText::readFile(path);
    if (!bytes)
        return Result<ImportedFile>::failure(bytes.error());
    return parse(bytes.value(), path, options);
}

} // namespace taglane::engine
