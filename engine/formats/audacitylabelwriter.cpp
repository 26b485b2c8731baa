// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/audacitylabelwriter.h"

#include "engine/formats/atomicwrite.h"
#include "engine/formats/csvfield.h"
#include "engine/formats/presenttags.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace taglane::engine {

QByteArray AudacityLabelWriter::toText(const TrackLabels &labels, float threshold)
{
    static const QRegularExpression breaks(QStringLiteral("[\\t\\r\\n]"));
    QString text;
    for (int s = 0; s < labels.segments.size(); ++s) {
        const Segment &seg = labels.segments.at(s);
        QStringList names;
        for (int t : PresentTags::of(labels, s, threshold))
            names << QString(labels.tags.at(t).name).replace(breaks, QStringLiteral(" "));
        text += CsvField::number(seg.start) + QLatin1Char('\t') + CsvField::number(seg.end) + QLatin1Char('\t')
                + CsvField::defuse(names.join(QStringLiteral("; "))) + QLatin1Char('\n');
    }
    return text.toUtf8();
}

Status AudacityLabelWriter::write(const QString &path, const TrackLabels &labels, float threshold)
{
    if (!labels.isConsistent())
        return Status::failure(QCoreApplication::translate("AudacityLabelWriter",
                                                           "Cannot write %1: the labels of %2 are incomplete.")
                                   .arg(path, labels.file));
    return AtomicWrite::write(path, toText(labels, threshold));
}

} // namespace taglane::engine
