// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

namespace taglane::engine {

/// Orthonormal DCT-II from `inputs` log band energies to the first `outputs`
/// cepstral coefficients:
///     c(q) = s(q) sum_{n=0}^{N-1} S(n) cos(pi q (2n + 1) / (2N)),
///     s(0) = sqrt(1/N), s(q>0) = sqrt(2/N)   (scipy's dct(type=2, norm='ortho')).
/// Immutable after construction; any thread.
class Cepstrum
{
public:
    Cepstrum(int inputs, int outputs);

    int inputs() const { return m_inputs; }
    int outputs() const { return m_outputs; }
    /// out[q] for q < outputs from in[n] for n < inputs. Any thread.
    void apply(const float *in, float *out) const;

private:
    int m_inputs;
    int m_outputs;
    std::vector<float> m_basis;   // outputs x inputs, row-major
};

} // namespace taglane::engine
