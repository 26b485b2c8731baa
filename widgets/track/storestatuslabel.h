// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLabel>
#include <QPointer>

namespace taglane::engine {
class AnnotationStore;
}

namespace taglane::widgets {

/// A status-bar mark that says edits are not being saved. It appears when
/// the store reports a failed write and stays, with the store's message as
/// its tooltip, until an edit commits again: a passing status message would
/// let the curator go on editing into a store that keeps nothing. GUI thread.
class StoreStatusLabel : public QLabel
{
    Q_OBJECT
public:
    explicit StoreStatusLabel(QWidget *parent = nullptr);

    /// Follows `store` (nullptr: none); hides the mark.
    void setStore(engine::AnnotationStore *store);
    /// The last failure's message while the mark shows; empty otherwise.
    QString problem() const { return isHidden() ? QString() : m_problem; }

Q_SIGNALS:
    /// A new problem appeared (not repeated for the same message while it lasts).
    void problemAppeared(const QString &message);
    void problemGone();

private:
    void onWriteFailed(qint64 seq, const QString &message);
    void onRecovered();

    QPointer<engine::AnnotationStore> m_store;
    QString m_problem;
};

} // namespace taglane::widgets
