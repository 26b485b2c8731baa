// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/library/libraryaddcontroller.h"

#include "engine/library/audiofiles.h"
#include "engine/library/libraryintake.h"
#include "engine/store/annotationstore.h"

#include <QThread>

#include <atomic>

namespace taglane::widgets {

/// What the worker and the GUI thread share.
struct LibraryAddController::Shared
{
    std::atomic_bool cancel{false};
};

LibraryAddController::LibraryAddController(QObject *parent)
    : QObject(parent)
{
}

LibraryAddController::~LibraryAddController()
{
    if (m_shared)
        m_shared->cancel = true;
    if (m_thread)
        m_thread->wait();
}

void LibraryAddController::setStore(engine::AnnotationStore *store)
{
    m_store = store;
}

bool LibraryAddController::start(const QStringList &paths)
{
    if (m_running || !m_store || !m_store->isOpen() || m_store->isReadOnly() || paths.isEmpty())
        return false;
    m_counts = {};
    auto shared = std::make_shared<Shared>();
    m_shared = shared;
    QPointer<LibraryAddController> self(this);
    QThread *thread = QThread::create([self, shared, paths]() {
        const engine::AudioFileList list = engine::AudioFiles::collect(paths);
        if (shared->cancel)
            return;
        QMetaObject::invokeMethod(
            self, [self, shared, total = int(list.files.size()), missing = list.missing]() {
                if (self)
                    self->onListed(shared, total, missing);
            },
            Qt::QueuedConnection);
        for (const QString &file : list.files) {
            if (shared->cancel)
                return;
            engine::ProbedFile probed = engine::LibraryIntake::probe(file);
            QMetaObject::invokeMethod(
                self, [self, shared, probed = std::move(probed)]() {
                    if (self)
                        self->onProbed(shared, probed);
                },
                Qt::QueuedConnection);
        }
    });
    thread->setParent(this);
    m_thread = thread;
    connect(thread, &QThread::finished, this, [this, shared, thread]() {
        thread->deleteLater();
        onDone(shared);
    });
    m_running = true;
    m_throttle.start();
    thread->start(QThread::LowPriority);
    Q_EMIT runningChanged(true);
    Q_EMIT started();
    return true;
}

void LibraryAddController::cancel()
{
    if (m_running && m_shared)
        m_shared->cancel = true;
}

void LibraryAddController::onListed(const std::shared_ptr<Shared> &shared, int total, const QStringList &missing)
{
    if (shared != m_shared || shared->cancel)
        return;
    m_counts.total = total;
    for (const QString &path : missing)
        m_counts.errors << tr("%1 does not exist.").arg(path);
    reportProgress(true);
}

void LibraryAddController::onProbed(const std::shared_ptr<Shared> &shared, const engine::ProbedFile &file)
{
    // Files read before a cancel are dropped: nothing is added after it.
    if (shared != m_shared || shared->cancel || !m_store)
        return;
    ++m_counts.done;
    const auto addition = engine::LibraryIntake::add(*m_store, file);
    if (!addition) {
        m_counts.errors << addition.error();
    } else {
        switch (addition->kind) {
        case engine::LibraryAddition::Kind::Added: ++m_counts.added; break;
        case engine::LibraryAddition::Kind::Known: ++m_counts.known; break;
        case engine::LibraryAddition::Kind::Relinked: ++m_counts.relinked; break;
        case engine::LibraryAddition::Kind::SameContent: ++m_counts.copies; break;
        }
    }
    Q_EMIT fileDone(file.path);
    reportProgress(false);
}

void LibraryAddController::reportProgress(bool force)
{
    if (!force && m_throttle.elapsed() < 50)
        return;
    m_throttle.restart();
    Q_EMIT progress(m_counts.done, m_counts.total);
}

void LibraryAddController::onDone(const std::shared_ptr<Shared> &shared)
{
    if (shared != m_shared)
        return;
    // Every queued onProbed of this run was delivered before QThread::finished
    // (same sender thread, same receiver): the counts are complete.
    m_running = false;
    reportProgress(true);
    Q_EMIT runningChanged(false);
    if (shared->cancel)
        Q_EMIT cancelled(summary());
    else
        Q_EMIT finished(summary());
}

QString LibraryAddController::summary() const
{
    QStringList parts;
    parts << tr("Added %n track(s)", nullptr, m_counts.added);
    if (m_counts.known > 0)
        parts << tr("%n already in the library", nullptr, m_counts.known);
    if (m_counts.relinked > 0)
        parts << tr("%n moved file(s) found again", nullptr, m_counts.relinked);
    if (m_counts.copies > 0)
        parts << tr("%n copy(ies) of tracks already there", nullptr, m_counts.copies);
    QString text = parts.join(QStringLiteral(", "));
    if (m_counts.total == 0 && m_counts.errors.isEmpty())
        text = tr("No audio files were found.");
    if (!m_counts.errors.isEmpty())
        text += tr("; %n could not be added: %1", nullptr, int(m_counts.errors.size())).arg(m_counts.errors.constFirst());
    return text.endsWith(QLatin1Char('.')) ? text : text + QLatin1Char('.');
}

} // namespace taglane::widgets
