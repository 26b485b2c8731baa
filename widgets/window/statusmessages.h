// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

class QLabel;
class QMainWindow;
class QStatusBar;
class QTimer;

namespace taglane::widgets {

class TrackView;

/// The transient messages of a main window's status bar. QStatusBar's own
/// showMessage() paints the text across the whole bar, over the permanent
/// widgets (file facts, store status), and keeps it until it is replaced;
/// here a message is an ordinary stretching label left of the permanent
/// widgets, elided to the room it has (the whole text in its tooltip), and
/// every message has an end: a timeout or, for work in progress, the topic
/// it belongs to being cleared. Action status tips go through it too.
/// GUI thread.
class StatusMessages : public QObject
{
    Q_OBJECT
public:
    /// Default time a message stays (milliseconds).
    static constexpr int defaultTimeoutMs = 8000;

    explicit StatusMessages(QMainWindow *window);

    /// Shows `text` for `timeoutMs` (<= 0: the default), replacing the
    /// current message. `topic` names what it is about, for clear().
    void show(const QString &text, int timeoutMs = defaultTimeoutMs, const QString &topic = {});
    /// Shows `text` until clear(topic) or another message (work in progress).
    void showBusy(const QString &text, const QString &topic);
    /// Removes the current message when it belongs to `topic` (empty: any).
    void clear(const QString &topic = {});

    /// The message shown now (whole, not elided); empty when none.
    QString text() const { return m_text; }
    QString topic() const { return m_topic; }
    QLabel *label() const { return m_label; }

    /// The track view's messages (problems with an edit) go under the topic
    /// "edit" and are cleared as soon as an edit succeeds (the undo stack
    /// moves), so a refused split's reason does not outlive a split that worked.
    void followTrack(TrackView *track);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setText(const QString &text, const QString &topic);
    void elide();

    QPointer<QStatusBar> m_bar;
    QLabel *m_label = nullptr;
    QTimer *m_timer = nullptr;
    QString m_text;
    QString m_topic;
    QString m_beforeTip;        ///< message a status tip replaced
    QString m_beforeTipTopic;
};

} // namespace taglane::widgets
