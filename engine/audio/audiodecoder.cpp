// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/audio/audiodecoder.h"

#include "engine/audio/resampler.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <sndfile.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("taglane::engine::AudioDecoder", text);
}

struct SndFileCloser
{
    void operator()(SNDFILE *file) const { sf_close(file); }
};
using SndFilePtr = std::unique_ptr<SNDFILE, SndFileCloser>;

QString formatName(int format, int mask)
{
    const int command = mask == SF_FORMAT_TYPEMASK ? SFC_GET_FORMAT_MAJOR : SFC_GET_FORMAT_SUBTYPE;
    // libsndfile looks the format up by index, so walk the table.
    int count = 0;
    sf_command(nullptr, mask == SF_FORMAT_TYPEMASK ? SFC_GET_FORMAT_MAJOR_COUNT : SFC_GET_FORMAT_SUBTYPE_COUNT,
               &count, sizeof(int));
    for (int i = 0; i < count; ++i) {
        SF_FORMAT_INFO entry{};
        entry.format = i;
        if (sf_command(nullptr, command, &entry, sizeof(entry)) == 0 && (entry.format & mask) == (format & mask))
            return QString::fromUtf8(entry.name);
    }
    return QStringLiteral("0x%1").arg(format & mask, 0, 16);
}

// libsndfile's MP3 reader (mpg123) prints notes such as "Note: Illegal
// Audio-MPEG-Header ... Trying to resync" straight to stderr, e.g. when any
// file named .mp3 is not MP3 audio. While a libsndfile call runs, fd 2 goes
// to a temporary file; afterwards the decoder's lines are handed back to the
// caller (to become warnings or be dropped) and any other line, printed by
// another thread meanwhile, goes on to the real stderr. One capture at a time.
class StderrCapture
{
public:
    StderrCapture() = default;
    StderrCapture(const StderrCapture &) = delete;
    StderrCapture &operator=(const StderrCapture &) = delete;
    ~StderrCapture()
    {
        if (m_active)
            end();
        if (m_file)
            std::fclose(m_file);
    }

    void begin()
    {
#ifdef Q_OS_UNIX
        mutex().lock();
        std::fflush(stderr);
        if (!m_file)
            m_file = std::tmpfile();
        m_saved = m_file ? ::dup(2) : -1;
        if (m_saved >= 0 && ::dup2(::fileno(m_file), 2) < 0) {
            ::close(m_saved);
            m_saved = -1;
        }
        m_active = true;
#endif
    }

    void end()
    {
#ifdef Q_OS_UNIX
        if (!m_active)
            return;
        m_active = false;
        std::fflush(stderr);
        if (m_saved >= 0) {
            ::dup2(m_saved, 2);
            ::close(m_saved);
            m_saved = -1;
            collect();
        }
        mutex().unlock();
#endif
    }

    /// The decoder's own lines captured so far.
    const QStringList &libraryLines() const { return m_lines; }

private:
    static std::mutex &mutex()
    {
        static std::mutex m;
        return m;
    }

    static bool isDecoderLine(const QByteArray &line)
    {
        return line.startsWith("Note: ") || line.startsWith("Warning: ") || line.startsWith("Error: ")
               || line.startsWith("[src/libmpg123") || line.contains("mpg123");
    }

    void collect()
    {
        const long size = std::ftell(m_file);
        if (size <= 0)
            return;
        QByteArray text(int(size), '\0');
        std::rewind(m_file);
        const size_t got = std::fread(text.data(), 1, size_t(size), m_file);
        text.truncate(int(got));
        std::rewind(m_file);
        if (::ftruncate(::fileno(m_file), 0) != 0) {
            // Nothing to do: the next read starts at the rewound position anyway.
        }
        QByteArray other;
        for (const QByteArray &line : text.split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            if (isDecoderLine(line))
                m_lines << QString::fromLocal8Bit(line.trimmed());
            else
                other += line + '\n';
        }
        if (!other.isEmpty()) {
            std::fwrite(other.constData(), 1, size_t(other.size()), stderr);
            std::fflush(stderr);
        }
    }

    std::FILE *m_file = nullptr;
    int m_saved = -1;
    bool m_active = false;
    QStringList m_lines;
};

// What a WAV header says when libsndfile refuses it: a declared sample rate
// or channel count of 0 ("SF_INFO struct incomplete" otherwise). Empty when
// the file is not a RIFF WAVE file or its fmt chunk looks sane.
QString wavHeaderProblem(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray head = file.read(64 * 1024);
    if (head.size() < 12 || (!head.startsWith("RIFF") && !head.startsWith("RF64")) || head.mid(8, 4) != "WAVE")
        return {};
    auto u16 = [&](int at) { return quint32(quint8(head[at])) | quint32(quint8(head[at + 1])) << 8; };
    auto u32 = [&](int at) { return u16(at) | u16(at + 2) << 16; };
    int at = 12;
    while (at + 8 <= head.size()) {
        const QByteArray id = head.mid(at, 4);
        const quint32 size = u32(at + 4);
        if (id == "fmt ") {
            if (at + 16 > head.size() || size < 8)
                return tr("its WAV header has a truncated format chunk");
            const quint32 channels = u16(at + 10);
            const quint32 rate = u32(at + 12);
            if (rate == 0)
                return tr("its WAV header declares a sample rate of 0");
            if (channels == 0)
                return tr("its WAV header declares 0 channels");
            return {};
        }
        if (size > quint32(head.size()))
            break;
        at += 8 + int(size) + int(size & 1);
    }
    return {};
}

