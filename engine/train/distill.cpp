// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/train/distill.h"

#include "engine/audio/audiodecoder.h"
#include "engine/formats/atomicwrite.h"
#include "engine/model/tagger.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Distillation", text);
}

constexpr int kCacheFormat = 1;

} // namespace

bool Distillation::isReservedForEvaluation(const QString &audioPath)
{
    const QFileInfo info(audioPath);
    QStringList forms{QDir::cleanPath(info.absoluteFilePath())};
    const QString canonical = info.canonicalFilePath();
    if (!canonical.isEmpty())
        forms << canonical;
    for (const QString &path : forms) {
        if (path.startsWith(QLatin1String("/usr/share/games/wesnoth/")))
            return true;
        if (path.contains(QLatin1String("wesnoth"), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

Result<QStringList> Distillation::readFileList(const QString &listPath)
{
    using R = Result<QStringList>;
    QFile file(listPath);
    if (!QFileInfo(listPath).isFile())
        return R::failure(tr("The file list %1 does not exist or is not a file.").arg(listPath));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return R::failure(tr("The file list %1 could not be read: %2").arg(listPath, file.errorString()));
    const QDir base = QFileInfo(listPath).absoluteDir();
    QStringList files;
    int line = 0;
    while (!file.atEnd()) {
        ++line;
        const QString text = QString::fromUtf8(file.readLine()).trimmed();
        if (text.isEmpty() || text.startsWith(QLatin1Char('#')))
            continue;
        const QString path = QDir::cleanPath(base.absoluteFilePath(text));
        if (!QFileInfo(path).isFile())
            return R::failure(tr("%1, line %2: the audio file %3 does not exist.").arg(listPath).arg(line).arg(path));
        files << path;
    }
    if (files.isEmpty())
        return R::failure(tr("The file list %1 names no audio file.").arg(listPath));
    return files;
}

Result<TeacherTargets> Distillation::computeTargets(Tagger &teacher, const QString &audioPath, qint64 hopSamples,
                                                   int maxWindows, qint64 alignSamples)
{
    using R = Result<TeacherTargets>;
    if (hopSamples < 1)
        return R::failure(tr("The hop between teacher windows must be at least one sample."));
    DecodeOptions options;
    options.analysisRate = teacher.sampleRate();
    auto decoded = AudioDecoder::decode(audioPath, options);
    if (!decoded)
        return R::failure(decoded.error());
    const AudioBuffer &audio = decoded->mono;
    if (audio.size() == 0)
        return R::failure(tr("%1 holds no audio.").arg(audioPath));
    TeacherTargets t;
    t.audioPath = QFileInfo(audioPath).absoluteFilePath();
    t.fileSize = QFileInfo(audioPath).size();
    t.teacher = teacher.manifest().version;
    t.tags = teacher.manifest().tags.names();
    t.sampleRate = teacher.sampleRate();
    t.hopSamples = hopSamples;
    t.chunkSamples = teacher.chunkSamples();
    for (qint64 s = 0; s + t.chunkSamples <= audio.size(); s += hopSamples)
        t.starts.push_back(s);
    if (t.starts.empty())
        t.starts.push_back(0);
    if (maxWindows > 0 && int(t.starts.size()) > maxWindows) {
        const qint64 span = audio.size() - t.chunkSamples;
        const qint64 align = std::max<qint64>(1, alignSamples);
        std::vector<qint64> spread;
        for (int i = 0; i < maxWindows; ++i) {
            const qint64 s = qint64((double(i) + 0.5) / maxWindows * double(span));
            spread.push_back(s / align * align);
        }
        t.starts = spread;
    }
    t.windowAudio.assign(t.starts.size() * size_t(t.chunkSamples), 0.0f);
    for (size_t w = 0; w < t.starts.size(); ++w) {
        const qint64 from = t.starts[w];
        const qint64 to = std::min<qint64>(from + t.chunkSamples, audio.size());
        std::copy(audio.data() + from, audio.data() + to, t.windowAudio.begin() + long(w * size_t(t.chunkSamples)));
    }
    auto rows = teacher.predict(audio, t.starts, 8);
    if (!rows)
        return R::failure(tr("%1: the teacher failed: %2").arg(audioPath, rows.error()));
    for (const std::vector<float> &row : rows.value())
        t.probabilities.insert(t.probabilities.end(), row.begin(), row.end());
    if (t.probabilities.size() != t.starts.size() * size_t(t.tags.size()))
        return R::failure(tr("%1: the teacher gave %2 outputs for %3 windows of %4 tags.")
                              .arg(audioPath)
                              .arg(t.probabilities.size())
                              .arg(t.starts.size())
                              .arg(t.tags.size()));
    return t;
}

QString Distillation::cacheFile(const QString &cacheFolder, const QString &audioPath)
{
    const QString absolute = QDir::cleanPath(QFileInfo(audioPath).absoluteFilePath());
    const QByteArray hash = QCryptographicHash::hash(absolute.toUtf8(), QCryptographicHash::Sha1).toHex().left(16);
    return QDir(cacheFolder).filePath(QFileInfo(audioPath).completeBaseName() + QLatin1Char('-')
                                      + QString::fromLatin1(hash) + QStringLiteral(".json"));
}

Status Distillation::writeTargets(const QString &file, const TeacherTargets &t)
{
    QJsonObject o;
    o.insert(QStringLiteral("format"), QStringLiteral("taglane-teacher-targets"));
    o.insert(QStringLiteral("formatVersion"), kCacheFormat);
    o.insert(QStringLiteral("audio"), t.audioPath);
    o.insert(QStringLiteral("file_size"), double(t.fileSize));
    o.insert(QStringLiteral("teacher"), t.teacher);
    o.insert(QStringLiteral("tags"), QJsonArray::fromStringList(t.tags));
    o.insert(QStringLiteral("sample_rate"), t.sampleRate);
    o.insert(QStringLiteral("hop_samples"), double(t.hopSamples));
    o.insert(QStringLiteral("chunk_samples"), double(t.chunkSamples));
    QJsonArray starts;
    for (qint64 s : t.starts)
        starts.append(double(s));
    o.insert(QStringLiteral("starts"), starts);
    QJsonArray p;
    for (float v : t.probabilities)
        p.append(std::round(double(v) * 1e6) / 1e6);
    o.insert(QStringLiteral("probabilities"), p);
    if (!t.windowAudio.empty()) {
        const QByteArray raw(reinterpret_cast<const char *>(t.windowAudio.data()),
                             qsizetype(t.windowAudio.size() * sizeof(float)));
        const Status a = AtomicWrite::write(file + QStringLiteral(".f32"), raw);
        if (!a)
            return Status::failure(tr("The window audio %1.f32 could not be written: %2").arg(file, a.error()));
    }
    const Status s = AtomicWrite::write(file, QJsonDocument(o).toJson(QJsonDocument::Compact));
    if (!s)
        return Status::failure(tr("The teacher targets %1 could not be written: %2").arg(file, s.error()));
    return {};
}

Result<TeacherTargets> Distillation::readTargets(const QString &path)
{
    using R = Result<TeacherTargets>;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return R::failure(tr("The teacher targets %1 could not be read: %2").arg(path, file.errorString()));
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return R::failure(tr("The teacher targets %1 are not valid JSON: %2").arg(path, error.errorString()));
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("format")).toString() != QLatin1String("taglane-teacher-targets")
        || o.value(QStringLiteral("formatVersion")).toInt() != kCacheFormat)
        return R::failure(tr("%1 is not a Taglane teacher-target file of format version %2.").arg(path).arg(kCacheFormat));
    TeacherTargets t;
    t.audioPath = o.value(QStringLiteral("audio")).toString();
    t.fileSize = qint64(o.value(QStringLiteral("file_size")).toDouble());
    t.teacher = o.value(QStringLiteral("teacher")).toString();
    for (const QJsonValue &v : o.value(QStringLiteral("tags")).toArray())
        t.tags << v.toString();
    t.sampleRate = o.value(QStringLiteral("sample_rate")).toInt();
    t.hopSamples = qint64(o.value(QStringLiteral("hop_samples")).toDouble());
    t.chunkSamples = qint64(o.value(QStringLiteral("chunk_samples")).toDouble());
    for (const QJsonValue &v : o.value(QStringLiteral("starts")).toArray())
        t.starts.push_back(qint64(v.toDouble()));
    for (const QJsonValue &v : o.value(QStringLiteral("probabilities")).toArray())
        t.probabilities.push_back(float(v.toDouble(std::nan(""))));
    if (t.tags.isEmpty() || t.sampleRate <= 0 || t.chunkSamples <= 0
        || t.probabilities.size() != t.starts.size() * size_t(t.tags.size()))
        return R::failure(tr("The teacher targets %1 are inconsistent (tags, windows and outputs do not agree).").arg(path));
    for (float v : t.probabilities)
        if (!(v >= 0.0f && v <= 1.0f))
            return R::failure(tr("The teacher targets %1 hold a value outside [0, 1].").arg(path));
    const QFileInfo audio(path + QStringLiteral(".f32"));
    if (audio.isFile() && audio.size() == qint64(t.starts.size()) * t.chunkSamples * qint64(sizeof(float)))
        t.windowAudioPath = audio.absoluteFilePath();
    return t;
}

std::optional<TeacherTargets> Distillation::cachedTargets(const QString &cacheFolder, const QString &audioPath,
                                                          const QString &teacherVersion, qint64 hopSamples)
{
    const QString file = cacheFile(cacheFolder, audioPath);
    if (!QFileInfo::exists(file))
        return std::nullopt;
    auto t = readTargets(file);
    if (!t || t->teacher != teacherVersion || t->hopSamples != hopSamples
        || t->fileSize != QFileInfo(audioPath).size()
        || QDir::cleanPath(t->audioPath) != QDir::cleanPath(QFileInfo(audioPath).absoluteFilePath()))
        return std::nullopt;
    return std::move(t).value();
}

} // namespace taglane::engine
