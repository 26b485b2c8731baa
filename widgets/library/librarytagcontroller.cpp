// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/library/librarytagcontroller.h"

#include "engine/jobs/inferencerunner.h"
#include "engine/library/librarytagsteps.h"
#include "engine/library/untaggedtracks.h"
#include "engine/store/annotationstore.h"

#include <QFileInfo>
#include <QThread>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>

namespace taglane::widgets {

/// What the worker and the GUI thread share. The worker waits on `wake`
/// while paused; every change of a flag notifies it.
struct LibraryTagController::Shared
{
    std::atomic_bool cancel{false};
    std::mutex mutex;
    std::condition_variable wake;
    bool paused = false;               ///< guarded by mutex

    void raiseCancel()
    {
        {
            std::lock_guard<std::mutex> lock(mutex);
            cancel = true;
        }
        wake.notify_all();
    }
};

LibraryTagController::LibraryTagController(QObject *parent)
    : QObject(parent)
{
}

LibraryTagController::~LibraryTagController()
{
    if (m_shared)
        m_shared->raiseCancel();
    if (m_thread)
        m_thread->wait();
}

void LibraryTagController::setStore(engine::AnnotationStore *store)
{
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    if (store)
        connect(store, &engine::AnnotationStore::durable, this, &LibraryTagController::settle);
}

bool LibraryTagController::start(const QString &bundleFolder, const engine::SegmentationSettings &segmentation,
                                 int batchSize, engine::DevicePreference device)
{
    QString refusal;
    if (m_running) {
        refusal = tr("The library is being tagged already; pause, resume or cancel that run.");
    } else if (!m_store || !m_store->isOpen() || m_store->isReadOnly()) {
        refusal = tr("Tagging the library needs an annotation store open for writing.");
    } else if (bundleFolder.isEmpty()) {
        refusal = tr("Select a model in the Models dock to tag the library with.");
    }
    if (!refusal.isEmpty()) {
        if (!m_running)
            m_error = refusal;   // a running job keeps its own state
        Q_EMIT failed(refusal);
        return false;
    }
    m_error.clear();
    m_counts = {};
    m_pending.clear();
    m_manifest = {};
    m_segmentation = segmentation;
    m_paused = false;
    m_workerDone = false;
    auto shared = std::make_shared<Shared>();
    m_shared = shared;
    QPointer<LibraryTagController> self(this);

    const QString storePath = m_store->path();
    QThread *thread = QThread::create([self, shared, storePath, bundleFolder, segmentation, batchSize, device]() {
        auto fail = [&](const QString &message) {
            QMetaObject::invokeMethod(
                self, [self, shared, message]() {
                    if (self)
                        self->onWorkerFailed(shared, message);
                },
                Qt::QueuedConnection);
        };
        const auto bundle = engine::ModelBundle::open(bundleFolder);
        if (!bundle)
            return fail(bundle.error());
        auto tagger = engine::Tagger::load(bundle.value(), device);
        if (!tagger)
            return fail(tagger.error());
        // The list is read here, with a connection of the worker's own: a large
        // library takes a while, and the GUI thread must not wait for it.
        const auto untagged = engine::UntaggedTracks::list(storePath, tagger.value()->manifest().version);
        if (!untagged)
            return fail(untagged.error());
        const QVector<engine::TrackRecord> tracks = untagged.value();
        QMetaObject::invokeMethod(
            self, [self, shared, manifest = tagger.value()->manifest(), total = int(tracks.size())]() {
                if (self)
                    self->onListed(shared, manifest, total);
            },
            Qt::QueuedConnection);
        engine::Tagger &model = *tagger.value();
        const int rate = model.sampleRate();
        auto prefetch = [rate](const engine::TrackRecord &track) {
            return std::async(std::launch::async, [track, rate]() { return engine::LibraryTagSteps::prepare(track, rate); });
        };
        std::future<engine::PreparedLibraryTrack> next;
        if (!tracks.isEmpty() && !shared->cancel)
            next = prefetch(tracks.constFirst());
        for (int i = 0; i < tracks.size() && !shared->cancel; ++i) {
            engine::PreparedLibraryTrack prepared = next.get();
            if (i + 1 < tracks.size())
                next = prefetch(tracks.at(i + 1));   // decodes while the model runs on this one
            const engine::TrackRecord track = tracks.at(i);
            {
                std::unique_lock<std::mutex> lock(shared->mutex);
                shared->wake.wait(lock, [&]() { return !shared->paused || shared->cancel; });
            }
            if (shared->cancel)
                break;
            if (prepared.outcome != engine::BatchTrackResult::Outcome::Tagged) {
                const bool skipped = prepared.outcome == engine::BatchTrackResult::Outcome::Skipped;
                QMetaObject::invokeMethod(
                    self, [self, shared, track, skipped, error = prepared.error]() {
                        if (self)
                            self->onTrackProblem(shared, track, skipped, error);
                    },
                    Qt::QueuedConnection);
                continue;
            }
            engine::InferenceRequest request;
            request.audioPath = track.path;
            request.audio = std::move(prepared.audio);
            request.segmentation = segmentation;
            request.batchSize = batchSize;
            engine::InferenceRunner::Callbacks callbacks;
            callbacks.cancel = &shared->cancel;
            auto inferred = engine::InferenceRunner::run(model, request, callbacks);
            if (shared->cancel)
                break;
            if (!inferred) {
                QMetaObject::invokeMethod(
                    self, [self, shared, track, error = inferred.error()]() {
                        if (self)
                            self->onTrackProblem(shared, track, false, error);
                    },
                    Qt::QueuedConnection);
                continue;
            }
            QMetaObject::invokeMethod(
                self, [self, shared, track, result = std::move(inferred).value()]() {
                    if (self)
                        self->onInferred(shared, track, result);
                },
                Qt::QueuedConnection);
        }
        if (next.valid())
            next.wait();
    });
    thread->setParent(this);
    m_thread = thread;
    connect(thread, &QThread::finished, this, [this, shared, thread]() {
        thread->deleteLater();
        onDone(shared);
    });
    m_running = true;
    m_throttle.start();
    // The worker lists untagged tracks from what is committed: tracks added a
    // moment ago (Add Folder, then Tag Library at once) must be there first.
    m_launchAfterSeq = m_store->lastEditSeq();
    Q_EMIT runningChanged(true);
    launchWhenSettled();
    return true;
}

void LibraryTagController::launchWhenSettled()
{
    if (!m_thread || m_thread->isRunning() || m_thread->isFinished() || m_workerDone || !m_running)
        return;
    if (m_shared && m_shared->cancel) {
        // Cancelled before the worker began: it never runs.
        m_thread->deleteLater();
        m_thread = nullptr;
        m_workerDone = true;
        maybeEnd();
        return;
    }
    if (m_store && m_store->isOpen() && m_store->durableSeq() < m_launchAfterSeq)
        return;   // settle() calls again on the store's next durable()
    m_thread->start(QThread::LowPriority);
}

void LibraryTagController::onListed(const std::shared_ptr<Shared> &shared, const engine::ModelManifest &manifest,
                                    int total)
{
    if (shared != m_shared)
        return;
    m_manifest = manifest;
    m_counts.total = total;
    if (shared->cancel)
        return;   // cancelled while the model loaded: cancelled() follows
    Q_EMIT started(m_manifest.version, m_counts.total);
    reportProgress(true);
}

void LibraryTagController::onInferred(const std::shared_ptr<Shared> &shared, const engine::TrackRecord &track,
                                      const engine::InferenceResult &result)
{
    if (shared != m_shared)
        return;
    if (!m_store || !m_store->isOpen()) {
        onTrackProblem(shared, track, false, tr("the annotation store was closed"));
        return;
    }
    const auto queued = engine::LibraryTagSteps::save(*m_store, m_manifest, m_segmentation, track, result);
    if (!queued) {
        onTrackProblem(shared, track, false, queued.error());
        return;
    }
    m_pending.append(Pending{track, queued->afterSeq, queued->upToSeq});
    settle();
}

void LibraryTagController::onTrackProblem(const std::shared_ptr<Shared> &shared, const engine::TrackRecord &track,
                                          bool skipped, const QString &error)
{
    if (shared != m_shared)
        return;
    ++m_counts.done;
    ++(skipped ? m_counts.skipped : m_counts.failed);
    m_counts.errors << QStringLiteral("%1: %2").arg(QFileInfo(track.path).fileName(), error);
    reportProgress(true);
    maybeEnd();
}

void LibraryTagController::settle()
{
    if (!m_store)
        return;
    launchWhenSettled();
    const qint64 durable = m_store->durableSeq();
    while (!m_pending.isEmpty() && m_pending.constFirst().upToSeq <= durable) {
        const Pending p = m_pending.takeFirst();
        const auto saved = m_store->savedStatus(p.afterSeq, p.upToSeq);
        ++m_counts.done;
        if (saved) {
            ++m_counts.tagged;
            Q_EMIT trackTagged(p.track.id, p.track.path, m_manifest.version);
        } else {
            ++m_counts.failed;
            m_counts.errors << QStringLiteral("%1: %2").arg(QFileInfo(p.track.path).fileName(), saved.error());
        }
        reportProgress(true);
    }
    maybeEnd();
}

void LibraryTagController::onWorkerFailed(const std::shared_ptr<Shared> &shared, const QString &message)
{
    if (shared == m_shared && m_error.isEmpty())
        m_error = message;
}

void LibraryTagController::onDone(const std::shared_ptr<Shared> &shared)
{
    if (shared != m_shared)
        return;
    m_workerDone = true;
    maybeEnd();
}

void LibraryTagController::maybeEnd()
{
    // The run ends when the worker has stopped and every saved track has
    // settled (or the store went away, so nothing more will).
    if (!m_running || !m_workerDone || (!m_pending.isEmpty() && m_store && m_store->isOpen()))
        return;
    m_running = false;
    const bool wasCancelled = m_shared && m_shared->cancel && m_error.isEmpty();
    m_shared.reset();
    Q_EMIT runningChanged(false);
    if (!m_error.isEmpty())
        Q_EMIT failed(m_error);
    else if (wasCancelled)
        Q_EMIT cancelled(summary());
    else
        Q_EMIT finished(summary());
}

void LibraryTagController::reportProgress(bool force)
{
    if (!force && m_throttle.elapsed() < 50)
        return;
    m_throttle.restart();
    Q_EMIT progress(m_counts.done, m_counts.total);
}

void LibraryTagController::pause()
{
    if (!m_running || m_paused)
        return;
    m_paused = true;
    if (m_shared) {
        std::lock_guard<std::mutex> lock(m_shared->mutex);
        m_shared->paused = true;
    }
    Q_EMIT pausedChanged(true);
}

void LibraryTagController::resume()
{
    if (!m_running || !m_paused)
        return;
    m_paused = false;
    if (m_shared) {
        {
            std::lock_guard<std::mutex> lock(m_shared->mutex);
            m_shared->paused = false;
        }
        m_shared->wake.notify_all();
    }
    Q_EMIT pausedChanged(false);
}

void LibraryTagController::cancel()
{
    if (m_running && m_shared) {
        m_shared->raiseCancel();
        if (m_paused) {
            m_paused = false;
            Q_EMIT pausedChanged(false);
        }
        launchWhenSettled();
    }
}

QString LibraryTagController::summary() const
{
    // The version only: model names are long, and the status bar is narrow.
    const QString model = m_manifest.version;
    QString text;
    if (m_counts.total == 0)
        text = tr("Tag Library: every track is tagged with %1 already.").arg(model);
    else
        text = tr("Tag Library: tagged %1 of %n track(s) with %2", nullptr, m_counts.total).arg(m_counts.tagged).arg(model);
    if (m_counts.skipped > 0)
        text += tr("; %n skipped", nullptr, m_counts.skipped);
    if (m_counts.failed > 0)
        text += tr("; %n failed", nullptr, m_counts.failed);
    if (!m_counts.errors.isEmpty())
        text += QStringLiteral(" (%1)").arg(m_counts.errors.constFirst());
    if (m_counts.total > 0)
        text += QLatin1Char('.');
    return text;
}

} // namespace taglane::widgets