// Opens the file, turning every failure into a sentence that names the file.
// Lines the decoder printed while opening go to decoderLines.
Result<SndFilePtr> openFile(const QString &path, SF_INFO &sfinfo, QStringList *decoderLines = nullptr)
{
    const QFileInfo fi(path);
    const QString name = fi.fileName().isEmpty() ? path : fi.fileName();
    if (!fi.exists())
        return Result<SndFilePtr>::failure(tr("%1: file not found").arg(path));
    if (fi.isDir())
        return Result<SndFilePtr>::failure(tr("%1: is a folder, not an audio file").arg(path));
    if (!fi.isFile())
        return Result<SndFilePtr>::failure(
            tr("%1: not a regular file (a device, pipe or socket), so not an audio file").arg(path));
    if (!fi.isReadable())
        return Result<SndFilePtr>::failure(tr("%1: permission denied").arg(path));
    if (fi.size() == 0)
        return Result<SndFilePtr>::failure(tr("%1: the file is empty (0 bytes)").arg(name));

    sfinfo = SF_INFO{};
    StderrCapture capture;
    capture.begin();
    SndFilePtr file(sf_open(QFile::encodeName(path).constData(), SFM_READ, &sfinfo));
    const int code = file ? SF_ERR_NO_ERROR : sf_error(nullptr);
    const QString reason = file ? QString() : QString::fromUtf8(sf_strerror(nullptr));
    capture.end();
    if (decoderLines)
        *decoderLines = capture.libraryLines();
    if (!file) {
        if (const QString header = wavHeaderProblem(path); !header.isEmpty())
            return Result<SndFilePtr>::failure(tr("%1: cannot open as audio: %2").arg(name, header));
        // The file exists and is a regular, readable file (checked above), so
        // libsndfile's "does not exist or is not a regular file" and
        // "SF_INFO struct incomplete" mean that it found no audio it knows.
        const bool unknown = code == SF_ERR_UNRECOGNISED_FORMAT
                             || reason.contains(QLatin1String("not recognised"), Qt::CaseInsensitive)
                             || reason.contains(QLatin1String("unknown format"), Qt::CaseInsensitive)
                             || reason.contains(QLatin1String("not a regular file"), Qt::CaseInsensitive)
                             || reason.contains(QLatin1String("struct incomplete"), Qt::CaseInsensitive);
        if (unknown) {
            return Result<SndFilePtr>::failure(
                tr("%1: cannot open as audio: it is not an audio file libsndfile can read (not an audio format "
                   "Taglane reads: WAV, FLAC, Ogg Vorbis, Opus, MP3, AIFF)")
                    .arg(name));
        }
        return Result<SndFilePtr>::failure(tr("%1: cannot open as audio: %2").arg(name, reason));
    }
    if (sfinfo.channels <= 0 || sfinfo.samplerate <= 0)
        return Result<SndFilePtr>::failure(tr("%1: invalid header (%2 channels, %3 Hz)")
                                               .arg(name).arg(sfinfo.channels).arg(sfinfo.samplerate));
    return Result<SndFilePtr>(std::move(file));
}

AudioInfo makeInfo(const QString &path, const SF_INFO &sfinfo)
{
    AudioInfo info;
    info.path = path;
    info.sampleRate = sfinfo.samplerate;
    info.channels = sfinfo.channels;
    info.frames = sfinfo.frames;
    info.container = formatName(sfinfo.format, SF_FORMAT_TYPEMASK);
    info.encoding = formatName(sfinfo.format, SF_FORMAT_SUBMASK);
    return info;
}

} // namespace

Result<AudioInfo> AudioDecoder::probe(const QString &path)
{
    SF_INFO sfinfo{};
    auto file = openFile(path, sfinfo);
    if (!file)
        return Result<AudioInfo>::failure(file.error());
    return makeInfo(path, sfinfo);
}

