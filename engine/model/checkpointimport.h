// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/model/modelbundle.h"
#include "engine/model/vocabulary.h"

#include <QString>
#include <QStringList>

namespace taglane::engine {

/// What importCheckpoint needs. Value type; any thread.
struct CheckpointImport
{
    QString architecture;     ///< "musicnn", "fcn" or "crnn"
    QString checkpointPath;   ///< a torch.save zip of the published state dict
    Vocabulary tags;          ///< output order; must match the output layer
    QString bundleFolder;     ///< where the bundle goes (conventionally NAME.tlmodel)
    QString name;             ///< human name; empty = derived from the architecture
};

/// Architectures importCheckpoint accepts. Any thread.
QStringList importableArchitectures();

/// Chunk length in samples (at 16 kHz) of an importable architecture, 0 when unknown. Any thread.
qint64 architectureChunkSamples(const QString &architecture);

/// Reads a published checkpoint, checks every key and shape against the
/// architecture and the tag count against the output layer, then writes a
/// model bundle. On any failure nothing is written and the message names the
/// file, the key or the numbers. Any thread; blocks.
Result<ModelBundle> importCheckpoint(const CheckpointImport &request);

/// Reads a tags file (one tag per line, as mtat-tags.txt). Any thread.
Result<Vocabulary> loadTagList(const QString &path);

} // namespace taglane::engine
