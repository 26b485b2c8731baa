// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/track/storestatuslabel.h"

#include "engine/store/annotationstore.h"

namespace taglane::widgets {

StoreStatusLabel::StoreStatusLabel(QWidget *parent) : QLabel(parent)
{
    setObjectName(QStringLiteral("storeStatus"));
    setStyleSheet(QStringLiteral("QLabel { color: white; background: #b00020; padding: 1px 6px; }"));
    setText(tr("Not saved: edits are not reaching the annotation store"));
    hide();
}

void StoreStatusLabel::setStore(engine::AnnotationStore *store)
{
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    m_problem.clear();
    hide();
    if (!store)
        return;
    connect(store, &engine::AnnotationStore::writeFailed, this, &StoreStatusLabel::onWriteFailed);
    connect(store, &engine::AnnotationStore::writesRecovered, this, &StoreStatusLabel::onRecovered);
}

void StoreStatusLabel::onWriteFailed(qint64, const QString &message)
{
    const bool fresh = isHidden() || message != m_problem;
    m_problem = message;
    setToolTip(message);
    show();
    if (fresh)
        Q_EMIT problemAppeared(message);
}

void StoreStatusLabel::onRecovered()
{
    if (isHidden())
        return;
    hide();
    m_problem.clear();
    setToolTip(QString());
    Q_EMIT problemGone();
}

} // namespace taglane::widgets
