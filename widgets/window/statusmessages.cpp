// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/window/statusmessages.h"

#include "widgets/track/trackview.h"

#include <QEvent>
#include <QLabel>
#include <QMainWindow>
#include <QStatusBar>
#include <QStatusTipEvent>
#include <QTimer>
#include <QUndoStack>

namespace taglane::widgets {

namespace {
const QString tipTopic = QStringLiteral("status-tip");
const QString editTopic = QStringLiteral("edit");
} // namespace

StatusMessages::StatusMessages(QMainWindow *window)
    : QObject(window)
    , m_bar(window->statusBar())
    , m_label(new QLabel(m_bar))
    , m_timer(new QTimer(this))
{
    m_label->setObjectName(QStringLiteral("statusMessage"));
    m_label->setTextFormat(Qt::PlainText);
    m_label->setMinimumWidth(40);
    m_label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_bar->addWidget(m_label, 1);
    m_label->installEventFilter(this);
    window->installEventFilter(this);   // status tips of menus and toolbars
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this]() { setText({}, {}); });
}

void StatusMessages::show(const QString &text, int timeoutMs, const QString &topic)
{
    m_beforeTip.clear();
    setText(text, topic);
    m_timer->start(timeoutMs > 0 ? timeoutMs : defaultTimeoutMs);
}

void StatusMessages::showBusy(const QString &text, const QString &topic)
{
    m_beforeTip.clear();
    setText(text, topic);
    m_timer->stop();
}

void StatusMessages::clear(const QString &topic)
{
    if (!topic.isEmpty() && topic != m_topic)
        return;
    m_timer->stop();
    setText({}, {});
}

void StatusMessages::followTrack(TrackView *track)
{
    connect(track, &TrackView::statusMessage, this, [this](const QString &text) { show(text, 10000, editTopic); });
    connect(track->undoStack(), &QUndoStack::indexChanged, this, [this]() { clear(editTopic); });
}

void StatusMessages::setText(const QString &text, const QString &topic)
{
    m_text = text;
    m_topic = text.isEmpty() ? QString() : topic;
    m_label->setToolTip(text.size() > 60 ? text : QString());
    elide();
}

void StatusMessages::elide()
{
    const int room = std::max(0, m_label->contentsRect().width());
    m_label->setText(m_label->fontMetrics().elidedText(m_text, Qt::ElideRight, room));
}

bool StatusMessages::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_label && event->type() == QEvent::Resize) {
        elide();
    } else if (watched != m_label && event->type() == QEvent::StatusTip) {
        // QMainWindow would hand the tip to QStatusBar::showMessage(), which
        // paints over the permanent widgets.
        const QString tip = static_cast<QStatusTipEvent *>(event)->tip();
        if (!tip.isEmpty()) {
            if (m_topic != tipTopic) {
                m_beforeTip = m_text;
                m_beforeTipTopic = m_topic;
            }
            setText(tip, tipTopic);
        } else if (m_topic == tipTopic) {
            setText(m_beforeTip, m_beforeTipTopic);
            m_beforeTip.clear();
        }
        return true;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace taglane::widgets
