// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/audiostream.h"

#include "engine/audio/audiodecoder.h"
#include "engine/audio/resampler.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <sndfile.h>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("taglane::engine::AudioStream", text);
}

// The block AudioDecoder::decode() reads too; soxr's output does not depend
// on how its input is cut, but keeping the same cut makes that moot.
constexpr sf_count_t kBlockFrames = 1 << 15;

} // namespace

struct AudioStream::Private
{
    SNDFILE *file = nullptr;
    std::unique_ptr<Resampler> resampler;
    std::vector<float> interleaved;
    std::vector<float> mono;
    QString name;   ///< the file name, for messages

    ~Private()
    {
        if (file)
            sf_close(file);
    }
};

AudioStream::AudioStream()
    : d(std::make_unique<Private>())
{
}

AudioStream::~AudioStream() = default;

Result<std::unique_ptr<AudioStream>> AudioStream::open(const QString &path, int analysisRate)
{
    using R = Result<std::unique_ptr<AudioStream>>;
    // probe() opens the file the way decode() does and words its failures.
    auto info = AudioDecoder::probe(path);
    if (!info)
        return R::failure(info.error());

    std::unique_ptr<AudioStream> stream(new AudioStream());
    Private &p = *stream->d;
    p.name = QFileInfo(path).fileName();
    SF_INFO sfinfo{};
    p.file = sf_open(QFile::encodeName(path).constData(), SFM_READ, &sfinfo);
    if (!p.file)
        return R::failure(tr("%1: cannot open as audio: %2").arg(p.name, QString::fromUtf8(sf_strerror(nullptr))));
    if (sfinfo.channels <= 0 || sfinfo.samplerate <= 0)
        return R::failure(tr("%1: invalid header (%2 channels, %3 Hz)")
                              .arg(p.name).arg(sfinfo.channels).arg(sfinfo.samplerate));
    // Float data is read as it is stored; integer data is scaled to [-1, 1).
    sf_command(p.file, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);

    stream->m_info = info.value();
    stream->m_outRate = analysisRate > 0 ? analysisRate : sfinfo.samplerate;
    try {
        p.resampler = std::make_unique<Resampler>(sfinfo.samplerate, stream->m_outRate);
    } catch (const std::exception &e) {
        return R::failure(tr("%1: %2").arg(p.name, QString::fromUtf8(e.what())));
    }
    p.interleaved.resize(size_t(kBlockFrames) * size_t(sfinfo.channels));
    p.mono.resize(size_t(kBlockFrames));
    return R(std::move(stream));
}

qint64 AudioStream::expectedSamples() const
{
    const qint64 frames = m_info.frames;
    if (frames <= 0 || frames >= (qint64(1) << 40) || m_info.sampleRate <= 0)
        return -1;
    if (m_info.sampleRate == m_outRate)
        return frames;
    return qint64(std::llround(double(frames) * m_outRate / m_info.sampleRate));
}

double AudioStream::fraction() const
{
    if (m_atEnd)
        return 1.0;
    if (m_info.frames <= 0)
        return 0.0;
    return std::clamp(double(m_framesRead) / double(m_info.frames), 0.0, 1.0);
}

Result<bool> AudioStream::read(std::vector<float> &out)
{
    if (m_atEnd)
        return false;
    const size_t before = out.size();
    const int channels = m_info.channels;
    const sf_count_t got = sf_readf_float(d->file, d->interleaved.data(), kBlockFrames);
    if (got <= 0) {
        if (m_framesRead == 0) {
            const int error = sf_error(d->file);
            if (error != SF_ERR_NO_ERROR)
                return Result<bool>::failure(tr("%1: no audio could be decoded: %2")
                                                 .arg(d->name, QString::fromUtf8(sf_error_number(error))));
            return Result<bool>::failure(tr("%1: the file holds no audio (zero length)").arg(d->name));
        }
        d->resampler->flush(out);
        m_atEnd = true;
        m_position += qint64(out.size() - before);
        return false;
    }
    // Equal-power downmix, as AudioDecoder::decode(): (L + R) / sqrt(2) for stereo.
    const float scale = 1.0f / std::sqrt(float(channels));
    for (sf_count_t i = 0; i < got; ++i) {
        float sum = 0.0f;
        const float *frame = d->interleaved.data() + size_t(i) * size_t(channels);
        for (int c = 0; c < channels; ++c)
            sum += frame[c];
        if (!std::isfinite(sum)) {
            return Result<bool>::failure(tr("%1: corrupt audio data: a sample is NaN or infinite (at %2 s)")
                                             .arg(d->name)
                                             .arg(double(m_framesRead + i) / m_info.sampleRate, 0, 'f', 3));
        }
        d->mono[size_t(i)] = sum * scale;
    }
    d->resampler->process(d->mono.data(), size_t(got), out);
    m_framesRead += got;
    m_position += qint64(out.size() - before);
    return true;
}

} // namespace taglane::engine
