// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/dsp/cepstrum.h"

#include <algorithm>
#include <cmath>

namespace taglane::engine {

Cepstrum::Cepstrum(int inputs, int outputs)
    : m_inputs(std::max(inputs, 1))
    , m_outputs(std::clamp(outputs, 1, m_inputs))
    , m_basis(size_t(m_inputs) * size_t(m_outputs))
{
    constexpr double pi = 3.14159265358979323846;
    const double n = m_inputs;
    for (int q = 0; q < m_outputs; ++q) {
        const double scale = std::sqrt((q == 0 ? 1.0 : 2.0) / n);
        for (int i = 0; i < m_inputs; ++i)
            m_basis[size_t(q) * size_t(m_inputs) + size_t(i)] =
                float(scale * std::cos(pi * q * (2.0 * i + 1.0) / (2.0 * n)));
    }
}

void Cepstrum::apply(const float *in, float *out) const
{
    for (int q = 0; q < m_outputs; ++q) {
        const float *row = m_basis.data() + size_t(q) * size_t(m_inputs);
        float sum = 0.0f;
        for (int i = 0; i < m_inputs; ++i)
            sum += row[i] * in[i];
        out[q] = sum;
    }
}

} // namespace taglane::engine
