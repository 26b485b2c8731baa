// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <random>
#include <vector>

namespace taglane::engine {

/// A seeded std::mt19937_64 with its own distributions, so that the same
/// seed gives the same numbers with every standard library (the standard
/// distributions are implementation-defined). Not thread-safe: one per thread.
class SeededRandom
{
public:
    explicit SeededRandom(quint64 seed) : m_engine(seed) {}

    /// A well-mixed seed for a sub-stream (e.g. one track) of `seed` (splitmix64).
    static quint64 derive(quint64 seed, quint64 stream);

    quint64 next() { return m_engine(); }
    /// Uniform integer in [low, high] (inclusive); low when high < low.
    int uniformInt(int low, int high);
    /// Uniform real in [low, high).
    double uniformReal(double low, double high);
    /// True with probability p.
    bool chance(double p);
    /// An index drawn with the given non-negative weights (0 when all are zero).
    int weighted(const std::vector<double> &weights);
    /// Fisher-Yates shuffle with uniformInt.
    template <typename T>
    void shuffle(std::vector<T> &values)
    {
        for (int i = int(values.size()) - 1; i > 0; --i)
            std::swap(values[size_t(i)], values[size_t(uniformInt(0, i))]);
    }
    template <typename T>
    const T &pick(const std::vector<T> &values)
    {
        return values[size_t(uniformInt(0, int(values.size()) - 1))];
    }

private:
    std::mt19937_64 m_engine;
};

} // namespace taglane::engine
