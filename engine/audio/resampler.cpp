// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/resampler.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace taglane::engine {

struct Resampler::Private
{
    soxr_t soxr = nullptr;
    std::vector<float> scratch;   // output of one soxr call, appended to the caller's vector
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
    // soxr writes into a scratch buffer so that the caller's vector grows
    // only by what is produced and keeps the capacity it reserved.
    size_t consumed = 0;
    while (consumed < count) {
        const size_t room = size_t(std::ceil((count - consumed) * m_ratio)) + 64;
        if (d->scratch.size() < room)
            d->scratch.resize(room);
        size_t used = 0, produced = 0;
        soxr_process(d->soxr, input + consumed, count - consumed, &used, d->scratch.data(), room, &produced);
        out.insert(out.end(), d->scratch.data(), d->scratch.data() + produced);
        consumed += used;
        if (used == 0 && produced == 0)
            break;
    }
}

void Resampler::flush(std::vector<float> &out)
{
    if (m_passThrough)
        return;
    d->scratch.resize(std::max<size_t>(d->scratch.size(), 4096));
    for (;;) {
        size_t produced = 0;
        soxr_process(d->soxr, nullptr, 0, nullptr, d->scratch.data(), 4096, &produced);
        out.insert(out.end(), d->scratch.data(), d->scratch.data() + produced);
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
