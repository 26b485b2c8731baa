// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace taglane::engine {

/// psi(x) = d/dx log Gamma(x) for x > 0 (recurrence up to x >= 10, then the
/// asymptotic series); relative error below 1e-14. NaN for x <= 0. Any thread.
double digamma(double x);

/// psi'(x) for x > 0, same scheme. NaN for x <= 0. Any thread.
double trigamma(double x);

} // namespace taglane::engine
