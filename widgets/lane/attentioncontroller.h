// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"
#include "engine/train/attentionprobe.h"

#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

class QThread;

namespace taglane::widgets {

/// Computes a cnn-sam model's attention weights for a stretch of audio on a
/// worker thread (engine::AttentionProbe; the bundle is loaded once per
/// folder). One computation runs at a time; the newest request waits and
/// replaces older waiting ones. Results come back as queued signals.
/// GUI thread only.
class AttentionController : public QObject
{
    Q_OBJECT

public:
    explicit AttentionController(QObject *parent = nullptr);
    ~AttentionController() override;

    /// The cnn-sam bundle to read; empty: none (requests are ignored).
    void setBundle(const QString &folder);
    QString bundle() const { return m_bundle; }
    /// Attention for [start, end) seconds of `audio`.
    void request(const engine::AudioBuffer &audio, double start, double end);
    bool busy() const { return m_thread != nullptr; }

Q_SIGNALS:
    void attentionReady(const std::vector<taglane::engine::AttentionWindow> &windows);
    void attentionFailed(const QString &message);

private:
    struct Request
    {
        engine::AudioBuffer audio;
        double start = 0.0, end = 0.0;
    };
    void startNext();

    QString m_bundle;
    std::shared_ptr<engine::AttentionProbe> m_probe; ///< for m_probeFolder; touched by one worker at a time
    QString m_probeFolder;
    std::optional<Request> m_pending;
    QThread *m_thread = nullptr;
    quint64 m_generation = 0;
};

} // namespace taglane::widgets
