// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/jobs/chunkedinferencerunner.h"

#include "engine/audio/audiostream.h"
#include "engine/model/tagger.h"
#include "engine/segment/segmentmapper.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("InferenceRunner", text);
}

/// The chunks of the 16-chunk song summary (FCN, CRNN), gathered as the
/// stream goes past them: chunk i is stored at [i * c, (i + 1) * c) of
/// `samples`, zero where the track ends first.
struct SummaryChunks
{
    SummaryChunks(std::vector<qint64> chunkStarts, qint64 chunk)
        : starts(std::move(chunkStarts))
        , chunkSamples(chunk)
        , samples(starts.size() * size_t(chunk), 0.0f)
    {
    }

    /// Copies what the samples [from, from + count) of the track hold of each chunk.
    void take(const float *data, qint64 from, qint64 count)
    {
        for (size_t i = 0; i < starts.size(); ++i) {
            const qint64 lo = std::max(from, starts[i]);
            const qint64 hi = std::min(from + count, starts[i] + chunkSamples);
            if (hi > lo)
                std::copy(data + (lo - from), data + (hi - from),
                          samples.begin() + qint64(i) * chunkSamples + (lo - starts[i]));
        }
    }
    /// The last sample any chunk needs, plus one.
    qint64 end() const { return starts.empty() ? 0 : starts.back() + chunkSamples; }

    std::vector<qint64> starts;
    qint64 chunkSamples;
    std::vector<float> samples;
};

std::vector<qint64> summaryStarts(qint64 totalSamples, const Tagger &tagger)
{
    if (totalSamples <= 0)
        return {};
    return ChunkGrid::evaluationProtocol(totalSamples, tagger.chunkSamples(), tagger.sampleRate()).starts();
}

/// One run: the decoded window, the rows so far and the bookkeeping.
class ChunkedJob
{
public:
    ChunkedJob(Tagger &tagger, const InferenceRequest &request, const InferenceRunner::Callbacks &callbacks,
               qint64 perWindow)
        : m_tagger(tagger)
        , m_request(request)
        , m_callbacks(callbacks)
        , m_chunk(tagger.chunkSamples())
        , m_rate(tagger.sampleRate())
        , m_batch(std::max(1, request.batchSize))
        , m_perWindow(perWindow)
        , m_sixteen(InferenceRunner::usesSixteenChunkSummary(tagger.manifest().architecture))
    {
    }

    Result<InferenceResult> run();

private:
    using Failure = Result<InferenceResult>;

    bool cancelled() const { return m_callbacks.cancel && m_callbacks.cancel->load(std::memory_order_relaxed); }
    void report(double fraction, int first, const ProbabilityRows &rows) const
    {
        if (m_callbacks.onProgress)
            m_callbacks.onProgress(std::clamp(fraction, 0.0, 1.0), first, rows);
    }
    QString trackName() const { return m_request.audioPath; }
    /// Decodes the next block into the window; false at the end of the file.
    Result<bool> readBlock(AudioStream &stream);
    /// Predicts the chunks at `starts` (samples of the track, all inside the
    /// window) and appends their rows, reporting them batch by batch as
    /// chunks from index `firstIndex` of the grid (-1: report none).
    Status predictFromWindow(const std::vector<qint64> &starts, int firstIndex, double fraction);
    /// Forgets the window's samples before `sample`, handing them to the
    /// summary chunks first.
    void dropBefore(qint64 sample);
    /// A second pass over the file for the summary chunks, when the track's
    /// length differs from what the header promised.
    Status gatherSummaryAgain(const std::vector<qint64> &starts);

    Tagger &m_tagger;
    const InferenceRequest &m_request;
    const InferenceRunner::Callbacks &m_callbacks;
    const qint64 m_chunk;
    const int m_rate;
    const int m_batch;
    const qint64 m_perWindow;
    const bool m_sixteen;

    std::vector<float> m_window;     ///< samples [m_windowStart, m_windowStart + size) of the track
    qint64 m_windowStart = 0;
    ProbabilityRows m_rows;           ///< chunk rows, in grid order
    std::unique_ptr<SummaryChunks> m_summary;
    double m_decodeSeconds = 0.0;
    double m_inferenceSeconds = 0.0;
};

Result<bool> ChunkedJob::readBlock(AudioStream &stream)
{
    QElapsedTimer clock;
    clock.start();
    auto more = stream.read(m_window);
    m_decodeSeconds += clock.nsecsElapsed() / 1e9;
    return more;
}

