// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/batchtagger.h"

#include "engine/jobs/inferencerunner.h"
#include "engine/library/storequery.h"
#include "engine/segment/segmentmapper.h"
#include "engine/store/annotationstore.h"
#include "engine/store/contenthash.h"
#include "engine/store/storesql_p.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSet>
#include <QSqlQuery>

#include <future>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("BatchTagger", text);
}

/// A decoded track, or why it is skipped or failed.
struct Prepared
{
    BatchTrackResult::Outcome outcome = BatchTrackResult::Outcome::Tagged;
    QString error;
    AudioBuffer audio;
};

/// Runs on the prefetch thread: checks that the file still holds the
/// track's content, then decodes it at the model's rate.
Prepared prepare(const TrackRecord &track, int sampleRate)
{
    Prepared p;
    if (!QFileInfo(track.path).isFile()) {
        p.outcome = BatchTrackResult::Outcome::Skipped;
        p.error = tr("the file is missing (run library relink if it moved)");
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
        p.error = tr("the file holds other content now (run library add to add it as a new track)");
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

BatchTagger::BatchTagger(AnnotationStore &store, Tagger &tagger, Options options)
    : m_store(store), m_tagger(tagger), m_options(std::move(options))
{
}

Result<QVector<TrackRecord>> BatchTagger::untaggedTracks(const QVector<qint64> &only) const
{
    using R = Result<QVector<TrackRecord>>;
    auto connection = StoreQuery::open(m_store.path());
    if (!connection)
        return R::failure(connection.error());
    QSqlQuery q(connection.value()->db());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT t.id FROM tracks t WHERE NOT EXISTS (SELECT 1 FROM prediction_runs r"
                             " JOIN model_versions m ON m.id = r.model_version_id"
                             " WHERE r.track_id = t.id AND m.version = ?) ORDER BY t.path, t.id"));
    q.addBindValue(m_tagger.manifest().version);
    QString error;
    if (!storesql::run(q, &error))
        return R::failure(tr("Cannot read the library of %1: %2").arg(m_store.path(), error));
    const QSet<qint64> wanted(only.begin(), only.end());
    QVector<qint64> ids;
    while (q.next()) {
        const qint64 id = q.value(0).toLongLong();
        if (wanted.isEmpty() || wanted.contains(id))
            ids << id;
    }
    QVector<TrackRecord> tracks;
    for (const qint64 id : std::as_const(ids)) {
        if (const auto t = m_store.track(id))
            tracks << *t;
    }
    return tracks;
}

Status BatchTagger::run(const QVector<TrackRecord> &tracks,
                        const std::function<void(int, const BatchTrackResult &)> &onTrack,
                        const std::atomic_bool *cancel)
{
    const ModelManifest &manifest = m_tagger.manifest();
    const Result<qint64> model = m_store.registerModelVersion(manifest);
    if (!model)
        return Status::failure(model.error());
    const QVector<qint64> tagIds = m_store.tagIds(manifest.tags.names(), true);
    if (tagIds.contains(0))
        return Status::failure(tr("The annotation store %1 cannot take the tags of %2.").arg(m_store.path(), manifest.name));
    const QString origin = tr("%1 (%2), %3").arg(manifest.name, manifest.version, m_options.segmentation.toString());
    const int rate = m_tagger.sampleRate();

    const auto startPrefetch = [&](int index) {
        const TrackRecord track = tracks.at(index);
        return std::async(std::launch::async, [track, rate]() { return prepare(track, rate); });
    };
    std::future<Prepared> next;
    if (!tracks.isEmpty())
        next = startPrefetch(0);

    for (int i = 0; i < tracks.size(); ++i) {
        Prepared prepared = next.get();
        if (cancel && cancel->load())
            return {};
        if (i + 1 < tracks.size())
            next = startPrefetch(i + 1);   // decodes while the model runs on this one

        QElapsedTimer clock;
        clock.start();
        BatchTrackResult result;
        result.track = tracks.at(i);
        result.outcome = prepared.outcome;
        result.error = prepared.error;
        if (prepared.outcome != BatchTrackResult::Outcome::Tagged) {
            onTrack(i, result);
            continue;
        }
        InferenceRequest request;
        request.audioPath = result.track.path;
        request.audio = std::move(prepared.audio);
        request.segmentation = m_options.segmentation;
        request.batchSize = m_options.batchSize;
        const Result<InferenceResult> inferred = InferenceRunner::run(m_tagger, request, {});
        if (!inferred) {
            result.outcome = BatchTrackResult::Outcome::Failed;
            result.error = inferred.error();
            onTrack(i, result);
            continue;
        }
        if (const Status finite = InferenceRunner::checkFinite(inferred.value()); !finite) {
            if (next.valid())
                next.wait();
            return finite;
        }
        const InferencePlan &plan = inferred->plan;
        result.audioSeconds = plan.durationSeconds;
        result.padded = plan.padded;

        // Keep the track's segments when it has some (verdicts live on them).
        const Result<LabelGrid> current = m_store.labelGrid(result.track.id);
        Segmentation segments;
        ProbabilityRows rows;
        if (current && current->segmentationId != 0 && !current->segmentation.isEmpty()) {
            segments = current->segmentation;
            rows = SegmentMapper::mapToSegments(plan.grid, inferred->chunkRows, segments);
            result.keptSegments = true;
        } else {
            segments = plan.segments;
            rows = inferred->segmentRows;
        }

        const qint64 before = m_store.lastEditSeq();
        if (!m_store.beginAtomic()) {
            result.outcome = BatchTrackResult::Outcome::Failed;
            result.error = tr("The annotation store %1 is not writable.").arg(m_store.path());
            onTrack(i, result);
            continue;
        }
        QString error;
        if (!result.keptSegments) {
            const Result<Segmentation> saved =
                m_store.saveSegmentation(result.track.id, segments, sourceOf(m_options.segmentation), origin);
            if (saved)
                segments = saved.value();
            else
                error = saved.error();
        }
        if (error.isEmpty()) {
            PredictionBatch batch;
            batch.trackId = result.track.id;
            batch.modelVersion = manifest.version;
            batch.tagIds = tagIds;
            const int n = std::min(int(rows.size()), segments.size());
            for (int r = 0; r < n; ++r) {
                batch.segmentIds << segments.at(r).id;
                for (const float p : rows[size_t(r)])
                    batch.probabilities << p;
            }
            if (batch.probabilities.size() != batch.segmentIds.size() * batch.tagIds.size())
                error = tr("The model gave %1 values per segment for %2 tags.").arg(rows.empty() ? 0 : rows.front().size())
                            .arg(tagIds.size());
            else if (const Result<qint64> stored = m_store.storePredictions(batch); !stored)
                error = stored.error();
            result.segments = n;
        }
        m_store.endAtomic(error.isEmpty());
        const Status saved = m_store.waitForSaved(before, m_store.lastEditSeq());
        if (error.isEmpty() && !saved)
            error = saved.error();
        if (!error.isEmpty()) {
            result.outcome = BatchTrackResult::Outcome::Failed;
            result.error = error;
        }
        result.seconds = clock.nsecsElapsed() / 1e9;
        onTrack(i, result);
    }
    return {};
}

} // namespace taglane::engine
