// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/cataloguecsvwriter.h"

#include "engine/formats/atomicwrite.h"
#include "engine/formats/csvfield.h"

#include <QCoreApplication>

namespace taglane::engine {

namespace {
QString isoTime(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}
} // namespace

QString CatalogueCsvWriter::headerLine()
{
    return CsvField::line({QStringLiteral("file"), QStringLiteral("start"), QStringLiteral("end"),
                           QStringLiteral("tag"), QStringLiteral("value"), QStringLiteral("source"),
                           QStringLiteral("confidence"), QStringLiteral("curator"), QStringLiteral("modified")},
                          true);
}

QString CatalogueCsvWriter::rows(const TrackLabels &labels, float threshold)
{
    QString text;
    if (!labels.isConsistent())
        return text;
    const QString modelSource = QStringLiteral("model:") + labels.modelVersion;
    for (int s = 0; s < labels.segments.size(); ++s) {
        const Segment &seg = labels.segments.at(s);
        const QString start = CsvField::number(seg.start);
        const QString end = CsvField::number(seg.end);
        for (int t = 0; t < labels.tags.size(); ++t) {
            const LabelCell &c = labels.cell(s, t);
            const QString &tag = labels.tags.at(t).name;
            if (c.verdict != Verdict::Unknown) {
                text += CsvField::line({labels.file, start, end, tag,
                                        c.verdict == Verdict::Present ? QStringLiteral("1") : QStringLiteral("0"),
                                        QStringLiteral("curator"), QStringLiteral("1"), c.curator,
                                        isoTime(c.modified)},
                                       true);
            } else if (c.hasProbability()) {
                text += CsvField::line({labels.file, start, end, tag,
                                        c.probability >= threshold ? QStringLiteral("1") : QStringLiteral("0"),
                                        modelSource, CsvField::probability(c.probability), QString(),
                                        isoTime(labels.modelTime)},
                                       true);
            }
        }
    }
    return text;
}

QByteArray CatalogueCsvWriter::toCsv(const QVector<TrackLabels> &tracks, float threshold)
{
    QString text = headerLine();
    for (const TrackLabels &t : tracks)
        text += rows(t, threshold);
    return text.toUtf8();
}

Status CatalogueCsvWriter::write(const QString &path, const QVector<TrackLabels> &tracks, float threshold)
{
    for (const TrackLabels &t : tracks)
        if (!t.isConsistent())
            return Status::failure(QCoreApplication::translate("CatalogueCsvWriter",
                                                               "Cannot write %1: the labels of %2 are incomplete.")
                                       .arg(path, t.file));
    return AtomicWrite::write(path, toCsv(tracks, threshold));
}

} // namespace taglane::engine