Status ChunkedJob::predictFromWindow(const std::vector<qint64> &starts, int firstIndex, double fraction)
{
    if (starts.empty())
        return {};
    QElapsedTimer clock;
    clock.start();
    const qint64 windowEnd = m_windowStart + qint64(m_window.size());
    const qint64 from = *std::min_element(starts.begin(), starts.end());
    const qint64 to = std::min(windowEnd, *std::max_element(starts.begin(), starts.end()) + m_chunk);
    Q_ASSERT(from >= m_windowStart && to >= from);
    // The model reads [start, start + chunk), zero past the end of the buffer:
    // the same samples as from the whole track, the end of which lies there too.
    AudioBuffer slice(std::vector<float>(m_window.begin() + (from - m_windowStart),
                                         m_window.begin() + (to - m_windowStart)),
                      m_rate);
    std::vector<qint64> local(starts.size());
    std::transform(starts.begin(), starts.end(), local.begin(), [from](qint64 s) { return s - from; });
    auto rows = m_tagger.predict(slice, local, m_batch, [&](int first, const ProbabilityRows &batchRows) {
        if (cancelled())
            return false;
        if (firstIndex >= 0)
            report(fraction, firstIndex + first, batchRows);
        return !cancelled();
    });
    m_inferenceSeconds += clock.nsecsElapsed() / 1e9;
    if (cancelled())
        return Status::failure(tr("Cancelled."));
    if (!rows)
        return Status::failure(rows.error());
    if (rows->size() != starts.size())
        return Status::failure(tr("The model returned %1 rows for %2 chunks of %3.")
                                   .arg(rows->size()).arg(starts.size()).arg(trackName()));
    m_rows.insert(m_rows.end(), std::make_move_iterator(rows->begin()), std::make_move_iterator(rows->end()));
    return {};
}

void ChunkedJob::dropBefore(qint64 sample)
{
    const qint64 count = std::min<qint64>(sample - m_windowStart, qint64(m_window.size()));
    if (count <= 0)
        return;
    if (m_summary)
        m_summary->take(m_window.data(), m_windowStart, count);
    m_window.erase(m_window.begin(), m_window.begin() + count);
    m_windowStart += count;
}

Status ChunkedJob::gatherSummaryAgain(const std::vector<qint64> &starts)
{
    auto opened = AudioStream::open(m_request.audioPath, m_rate);
    if (!opened)
        return Status::failure(opened.error());
    m_summary = std::make_unique<SummaryChunks>(starts, m_chunk);
    std::vector<float> block;
    bool more = true;
    while (more && opened.value()->position() < m_summary->end()) {
        if (cancelled())
            return Status::failure(tr("Cancelled."));
        const qint64 at = opened.value()->position();
        block.clear();
        QElapsedTimer clock;
        clock.start();
        auto read = opened.value()->read(block);
        m_decodeSeconds += clock.nsecsElapsed() / 1e9;
        if (!read)
            return Status::failure(read.error());
        more = read.value();
        m_summary->take(block.data(), at, qint64(block.size()));
    }
    return {};
}

