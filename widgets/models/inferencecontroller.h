// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/jobs/inferenceresult.h"
#include "engine/model/tagger.h"
#include "engine/segment/segmentationsettings.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

namespace taglane::engine {
class InferenceEngine;
struct InferenceProgress;
} // namespace taglane::engine

namespace taglane::widgets {

class TrackView;

/// Runs tagging jobs on the TrackView's open track through an owned
/// InferenceEngine (a worker thread) and feeds the lane as rows arrive:
/// beginInference() on the plan, addInferenceRows() on each progress,
/// finishInference() on the result. One job at a time; a new one cancels
/// the running one. Never blocks. GUI thread.
class InferenceController : public QObject
{
    Q_OBJECT

public:
    explicit InferenceController(TrackView *view, QObject *parent = nullptr);
    ~InferenceController() override;

    engine::InferenceEngine *engine() const { return m_engine; }

    /// Starts tagging the open track with the bundle. False (and failed()
    /// with the reason) when no track is open or no bundle is given.
    bool start(const QString &bundleFolder, const engine::SegmentationSettings &segmentation, int batchSize = 8,
               engine::DevicePreference device = engine::DevicePreference::Auto);
    bool isRunning() const { return m_job != 0; }
    /// The last finished job's result (empty before one finished).
    const engine::InferenceResult &lastResult() const { return m_result; }
    /// "Tagged with MTAT musicnn on CPU (2 threads) in 8.1 s" for the last job.
    QString lastSummary() const { return m_summary; }
    QString lastError() const { return m_error; }
    /// Longest time one lane update (begin / rows / finish) of the last job
    /// took on this thread, in ms: what tagging costs the GUI thread at once.
    double longestLaneUpdateMs() const { return m_longestUpdateMs; }

public Q_SLOTS:
    void cancel();

Q_SIGNALS:
    void started(const taglane::engine::InferencePlan &plan);
    void progress(double fraction);
    /// The job ended with a result; summary names the model, device and time.
    void finished(const QString &summary);
    void failed(const QString &message);
    void cancelled();
    void runningChanged(bool running);

private:
    void onStarted(qint64 job, const engine::InferencePlan &plan);
    void onProgress(const engine::InferenceProgress &progress);
    void onFinished(qint64 job, const engine::InferenceResult &result);
    void onFailed(qint64 job, const QString &message);
    void onCancelled(qint64 job);
    void end();

    QPointer<TrackView> m_view;
    engine::InferenceEngine *m_engine = nullptr;
    qint64 m_job = 0;
    QString m_trackPath;
    QElapsedTimer m_clock;
    engine::InferenceResult m_result;
    QString m_summary;
    QString m_error;
    double m_longestUpdateMs = 0.0;
};

} // namespace taglane::widgets
