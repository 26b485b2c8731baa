// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/jobs/inferenceplan.h"
#include "engine/jobs/inferenceprogress.h"
#include "engine/jobs/inferencerequest.h"
#include "engine/jobs/inferenceresult.h"

#include <QHash>
#include <QObject>
#include <QThread>

#include <atomic>
#include <memory>

namespace taglane::engine {

class InferenceWorker;

/// The owner side of inference: starts a thread with an InferenceWorker on
/// it, hands it jobs through queued calls and relays its signals, which
/// arrive on the owner's thread in the order the worker sent them. Never
/// waits on a job, except the destructor, which cancels everything, quits
/// the thread and waits for it. All methods: the owner's (GUI) thread.
class InferenceEngine : public QObject
{
    Q_OBJECT

public:
    explicit InferenceEngine(QObject *parent = nullptr);
    ~InferenceEngine() override;

    /// Queues a job and returns its id (> 0). Owner thread.
    qint64 submit(const InferenceRequest &request);
    /// Drops a queued job or stops a running one at its next batch; the job
    /// then ends with cancelled() and no result. Owner thread.
    void cancel(qint64 jobId);
    /// cancel() for every job not yet ended. Owner thread.
    void cancelAll();
    /// Jobs submitted and not yet ended. Owner thread.
    int pendingJobs() const { return int(m_cancelFlags.size()); }
    /// Smallest time between two progress signals of a job, in ms. Owner thread.
    void setProgressInterval(int milliseconds);
    /// Frees the worker's loaded models (after the running job). Owner thread.
    void clearModelCache();

Q_SIGNALS:
    void started(qint64 jobId, const taglane::engine::InferencePlan &plan);
    void progress(const taglane::engine::InferenceProgress &progress);
    void finished(qint64 jobId, const taglane::engine::InferenceResult &result);
    void failed(qint64 jobId, const QString &message);
    void cancelled(qint64 jobId);

private:
    void forget(qint64 jobId) { m_cancelFlags.remove(jobId); }

    QThread m_thread;
    InferenceWorker *m_worker = nullptr;   ///< lives on m_thread, deleted there when it finishes
    qint64 m_nextId = 1;
    QHash<qint64, std::shared_ptr<std::atomic_bool>> m_cancelFlags;
};

} // namespace taglane::engine
