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

/// A short training of a fresh cnn-sam body on a fixed synthetic batch (tag
/// present = louder input in both modalities), with the penalised BCE
/// -[alpha y log p + (1 - y) log(1 - p)] plus penaltyWeight * ||AA^T - I||_F^2.
/// Losses are evaluated in eval mode on the same batch. Any thread; blocks.
struct CnnSamTrainingProbe
{
    double lossBefore = 0.0;
    double lossAfter = 0.0;
    double penaltyAfter = 0.0; ///< mean over both branches' attention

    static Result<CnnSamTrainingProbe> run(int steps, double alpha, double penaltyWeight, quint64 seed);
};

} // namespace taglane::engine
