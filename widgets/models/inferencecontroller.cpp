// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/models/inferencecontroller.h"

#include "widgets/track/trackview.h"

#include "engine/jobs/inferenceengine.h"

#include <QFileInfo>

#include <algorithm>

namespace taglane::widgets {

InferenceController::InferenceController(TrackView *view, QObject *parent)
    : QObject(parent)
    , m_view(view)
    , m_engine(new engine::InferenceEngine(this))
{
    connect(m_engine, &engine::InferenceEngine::started, this, &InferenceController::onStarted);
    connect(m_engine, &engine::InferenceEngine::progress, this, &InferenceController::onProgress);
    connect(m_engine, &engine::InferenceEngine::finished, this, &InferenceController::onFinished);
    connect(m_engine, &engine::InferenceEngine::failed, this, &InferenceController::onFailed);
    connect(m_engine, &engine::InferenceEngine::cancelled, this, &InferenceController::onCancelled);
    // A track opened while a job runs makes that job's rows meaningless.
    if (view)
        connect(view, &TrackView::trackLoaded, this, [this](const QString &path) {
            if (m_job != 0 && path != m_trackPath)
                cancel();
        });
}

InferenceController::~InferenceController() = default;

bool InferenceController::start(const QString &bundleFolder, const engine::SegmentationSettings &segmentation,
                                int batchSize, engine::DevicePreference device)
{
    m_error.clear();
    if (!m_view || !m_view->hasTrack()) {
        m_error = tr("Open a track before tagging it.");
        Q_EMIT failed(m_error);
        return false;
    }
    if (bundleFolder.isEmpty()) {
        m_error = tr("Select a model in the model panel first.");
        Q_EMIT failed(m_error);
        return false;
    }
    if (m_job != 0)
        m_engine->cancel(m_job);

    engine::InferenceRequest request;
    request.audio = m_view->track()->audio.mono;
    request.audioPath = m_view->filePath();
    request.bundleFolder = bundleFolder;
    request.segmentation = segmentation;
    request.batchSize = std::max(1, batchSize);
    request.device = device;
    m_trackPath = request.audioPath;
    m_clock.start();
    const bool wasRunning = m_job != 0;
    m_job = m_engine->submit(request);
    if (!wasRunning)
        Q_EMIT runningChanged(true);
    return true;
}

void InferenceController::cancel()
{
    if (m_job != 0)
        m_engine->cancel(m_job);
}

void InferenceController::onStarted(qint64 job, const engine::InferencePlan &plan)
{
    if (job != m_job)
        return;
    m_longestUpdateMs = 0.0;
    QElapsedTimer t;
    t.start();
    if (m_view)
        m_view->beginInference(plan);
    m_longestUpdateMs = std::max(m_longestUpdateMs, t.nsecsElapsed() / 1e6);
    Q_EMIT started(plan);
}

void InferenceController::onProgress(const engine::InferenceProgress &progress)
{
    if (progress.jobId != m_job)
        return;
    QElapsedTimer t;
    t.start();
    if (m_view)
        m_view->addInferenceRows(progress);
    m_longestUpdateMs = std::max(m_longestUpdateMs, t.nsecsElapsed() / 1e6);
    Q_EMIT this->progress(progress.fraction);
}

void InferenceController::onFinished(qint64 job, const engine::InferenceResult &result)
{
    if (job != m_job)
        return;
    m_result = result;
    QElapsedTimer t;
    t.start();
    if (m_view)
        m_view->finishInference(result);
    m_longestUpdateMs = std::max(m_longestUpdateMs, t.nsecsElapsed() / 1e6);
    const double seconds = m_clock.nsecsElapsed() / 1e9;
    m_summary = tr("Tagged %1 with %2 on %3 in %4 s (model %5 s, inference %6 s).")
                    .arg(QFileInfo(result.plan.trackPath).fileName(), result.plan.modelName, result.plan.device)
                    .arg(seconds, 0, 'f', 1)
                    .arg(result.loadSeconds, 0, 'f', 1)
                    .arg(result.inferenceSeconds, 0, 'f', 1);
    if (result.plan.padded)
        m_summary += QLatin1Char(' ') + tr("The track is shorter than one model chunk; the model heard silence after its end.");
    end();
    Q_EMIT finished(m_summary);
}

void InferenceController::onFailed(qint64 job, const QString &message)
{
    if (job != m_job)
        return;
    m_error = message;
    end();
    Q_EMIT failed(message);
}

void InferenceController::onCancelled(qint64 job)
{
    if (job != m_job)
        return;
    end();
    Q_EMIT cancelled();
}

void InferenceController::end()
{
    m_job = 0;
    Q_EMIT runningChanged(false);
}

} // namespace taglane::widgets
