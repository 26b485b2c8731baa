// SPDX-License-Identifier: GPL-3.0-or-later
// The first layer of FCN and CRNN (Conv2d 1 -> C, 3x3, padding 1, folded
// BatchNorm, ReLU, MaxPool) as one fused CPU kernel. Going through oneDNN,
// this layer writes and re-reads an activation 64x larger than its input
// (hundreds of MB for a batch of 29 s chunks) and is memory-bound; here each
// output channel is computed row by row and pooled while still in cache.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "engine/model/network_p.h"

#include <algorithm>
#include <vector>

namespace taglane::engine::detail {

namespace {

/// One output row of the 3x3 convolution: out[t] = bias + sum w[i][j] * rows[i][t + j],
/// rows already padded by one zero column on each side.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
__attribute__((target_clones("arch=haswell", "default")))
#endif
void convRow(const float *r0, const float *r1, const float *r2, const float *w, float bias, float *out, int64_t n)
{
    const float w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], w6 = w[6], w7 = w[7], w8 = w[8];
    for (int64_t t = 0; t < n; ++t) {
        out[t] = bias + w0 * r0[t] + w1 * r0[t + 1] + w2 * r0[t + 2] + w3 * r1[t] + w4 * r1[t + 1] + w5 * r1[t + 2]
            + w6 * r2[t] + w7 * r2[t + 1] + w8 * r2[t + 2];
    }
}

void maxInto(float *acc, const float *row, int64_t n)
{
    for (int64_t t = 0; t < n; ++t)
        acc[t] = std::max(acc[t], row[t]);
}

} // namespace

at::Tensor firstConvBnReluPool(const at::Tensor &input, const FoldedConv &conv, int64_t poolF, int64_t poolT)
{
    if (!input.is_cpu() || conv.weight.size(1) != 1 || conv.weight.size(2) != 3 || conv.weight.size(3) != 3)
        return convBnReluPool2d(input, conv, {poolF, poolT});

    const int64_t batch = input.size(0);
    const int64_t freqs = input.size(2);
    const int64_t frames = input.size(3);
    const int64_t channels = conv.weight.size(0);
    const int64_t outF = freqs / poolF;
    const int64_t outT = frames / poolT;
    const int64_t usedT = outT * poolT;   // frames the floor-mode pooling reads

    // Zero-padded copy: [B, F + 2, T + 2].
    const at::Tensor padded = at::constant_pad_nd(input.reshape({batch, freqs, frames}), {1, 1, 1, 1}, 0.0).contiguous();
    const at::Tensor weight = conv.weight.contiguous();
    const at::Tensor bias = conv.bias.contiguous();
    at::Tensor output = at::empty({batch, channels, outF, outT}, input.options());

    const float *src = padded.data_ptr<float>();
    const float *w = weight.data_ptr<float>();
    const float *b = bias.data_ptr<float>();
    float *dst = output.data_ptr<float>();
    const int64_t stride = frames + 2;

    at::parallel_for(0, batch * channels, 1, [&](int64_t begin, int64_t end) {
        std::vector<float> row(static_cast<size_t>(usedT));
        std::vector<float> acc(static_cast<size_t>(usedT));
        for (int64_t job = begin; job < end; ++job) {
            const int64_t n = job / channels;
            const int64_t c = job % channels;
            const float *plane = src + n * (freqs + 2) * stride;
            float *out = dst + (n * channels + c) * outF * outT;
            for (int64_t fo = 0; fo < outF; ++fo) {
                for (int64_t k = 0; k < poolF; ++k) {
                    const int64_t f = fo * poolF + k;   // output row f reads padded rows f, f + 1, f + 2
                    float *target = k == 0 ? acc.data() : row.data();
                    convRow(plane + f * stride, plane + (f + 1) * stride, plane + (f + 2) * stride, w + c * 9, b[c],
                            target, usedT);
                    if (k > 0)
                        maxInto(acc.data(), row.data(), usedT);
                }
                float *o = out + fo * outT;
                for (int64_t to = 0; to < outT; ++to) {
                    float m = acc[size_t(to * poolT)];
                    for (int64_t j = 1; j < poolT; ++j)
                        m = std::max(m, acc[size_t(to * poolT + j)]);
                    o[to] = std::max(m, 0.0f);   // ReLU after the max
                }
            }
        }
    });
    return output;
}

} // namespace taglane::engine::detail
