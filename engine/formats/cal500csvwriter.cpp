// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/cal500csvwriter.h"

#include "engine/formats/atomicwrite.h"
#include "engine/formats/csvfield.h"

#include <QCoreApplication>

namespace taglane::engine {

QByteArray Cal500CsvWriter::toCsv(const TrackLabels &labels, Values values, float threshold)
{
    QStringList header{QStringLiteral("Start_Time"), QStringLiteral("End_Time")};
    for (const QString &name : labels.tags.names())
        header << CsvField::defuse(name);   // the rows hold numbers only
    QString text = CsvField::line(header, false);
    for (int s = 0; s < labels.segments.size(); ++s) {
        const Segment &seg = labels.segments.at(s);
        QStringList row{CsvField::number(seg.start), CsvField::number(seg.end)};
        for (int t = 0; t < labels.tags.size(); ++t) {
            const LabelCell &c = labels.cell(s, t);
            if (c.verdict == Verdict::Present)
                row << QStringLiteral("1");
            else if (c.verdict == Verdict::Absent)
                row << QStringLiteral("0");
            else if (!c.hasProbability())
                row << QString();
            else if (values == Values::Soft)
                row << CsvField::probability(c.probability);
            else
                row << (c.probability >= threshold ? QStringLiteral("1") : QStringLiteral("0"));
        }
        text += CsvField::line(row, false);
    }
    return text.toUtf8();
}

Status Cal500CsvWriter::write(const QString &path, const TrackLabels &labels, Values values, float threshold)
{
    if (!labels.isConsistent())
        return Status::failure(QCoreApplication::translate("Cal500CsvWriter",
                                                           "Cannot write %1: the labels of %2 are incomplete.")
                                   .arg(path, labels.file));
    return AtomicWrite::write(path, toCsv(labels, values, threshold));
}

} // namespace taglane::engine
