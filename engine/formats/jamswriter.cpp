// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/jamswriter.h"

#include "engine/formats/atomicwrite.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace taglane::engine {

namespace {

QJsonObject observation(const Segment &seg, const QString &tag, double confidence)
{
    return QJsonObject{{QStringLiteral("time"), seg.start},
                       {QStringLiteral("duration"), seg.duration()},
                       {QStringLiteral("value"), tag},
                       {QStringLiteral("confidence"), confidence}};
}

QJsonObject annotation(const TrackLabels &labels, const QString &source, const QString &curatorName,
                       const QJsonObject &annotator, const QString &rules, const QJsonArray &data,
                       const QJsonArray &matrix, const QString &matrixName)
{
    QJsonArray segments;
    for (const Segment &s : labels.segments.segments())
        segments.append(QJsonArray{s.start, s.end});
    const QJsonObject metadata{
        {QStringLiteral("curator"), QJsonObject{{QStringLiteral("name"), curatorName}, {QStringLiteral("email"), QString()}}},
        {QStringLiteral("annotator"), annotator},
        {QStringLiteral("version"), QString()},
        {QStringLiteral("corpus"), QString()},
        {QStringLiteral("annotation_tools"), QStringLiteral("Taglane " TAGLANE_VERSION)},
        {QStringLiteral("annotation_rules"), rules},
        {QStringLiteral("validation"), QString()},
        {QStringLiteral("data_source"), source}};
    const QJsonObject sandbox{{QStringLiteral("taglane"),
                               QJsonObject{{QStringLiteral("tags"), QJsonArray::fromStringList(labels.tags.names())},
                                           {QStringLiteral("segments"), segments},
                                           {matrixName, matrix}}}};
    return QJsonObject{{QStringLiteral("namespace"), QStringLiteral("tag_open")},
                       {QStringLiteral("annotation_metadata"), metadata},
                       {QStringLiteral("data"), data},
                       {QStringLiteral("time"), 0.0},
                       {QStringLiteral("duration"), labels.durationSeconds},
                       {QStringLiteral("sandbox"), sandbox}};
}

} // namespace

QJsonObject JamsWriter::toJson(const TrackLabels &labels, const Options &options)
{
    QJsonArray modelData, curatorData, probabilities, verdicts;
    bool anyProbability = false, anyVerdict = false;
    for (int s = 0; s < labels.segments.size(); ++s) {
        const Segment &seg = labels.segments.at(s);
        QJsonArray probRow, verdictRow;
        for (int t = 0; t < labels.tags.size(); ++t) {
            const LabelCell &c = labels.cell(s, t);
            const QString &tag = labels.tags.at(t).name;
            if (c.hasProbability()) {
                anyProbability = true;
                probRow.append(double(c.probability));
                if (c.probability >= options.threshold)
                    modelData.append(observation(seg, tag, double(c.probability)));
            } else {
                probRow.append(QJsonValue());
            }
            if (c.verdict == Verdict::Unknown) {
                verdictRow.append(QJsonValue());
            } else {
                anyVerdict = true;
                verdictRow.append(c.verdict == Verdict::Present ? 1 : 0);
                // Absent verdicts are data too: confidence 0.0 (present 1.0).
                curatorData.append(observation(seg, tag, c.verdict == Verdict::Present ? 1.0 : 0.0));
            }
        }
        probabilities.append(probRow);
        verdicts.append(verdictRow);
    }

    QJsonArray annotations;
    if (anyProbability) {
        const QString source = QStringLiteral("model:") + labels.modelVersion;
        const QJsonObject annotator{{QStringLiteral("type"), QStringLiteral("model")},
                                    {QStringLiteral("model_version"), labels.modelVersion}};
        const QString rules = QStringLiteral("one observation per segment and tag with probability >= %1")
                                  .arg(double(options.threshold));
        annotations.append(annotation(labels, source, QString(), annotator, rules, modelData, probabilities,
                                      QStringLiteral("probabilities")));
    }
    if (anyVerdict) {
        const QJsonObject annotator{{QStringLiteral("type"), QStringLiteral("curator")}};
        annotations.append(annotation(labels, QStringLiteral("curator"), options.curatorName, annotator,
                                      QStringLiteral("one observation per segment and tag the curator judged: "
                                                     "confidence 1.0 present, 0.0 absent"),
                                      curatorData, verdicts, QStringLiteral("verdicts")));
    }

    const QJsonObject fileMetadata{{QStringLiteral("title"), labels.displayTitle()},
                                   {QStringLiteral("artist"), labels.artist},
                                   {QStringLiteral("release"), QString()},
                                   {QStringLiteral("duration"), labels.durationSeconds},
                                   {QStringLiteral("identifiers"), QJsonObject{}},
                                   {QStringLiteral("jams_version"), QStringLiteral("0.3.4")}};
    return QJsonObject{{QStringLiteral("file_metadata"), fileMetadata},
                       {QStringLiteral("annotations"), annotations},
                       {QStringLiteral("sandbox"), QJsonObject{{QStringLiteral("taglane"),
                                                                QJsonObject{{QStringLiteral("file"), labels.file}}}}}};
}

QByteArray JamsWriter::toBytes(const TrackLabels &labels, const Options &options)
{
    return QJsonDocument(toJson(labels, options)).toJson(QJsonDocument::Indented);
}

Status JamsWriter::write(const QString &path, const TrackLabels &labels, const Options &options)
{
    if (!labels.isConsistent())
        return Status::failure(QCoreApplication::translate("JamsWriter",
                                                           "Cannot write %1: the labels of %2 are incomplete.")
                                   .arg(path, labels.file));
    return AtomicWrite::write(path, toBytes(labels, options));
}

} // namespace taglane::engine
