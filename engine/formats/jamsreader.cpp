// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/jamsreader.h"

#include "engine/formats/importtext.h"
#include "engine/formats/labelassembler.h"
#include "engine/formats/segmenttimes.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

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

/// One observation of `data`, checked: a segment, a tag and its value (a
/// curator's 1 present / 0 absent, or a model's confidence).
struct Observed
{
    double start = 0.0, end = 0.0;
    QString tag;
    double value = 1.0;
    QString path;
};

/// Taglane's copy of an annotation's whole matrix (sandbox.taglane).
struct Sandbox
{
    QVector<std::pair<double, double>> segments;
    QStringList tags;
    std::vector<double> values;   ///< segments x tags, NaN = null
    QString path;

    double at(int s, int t) const { return values[size_t(s) * size_t(tags.size()) + size_t(t)]; }
};

bool near(double a, double b)
{
    return std::abs(a - b) <= 1e-6 + 1e-9 * std::abs(b);
}

/// Empty when the sandbox says what the observations say (every
/// observation is a sandbox cell with the same value, and every sandbox cell
/// the writer would have written as an observation is one), else why not.
QString disagreement(const Sandbox &box, const QVector<Observed> &observed, bool isCurator, const QString &rules)
{
    const int tagCount = int(box.tags.size());
    QHash<QString, int> tagIndex;
    for (int t = 0; t < tagCount; ++t)
        tagIndex.insert(box.tags.at(t), t);
    std::vector<int> byStart(size_t(box.segments.size()));
    std::iota(byStart.begin(), byStart.end(), 0);
    std::sort(byStart.begin(), byStart.end(), [&box](int a, int b) { return box.segments[a].first < box.segments[b].first; });
    std::vector<bool> seen(box.values.size(), false);
    bool anyAbsent = false;
    double lowest = 2.0;
    for (const Observed &o : observed) {
        auto it = std::lower_bound(byStart.begin(), byStart.end(), o.start - 1e-6 - 1e-9 * std::abs(o.start),
                                   [&box](int i, double v) { return box.segments[i].first < v; });
        int seg = -1;
        for (; it != byStart.end() && box.segments[*it].first <= o.start + 1e-6 + 1e-9 * std::abs(o.start); ++it)
            if (near(box.segments[*it].first, o.start) && near(box.segments[*it].second, o.end)) {
                seg = *it;
                break;
            }
        const auto tag = tagIndex.constFind(o.tag);
        if (seg < 0 || tag == tagIndex.constEnd())
            return tr("%1 (%2-%3 s, \"%4\") is not in it").arg(o.path).arg(o.start).arg(o.end).arg(o.tag);
        const double v = box.at(seg, *tag);
        if (std::isnan(v) || (isCurator ? v != o.value : !near(v, o.value)))
            return tr("%1 (%2-%3 s, \"%4\") is %5 there").arg(o.path).arg(o.start).arg(o.end).arg(o.tag)
                .arg(std::isnan(v) ? QStringLiteral("null") : QString::number(v));
        seen[size_t(seg) * size_t(tagCount) + size_t(*tag)] = true;
        anyAbsent = anyAbsent || (isCurator && o.value == 0.0);
        lowest = std::min(lowest, o.value);
    }
    // What the writer puts into data: curator cells judged present (and,
    // since absent verdicts are written too, absent ones when any is there);
    // model cells at or above the threshold named in the rules.
    double threshold = lowest;
    static const QRegularExpression ruleThreshold(QStringLiteral(">=\\s*([0-9.eE+-]+)"));
    if (const auto m = ruleThreshold.match(rules); m.hasMatch()) {
        bool ok = false;
        const double t = m.captured(1).toDouble(&ok);
        if (ok && std::isfinite(t))
            threshold = t;
    }
    for (int s = 0; s < box.segments.size(); ++s)
        for (int t = 0; t < tagCount; ++t) {
            const double v = box.at(s, t);
            if (std::isnan(v) || seen[size_t(s) * size_t(tagCount) + size_t(t)])
                continue;
            const bool expected = isCurator ? (v == 1.0 || anyAbsent) : v >= threshold;
            if (expected)
                return tr("its cell %1-%2 s, \"%3\" (%4) has no observation")
                    .arg(box.segments[s].first).arg(box.segments[s].second).arg(box.tags.at(t)).arg(v);
        }
    return {};
}

} // namespace

