// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/modelbundle.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

#include <cmath>

namespace taglane::engine {

namespace {

const char *const kFormat = "taglane-model";
constexpr int kFormatVersion = 1;
const char *const kManifestName = "manifest.json";
const char *const kWeightsName = "weights.pt";
constexpr int kMinSampleRate = 1000;
constexpr int kMaxSampleRate = 384000;

QString tr(const char *text)
{
    return QCoreApplication::translate("ModelBundle", text);
}

/// A JSON number that is a whole number in [low, high] (checked before any
/// conversion, so 1e300 or NaN never reaches an integer cast).
bool isWholeNumber(const QJsonValue &v, qint64 low, qint64 high)
{
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    return std::isfinite(d) && d == std::floor(d) && d >= double(low) && d <= double(high);
}

bool writeWholeFile(const QString &path, const QByteArray &bytes, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size() || !file.flush()) {
        *error = file.errorString();
        return false;
    }
    file.close();
    return true;
}

} // namespace

QJsonObject ModelManifest::toJson() const
{
    QJsonArray tagArray;
    for (const Tag &tag : tags.tags())
        tagArray.append(QJsonObject{{QStringLiteral("name"), tag.name}, {QStringLiteral("category"), tag.category}});
    QJsonObject json;
    json[QStringLiteral("format")] = QString::fromLatin1(kFormat);
    json[QStringLiteral("formatVersion")] = kFormatVersion;
    json[QStringLiteral("name")] = name;
    json[QStringLiteral("architecture")] = architecture;
    json[QStringLiteral("tags")] = tagArray;
    json[QStringLiteral("sampleRate")] = sampleRate;
    json[QStringLiteral("features")] = features;
    json[QStringLiteral("chunkSamples")] = double(chunkSamples);
    json[QStringLiteral("version")] = version;
    json[QStringLiteral("parentVersion")] = parentVersion;
    json[QStringLiteral("created")] = created.isValid() ? created.toUTC().toString(Qt::ISODateWithMs) : QString();
    json[QStringLiteral("training")] = training;
    json[QStringLiteral("metrics")] = metrics;
    return json;
}

Result<ModelManifest> ModelManifest::fromJson(const QJsonObject &json, const QString &sourceName)
{
    using R = Result<ModelManifest>;
    const QString format = json.value(QStringLiteral("format")).toString();
    if (format != QLatin1String(kFormat))
        return R::failure(tr("%1 is not a Taglane model manifest (\"format\" is \"%2\").").arg(sourceName, format));
    const int formatVersion = json.value(QStringLiteral("formatVersion")).toInt(0);
    if (formatVersion < 1 || formatVersion > kFormatVersion) {
        return R::failure(tr("%1 has manifest format version %2; this Taglane reads version %3 and earlier.")
                              .arg(sourceName)
                              .arg(formatVersion)
                              .arg(kFormatVersion));
    }

    ModelManifest m;
    m.name = json.value(QStringLiteral("name")).toString();
    m.architecture = json.value(QStringLiteral("architecture")).toString();
    if (m.architecture.isEmpty())
        return R::failure(tr("%1 names no architecture.").arg(sourceName));

    QVector<Tag> tagList;
    const QJsonArray tagArray = json.value(QStringLiteral("tags")).toArray();
    for (int i = 0; i < tagArray.size(); ++i) {
        const QJsonObject t = tagArray.at(i).toObject();
        Tag tag;
        tag.name = t.value(QStringLiteral("name")).toString();
        tag.category = t.value(QStringLiteral("category")).toString();
        if (tag.name.isEmpty())
            return R::failure(tr("%1: tag %2 has no name.").arg(sourceName).arg(i + 1));
        if (tag.category.isEmpty())
            tag.category = Vocabulary::categoryOf(tag.name);
        tagList.push_back(tag);
    }
    if (tagList.isEmpty())
        return R::failure(tr("%1 lists no tags.").arg(sourceName));
    m.tags = Vocabulary(tagList);

    const QJsonValue rate = json.value(QStringLiteral("sampleRate"));
    if (!isWholeNumber(rate, kMinSampleRate, kMaxSampleRate)) {
        return R::failure(tr("%1 has no valid sample rate (\"sampleRate\" must be a whole number of Hz from %2 to %3).")
                              .arg(sourceName)
                              .arg(kMinSampleRate)
                              .arg(kMaxSampleRate));
    }
    m.sampleRate = int(rate.toDouble());
    // Longer than an hour is no chunk but a mistake (2^40 would only reach
    // the tensor allocator); each architecture narrows this further.
    const QJsonValue chunk = json.value(QStringLiteral("chunkSamples"));
    const qint64 longest = qint64(3600) * m.sampleRate;
    if (!isWholeNumber(chunk, 1, longest)) {
        return R::failure(tr("%1 has no valid chunk length (\"chunkSamples\" must be a whole number of samples from 1 "
                             "to %2, one hour at %3 Hz).")
                              .arg(sourceName)
                              .arg(longest)
                              .arg(m.sampleRate));
    }
    m.chunkSamples = qint64(chunk.toDouble());
    const QJsonValue features = json.value(QStringLiteral("features"));
    if (!features.isUndefined() && !features.isObject())
        return R::failure(tr("%1: \"features\" is not a JSON object.").arg(sourceName));
    m.features = features.toObject();
    m.version = json.value(QStringLiteral("version")).toString();
    m.parentVersion = json.value(QStringLiteral("parentVersion")).toString();
    m.created = QDateTime::fromString(json.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs);
    m.training = json.value(QStringLiteral("training")).toObject();
    m.metrics = json.value(QStringLiteral("metrics")).toObject();
    return m;
}

