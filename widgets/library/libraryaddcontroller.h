// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/library/librarybuilder.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <memory>

class QThread;

namespace taglane::engine {
class AnnotationStore;
struct ProbedFile;
} // namespace taglane::engine

namespace taglane::widgets {

/// Adds files and folders (searched recursively) to the annotation store's
/// library. A worker thread lists the folders and reads each file's header
/// and content hash (engine::LibraryIntake::probe); the GUI thread adds each
/// probed file (LibraryIntake::add, which only queues the edit). Reports
/// through progress (at most twenty a second, and at the end), then exactly
/// one of finished / cancelled. After cancel() no further file is added.
/// Never blocks, except the destructor, which cancels and waits for the
/// worker (it stops between two files). GUI thread.
class LibraryAddController : public QObject
{
    Q_OBJECT

public:
    /// What a run did so far.
    struct Counts
    {
        int total = 0;          ///< audio files found (0 while folders are being listed)
        int done = 0;           ///< files looked at
        int added = 0;
        int known = 0;
        int relinked = 0;
        int copies = 0;         ///< same content as a track already there
        QStringList errors;     ///< one sentence per file that could not be added, and per missing path
    };

    explicit LibraryAddController(QObject *parent = nullptr);
    ~LibraryAddController() override;

    void setStore(engine::AnnotationStore *store);
    /// Starts adding `paths`. False (and finished() is not emitted) when a
    /// run is going, no writable store is set, or `paths` is empty.
    bool start(const QStringList &paths);
    bool isRunning() const { return m_running; }
    const Counts &counts() const { return m_counts; }
    /// "Added 12 tracks, 3 known, 1 moved file found again; 2 could not be added."
    QString summary() const;

public Q_SLOTS:
    void cancel();

Q_SIGNALS:
    void started();
    void progress(int done, int total);
    /// One file was looked at (added, known, relinked, a copy, or refused).
    void fileDone(const QString &path);
    void finished(const QString &summary);
    void cancelled(const QString &summary);
    void runningChanged(bool running);

private:
    struct Shared;
    void onListed(const std::shared_ptr<Shared> &shared, int total, const QStringList &missing);
    void onProbed(const std::shared_ptr<Shared> &shared, const engine::ProbedFile &file);
    void onDone(const std::shared_ptr<Shared> &shared);
    void reportProgress(bool force);

    QPointer<engine::AnnotationStore> m_store;
    std::shared_ptr<Shared> m_shared;
    QPointer<QThread> m_thread;
    Counts m_counts;
    QElapsedTimer m_throttle;
    bool m_running = false;
};

} // namespace taglane::widgets
