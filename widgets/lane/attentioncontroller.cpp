// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/lane/attentioncontroller.h"

#include <QPointer>
#include <QThread>

namespace taglane::widgets {

AttentionController::AttentionController(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<std::vector<taglane::engine::AttentionWindow>>();
}

AttentionController::~AttentionController()
{
    m_pending.reset();
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

void AttentionController::setBundle(const QString &folder)
{
    if (folder == m_bundle)
        return;
    m_bundle = folder;
    m_pending.reset();
    ++m_generation;  // a result still running for the old bundle is dropped
}

void AttentionController::request(const engine::AudioBuffer &audio, double start, double end)
{
    if (m_bundle.isEmpty())
        return;
    m_pending = Request{audio, start, end};
    if (!m_thread)
        startNext();
}

void AttentionController::startNext()
{
    if (!m_pending || m_bundle.isEmpty())
        return;
    const Request req = *m_pending;
    m_pending.reset();
    const QString folder = m_bundle;
    const quint64 generation = m_generation;
    std::shared_ptr<engine::AttentionProbe> probe = m_probeFolder == folder ? m_probe : nullptr;
    QPointer<AttentionController> self(this);
    m_thread = QThread::create([self, req, folder, generation, probe]() mutable {
        QString error;
        std::vector<engine::AttentionWindow> windows;
        if (!probe) {
            auto opened = engine::AttentionProbe::open(folder);
            if (opened)
                probe = std::make_shared<engine::AttentionProbe>(opened.value());
            else
                error = opened.error();
        }
        if (probe) {
            auto r = probe->segment(req.audio, req.start, req.end);
            if (r)
                windows = r.value();
            else
                error = r.error();
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, folder, generation, probe, windows, error] {
                if (!self)
                    return;
                if (probe) {
                    self->m_probe = probe;
                    self->m_probeFolder = folder;
                }
                if (generation == self->m_generation) {
                    if (error.isEmpty())
                        Q_EMIT self->attentionReady(windows);
                    else
                        Q_EMIT self->attentionFailed(error);
                }
            },
            Qt::QueuedConnection);
    });
    connect(m_thread, &QThread::finished, this, [this] {
        m_thread->deleteLater();
        m_thread = nullptr;
        startNext();
    });
    m_thread->start();
}

} // namespace taglane::widgets
