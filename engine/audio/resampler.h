// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <vector>

namespace taglane::engine {

/// Streaming mono resampler (soxr, high quality). Feed blocks with process()
/// and finish with flush(). One instance per stream; not shared between threads.
class Resampler
{
public:
    Resampler(double inputRate, double outputRate);
    ~Resampler();
    Resampler(const Resampler &) = delete;
    Resampler &operator=(const Resampler &) = delete;

    bool isPassThrough() const { return m_passThrough; }
    /// Appends the output produced for these input samples to out.
    void process(const float *input, size_t count, std::vector<float> &out);
    /// Drains the filter's delay line into out. Call once at the end.
    void flush(std::vector<float> &out);

    /// Whole-buffer convenience for tests and small inputs.
    static std::vector<float> resample(const std::vector<float> &input, double inputRate, double outputRate);

private:
    struct Private;
    std::unique_ptr<Private> d;
    double m_ratio = 1.0;
    bool m_passThrough = false;
};

} // namespace taglane::engine
