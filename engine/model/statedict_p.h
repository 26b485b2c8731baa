// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: include only from engine .cpp files, before any Qt header.
#pragma once

#include <ATen/ATen.h>

#include "engine/core/result.h"

#include <QByteArray>
#include <QString>

#include <map>
#include <string>

namespace taglane::engine::detail {

/// name -> float32 contiguous CPU tensor.
using TorchStateDict = std::map<std::string, at::Tensor>;

/// Reads the torch.save zip bytes of a dict of tensors. Any thread.
Result<TorchStateDict> parseTorchStateDict(const QByteArray &bytes, const QString &sourceName);
Result<TorchStateDict> loadTorchStateDict(const QString &path);
/// torch.save-compatible zip bytes of the dict. Any thread.
Result<QByteArray> serializeTorchStateDict(const TorchStateDict &dict);

} // namespace taglane::engine::detail
