// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/batchtagger.h"

#include "engine/jobs/inferencerunner.h"
#include "engine/library/librarytagsteps.h"
#include "engine/library/storequery.h"
#include "engine/store/annotationstore.h"
#include "engine/store/storesql_p.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSet>
#include <QSqlQuery>

#include <future>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("BatchTagger", text);
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
    const int rate = m_tagger.sampleRate();

    const auto startPrefetch = [&](int index) {
        const TrackRecord track = tracks.at(index);
        return std::async(std::launch::async, [track, rate]() { return LibraryTagSteps::prepare(track, rate); });
    };
    std::future<PreparedLibraryTrack> next;
    if (!tracks.isEmpty())
        next = startPrefetch(0);

    for (int i = 0; i < tracks.size(); ++i) {
        PreparedLibraryTrack prepared = next.get();
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

        // The same save as the GUI's Tag Library (the track's segments kept
        // when it has some), then wait until it is durable.
        const Result<QueuedLibraryTrack> queued =
            LibraryTagSteps::save(m_store, manifest, m_options.segmentation, result.track, inferred.value());
        QString error;
        if (queued) {
            result.segments = queued->segments;
            result.keptSegments = queued->keptSegments;
            if (const Status saved = m_store.waitForSaved(queued->afterSeq, queued->upToSeq); !saved)
                error = saved.error();
        } else {
            error = queued.error();
        }
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
