// SPDX-License-Identifier: GPL-3.0-or-later
#include <ATen/ATen.h>

#include "engine/model/checkpointimport.h"
#include "engine/model/network_p.h"
#include "engine/model/statedict_p.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ModelImport", text);
}

QJsonObject melFeatures()
{
    return QJsonObject{
        {QStringLiteral("kind"), QStringLiteral("mel")},
        {QStringLiteral("n_fft"), 512},
        {QStringLiteral("win_length"), 512},
        {QStringLiteral("hop_length"), 256},
        {QStringLiteral("window"), QStringLiteral("hann")},
        {QStringLiteral("center"), true},
        {QStringLiteral("pad_mode"), QStringLiteral("reflect")},
        {QStringLiteral("power"), 2.0},
        {QStringLiteral("n_mels"), 96},
        {QStringLiteral("f_min"), 0.0},
        {QStringLiteral("f_max"), 8000.0},
        {QStringLiteral("mel_scale"), QStringLiteral("htk")},
        {QStringLiteral("db"), QStringLiteral("10*log10(max(x, 1e-10))")},
    };
}

} // namespace

QStringList importableArchitectures()
{
    return detail::architectureNames();
}

qint64 architectureChunkSamples(const QString &architecture)
{
    const detail::ArchitectureInfo *info = detail::findArchitecture(architecture);
    return info ? info->chunkSamples : 0;
}

Result<Vocabulary> loadTagList(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return Result<Vocabulary>::failure(tr("The tags file %1 does not exist.").arg(path));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return Result<Vocabulary>::failure(tr("The tags file %1 cannot be read: %2").arg(path, file.errorString()));
    // Vocabulary::parse checks for empty, duplicate and malformed names; the
    // categories then come from the names, as Vocabulary::fromNames gives them.
    auto parsed = Vocabulary::parse(QString::fromUtf8(file.readAll()), path);
    if (!parsed)
        return parsed;
    if (parsed->isEmpty())
        return Result<Vocabulary>::failure(tr("The tags file %1 lists no tags.").arg(path));
    return Vocabulary::fromNames(parsed->names());
}

Result<ModelBundle> importCheckpoint(const CheckpointImport &request)
{
    using R = Result<ModelBundle>;
    const detail::ArchitectureInfo *info = detail::findArchitecture(request.architecture);
    if (!info) {
        return R::failure(tr("Unknown architecture \"%1\"; Taglane imports %2.")
                              .arg(request.architecture, importableArchitectures().join(QStringLiteral(", "))));
    }
    if (request.tags.isEmpty())
        return R::failure(tr("No tags were given for %1.").arg(request.checkpointPath));
    if (request.bundleFolder.isEmpty())
        return R::failure(tr("No output folder was given for the model bundle."));

    QFile file(request.checkpointPath);
    if (!QFileInfo(request.checkpointPath).isFile())
        return R::failure(tr("The checkpoint %1 does not exist.").arg(request.checkpointPath));
    if (!file.open(QIODevice::ReadOnly))
        return R::failure(tr("The checkpoint %1 cannot be read: %2").arg(request.checkpointPath, file.errorString()));
    const QByteArray bytes = file.readAll();

    auto weights = detail::parseTorchStateDict(bytes, request.checkpointPath);
    if (!weights)
        return R::failure(weights.error());
    // Building the network runs every check the tagger will run.
    auto network = detail::createNetwork(info->name, weights.value(), request.tags.size(), request.checkpointPath);
    if (!network)
        return R::failure(network.error());

    auto serialized = detail::serializeTorchStateDict(weights.value());
    if (!serialized)
        return R::failure(serialized.error());

    ModelManifest manifest;
    manifest.name = request.name.isEmpty() ? info->displayName : request.name;
    manifest.architecture = info->name;
    manifest.tags = request.tags;
    manifest.sampleRate = 16000;
    manifest.features = melFeatures();
    manifest.chunkSamples = info->chunkSamples;
    const QByteArray digest = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex().left(12);
    manifest.version = QStringLiteral("%1-import-%2").arg(info->name, QString::fromLatin1(digest));
    manifest.created = QDateTime::currentDateTimeUtc();
    manifest.training = QJsonObject{
        {QStringLiteral("source"), QStringLiteral("imported checkpoint")},
        {QStringLiteral("checkpoint"), QFileInfo(request.checkpointPath).fileName()},
        {QStringLiteral("checkpointSha256"), QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex())},
    };

    const Status written = ModelBundle::write(request.bundleFolder, manifest, serialized.value());
    if (!written)
        return R::failure(written.error());
    return ModelBundle::open(request.bundleFolder);
}

} // namespace taglane::engine
