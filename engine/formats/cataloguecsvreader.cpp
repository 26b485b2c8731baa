// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/cataloguecsvreader.h"

#include "engine/formats/csvreader.h"
#include "engine/formats/importtext.h"
#include "engine/formats/labelassembler.h"

#include <QCoreApplication>
#include <QHash>
#include <QSet>

#include <map>
#include <memory>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("CatalogueCsvReader", text);
}

struct TrackState
{
    std::unique_ptr<LabelAssembler> assembler;
    QString modelVersion;
    QDateTime modelTime;
    bool hasModel = false;
    QHash<quint64, qint64> curatorRows;   // (segment, tag) -> line
    QHash<quint64, qint64> modelRows;
};
} // namespace

Result<ImportedFile> CatalogueCsvReader::parse(const QByteArray &bytes, const QString &source, const ImportOptions &options)
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
        return R::failure(tr("%1 is empty: a catalogue starts with the header "
                             "file,start,end,tag,value,source,confidence,curator,modified.").arg(source));

    enum Column { File, Start, End, TagCol, Value, Source, Confidence, Curator, Modified, ColumnCount };
    const char *names[ColumnCount] = {"file", "start", "end", "tag", "value", "source", "confidence", "curator", "modified"};
    int column[ColumnCount];
    for (int c = 0; c < ColumnCount; ++c) {
        column[c] = -1;
        for (int h = 0; h < header.fields.size(); ++h)
            if (ImportText::undefuse(header.fields.at(h)).trimmed().compare(QLatin1String(names[c]), Qt::CaseInsensitive) == 0)
                column[c] = h;
        const bool required = c != Confidence && c != Curator && c != Modified;
        if (required && column[c] < 0)
            return R::failure(ImportText::at(source, header.line, tr("the header has no \"%1\" column.")
                                                                      .arg(QLatin1String(names[c]))));
    }

    QVector<QString> order;
    std::map<QString, TrackState> tracks;
    QSet<QString> curators;
    CsvRecord row;
    while (cursor.next(row)) {
        if (row.isBlank())
            continue;
        if (row.fields.size() != header.fields.size())
            return R::failure(ImportText::at(source, row.line, tr("the row has %1 fields; the header has %2.")
                                                                   .arg(row.fields.size()).arg(header.fields.size())));
        const auto field = [&](int c) { return column[c] < 0 ? QString() : ImportText::undefuse(row.fields.at(column[c])); };
        const QString file = field(File);
        if (file.trimmed().isEmpty())
            return R::failure(ImportText::at(source, row.line, tr("the file field is empty.")));
        const QString tagName = field(TagCol).trimmed();
        if (tagName.isEmpty())
            return R::failure(ImportText::at(source, row.line, tr("the tag field is empty.")));
        double start = 0.0, end = 0.0;
        if (!ImportText::parseNumber(field(Start), start))
            return R::failure(ImportText::at(source, row.line, tr("start \"%1\" is not a number.").arg(field(Start).left(40))));
        if (!ImportText::parseNumber(field(End), end))
            return R::failure(ImportText::at(source, row.line, tr("end \"%1\" is not a number.").arg(field(End).left(40))));
        double value = 0.0;
        const QString valueText = field(Value).trimmed();
        if (!ImportText::parseNumber(valueText, value) || (value != 0.0 && value != 1.0))
            return R::failure(ImportText::at(source, row.line, tr("value \"%1\" must be 0 or 1.").arg(valueText.left(40))));
        const QString confidenceText = field(Confidence).trimmed();
        double confidence = value;
        if (!confidenceText.isEmpty()
            && (!ImportText::parseNumber(confidenceText, confidence) || confidence < 0.0 || confidence > 1.0))
            return R::failure(ImportText::at(source, row.line, tr("confidence \"%1\" is not a number from 0 to 1.")
                                                                   .arg(confidenceText.left(40))));
        const QString modifiedText = field(Modified).trimmed();
        QDateTime modified;
        if (!modifiedText.isEmpty()) {
            modified = QDateTime::fromString(modifiedText, Qt::ISODateWithMs);
            if (!modified.isValid())
                return R::failure(ImportText::at(source, row.line, tr("modified \"%1\" is not an ISO 8601 date and time.")
                                                                       .arg(modifiedText.left(40))));
            modified = modified.toUTC();
        }
        const QString sourceText = field(Source).trimmed();
        const bool isCurator = sourceText.compare(QLatin1String("curator"), Qt::CaseInsensitive) == 0;
        const bool isModel = sourceText.startsWith(QLatin1String("model"), Qt::CaseInsensitive)
                             && (sourceText.size() == 5 || sourceText.at(5) == QLatin1Char(':'));
        if (!isCurator && !isModel)
            return R::failure(ImportText::at(source, row.line, tr("source \"%1\" must be \"curator\" or \"model:<version>\".")
                                                                   .arg(sourceText.left(40))));

        auto it = tracks.find(file);
        if (it == tracks.end()) {
            it = tracks.emplace(file, TrackState()).first;
            it->second.assembler = std::make_unique<LabelAssembler>(source, options);
            order << file;
        }
        TrackState &track = it->second;
        const auto seg = track.assembler->segment(start, end, row.line, QStringLiteral("start"), QStringLiteral("end"));
        if (!seg)
            return R::failure(seg.error());
        const int tag = track.assembler->tag(tagName);
        const quint64 key = (quint64(quint32(seg.value())) << 32) | quint32(tag);
        auto &rows = isCurator ? track.curatorRows : track.modelRows;
        if (const auto dup = rows.constFind(key); dup != rows.constEnd())
            return R::failure(ImportText::at(source, row.line, tr("a second %1 row for %2, %3-%4 s, tag \"%5\" (the first is on line %6).")
                                                                   .arg(isCurator ? tr("curator") : tr("model"), file)
                                                                   .arg(start).arg(end).arg(tagName).arg(*dup)));
        rows.insert(key, row.line);
        LabelCell &cell = track.assembler->cell(seg.value(), tag);
        if (isCurator) {
            cell.verdict = value == 1.0 ? Verdict::Present : Verdict::Absent;
            // One copy of each curator's name, shared by its cells.
            const QString curator = field(Curator);
            auto known = curators.constFind(curator);
            if (known == curators.constEnd())
                known = curators.insert(curator);
            cell.curator = *known;
            cell.modified = modified;
        } else {
            const QString version = sourceText.size() > 6 ? sourceText.mid(6) : options.modelVersion;
            if (!track.hasModel) {
                track.hasModel = true;
                track.modelVersion = version;
                track.modelTime = modified;
            } else if (version != track.modelVersion) {
                return R::failure(ImportText::at(source, row.line, tr("%1 has predictions of two model versions (\"%2\" and \"%3\"); "
                                                                      "a catalogue may hold one per track.")
                                                                       .arg(file, track.modelVersion, version)));
            }
            cell.probability = float(confidence);
        }
    }
    if (!cursor.error().isEmpty())
        return R::failure(cursor.error());
    if (order.isEmpty())
        return R::failure(tr("%1 holds a header but no rows.").arg(source));
    ImportedFile out;
    out.source = source;
    out.format = LabelFormat::Catalogue;
    for (const QString &file : std::as_const(order)) {
        TrackState &track = tracks.at(file);
        auto labels = track.assembler->finish(file);
        if (!labels)
            return R::failure(labels.error());
        if (track.hasModel) {
            labels->modelVersion = track.modelVersion;
            labels->modelTime = track.modelTime;
        }
        out.tracks << std::move(labels).value();
    }
    return out;
}

Result<ImportedFile> CatalogueCsvReader::read(const QString &path, const ImportOptions &options)
{
    const auto bytes = ImportText::readFile(path);
    if (!bytes)
        return Result<ImportedFile>::failure(bytes.error());
    return parse(bytes.value(), path, options);
}

} // namespace taglane::engine