Result<DecodedAudio> AudioDecoder::decode(const QString &path, const DecodeOptions &options,
                                          const ProgressSink &progress)
{
    SF_INFO sfinfo{};
    QStringList decoderLines;
    auto opened = openFile(path, sfinfo, &decoderLines);
    if (!opened)
        return Result<DecodedAudio>::failure(opened.error());
    SNDFILE *file = opened.value().get();
    // Only the MP3 reader prints; other formats are read without the capture.
    const bool mpeg = (sfinfo.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG;
    StderrCapture capture;
    const QString name = QFileInfo(path).fileName();

    DecodedAudio result;
    result.info = makeInfo(path, sfinfo);
    // Float data is read as it is stored; integer data is scaled to [-1, 1).
    sf_command(file, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);

    const int channels = sfinfo.channels;
    const int outRate = options.analysisRate > 0 ? options.analysisRate : sfinfo.samplerate;
    const bool knownLength = sfinfo.frames > 0 && sfinfo.frames < (qint64(1) << 40);
    std::unique_ptr<Resampler> resampler;
    try {
        resampler = std::make_unique<Resampler>(sfinfo.samplerate, outRate);
    } catch (const std::exception &e) {
        return Result<DecodedAudio>::failure(tr("%1: %2").arg(name, QString::fromUtf8(e.what())));
    }

    std::vector<float> mono;
    if (knownLength)
        mono.reserve(size_t(double(sfinfo.frames) * outRate / sfinfo.samplerate) + 4096);

    constexpr sf_count_t blockFrames = 1 << 15;
    std::vector<float> interleaved(size_t(blockFrames) * channels);
    std::vector<float> block(static_cast<size_t>(blockFrames));
    qint64 framesRead = 0;
    qint64 nonFinite = 0;
    qint64 firstNonFinite = -1;
    // Equal-power downmix: the channels are summed with gain 1/sqrt(N).
    // For stereo this is ffmpeg's float downmix, (L + R) / sqrt(2), which the
    // published models' reference pipeline used: a plain mean would feed the
    // models audio 3 dB quieter than they were evaluated on.
    const float scale = 1.0f / std::sqrt(float(channels));
    for (;;) {
        if (progress.cancelled())
            return Result<DecodedAudio>::failure(tr("%1: decoding cancelled").arg(name));
        if (mpeg)
            capture.begin();
        const sf_count_t got = sf_readf_float(file, interleaved.data(), blockFrames);
        if (mpeg)
            capture.end();
        if (got <= 0)
            break;
        for (sf_count_t i = 0; i < got; ++i) {
            float sum = 0.0f;
            const float *frame = interleaved.data() + size_t(i) * channels;
            for (int c = 0; c < channels; ++c)
                sum += frame[c];
            if (!std::isfinite(sum)) {
                if (firstNonFinite < 0)
                    firstNonFinite = framesRead + i;
                ++nonFinite;
                sum = 0.0f;
            }
            block[size_t(i)] = sum * scale;
        }
        resampler->process(block.data(), size_t(got), mono);
        framesRead += got;
        if (knownLength)
            progress(std::min(1.0, double(framesRead) / double(sfinfo.frames)));
    }
    const int decodeError = sf_error(file);
    resampler->flush(mono);

    if (nonFinite > 0)
        return Result<DecodedAudio>::failure(
            tr("%1: corrupt audio data: %2 samples are NaN or infinite (first at %3 s)")
                .arg(name)
                .arg(nonFinite)
                .arg(double(firstNonFinite) / sfinfo.samplerate, 0, 'f', 3));
    if (framesRead == 0) {
        if (decodeError != SF_ERR_NO_ERROR)
            return Result<DecodedAudio>::failure(
                tr("%1: no audio could be decoded: %2").arg(name, QString::fromUtf8(sf_error_number(decodeError))));
        return Result<DecodedAudio>::failure(tr("%1: the file holds no audio (zero length)").arg(name));
    }
    if (knownLength && framesRead < sfinfo.frames) {
        result.warnings << tr("%1: the file is truncated: its header promises %2 s but only %3 s could be read")
                               .arg(name)
                               .arg(double(sfinfo.frames) / sfinfo.samplerate, 0, 'f', 2)
                               .arg(double(framesRead) / sfinfo.samplerate, 0, 'f', 2);
    } else if (decodeError != SF_ERR_NO_ERROR) {
        result.warnings << tr("%1: decoding stopped early: %2")
                               .arg(name, QString::fromUtf8(sf_error_number(decodeError)));
    }
    decoderLines += capture.libraryLines();
    if (!decoderLines.isEmpty()) {
        result.warnings << tr("%1: the MP3 decoder reported damaged data (%2 messages, first: %3)")
                               .arg(name)
                               .arg(decoderLines.size())
                               .arg(decoderLines.first());
    }
    // A WAV whose data chunk was cut short still opens: libsndfile shortens
    // the frame count and notes the mismatch in its log; a cut Ogg stream
    // has an unknown length and a log line about the missing end of stream.
    char log[8192] = {};
    sf_command(file, SFC_GET_LOG_INFO, log, sizeof(log));
    const QByteArray logText(log);
    if (result.warnings.isEmpty()
        && (logText.contains("should be") || logText.contains("ended unexpectedly")
            || logText.contains("End-Of-Stream")))
        result.warnings << tr("%1: the file is truncated or its header is damaged; decoded what is there").arg(name);

    result.info.frames = framesRead;
    // No shrink_to_fit: it would copy the whole buffer; the reserve above
    // overshoots by at most a few thousand samples.
    result.mono = AudioBuffer(std::move(mono), outRate);
    progress(1.0);
    return result;
}

QStringList AudioDecoder::supportedSuffixes()
{
    return {QStringLiteral("wav"), QStringLiteral("flac"), QStringLiteral("ogg"), QStringLiteral("oga"),
            QStringLiteral("opus"), QStringLiteral("mp3"), QStringLiteral("aiff"), QStringLiteral("aif")};
}

} // namespace taglane::engine
