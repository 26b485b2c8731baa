// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/librarytagsteps.h"

#include "engine/jobs/inferencerunner.h"
#include "engine/segment/segmentmapper.h"
#include "engine/store/annotationstore.h"
#include "engine/store/contenthash.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("LibraryTagSteps", text);
}

SegmentSource sourceOf(const SegmentationSettings &s)
{
    switch (s.mode) {
    case SegmentationSettings::Mode::Fixed: return SegmentSource::Fixed;
    case SegmentationSettings::Mode::Novelty: return SegmentSource::Novelty;
    case SegmentationSettings::Mode::Chunks: break;
    }
    return SegmentSource::ModelChunks;
}

} // namespace

PreparedLibraryTrack LibraryTagSteps::prepare(const TrackRecord &track, int sampleRate)
{
    PreparedLibraryTrack p;
    if (!QFileInfo(track.path).isFile()) {
        p.outcome = BatchTrackResult::Outcome::Skipped;
        p.error = tr("the file is missing (add its new folder to the library if it moved)");
        return p;
    }
    const Result<QString> hash = ContentHash::ofFile(track.path);
    if (!hash) {
        p.outcome = BatchTrackResult::Outcome::Failed;
        p.error = hash.error();
        return p;
    }
    if (hash.value() != track.contentHash) {
        p.outcome = BatchTrackResult::Outcome::Skipped;
        p.error = tr("the file holds other content now (add it to the library again as a new track)");
        return p;
    }
    InferenceRequest request;
    request.audioPath = track.path;
    Result<AudioBuffer> audio = InferenceRunner::prepareAudio(request, sampleRate);
    if (!audio) {
        p.outcome = BatchTrackResult::Outcome::Failed;
        p.error = audio.error();
        return p;
    }
    p.audio = std::move(audio).value();
    return p;
}

QString LibraryTagSteps::origin(const ModelManifest &manifest, const SegmentationSettings &segmentation)
{
    return tr("%1 (%2), %3").arg(manifest.name, manifest.version, segmentation.toString());
}

Result<QueuedLibraryTrack> LibraryTagSteps::save(AnnotationStore &store, const ModelManifest &manifest,
                                                 const SegmentationSettings &segmentation, const TrackRecord &track,
                                                 const InferenceResult &inferred)
{
    using R = Result<QueuedLibraryTrack>;
    if (const Status finite = InferenceRunner::checkFinite(inferred); !finite)
        return R::failure(finite.error());
    const Result<qint64> model = store.registerModelVersion(manifest);
    if (!model)
        return R::failure(model.error());
    const QVector<qint64> tagIds = store.tagIds(manifest.tags.names(), true);
    if (tagIds.isEmpty() || tagIds.contains(0))
        return R::failure(tr("The annotation store %1 cannot take the tags of %2.").arg(store.path(), manifest.name));

    // Keep the track's segments when it has some (verdicts live on them).
    QueuedLibraryTrack queued;
    const InferencePlan &plan = inferred.plan;
    const Result<LabelGrid> current = store.labelGrid(track.id);
    Segmentation segments;
    ProbabilityRows rows;
    if (current && current->segmentationId != 0 && !current->segmentation.isEmpty()) {
        segments = current->segmentation;
        rows = SegmentMapper::mapToSegments(plan.grid, inferred.chunkRows, segments);
        queued.keptSegments = true;
    } else {
        segments = plan.segments;
        rows = inferred.segmentRows;
    }
    const int n = std::min(int(rows.size()), segments.size());
    for (int r = 0; r < n; ++r) {
        if (rows[size_t(r)].size() != size_t(tagIds.size()))
            return R::failure(tr("The model gave %1 values per segment for %2 tags.").arg(rows[size_t(r)].size()).arg(tagIds.size()));
    }
    if (n == 0)
        return R::failure(tr("The model gave no segment of %1.").arg(track.path));

    queued.afterSeq = store.lastEditSeq();
    if (!store.beginAtomic())
        return R::failure(tr("The annotation store %1 is not writable.").arg(store.path()));
    QString error;
    if (!queued.keptSegments) {
        const Result<Segmentation> saved =
            store.saveSegmentation(track.id, segments, sourceOf(segmentation), origin(manifest, segmentation));
        if (saved)
            segments = saved.value();
        else
            error = saved.error();
    }
    if (error.isEmpty()) {
        PredictionBatch batch;
        batch.trackId = track.id;
        batch.modelVersion = manifest.version;
        batch.tagIds = tagIds;
        for (int r = 0; r < n; ++r) {
            batch.segmentIds << segments.at(r).id;
            for (const float p : rows[size_t(r)])
                batch.probabilities << p;
        }
        if (const Result<qint64> stored = store.storePredictions(batch); !stored)
            error = stored.error();
    }
    store.endAtomic(error.isEmpty());
    if (!error.isEmpty())
        return R::failure(error);
    queued.upToSeq = store.lastEditSeq();
    queued.segments = n;
    return queued;
}

} // namespace taglane::engine
