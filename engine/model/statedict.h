// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <map>
#include <vector>

namespace taglane::engine {

/// One tensor of a state dict, as float32 in row-major (contiguous) order.
/// A zero-dimensional tensor has an empty shape and one value.
struct TensorData
{
    std::vector<int64_t> shape;
    std::vector<float> values;

    int64_t elementCount() const;
    /// "257 x 96" (or "scalar").
    QString shapeText() const;
};

/// A PyTorch state dict: parameter name -> tensor. Value type; any thread.
using StateDict = std::map<QString, TensorData>;

/// Reads a state dict written by torch.save (zip serialization, PyTorch 1.6
/// and later) of a dict of tensors. Non-float tensors (e.g. BatchNorm's
/// num_batches_tracked) are converted to float32. Any thread; blocks.
/// Fails with a message naming the file for a missing or empty file, a
/// legacy (pre-1.6, non-zip) torch.save file, a damaged archive, or a file
/// that does not hold a dict of tensors.
Result<StateDict> loadStateDict(const QString &path);
/// Same, from bytes already read; sourceName is used in messages.
Result<StateDict> parseStateDict(const QByteArray &bytes, const QString &sourceName);

/// Serializes a state dict in the torch.save zip format (readable by
/// torch.load in Python and by loadStateDict). Any thread.
Result<QByteArray> serializeStateDict(const StateDict &dict);
/// serializeStateDict, written to path through a temporary file. Any thread.
Status saveStateDict(const StateDict &dict, const QString &path);

} // namespace taglane::engine
