// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/train/retrainer.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>
#include <vector>

class QThread;

namespace taglane::widgets {

/// Runs one Retrainer::run at a time on a worker QThread and reports back on
/// the GUI thread: started, progress (after batches, at most twenty a second,
/// and after every epoch), then exactly one of finished / failed / cancelled.
/// A cancelled retrain leaves no model version behind (a bundle the engine
/// kept is removed). Never blocks, except the destructor, which cancels and
/// waits for the worker (the engine checks the flag between batches).
/// GUI thread.
class RetrainController : public QObject
{
    Q_OBJECT

public:
    explicit RetrainController(QObject *parent = nullptr);
    ~RetrainController() override;

    /// Starts the retrain. False (and failed() with the reason) when one is
    /// running already, the request has no curated tracks, or the output
    /// folder exists.
    bool start(const engine::RetrainRequest &request);
    bool isRunning() const { return m_running; }
    /// The request of the running or last retrain.
    const engine::RetrainRequest &request() const { return m_request; }
    /// The last finished retrain's outcome (default before one finished).
    const engine::RetrainOutcome &outcome() const { return m_outcome; }
    /// Epoch reports of the running or last retrain, in order.
    const std::vector<engine::TrainingProgress> &epochs() const { return m_epochs; }
    QString lastError() const { return m_error; }

public Q_SLOTS:
    /// Asks the worker to stop; cancelled() follows once it has.
    void cancel();

Q_SIGNALS:
    void started();
    void progress(const taglane::engine::TrainingProgress &progress);
    void epochFinished(const taglane::engine::TrainingProgress &progress);
    /// outcome() holds the new version and the before/after comparison.
    void finished();
    void failed(const QString &message);
    void cancelled();
    void runningChanged(bool running);

private:
    struct Shared;
    void onProgress(const engine::TrainingProgress &progress);
    void onDone(const std::shared_ptr<Shared> &shared);
    void fail(const QString &message);

    std::shared_ptr<Shared> m_shared;
    QPointer<QThread> m_thread;
    engine::RetrainRequest m_request;
    engine::RetrainOutcome m_outcome;
    std::vector<engine::TrainingProgress> m_epochs;
    QString m_error;
    bool m_running = false;
};

} // namespace taglane::widgets
