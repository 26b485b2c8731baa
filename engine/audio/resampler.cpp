// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/resampler.h"

#include <soxr.h>

#include <cmath>
#include <stdexcept>

namespace taglane::engine {

struct Resampler::Private
{
    soxr_t soxr = nullptr;
};

Resampler::Resampler(double inputRate, double outputRate)
    : d(std::make_unique<Private>())
    , m_ratio(outputRate / inputRate)
    , m_passThrough(inputRate == outputRate)
{
    if (m_passThrough)
        return;
    soxr_error_t error = nullptr;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
    d->soxr = soxr_create(inputRate, outputRate, 1, &error, &io, &quality, &runtime);
    if (error || !d->soxr)
        throw std::runtime_error(std::string("soxr: ") + (error ? error : "cannot create resampler"));
}

Resampler::~Resampler()
{
    if (d && d->soxr)
        soxr_delete(d->soxr);
}

void Resampler::process(const float *input, size_t count, std::vector<float> &out)
{
    if (m_passThrough) {
        out.insert(out.end(), input, input + count);
        return;
    }
    size_t consumed = 0;
    while (consumed < count) {
        const size_t room = size_t(std::ceil((count - consumed) * m_ratio)) + 64;
        const size_t base = out.size();
        out.resize(base + room);
        size_t used = 0, produced = 0;
        soxr_process(d->soxr, input + consumed, count - consumed, &used, out.data() + base, room, &produced);
        out.resize(base + produced);
        consumed += used;
        if (used == 0 && produced == 0)
            break;
    }
}

void Resampler::flush(std::vector<float> &out)
{
    if (m_passThrough)
        return;
    for (;;) {
        const size_t base = out.size();
        out.resize(base + 4096);
        size_t produced = 0;
        soxr_process(d->soxr, nullptr, 0, nullptr, out.data() + base, 4096, &produced);
        out.resize(base + produced);
        if (produced == 0)
            break;
    }
}

std::vector<float> Resampler::resample(const std::vector<float> &input, double inputRate, double outputRate)
{
    Resampler r(inputRate, outputRate);
    std::vector<float> out;
    out.reserve(size_t(std::ceil(input.size() * outputRate / inputRate)) + 16);
    r.process(input.data(), input.size(), out);
    r.flush(out);
    return out;
}

} // namespace taglane::engine
