// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <memory>
#include <vector>

namespace taglane::engine {

/// Immutable mono float samples at one rate, shared cheaply between threads.
/// Copying an AudioBuffer copies a pointer. Safe to read from any thread.
class AudioBuffer
{
public:
    AudioBuffer() = default;
    AudioBuffer(std::vector<float> samples, int sampleRate)
        : m_samples(std::make_shared<const std::vector<float>>(std::move(samples)))
        , m_rate(sampleRate)
    {
    }

    bool isEmpty() const { return !m_samples || m_samples->empty(); }
    qint64 size() const { return m_samples ? qint64(m_samples->size()) : 0; }
    int sampleRate() const { return m_rate; }
    double durationSeconds() const { return m_rate > 0 ? double(size()) / m_rate : 0.0; }
    const float *data() const { return m_samples ? m_samples->data() : nullptr; }
    const std::vector<float> &samples() const
    {
        static const std::vector<float> empty;
        return m_samples ? *m_samples : empty;
    }

private:
    std::shared_ptr<const std::vector<float>> m_samples;
    int m_rate = 0;
};

} // namespace taglane::engine
