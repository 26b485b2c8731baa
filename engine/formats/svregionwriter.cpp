// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/svregionwriter.h"

#include "engine/formats/atomicwrite.h"
#include "engine/formats/csvfield.h"
#include "engine/formats/presenttags.h"

#include <QCoreApplication>

namespace taglane::engine {

QByteArray SvRegionWriter::toCsv(const TrackLabels &labels, float threshold, bool header)
{
    QString text;
    if (header)
        text += CsvField::line({QStringLiteral("time"), QStringLiteral("value"), QStringLiteral("duration"),
                                QStringLiteral("label")}, false);
    for (int s = 0; s < labels.segments.size(); ++s) {
        const Segment &seg = labels.segments.at(s);
        const QString time = CsvField::number(seg.start);
        const QString duration = CsvField::number(seg.duration());
        const QVector<int> present = PresentTags::of(labels, s, threshold);
        if (present.isEmpty())   // keeps the segment: a region without a label
            text += CsvField::line({time, QStringLiteral("0"), duration, QString()}, false);
        for (int t : present) {
            const LabelCell &c = labels.cell(s, t);
            const QString value = c.verdict == Verdict::Present ? QStringLiteral("1") : CsvField::probability(c.probability);
            text += CsvField::line({time, value, duration, CsvField::defuse(labels.tags.at(t).name)}, false);
        }
    }
    return text.toUtf8();
}

Status SvRegionWriter::write(const QString &path, const TrackLabels &labels, float threshold, bool header)
{
    if (!labels.isConsistent())
        return Status::failure(QCoreApplication::translate("SvRegionWriter",
                                                           "Cannot write %1: the labels of %2 are incomplete.")
                                   .arg(path, labels.file));
    return AtomicWrite::write(path, toCsv(labels, threshold, header));
}

} // namespace taglane::engine
