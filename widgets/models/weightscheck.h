// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QVector>

class QThread;

namespace taglane::widgets {

/// Loads a bundle's weights once on a worker thread (on the CPU) to see
/// whether they can be used at all, so the model panel refuses a bundle with
/// corrupt or truncated weights.pt when it is chosen instead of when tagging
/// starts. Results are kept per folder until the weights file changes.
/// GUI thread; the loading happens on a thread of its own, which the
/// destructor waits for (a load takes well under a second): LibTorch must not
/// run on a thread while the program exits and its statics are torn down.
class WeightsCheck : public QObject
{
    Q_OBJECT
public:
    explicit WeightsCheck(QObject *parent = nullptr);
    ~WeightsCheck() override;

    /// Starts checking `folder` unless its result is known or a check runs.
    void check(const QString &folder);
    /// Whether a result for the folder's current weights is known.
    bool isKnown(const QString &folder) const;
    /// The engine's message for a bundle whose weights do not load; empty
    /// when they load or the result is not known yet.
    QString problem(const QString &folder) const;

Q_SIGNALS:
    /// A check ended; `problem` is empty when the weights loaded.
    void checked(const QString &folder, const QString &problem);

private:
    struct Stamp
    {
        qint64 size = -1;
        QDateTime modified;
        bool operator==(const Stamp &o) const { return size == o.size && modified == o.modified; }
    };
    struct Known
    {
        Stamp stamp;
        QString problem;
    };
    static Stamp stampOf(const QString &folder);

    QHash<QString, Known> m_known;
    QSet<QString> m_running;
    QVector<QPointer<QThread>> m_threads;   ///< checks still loading
};

} // namespace taglane::widgets
