// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QtGlobal>

#include <vector>

namespace taglane::engine {

/// What the metrics are computed on: a matrix of scores [examples x tags]
/// (row-major), the matching truth (0 or 1) and an optional mask of known
/// cells. Labels are partial: a cell whose `known` entry is 0 is ignored by
/// every metric. An empty `known` means every cell is known.
/// Value type; any thread.
struct EvalInput
{
    int examples = 0;
    int tags = 0;
    std::vector<double> scores;  ///< scores[example * tags + tag]
    std::vector<quint8> truth;   ///< 0 or 1, same layout
    std::vector<quint8> known;   ///< empty, or 1 = known / 0 = unknown, same layout

    size_t index(int example, int tag) const { return size_t(example) * size_t(tags) + size_t(tag); }
    bool isKnown(int example, int tag) const { return known.empty() || known[index(example, tag)] != 0; }

    /// Checks sizes, that truth holds only 0/1 and that known scores are
    /// finite. The message names `sourceName` and the first bad cell.
    Status validate(const QString &sourceName = {}) const;
};

} // namespace taglane::engine