Result<ModelBundle> ModelBundle::open(const QString &folder)
{
    using R = Result<ModelBundle>;
    const QFileInfo info(folder);
    if (!info.exists())
        return R::failure(tr("The model bundle %1 does not exist.").arg(folder));
    if (!info.isDir())
        return R::failure(tr("%1 is not a model bundle (a bundle is a folder holding manifest.json and weights.pt).").arg(folder));
    const QDir dir(folder);
    const QString manifestPath = dir.filePath(QLatin1String(kManifestName));
    QFile file(manifestPath);
    if (!file.exists())
        return R::failure(tr("The model bundle %1 has no manifest.json.").arg(folder));
    if (!file.open(QIODevice::ReadOnly))
        return R::failure(tr("%1 cannot be read: %2").arg(manifestPath, file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (doc.isNull())
        return R::failure(tr("%1 is not valid JSON: %2").arg(manifestPath, parseError.errorString()));
    if (!doc.isObject())
        return R::failure(tr("%1 does not hold a JSON object.").arg(manifestPath));
    auto manifest = ModelManifest::fromJson(doc.object(), manifestPath);
    if (!manifest)
        return R::failure(manifest.error());
    ModelBundle bundle;
    bundle.m_folder = info.absoluteFilePath();
    bundle.m_manifest = std::move(manifest.value());
    if (!QFileInfo(bundle.weightsPath()).isFile())
        return R::failure(tr("The model bundle %1 has no weights.pt.").arg(folder));
    return bundle;
}

QString ModelBundle::weightsPath() const
{
    return QDir(m_folder).filePath(QLatin1String(kWeightsName));
}

Status ModelBundle::write(const QString &folderArgument, const ModelManifest &manifest, const QByteArray &weights)
{
    const QString folder = folderArgument.isEmpty() ? QString() : QDir::cleanPath(folderArgument);
    if (folder.isEmpty())
        return Status::failure(tr("No folder was given for the model bundle."));
    if (weights.isEmpty())
        return Status::failure(tr("The model bundle %1 was not written: the weights are empty.").arg(folder));
    const QFileInfo target(folder);
    if (target.exists() && !target.isDir())
        return Status::failure(tr("%1 exists and is not a folder; the model bundle was not written.").arg(folder));
    const QString absolute = target.absoluteFilePath();
    QDir parent = target.absoluteDir();
    if (!parent.exists() && !parent.mkpath(QStringLiteral(".")))
        return Status::failure(tr("The folder %1 could not be created.").arg(parent.path()));

    // Everything goes into a hidden sibling folder first, which is renamed
    // into place once complete.
    const QString suffix = QUuid::createUuid().toString(QUuid::Id128).left(12);
    const QString staging = parent.filePath(QStringLiteral(".%1.tmp-%2").arg(target.fileName(), suffix));
    QDir stagingDir(staging);
    if (!parent.mkdir(QFileInfo(staging).fileName()))
        return Status::failure(tr("A temporary folder could not be created in %1.").arg(parent.path()));
    auto failStaged = [&](const QString &message) {
        stagingDir.removeRecursively();
        return Status::failure(message);
    };

    QString error;
    const QByteArray manifestBytes = QJsonDocument(manifest.toJson()).toJson(QJsonDocument::Indented);
    if (!writeWholeFile(stagingDir.filePath(QLatin1String(kWeightsName)), weights, &error)
        || !writeWholeFile(stagingDir.filePath(QLatin1String(kManifestName)), manifestBytes, &error)) {
        return failStaged(tr("The model bundle %1 could not be written: %2").arg(folder, error));
    }

    QString backup;
    if (target.exists()) {
        backup = parent.filePath(QStringLiteral(".%1.old-%2").arg(target.fileName(), suffix));
        if (!QDir().rename(absolute, backup))
            return failStaged(tr("The existing model bundle %1 could not be replaced.").arg(folder));
    }
    if (!QDir().rename(staging, absolute)) {
        if (!backup.isEmpty())
            QDir().rename(backup, absolute);
        return failStaged(tr("The model bundle %1 could not be moved into place.").arg(folder));
    }
    if (!backup.isEmpty())
        QDir(backup).removeRecursively();
    return {};
}

} // namespace taglane::engine
