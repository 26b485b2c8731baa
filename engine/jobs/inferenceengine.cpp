// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/jobs/inferenceengine.h"

#include "engine/jobs/inferenceworker.h"

namespace taglane::engine {

InferenceEngine::InferenceEngine(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<InferencePlan>();
    qRegisterMetaType<InferenceProgress>();
    qRegisterMetaType<InferenceResult>();

    m_thread.setObjectName(QStringLiteral("InferenceWorker"));
    m_worker = new InferenceWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    connect(m_worker, &InferenceWorker::started, this, &InferenceEngine::started);
    connect(m_worker, &InferenceWorker::progress, this, &InferenceEngine::progress);
    // Forget the job before relaying its end, so pendingJobs() is current in receivers.
    connect(m_worker, &InferenceWorker::finished, this, [this](qint64 id, const InferenceResult &r) {
        forget(id);
        Q_EMIT finished(id, r);
    });
    connect(m_worker, &InferenceWorker::failed, this, [this](qint64 id, const QString &message) {
        forget(id);
        Q_EMIT failed(id, message);
    });
    connect(m_worker, &InferenceWorker::cancelled, this, [this](qint64 id) {
        forget(id);
        Q_EMIT cancelled(id);
    });
    m_thread.start();
}

InferenceEngine::~InferenceEngine()
{
    cancelAll();
    m_thread.quit();
    m_thread.wait();
}

qint64 InferenceEngine::submit(const InferenceRequest &request)
{
    const qint64 id = m_nextId++;
    auto flag = std::make_shared<std::atomic_bool>(false);
    m_cancelFlags.insert(id, flag);
    InferenceWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, id, request, flag]() { worker->enqueue(id, request, flag); }, Qt::QueuedConnection);
    return id;
}

void InferenceEngine::cancel(qint64 jobId)
{
    if (auto flag = m_cancelFlags.value(jobId))
        flag->store(true);
}

void InferenceEngine::cancelAll()
{
    for (const auto &flag : std::as_const(m_cancelFlags))
        flag->store(true);
}

void InferenceEngine::setProgressInterval(int milliseconds)
{
    InferenceWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, milliseconds]() { worker->setProgressInterval(milliseconds); }, Qt::QueuedConnection);
}

void InferenceEngine::clearModelCache()
{
    InferenceWorker *worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker]() { worker->clearModelCache(); }, Qt::QueuedConnection);
}

} // namespace taglane::engine
