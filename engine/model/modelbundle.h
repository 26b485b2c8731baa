// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/model/vocabulary.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace taglane::engine {

/// The manifest of a model bundle (manifest.json). Value type; any thread.
struct ModelManifest
{
    QString name;                 ///< human name, e.g. "MTAT musicnn"
    QString architecture;         ///< "musicnn", "fcn", "crnn", ...
    Vocabulary tags;              ///< output order, with categories
    int sampleRate = 16000;
    QJsonObject features;         ///< front-end settings (n_fft, hop, mels, f_min, f_max, ...)
    qint64 chunkSamples = 0;      ///< model input length in samples
    QString version;              ///< unique id of this model version
    QString parentVersion;        ///< version it was trained from; empty for imports
    QDateTime created;
    QJsonObject training;         ///< training data summary / provenance
    QJsonObject metrics;          ///< held-out metrics, if any

    QJsonObject toJson() const;
    static Result<ModelManifest> fromJson(const QJsonObject &json, const QString &sourceName);
};

/// A model bundle is a folder (conventionally named NAME.tlmodel) holding
/// manifest.json and weights.pt (a torch.save-style zip of a state dict).
class ModelBundle
{
public:
    /// Reads and checks the manifest; the weights are read by Tagger::load.
    /// Any thread; blocks on file I/O.
    static Result<ModelBundle> open(const QString &folder);
    /// Writes manifest.json and weights.pt into folder (created if needed)
    /// through temporary files, so a failure leaves no half-written bundle
    /// (an existing bundle there is replaced whole, or kept on failure).
    /// Any thread; blocks on file I/O.
    static Status write(const QString &folder, const ModelManifest &manifest, const QByteArray &weights);

    const QString &folder() const { return m_folder; }
    const ModelManifest &manifest() const { return m_manifest; }
    QString weightsPath() const;

private:
    QString m_folder;
    ModelManifest m_manifest;
};

} // namespace taglane::engine
