// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/labelexporter.h"

#include "engine/formats/atomicwrite.h"
#include "engine/formats/audacitylabelwriter.h"
#include "engine/formats/cal500csvwriter.h"
#include "engine/formats/cataloguecsvwriter.h"
#include "engine/formats/jamswriter.h"
#include "engine/formats/svregionwriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace taglane::engine {

QByteArray LabelExporter::toBytes(const TrackLabels &labels, LabelFormat format, const Options &options)
{
    switch (format) {
    case LabelFormat::Cal500Exp:
        return Cal500CsvWriter::toCsv(labels, options.cal500Hard ? Cal500CsvWriter::Values::Hard
                                                                 : Cal500CsvWriter::Values::Soft, options.threshold);
    case LabelFormat::Catalogue:
        return CatalogueCsvWriter::toCsv({labels}, options.threshold);
    case LabelFormat::Jams: {
        JamsWriter::Options o;
        o.threshold = options.threshold;
        o.curatorName = options.curatorName;
        return JamsWriter::toBytes(labels, o);
    }
    case LabelFormat::Audacity:
        return AudacityLabelWriter::toText(labels, options.threshold);
    case LabelFormat::SonicVisualiser:
        break;
    }
    return SvRegionWriter::toCsv(labels, options.threshold, options.svHeader);
}

Result<QStringList> LabelExporter::write(const QString &dir, LabelFormat format, const QVector<TrackLabels> &tracks,
                                         const Options &options)
{
    using R = Result<QStringList>;
    const QDir out(dir);
    if (!out.exists() && !QDir().mkpath(dir))
        return R::failure(QCoreApplication::translate("LabelExporter", "Cannot create the folder %1.").arg(dir));
    for (const TrackLabels &t : tracks)
        if (!t.isConsistent())
            return R::failure(QCoreApplication::translate("LabelExporter", "The labels of %1 are incomplete.").arg(t.file));
    if (format == LabelFormat::Catalogue) {
        const QString path = out.filePath(QStringLiteral("catalogue.csv"));
        if (const Status s = CatalogueCsvWriter::write(path, tracks, options.threshold); !s)
            return R::failure(s.error());
        return QStringList{path};
    }
    QStringList written;
    QSet<QString> used;
    for (const TrackLabels &t : tracks) {
        QString stem = QFileInfo(t.file).completeBaseName();
        if (stem.isEmpty())
            stem = QStringLiteral("track");
        const QString suffix = LabelFormats::suffix(format);
        QString name = stem + suffix;
        for (int n = 2; used.contains(name); ++n)
            name = QStringLiteral("%1-%2%3").arg(stem).arg(n).arg(suffix);
        used.insert(name);
        const QString path = out.filePath(name);
        if (const Status s = AtomicWrite::write(path, toBytes(t, format, options)); !s)
            return R::failure(s.error());
        written << path;
    }
    return written;
}

} // namespace taglane::engine