Result<ImportedFile> JamsReader::parse(const QByteArray &bytes, const QString &source, const ImportOptions &options)
{
    using R = Result<ImportedFile>;
    const auto offset = ImportText::checkUtf8(bytes, source);
    if (!offset)
        return R::failure(offset.error());
    QJsonParseError error;
    // The bytes as they are (a copy only when there is a BOM to drop).
    const QByteArray utf8 = offset.value() == 0 ? bytes : bytes.mid(offset.value());
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &error);
    if (error.error != QJsonParseError::NoError) {
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

        // The observations in data are the data; Taglane's sandbox copy of
        // the whole matrix (with the cells below the threshold and the
        // segments without observations) is used only when it agrees.
        // Observations: a list of objects, or the older column form
        // {time: [...], duration: [...], value: [...], confidence: [...]}.
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
        QVector<Observed> observed;
        observed.reserve(observations.size());
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
            double c = 1.0;
            const bool hasConfidence = !o.confidence.isNull() && !o.confidence.isUndefined();
            if (isCurator) {
                // A curator's confidence is the verdict: 1 (or none) present, 0 absent.
                if (hasConfidence && (!number(o.confidence, c) || (c != 0.0 && c != 1.0)))
                    return R::failure(atPath(source, p, tr("a curator's confidence is 1 (present), 0 (absent) or null.")));
            } else if (hasConfidence && (!number(o.confidence, c) || c < 0.0 || c > 1.0)) {
                return R::failure(atPath(source, p, tr("confidence must be a number from 0 to 1.")));
            }
            observed.push_back({time, time + duration, o.value.toString(), c, p});
        }

        const QJsonObject tl = ann.value(QStringLiteral("sandbox")).toObject().value(QStringLiteral("taglane")).toObject();
        const QString matrixName = isCurator ? QStringLiteral("verdicts") : QStringLiteral("probabilities");
        bool useSandbox = false;
        Sandbox box;
        if (tl.contains(QStringLiteral("segments")) && tl.contains(QStringLiteral("tags")) && tl.contains(matrixName)) {
            const QString sp = here + QStringLiteral(".sandbox.taglane");
            box.path = sp;
            const QJsonArray segs = tl.value(QStringLiteral("segments")).toArray();
            const QJsonArray tags = tl.value(QStringLiteral("tags")).toArray();
            const QJsonArray matrix = tl.value(matrixName).toArray();
            if (matrix.size() != segs.size())
                return R::failure(atPath(source, sp, tr("%1 has %2 rows for %3 segments.").arg(matrixName).arg(matrix.size()).arg(segs.size())));
            if (double(segs.size()) * double(std::max<qsizetype>(1, tags.size())) > double(options.maxCells))
                return R::failure(atPath(source, sp, tr("too many labels for one track (%1 segments x %2 tags; the limit is %3 cells).")
                                                         .arg(segs.size()).arg(tags.size()).arg(options.maxCells)));
            QSet<QString> seenTags;
            for (int t = 0; t < tags.size(); ++t) {
                const QString tp = sp + QStringLiteral(".tags[%1]").arg(t);
                if (!tags.at(t).isString() || tags.at(t).toString().trimmed().isEmpty())
                    return R::failure(atPath(source, tp, tr("a tag must be a non-empty string.")));
                const QString name = tags.at(t).toString();
                if (seenTags.contains(name))
                    return R::failure(atPath(source, tp, tr("the tag \"%1\" appears twice.").arg(name)));
                seenTags.insert(name);
                box.tags << name;
            }
            box.values.reserve(size_t(segs.size()) * size_t(tags.size()));
            for (int s = 0; s < segs.size(); ++s) {
                const QString p = sp + QStringLiteral(".segments[%1]").arg(s);
                const QJsonArray span = segs.at(s).toArray();
                double start = 0.0, end = 0.0;
                if (span.size() != 2 || !number(span.at(0), start) || !number(span.at(1), end))
                    return R::failure(atPath(source, p, tr("a segment is [start, end] in seconds.")));
                if (const QString problem = SegmentTimes::check(start, end, options.maxSeconds, tr("start"), tr("end"));
                    !problem.isEmpty())
                    return R::failure(atPath(source, p, problem));
                box.segments.push_back({start, end});
                const QJsonArray row = matrix.at(s).toArray();
                if (row.size() != tags.size())
                    return R::failure(atPath(source, sp + QStringLiteral(".%1[%2]").arg(matrixName).arg(s),
                                             tr("%1 values for %2 tags.").arg(row.size()).arg(tags.size())));
                for (int t = 0; t < row.size(); ++t) {
                    double v = std::numeric_limits<double>::quiet_NaN();
                    if (!row.at(t).isNull()) {
                        const QString cp = sp + QStringLiteral(".%1[%2][%3]").arg(matrixName).arg(s).arg(t);
                        if (!number(row.at(t), v) || v < 0.0 || v > 1.0 || (isCurator && v != 0.0 && v != 1.0))
                            return R::failure(atPath(source, cp, isCurator ? tr("a verdict is 1, 0 or null.")
                                                                           : tr("a probability is a number from 0 to 1, or null.")));
                    }
                    box.values.push_back(v);
                }
            }
            const QString why = disagreement(box, observed, isCurator, am.value(QStringLiteral("annotation_rules")).toString());
            useSandbox = why.isEmpty();
            if (!useSandbox)
                out.warnings << atPath(source, sp, tr("ignored: it disagrees with the observations in data (%1); "
                                                      "the observations were read.").arg(why));
        }

        if (useSandbox) {
            QVector<int> tagIndex;
            for (const QString &name : std::as_const(box.tags))
                tagIndex << assembler.tag(name);
            for (int s = 0; s < box.segments.size(); ++s) {
                const auto seg = assembler.segment(box.segments[s].first, box.segments[s].second, 0, tr("start"), tr("end"));
                if (!seg)
                    return R::failure(atPath(source, box.path + QStringLiteral(".segments[%1]").arg(s), reasonOf(seg.error())));
                for (int t = 0; t < box.tags.size(); ++t) {
                    const double v = box.at(s, t);
                    if (std::isnan(v))
                        continue;
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
        for (const Observed &o : std::as_const(observed)) {
            const auto seg = assembler.segment(o.start, o.end, 0, tr("time"), tr("end"));
            if (!seg)
                return R::failure(atPath(source, o.path, reasonOf(seg.error())));
            LabelCell &cell = assembler.cell(seg.value(), assembler.tag(o.tag));
            if (isCurator) {
                cell.verdict = o.value == 1.0 ? Verdict::Present : Verdict::Absent;
                cell.curator = curatorName;
            } else {
                cell.probability = float(o.value);
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
