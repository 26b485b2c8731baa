// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/jamsreader.h"

#include "engine/formats/importtext.h"
#include "engine/formats/labelassembler.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("JamsReader", text);
}

/// "<source>, <path>: <reason>" for content errors (JSON has no line once parsed).
QString atPath(const QString &source, const QString &path, const QString &reason)
{
    return tr("%1, %2: %3").arg(source, path, reason);
}

bool number(const QJsonValue &v, double &out)
{
    if (!v.isDouble())
        return false;
    out = v.toDouble();
    return std::isfinite(out);
}

/// The reason part of an assembler message ("<source>, line 0: reason").
QString reasonOf(const QString &message)
{
    const int k = message.indexOf(QLatin1String(", line 0: "));
    return k >= 0 ? message.mid(k + 10) : message;
}

struct Observation
{
    QJsonValue time, duration, value, confidence;
};

} // namespace

Result<ImportedFile> JamsReader::parse(const QByteArray &bytes, const QString &source, const ImportOptions &options)
{
    using R = Result<ImportedFile>;
    const auto text = ImportText::decode(bytes, source);
    if (!text)
        return R::failure(text.error());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text->toUtf8(), &error);
    if (error.error != QJsonParseError::NoError) {
        const QByteArray utf8 = text->toUtf8();
        const qint64 line = 1 + utf8.left(std::max(0, error.offset)).count('\n');
        return R::failure(ImportText::at(source, line, tr("JSON syntax error: %1.").arg(error.errorString())));
    }
    if (!doc.isObject())
        return R::failure(ImportText::at(source, 1, tr("a JAMS file is a JSON object.")));
    const QJsonObject top = doc.object();
    if (!top.value(QStringLiteral("annotations")).isArray())
        return R::failure(atPath(source, QStringLiteral("annotations"), tr("missing, or not an array.")));
    const QJsonArray annotations = top.value(QStringLiteral("annotations")).toArray();
    const QJsonObject meta = top.value(QStringLiteral("file_metadata")).toObject();

    ImportedFile out;
    out.source = source;
    out.format = LabelFormat::Jams;
    LabelAssembler assembler(source, options);
    QString modelVersion;
    bool hasModel = false;
    int tagOpen = 0;

    for (int a = 0; a < annotations.size(); ++a) {
        const QString here = QStringLiteral("annotations[%1]").arg(a);
        if (!annotations.at(a).isObject())
            return R::failure(atPath(source, here, tr("an annotation must be an object.")));
        const QJsonObject ann = annotations.at(a).toObject();
        const QString ns = ann.value(QStringLiteral("namespace")).toString();
        if (ns != QLatin1String("tag_open")) {
            out.warnings << atPath(source, here, tr("namespace \"%1\" skipped (only tag_open is read).").arg(ns));
            continue;
        }
        ++tagOpen;
        const QJsonObject am = ann.value(QStringLiteral("annotation_metadata")).toObject();
        const QString dataSource = am.value(QStringLiteral("data_source")).toString();
        const QJsonObject annotator = am.value(QStringLiteral("annotator")).toObject();
        const bool isCurator = dataSource == QLatin1String("curator")
                               || annotator.value(QStringLiteral("type")).toString() == QLatin1String("curator");
        const QString curatorName = am.value(QStringLiteral("curator")).toObject().value(QStringLiteral("name")).toString();
        if (!isCurator) {
            QString version = options.modelVersion;
            if (dataSource.startsWith(QLatin1String("model:")) && dataSource.size() > 6)
                version = dataSource.mid(6);
            else if (!annotator.value(QStringLiteral("model_version")).toString().isEmpty())
                version = annotator.value(QStringLiteral("model_version")).toString();
            if (hasModel && version != modelVersion)
                return R::failure(atPath(source, here, tr("predictions of a second model version (\"%1\" after \"%2\"); "
                                                          "import one model version at a time.").arg(version, modelVersion)));
            hasModel = true;
            modelVersion = version;
        }

        const QJsonObject tl = ann.value(QStringLiteral("sandbox")).toObject().value(QStringLiteral("taglane")).toObject();
        const QString matrixName = isCurator ? QStringLiteral("verdicts") : QStringLiteral("probabilities");
        if (tl.contains(QStringLiteral("segments")) && tl.contains(QStringLiteral("tags")) && tl.contains(matrixName)) {
            const QString sp = here + QStringLiteral(".sandbox.taglane");
            const QJsonArray segs = tl.value(QStringLiteral("segments")).toArray();
            const QJsonArray tags = tl.value(QStringLiteral("tags")).toArray();
            const QJsonArray matrix = tl.value(matrixName).toArray();
            if (matrix.size() != segs.size())
                return R::failure(atPath(source, sp, tr("%1 has %2 rows for %3 segments.").arg(matrixName).arg(matrix.size()).arg(segs.size())));
            QVector<int> tagIndex;
            for (int t = 0; t < tags.size(); ++t) {
                if (!tags.at(t).isString() || tags.at(t).toString().trimmed().isEmpty())
                    return R::failure(atPath(source, sp + QStringLiteral(".tags[%1]").arg(t), tr("a tag must be a non-empty string.")));
                tagIndex << assembler.tag(tags.at(t).toString());
            }
            for (int s = 0; s < segs.size(); ++s) {
                const QString p = sp + QStringLiteral(".segments[%1]").arg(s);
                const QJsonArray span = segs.at(s).toArray();
                double start = 0.0, end = 0.0;
                if (span.size() != 2 || !number(span.at(0), start) || !number(span.at(1), end))
                    return R::failure(atPath(source, p, tr("a segment is [start, end] in seconds.")));
                const auto seg = assembler.segment(start, end, 0, tr("start"), tr("end"));
                if (!seg)
                    return R::failure(atPath(source, p, reasonOf(seg.error())));
                const QJsonArray row = matrix.at(s).toArray();
                if (row.size() != tags.size())
                    return R::failure(atPath(source, sp + QStringLiteral(".%1[%2]").arg(matrixName).arg(s),
                                             tr("%1 values for %2 tags.").arg(row.size()).arg(tags.size())));
                for (int t = 0; t < row.size(); ++t) {
                    if (row.at(t).isNull())
                        continue;
                    double v = 0.0;
                    const QString cp = sp + QStringLiteral(".%1[%2][%3]").arg(matrixName).arg(s).arg(t);
                    if (!number(row.at(t), v) || v < 0.0 || v > 1.0 || (isCurator && v != 0.0 && v != 1.0))
                        return R::failure(atPath(source, cp, isCurator ? tr("a verdict is 1, 0 or null.")
                                                                       : tr("a probability is a number from 0 to 1, or null.")));
                    LabelCell &cell = assembler.cell(seg.value(), tagIndex.at(t));
                    if (isCurator) {
                        cell.verdict = v == 1.0 ? Verdict::Present : Verdict::Absent;
                        cell.curator = curatorName;
                    } else {
                        cell.probability = float(v);
                    }
                }
            }
            continue;
        }

        // Plain JAMS: observations as a list of objects, or the older
        // column form {time: [...], duration: [...], value: [...], confidence: [...]}.
        QVector<Observation> observations;
        const QJsonValue data = ann.value(QStringLiteral("data"));
        if (data.isArray()) {
            for (const QJsonValue &o : data.toArray()) {
                const QJsonObject obj = o.toObject();
                observations.push_back({obj.value(QStringLiteral("time")), obj.value(QStringLiteral("duration")),
                                        obj.value(QStringLiteral("value")), obj.value(QStringLiteral("confidence"))});
            }
        } else if (data.isObject()) {
            const QJsonObject cols = data.toObject();
            const QJsonArray times = cols.value(QStringLiteral("time")).toArray();
            const QJsonArray durations = cols.value(QStringLiteral("duration")).toArray();
            const QJsonArray values = cols.value(QStringLiteral("value")).toArray();
            const QJsonArray confidences = cols.value(QStringLiteral("confidence")).toArray();
            if (durations.size() != times.size() || values.size() != times.size())
                return R::failure(atPath(source, here + QStringLiteral(".data"), tr("the time, duration and value columns differ in length.")));
            for (int i = 0; i < times.size(); ++i)
                observations.push_back({times.at(i), durations.at(i), values.at(i),
                                        i < confidences.size() ? confidences.at(i) : QJsonValue()});
        } else {
            return R::failure(atPath(source, here + QStringLiteral(".data"), tr("missing, or not an array.")));
        }
        for (int i = 0; i < observations.size(); ++i) {
            const Observation &o = observations.at(i);
            const QString p = here + QStringLiteral(".data[%1]").arg(i);
            double time = 0.0, duration = 0.0;
            if (!number(o.time, time) || !number(o.duration, duration))
                return R::failure(atPath(source, p, tr("time and duration must be numbers.")));
            if (!o.value.isString() || o.value.toString().trimmed().isEmpty())
                return R::failure(atPath(source, p, tr("value must be a tag name.")));
            if (!(duration > 0.0))
                return R::failure(atPath(source, p, tr("duration %1 is not positive.").arg(duration)));
            const auto seg = assembler.segment(time, time + duration, 0, tr("time"), tr("end"));
            if (!seg)
                return R::failure(atPath(source, p, reasonOf(seg.error())));
            const int tag = assembler.tag(o.value.toString());
            LabelCell &cell = assembler.cell(seg.value(), tag);
            if (isCurator) {
                cell.verdict = Verdict::Present;
                cell.curator = curatorName;
            } else {
                double c = 1.0;
                if (!o.confidence.isNull() && !o.confidence.isUndefined()
                    && (!number(o.confidence, c) || c < 0.0 || c > 1.0))
                    return R::failure(atPath(source, p, tr("confidence must be a number from 0 to 1.")));
                cell.probability = float(c);
            }
        }
    }
    if (tagOpen == 0)
        return R::failure(atPath(source, QStringLiteral("annotations"), tr("no tag_open annotation.")));

    const QString audio = top.value(QStringLiteral("sandbox")).toObject().value(QStringLiteral("taglane")).toObject()
                              .value(QStringLiteral("file")).toString();
    auto labels = assembler.finish(audio.isEmpty() ? QFileInfo(source).completeBaseName() : audio);
    if (!labels) {
        return R::failure(labels.error());
    }
    labels->title = meta.value(QStringLiteral("title")).toString();
    labels->artist = meta.value(QStringLiteral("artist")).toString();
    double duration = 0.0;
    if (number(meta.value(QStringLiteral("duration")), duration) && duration >= labels->durationSeconds
        && duration <= options.maxSeconds)
        labels->durationSeconds = duration;
    if (hasModel)
        labels->modelVersion = modelVersion;
    out.tracks << std::move(labels).value();
    return out;
}

Result<ImportedFile> JamsReader::read(const QString &path, const ImportOptions &options)
{
    const auto bytes = ImportText::readFile(path);
    if (!bytes)
        return Result<ImportedFile>::failure(bytes.error());
    return parse(bytes.value(), path, options);
}

} // namespace taglane::engine
