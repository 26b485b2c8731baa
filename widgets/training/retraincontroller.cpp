// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/training/retraincontroller.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>

#include <atomic>
#include <optional>

namespace taglane::widgets {

/// What the worker and the GUI thread share: the cancel flag and the result.
struct RetrainController::Shared
{
    std::atomic_bool cancel{false};
    std::optional<engine::Result<engine::RetrainOutcome>> result;
};

RetrainController::RetrainController(QObject *parent)
    : QObject(parent)
{
}

RetrainController::~RetrainController()
{
    if (m_shared)
        m_shared->cancel = true;
    if (m_thread)
        m_thread->wait();
}

bool RetrainController::start(const engine::RetrainRequest &request)
{
    m_error.clear();
    if (m_running) {
        fail(tr("A retrain is running already; wait for it or cancel it."));
        return false;
    }
    if (request.curated.isEmpty()) {
        fail(tr("There are no curated segments to retrain on. Review some segments (present or absent) first."));
        return false;
    }
    if (request.outputFolder.isEmpty() || QFileInfo::exists(request.outputFolder)) {
        fail(tr("The new model version cannot be written to %1: the folder exists already.")
                 .arg(QDir::toNativeSeparators(request.outputFolder)));
        return false;
    }
    if (!QDir().mkpath(QFileInfo(request.outputFolder).absolutePath())) {
        fail(tr("The model folder %1 cannot be created.")
                 .arg(QDir::toNativeSeparators(QFileInfo(request.outputFolder).absolutePath())));
        return false;
    }
    m_request = request;
    m_outcome = {};
    m_epochs.clear();
    auto shared = std::make_shared<Shared>();
    m_shared = shared;

    QThread *thread = QThread::create([this, shared, request]() {
        QElapsedTimer throttle;
        throttle.start();
        auto report = [this, &throttle](const engine::TrainingProgress &p) {
            // Batch reports at most twenty a second; epoch ends always.
            if (!p.epochDone && throttle.elapsed() < 50)
                return;
            throttle.restart();
            QMetaObject::invokeMethod(this, [this, p]() { onProgress(p); }, Qt::QueuedConnection);
        };
        shared->result = engine::Retrainer::run(request, report, &shared->cancel);
    });
    thread->setParent(this);
    m_thread = thread;
    connect(thread, &QThread::finished, this, [this, shared, thread]() {
        thread->deleteLater();
        onDone(shared);
    });
    m_running = true;
    thread->start();
    Q_EMIT runningChanged(true);
    Q_EMIT started();
    return true;
}

void RetrainController::cancel()
{
    if (m_running && m_shared)
        m_shared->cancel = true;
}

void RetrainController::onProgress(const engine::TrainingProgress &progress)
{
    if (!m_running)
        return;
    if (progress.epochDone)
        m_epochs.push_back(progress);
    Q_EMIT this->progress(progress);
    if (progress.epochDone)
        Q_EMIT epochFinished(progress);
}

void RetrainController::onDone(const std::shared_ptr<Shared> &shared)
{
    if (shared != m_shared)
        return;
    m_running = false;
    const bool cancelRequested = shared->cancel.load();
    const bool ok = shared->result && shared->result->ok();
    if (ok && !cancelRequested && !shared->result->value().cancelled) {
        m_outcome = shared->result->value();
        Q_EMIT runningChanged(false);
        Q_EMIT finished();
        return;
    }
    if (cancelRequested || (ok && shared->result->value().cancelled)) {
        // A cancelled retrain keeps nothing: remove what the engine may have written.
        QString written = ok ? shared->result->value().bundleFolder : QString();
        for (const QString &folder : {written, m_request.outputFolder}) {
            if (!folder.isEmpty() && QFileInfo(folder).isDir()
                && QFileInfo(folder).absoluteFilePath() == QFileInfo(m_request.outputFolder).absoluteFilePath())
                QDir(folder).removeRecursively();
        }
        Q_EMIT runningChanged(false);
        Q_EMIT cancelled();
        return;
    }
    m_error = shared->result ? shared->result->error() : tr("The retrain stopped without a result.");
    Q_EMIT runningChanged(false);
    Q_EMIT failed(m_error);
}

void RetrainController::fail(const QString &message)
{
    m_error = message;
    Q_EMIT failed(message);
}

} // namespace taglane::widgets
