// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/jobs/inferenceplan.h"
#include "engine/jobs/inferenceprogress.h"
#include "engine/jobs/inferencerequest.h"
#include "engine/jobs/inferenceresult.h"
#include "engine/jobs/modelcache.h"

#include <QObject>

#include <atomic>
#include <deque>
#include <memory>

namespace taglane::engine {

/// Runs tagging jobs one after another on the thread it lives on (see
/// InferenceEngine, which owns that thread). Models stay loaded between
/// jobs (ModelCache). Reports through one throttled progress signal that
/// also carries the rows computed since the previous report, then exactly
/// one of finished(), failed() or cancelled() per job.
class InferenceWorker : public QObject
{
    Q_OBJECT

public:
    explicit InferenceWorker(QObject *parent = nullptr);
    ~InferenceWorker() override;

    /// Appends a job; it runs after the jobs before it. `cancel` may be
    /// raised from any thread: a queued job is then dropped, a running one
    /// stops at its next batch. Worker thread only (reach it through a
    /// queued call, as InferenceEngine does).
    void enqueue(qint64 jobId, const InferenceRequest &request, std::shared_ptr<std::atomic_bool> cancel);

    /// Smallest time between two progress signals of a job, in ms (default
    /// 50, i.e. at most 20 per second). Worker thread only.
    void setProgressInterval(int milliseconds) { m_progressIntervalMs = milliseconds; }

    /// Frees the loaded models. Worker thread only.
    void clearModelCache() { m_cache.clear(); }

Q_SIGNALS:
    /// The job's layout (tags, chunks, segments, device), before its first rows.
    void started(qint64 jobId, const taglane::engine::InferencePlan &plan);
    /// Throttled; carries new chunk and segment rows in order.
    void progress(const taglane::engine::InferenceProgress &progress);
    void finished(qint64 jobId, const taglane::engine::InferenceResult &result);
    void failed(qint64 jobId, const QString &message);
    void cancelled(qint64 jobId);

private:
    struct Job
    {
        qint64 id = 0;
        InferenceRequest request;
        std::shared_ptr<std::atomic_bool> cancel;
    };

    void scheduleNext();
    void runNext();
    void runJob(const Job &job);

    std::deque<Job> m_queue;
    bool m_scheduled = false;
    int m_progressIntervalMs = 50;
    ModelCache m_cache;
};

} // namespace taglane::engine
