// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/jobs/inferencerunner.h"

#include "engine/audio/audiodecoder.h"
#include "engine/audio/resampler.h"
#include "engine/model/tagger.h"
#include "engine/segment/novelty.h"
#include "engine/segment/segmentmapper.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("InferenceRunner", text);
}

bool isCancelled(const std::atomic_bool *flag)
{
    return flag && flag->load(std::memory_order_relaxed);
}

QString trackName(const InferenceRequest &request)
{
    return request.audioPath.isEmpty() ? tr("the track") : request.audioPath;
}

} // namespace

bool InferenceRunner::usesSixteenChunkSummary(const QString &architecture)
{
    const QString a = architecture.toLower();
    return a == QLatin1String("fcn") || a == QLatin1String("crnn");
}

Result<AudioBuffer> InferenceRunner::prepareAudio(const InferenceRequest &request, int sampleRate,
                                                  const ProgressSink &progress)
{
    if (!request.audio.isEmpty()) {
        if (request.audio.sampleRate() <= 0)
            return Result<AudioBuffer>::failure(tr("%1 has no valid sample rate.").arg(trackName(request)));
        if (request.audio.sampleRate() == sampleRate)
            return request.audio;
        return AudioBuffer(Resampler::resample(request.audio.samples(), request.audio.sampleRate(), sampleRate),
                           sampleRate);
    }
    if (request.audioPath.isEmpty())
        return Result<AudioBuffer>::failure(tr("The job names no audio file and holds no audio."));
    DecodeOptions options;
    options.analysisRate = sampleRate;
    auto decoded = AudioDecoder::decode(request.audioPath, options, progress);
    if (!decoded)
        return Result<AudioBuffer>::failure(decoded.error());
    return decoded->mono;
}

InferencePlan InferenceRunner::layOut(const Tagger &tagger, const InferenceRequest &request, qint64 totalSamples)
{
    const SegmentationSettings &seg = request.segmentation;
    const ModelManifest &manifest = tagger.manifest();
    InferencePlan plan;
    plan.trackPath = request.audioPath;
    plan.durationSeconds = tagger.sampleRate() > 0 ? double(totalSamples) / tagger.sampleRate() : 0.0;
    plan.tags = manifest.tags;
    plan.grid = ChunkGrid::covering(totalSamples, tagger.chunkSamples(), tagger.sampleRate(), seg.minTailSeconds);
    // Novelty needs the audio: run() replaces these chunk segments once decoded.
    plan.segments = seg.mode == SegmentationSettings::Mode::Fixed
                        ? Segmentation::fixedWindows(plan.durationSeconds, seg.windowSeconds, seg.minSeconds)
                        : Segmentation::fromChunkGrid(plan.grid);
    plan.device = tagger.deviceDescription();
    plan.onCuda = tagger.onCuda();
    plan.modelName = manifest.name;
    plan.modelVersion = manifest.version;
    plan.architecture = manifest.architecture;
    plan.padded = plan.grid.isPadded();
    return plan;
}

Status InferenceRunner::checkFinite(const InferenceResult &result)
{
    const InferencePlan &plan = result.plan;
    const auto finite = [](const std::vector<float> &row) {
        return std::all_of(row.begin(), row.end(), [](float v) { return std::isfinite(v); });
    };
    const QString track = plan.trackPath.isEmpty() ? tr("the track") : plan.trackPath;
    const QString model = tr("%1 (version %2)").arg(plan.modelName, plan.modelVersion);
    for (size_t i = 0; i < result.chunkRows.size(); ++i) {
        if (finite(result.chunkRows[i]))
            continue;
        const double at = int(i) < plan.grid.size() ? plan.grid.seconds(plan.grid.at(int(i)).start) : 0.0;
        return Status::failure(tr("The model %1 gave NaN or infinite probabilities for %2 (the chunk at %3 s).")
                                   .arg(model, track)
                                   .arg(at, 0, 'f', 2));
    }
    if (!finite(result.song) || !std::all_of(result.segmentRows.begin(), result.segmentRows.end(), finite))
        return Status::failure(tr("The model %1 gave NaN or infinite probabilities for %2.").arg(model, track));
    return {};
}

