// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/track/trackloader.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QMetaObject>

#include <algorithm>
#include <optional>

namespace taglane::widgets {

struct TrackLoader::Job
{
    quint64 id = 0;
    QString path;
    std::atomic_bool cancel{false};
    std::optional<engine::Result<engine::DecodedAudio>> decoded;
    std::shared_ptr<LoadedTrack> track;
};

TrackLoader::TrackLoader(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<std::shared_ptr<const LoadedTrack>>();
}

TrackLoader::~TrackLoader()
{
    if (m_job)
        m_job->cancel = true;
    for (const QPointer<QThread> &thread : std::as_const(m_threads))
        if (thread)
            thread->wait();
}

void TrackLoader::load(const QString &path)
{
    if (m_job) {
        m_job->cancel = true;
        Q_EMIT cancelled(m_job->path);
    }
    auto job = std::make_shared<Job>();
    job->id = m_nextId++;
    job->path = path;
    m_job = job;
    m_path = path;
    Q_EMIT started(path);

    const int rate = m_rate;
    QPointer<TrackLoader> self(this);
    QThread *thread = QThread::create([job, rate, self]() {
        QElapsedTimer clock;
        clock.start();
        QElapsedTimer throttle;
        throttle.start();
        engine::ProgressSink sink;
        sink.cancel = &job->cancel;
        sink.report = [&throttle, self, id = job->id](double fraction) {
            if (throttle.elapsed() < 50 && fraction < 1.0)
                return;
            throttle.restart();
            if (self)
                QMetaObject::invokeMethod(self.data(), [self, id, fraction]() {
                    if (self && self->m_job && self->m_job->id == id)
                        Q_EMIT self->progress(fraction);
                }, Qt::QueuedConnection);
        };
        engine::DecodeOptions options;
        options.analysisRate = rate;
        // Long recordings are kept at the 16 kHz analysis rate so that an
        // hour stays under 500 MB resident; songs play at the richer rate.
        if (const auto info = engine::AudioDecoder::probe(job->path);
            info.ok() && info->durationSeconds() > TrackLoader::longRecordingSeconds)
            options.analysisRate = std::min(rate, 16000);
        job->decoded = engine::AudioDecoder::decode(job->path, options, sink);
        if (job->decoded->ok() && !job->cancel) {
            auto track = std::make_shared<LoadedTrack>();
            track->audio = std::move(*job->decoded).value();
            track->peaks = engine::PeakPyramid::build(track->audio.mono);
            track->loadSeconds = clock.elapsed() / 1000.0;
            job->track = std::move(track);
        }
    });
    thread->setObjectName(QStringLiteral("TrackLoader"));
    connect(thread, &QThread::finished, this, [this, job]() { onJobDone(job->id, job); });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_threads.append(thread);
    thread->start();
}

void TrackLoader::cancel()
{
    if (!m_job)
        return;
    m_job->cancel = true;
    const QString path = m_job->path;
    m_job.reset();
    Q_EMIT cancelled(path);
}

void TrackLoader::onJobDone(quint64 id, std::shared_ptr<Job> job)
{
    m_threads.removeAll(QPointer<QThread>());
    if (!m_job || m_job->id != id)
        return;   // superseded or cancelled
    m_job.reset();
    if (job->track) {
        Q_EMIT finished(job->track);
        return;
    }
    if (job->cancel) {
        Q_EMIT cancelled(job->path);
        return;
    }
    const QString message = job->decoded && !job->decoded->ok()
                                ? job->decoded->error()
                                : tr("%1 could not be read.").arg(QFileInfo(job->path).fileName());
    Q_EMIT failed(job->path, message);
}

} // namespace taglane::widgets
