// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiodecoder.h"
#include "engine/audio/peakpyramid.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <atomic>
#include <memory>

namespace taglane::widgets {

/// A decoded track ready for the views: the decoder's output plus its peak pyramid.
struct LoadedTrack
{
    engine::DecodedAudio audio;
    engine::PeakPyramid peaks;
    double loadSeconds = 0.0;   ///< wall time the decode and pyramid took
};

/// Decodes a file and builds its peak pyramid on a worker thread, reporting
/// progress (at most ~20 times a second) and the result as queued signals.
/// A new load() cancels the one running; its result is dropped.
/// GUI thread only.
class TrackLoader : public QObject
{
    Q_OBJECT

public:
    explicit TrackLoader(QObject *parent = nullptr);
    ~TrackLoader() override;

    /// Files longer than this (seconds) are decoded at no more than 16 kHz.
    static constexpr double longRecordingSeconds = 20 * 60;

    /// Sample rate of the decoded analysis copy the views use and play
    /// (at most 16 kHz for files longer than longRecordingSeconds).
    void setAnalysisRate(int rate) { m_rate = rate; }
    int analysisRate() const { return m_rate; }
    bool isLoading() const { return m_job != nullptr; }
    QString loadingPath() const { return m_path; }

public Q_SLOTS:
    void load(const QString &path);
    void cancel();

Q_SIGNALS:
    void started(const QString &path);
    void progress(double fraction);
    void finished(std::shared_ptr<const taglane::widgets::LoadedTrack> track);
    void failed(const QString &path, const QString &message);
    void cancelled(const QString &path);

private:
    struct Job;
    void onJobDone(quint64 id, std::shared_ptr<Job> job);

    std::shared_ptr<Job> m_job;
    QString m_path;
    quint64 m_nextId = 1;
    int m_rate = 22050;
    QList<QPointer<QThread>> m_threads;
};

} // namespace taglane::widgets