Result<InferenceResult> ChunkedJob::run()
{
    QElapsedTimer total;
    total.start();
    auto opened = AudioStream::open(m_request.audioPath, m_rate);
    if (!opened)
        return Failure::failure(opened.error());
    AudioStream &stream = *opened.value();

    // The summary chunks for the length the header promises; checked at the end.
    if (m_sixteen)
        m_summary = std::make_unique<SummaryChunks>(summaryStarts(stream.expectedSamples(), m_tagger), m_chunk);
    // Progress: decoding the file is the job, less a share for the summary at the end.
    const double streamShare = m_sixteen ? 0.9 : 0.98;

    // 1. The whole chunks, a window at a time. Windows are whole batches, so
    //    the batches are those of the whole-file path.
    qint64 nextChunk = 0;   // first chunk not yet predicted
    for (bool more = true; more;) {
        if (cancelled())
            return Failure::failure(tr("Cancelled."));
        auto read = readBlock(stream);
        if (!read)
            return Failure::failure(read.error());
        more = read.value();
        const qint64 windowEnd = m_windowStart + qint64(m_window.size());
        while (windowEnd / m_chunk - nextChunk >= m_perWindow) {
            std::vector<qint64> starts(static_cast<size_t>(m_perWindow));
            for (qint64 k = 0; k < m_perWindow; ++k)
                starts[size_t(k)] = (nextChunk + k) * m_chunk;
            const Status predicted = predictFromWindow(starts, int(nextChunk), streamShare * stream.fraction());
            if (!predicted)
                return Failure::failure(predicted.error());
            nextChunk += m_perWindow;
            // Keep the last chunk's worth: the tail chunk ends at the track's end.
            dropBefore(std::min(nextChunk * m_chunk, windowEnd - m_chunk));
        }
        if (more)
            report(streamShare * stream.fraction(), int(nextChunk), {});
    }
    const qint64 totalSamples = stream.position();
    if (totalSamples <= 0)
        return Failure::failure(tr("%1 holds no audio.").arg(trackName()));

    // 2. The layout, now that the length is known, and the rest of the grid.
    InferenceResult result;
    result.plan = InferenceRunner::layOut(m_tagger, m_request, totalSamples);
    const InferencePlan &plan = result.plan;
    if (m_callbacks.onPlan)
        m_callbacks.onPlan(plan);
    std::vector<qint64> rest;
    for (int i = int(nextChunk); i < plan.grid.size(); ++i)
        rest.push_back(plan.grid.at(i).start);
    const Status predicted = predictFromWindow(rest, int(nextChunk), streamShare);
    if (!predicted)
        return Failure::failure(predicted.error());
    if (int(m_rows.size()) != plan.grid.size())
        return Failure::failure(tr("The model returned %1 rows for %2 chunks of %3.")
                                    .arg(m_rows.size()).arg(plan.grid.size()).arg(trackName()));
    result.chunkRows = std::move(m_rows);

    // 3. Song-level summary.
    if (m_sixteen) {
        const std::vector<qint64> starts = summaryStarts(totalSamples, m_tagger);
        if (starts == m_summary->starts) {
            dropBefore(m_windowStart + qint64(m_window.size()));
        } else {
            const Status gathered = gatherSummaryAgain(starts);
            if (!gathered)
                return Failure::failure(gathered.error());
        }
        m_window = std::move(m_summary->samples);
        m_windowStart = 0;
        std::vector<qint64> packed(starts.size());
        for (size_t i = 0; i < packed.size(); ++i)
            packed[i] = qint64(i) * m_chunk;
        m_rows.clear();
        const Status summarised = predictFromWindow(packed, -1, 1.0);
        if (!summarised)
            return Failure::failure(summarised.error());
        result.song = SegmentMapper::mean(m_rows);
        result.summaryMethod = InferenceResult::SummaryMethod::SixteenChunks;
    } else {
        result.song = SegmentMapper::mean(result.chunkRows);
        result.summaryMethod = InferenceResult::SummaryMethod::MeanOfChunks;
    }
    report(1.0, plan.grid.size(), {});

    // 4. Segments.
    result.segmentRows = SegmentMapper::mapToSegments(plan.grid, result.chunkRows, plan.segments);
    result.decodeSeconds = m_decodeSeconds;
    result.inferenceSeconds = m_inferenceSeconds;
    result.totalSeconds = total.nsecsElapsed() / 1e9;
    return result;
}

} // namespace

qint64 ChunkedInferenceRunner::windowChunks(qint64 chunkSamples, int sampleRate, int batchSize, double windowSeconds)
{
    const qint64 batch = std::max(1, batchSize);
    if (chunkSamples <= 0 || sampleRate <= 0 || !(windowSeconds > 0.0))
        return batch;
    const double chunks = std::floor(std::min(windowSeconds, 1e7) * sampleRate / double(chunkSamples));
    return std::max(batch, qint64(chunks) / batch * batch);
}

Result<InferenceResult> ChunkedInferenceRunner::run(Tagger &tagger, const InferenceRequest &request,
                                                    const InferenceRunner::Callbacks &callbacks,
                                                    const Options &options)
{
    // Novelty boundaries need the whole track at once.
    if (!request.audio.isEmpty() || request.segmentation.mode == SegmentationSettings::Mode::Novelty)
        return InferenceRunner::run(tagger, request, callbacks);
    if (request.audioPath.isEmpty())
        return Result<InferenceResult>::failure(tr("The job names no audio file and holds no audio."));
    const qint64 perWindow =
        windowChunks(tagger.chunkSamples(), tagger.sampleRate(), request.batchSize, options.windowSeconds);
    ChunkedJob job(tagger, request, callbacks, perWindow);
    return job.run();
}

} // namespace taglane::engine
