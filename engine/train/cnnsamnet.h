// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QtGlobal>

#include <cstdint>
#include <vector>

namespace taglane::engine {

/// Shapes of a fresh cnn-sam body on random input, for tests. Any thread; blocks.
struct CnnSamShapes
{
    std::vector<int64_t> logits;        ///< [batch, tags]
    std::vector<int64_t> melAttention;  ///< [batch, r, T_mel]; empty without the mel branch
    std::vector<int64_t> waveAttention; ///< [batch, r, T_wave]; empty without the waveform branch
    qint64 parameters = 0;

    static Result<CnnSamShapes> probe(int bands, int frames, qint64 samples, int tags, int batch,
                                      bool useMel = true, bool useWave = true);
};

} // namespace taglane::engine