Result<InferenceResult> InferenceRunner::run(Tagger &tagger, const InferenceRequest &request,
                                             const Callbacks &callbacks)
{
    QElapsedTimer total;
    total.start();
    const auto report = [&](double fraction, int first, const ProbabilityRows &rows) {
        if (callbacks.onProgress)
            callbacks.onProgress(std::clamp(fraction, 0.0, 1.0), first, rows);
    };
    const double decodeShare = request.audio.isEmpty() ? 0.15 : 0.0;

    InferenceResult result;
    const ModelManifest &manifest = tagger.manifest();

    // 1. Audio at the model's rate.
    QElapsedTimer step;
    step.start();
    ProgressSink sink;
    sink.cancel = callbacks.cancel;
    sink.report = [&](double f) { report(decodeShare * f, 0, {}); };
    auto audio = prepareAudio(request, tagger.sampleRate(), sink);
    if (!audio)
        return Result<InferenceResult>::failure(audio.error());
    if (audio->isEmpty())
        return Result<InferenceResult>::failure(tr("%1 holds no audio.").arg(trackName(request)));
    result.decodeSeconds = step.nsecsElapsed() / 1e9;
    if (isCancelled(callbacks.cancel))
        return Result<InferenceResult>::failure(tr("Cancelled."));

    // 2. Layout.
    InferencePlan &plan = result.plan;
    plan = layOut(tagger, request, audio->size());
    if (request.segmentation.mode == SegmentationSettings::Mode::Novelty) {
        auto novelty = noveltySegmentation(audio.value());
        if (!novelty)
            return Result<InferenceResult>::failure(tr("Cannot find novelty segments in %1: %2")
                                                        .arg(trackName(request), novelty.error()));
        if (!novelty->segments.isEmpty())
            plan.segments = novelty->segments;
    }
    if (callbacks.onPlan)
        callbacks.onPlan(plan);

    const bool sixteen = usesSixteenChunkSummary(manifest.architecture);
    const ChunkGrid summaryGrid = sixteen ? ChunkGrid::evaluationProtocol(audio->size(), tagger.chunkSamples(),
                                                                          tagger.sampleRate())
                                          : ChunkGrid();
    const double totalChunks = double(plan.grid.size() + summaryGrid.size());
    const int batch = std::max(1, request.batchSize);

    // 3. Chunk predictions, reported batch by batch.
    step.restart();
    auto rows = tagger.predict(audio.value(), plan.grid.starts(), batch,
                               [&](int first, const ProbabilityRows &batchRows) {
                                   if (isCancelled(callbacks.cancel))
                                       return false;
                                   const double done = double(first) + double(batchRows.size());
                                   report(decodeShare + (1.0 - decodeShare) * done / totalChunks, first, batchRows);
                                   return !isCancelled(callbacks.cancel);
                               });
    if (isCancelled(callbacks.cancel))
        return Result<InferenceResult>::failure(tr("Cancelled."));
    if (!rows)
        return Result<InferenceResult>::failure(rows.error());
    if (int(rows->size()) != plan.grid.size())
        return Result<InferenceResult>::failure(
            tr("The model returned %1 rows for %2 chunks of %3.").arg(rows->size()).arg(plan.grid.size())
                .arg(trackName(request)));
    result.chunkRows = std::move(rows.value());

    // 4. Song-level summary.
    if (sixteen) {
        const double before = double(plan.grid.size());
        auto summaryRows = tagger.predict(audio.value(), summaryGrid.starts(), batch,
                                          [&](int first, const ProbabilityRows &batchRows) {
                                              const double done = before + first + double(batchRows.size());
                                              report(decodeShare + (1.0 - decodeShare) * done / totalChunks,
                                                     plan.grid.size(), {});
                                              return !isCancelled(callbacks.cancel);
                                          });
        if (isCancelled(callbacks.cancel))
            return Result<InferenceResult>::failure(tr("Cancelled."));
        if (!summaryRows)
            return Result<InferenceResult>::failure(summaryRows.error());
        result.song = SegmentMapper::mean(summaryRows.value());
        result.summaryMethod = InferenceResult::SummaryMethod::SixteenChunks;
    } else {
        result.song = SegmentMapper::mean(result.chunkRows);
        result.summaryMethod = InferenceResult::SummaryMethod::MeanOfChunks;
    }
    result.inferenceSeconds = step.nsecsElapsed() / 1e9;

    // 5. Segments.
    result.segmentRows = SegmentMapper::mapToSegments(plan.grid, result.chunkRows, plan.segments);
    result.totalSeconds = total.nsecsElapsed() / 1e9;
    return result;
}

} // namespace taglane::engine
