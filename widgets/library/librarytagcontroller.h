// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/model/modelbundle.h"
#include "engine/model/tagger.h"
#include "engine/segment/segmentationsettings.h"
#include "engine/store/trackrecord.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QVector>

#include <memory>

class QThread;

namespace taglane::engine {
class AnnotationStore;
struct InferenceResult;
} // namespace taglane::engine

namespace taglane::widgets {

/// Model > Tag Library: tags every library track that a model version has
/// not tagged yet (engine::UntaggedTracks, the list BatchTagger::untaggedTracks
/// gives, read on the worker), in the background.
/// A worker thread loads the model once, checks and decodes each track (the
/// next one while the model runs on the current one) and runs the model; the
/// GUI thread saves each result (engine::LibraryTagSteps::save, which only
/// queues edits) and counts the track once the store reports its edits
/// durable, then emits trackTagged. Because a track's segmentation and
/// predictions commit together, a run that was cancelled, or a program that
/// quit or was killed, continues where it stopped the next time: the list
/// of untagged tracks is read again at every start.
///
/// pause() lets the track under way finish and holds before the next one;
/// resume() goes on; cancel() stops after the current batch of the model
/// (that track is not saved). Progress comes at most twenty times a second
/// and at every track; then exactly one of finished / cancelled / failed.
/// Never blocks, except the destructor, which cancels and waits for the
/// worker. GUI thread.
class LibraryTagController : public QObject
{
    Q_OBJECT

public:
    struct Counts
    {
        int total = 0;         ///< untagged tracks when the run started
        int done = 0;          ///< tracks settled (tagged, skipped or failed)
        int tagged = 0;
        int skipped = 0;       ///< file missing or changed
        int failed = 0;
        QStringList errors;    ///< "file: why" per skipped or failed track
    };

    explicit LibraryTagController(QObject *parent = nullptr);
    ~LibraryTagController() override;

    void setStore(engine::AnnotationStore *store);
    /// Starts tagging with the bundle. False (and failed() with the reason)
    /// when a run is going or there is no writable store or no bundle.
    bool start(const QString &bundleFolder, const engine::SegmentationSettings &segmentation = {}, int batchSize = 8,
               engine::DevicePreference device = engine::DevicePreference::Auto);
    bool isRunning() const { return m_running; }
    bool isPaused() const { return m_paused; }
    const Counts &counts() const { return m_counts; }
    /// The version being (or last) run; empty until its model is loaded.
    QString modelVersion() const { return m_manifest.version; }
    QString lastError() const { return m_error; }
    /// "Tag Library: tagged 8 of 10 tracks with VERSION; 2 skipped (file: why)."
    QString summary() const;

public Q_SLOTS:
    void pause();
    void resume();
    void cancel();

Q_SIGNALS:
    /// The model is loaded and the list read: `total` tracks to tag.
    void started(const QString &modelVersion, int total);
    void progress(int done, int total);
    /// A track's predictions are durable in the store.
    void trackTagged(qint64 trackId, const QString &path, const QString &modelVersion);
    void pausedChanged(bool paused);
    void finished(const QString &summary);
    void cancelled(const QString &summary);
    void failed(const QString &message);
    void runningChanged(bool running);

private:
    struct Shared;
    struct Pending
    {
        engine::TrackRecord track;
        qint64 afterSeq = 0;
        qint64 upToSeq = 0;
    };
    void onListed(const std::shared_ptr<Shared> &shared, const engine::ModelManifest &manifest, int total);
    void onInferred(const std::shared_ptr<Shared> &shared, const engine::TrackRecord &track,
                    const engine::InferenceResult &result);
    void onTrackProblem(const std::shared_ptr<Shared> &shared, const engine::TrackRecord &track, bool skipped,
                        const QString &error);
    void onWorkerFailed(const std::shared_ptr<Shared> &shared, const QString &message);
    void onDone(const std::shared_ptr<Shared> &shared);
    void settle();
    void launchWhenSettled();
    void maybeEnd();
    void reportProgress(bool force);

    QPointer<engine::AnnotationStore> m_store;
    std::shared_ptr<Shared> m_shared;
    QPointer<QThread> m_thread;
    engine::ModelManifest m_manifest;
    engine::SegmentationSettings m_segmentation;
    QVector<Pending> m_pending;
    Counts m_counts;
    QElapsedTimer m_throttle;
    QString m_error;
    bool m_running = false;
    bool m_paused = false;
    bool m_workerDone = false;
    qint64 m_launchAfterSeq = 0;   ///< the worker starts once this edit is durable
};

} // namespace taglane::widgets
