// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/semantic/specialfunctions.h"

#include <cmath>
#include <limits>

namespace taglane::engine {

double digamma(double x)
{
    if (!(x > 0.0))
        return std::numeric_limits<double>::quiet_NaN();
    if (std::isinf(x))
        return x;
    double result = 0.0;
    // psi(x) = psi(x + 1) - 1 / x
    while (x < 10.0) {
        result -= 1.0 / x;
        x += 1.0;
    }
    // psi(x) ~ ln x - 1/(2x) - sum B_2n / (2n x^2n)
    const double r = 1.0 / (x * x);
    const double series =
        r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * (691.0 / 32760 - r / 12))))));
    return result + std::log(x) - 0.5 / x - series;
}

double trigamma(double x)
{
    if (!(x > 0.0))
        return std::numeric_limits<double>::quiet_NaN();
    if (std::isinf(x))
        return 0.0;
    double result = 0.0;
    // psi'(x) = psi'(x + 1) + 1 / x^2
    while (x < 10.0) {
        result += 1.0 / (x * x);
        x += 1.0;
    }
    // psi'(x) ~ 1/x + 1/(2x^2) + sum B_2n / x^(2n+1)
    const double r = 1.0 / (x * x);
    const double series =
        r * (1.0 / 6 - r * (1.0 / 30 - r * (1.0 / 42 - r * (1.0 / 30 - r * (5.0 / 66 - r * (691.0 / 2730 - r * 7.0 / 6))))));
    return result + 1.0 / x + 0.5 * r + series / x;
}

} // namespace taglane::engine
