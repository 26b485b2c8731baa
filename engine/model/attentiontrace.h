// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <vector>

namespace taglane::engine {

/// The attention weights a model with attention pooling gave one stretch of
/// audio (a model chunk or a segment): `heads` weight vectors over `frames`
/// consecutive frames of `frameSeconds` each from `start`. Each head's
/// weights are a softmax over time, so they sum to 1. Value type; any thread.
struct AttentionTrace
{
    double start = 0.0;          ///< seconds from the start of the track
    double frameSeconds = 0.0;
    int heads = 0;
    int frames = 0;
    std::vector<float> weights;  ///< weights[head * frames + frame]

    double end() const { return start + frames * frameSeconds; }
    float weight(int head, int frame) const { return weights[size_t(head) * size_t(frames) + size_t(frame)]; }
    /// Sizes agree and the times are finite and positive.
    bool isValid() const
    {
        return heads > 0 && frames > 0 && frameSeconds > 0.0 && start >= 0.0
               && weights.size() == size_t(heads) * size_t(frames);
    }
};

} // namespace taglane::engine
