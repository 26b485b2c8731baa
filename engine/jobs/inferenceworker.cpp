// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/jobs/inferenceworker.h"

#include "engine/jobs/inferencerunner.h"
#include "engine/segment/segmentmapper.h"

#include <QCoreApplication>
#include <QElapsedTimer>

namespace taglane::engine {

InferenceWorker::InferenceWorker(QObject *parent)
    : QObject(parent)
{
}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::enqueue(qint64 jobId, const InferenceRequest &request, std::shared_ptr<std::atomic_bool> cancel)
{
    if (!cancel)
        cancel = std::make_shared<std::atomic_bool>(false);
    m_queue.push_back({jobId, request, std::move(cancel)});
    scheduleNext();
}

void InferenceWorker::scheduleNext()
{
    // One job per turn of the event loop, so queued calls (new jobs, cache
    // clearing, quit) get in between jobs.
    if (m_scheduled || m_queue.empty())
        return;
    m_scheduled = true;
    QMetaObject::invokeMethod(this, &InferenceWorker::runNext, Qt::QueuedConnection);
}

void InferenceWorker::runNext()
{
    m_scheduled = false;
    if (m_queue.empty())
        return;
    const Job job = std::move(m_queue.front());
    m_queue.pop_front();
    if (job.cancel->load())
        Q_EMIT cancelled(job.id);
    else
        runJob(job);
    scheduleNext();
}

void InferenceWorker::runJob(const Job &job)
{
    QElapsedTimer clock;
    clock.start();

    bool fromCache = false;
    auto tagger = m_cache.get(job.request.bundleFolder, job.request.device, &fromCache);
    if (!tagger) {
        Q_EMIT failed(job.id, tagger.error());
        return;
    }
    const double loadSeconds = fromCache ? 0.0 : clock.nsecsElapsed() / 1e9;
    if (job.cancel->load()) {
        Q_EMIT cancelled(job.id);
        return;
    }

    // Throttled reporting: rows pile up in `pending` and leave with the
    // next progress signal, at most one per m_progressIntervalMs.
    InferencePlan plan;
    ProbabilityRows allRows;
    ProbabilityRows pending;
    int pendingFirst = 0;
    int segmentsSent = 0;
    double lastFraction = 0.0;
    QElapsedTimer sinceSignal;

    const auto flush = [&](double fraction, bool force) {
        lastFraction = fraction;
        if (!force && sinceSignal.isValid() && sinceSignal.elapsed() < m_progressIntervalMs)
            return;
        InferenceProgress p;
        p.jobId = job.id;
        p.fraction = fraction;
        p.firstChunk = pendingFirst;
        p.chunkRows = std::move(pending);
        pending.clear();
        pendingFirst = int(allRows.size());
        p.firstSegment = segmentsSent;
        const int complete = SegmentMapper::completeSegments(plan.grid, plan.segments, int(allRows.size()));
        if (complete > segmentsSent) {
            p.segmentRows = SegmentMapper::mapToSegments(plan.grid, allRows, plan.segments, segmentsSent);
            p.segmentRows.resize(size_t(complete - segmentsSent));
            segmentsSent = complete;
        }
        Q_EMIT progress(p);
        sinceSignal.restart();
    };

    InferenceRunner::Callbacks callbacks;
    callbacks.cancel = job.cancel.get();
    callbacks.onPlan = [&](const InferencePlan &p) {
        plan = p;
        Q_EMIT started(job.id, plan);
    };
    callbacks.onProgress = [&](double fraction, int first, const ProbabilityRows &rows) {
        if (!rows.empty()) {
            Q_ASSERT(first == int(allRows.size()));
            allRows.insert(allRows.end(), rows.begin(), rows.end());
            pending.insert(pending.end(), rows.begin(), rows.end());
        }
        flush(fraction, false);
    };

    auto result = InferenceRunner::run(*tagger.value(), job.request, callbacks);
    if (job.cancel->load()) {
        Q_EMIT cancelled(job.id);
        return;
    }
    if (!result) {
        Q_EMIT failed(job.id, result.error());
        return;
    }
    if (!pending.empty() || lastFraction < 1.0 || segmentsSent < plan.segments.size())
        flush(1.0, true);
    result->modelFromCache = fromCache;
    result->loadSeconds = loadSeconds;
    result->totalSeconds = clock.nsecsElapsed() / 1e9;
    Q_EMIT finished(job.id, result.value());
}

} // namespace taglane::engine
