// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace taglane::widgets {

/// A small status-bar panel for one background library task (adding a
/// folder, tagging the library): what it is doing, a progress bar with
/// "done / total", and Pause / Resume (when the task can pause) and Cancel
/// buttons. Hidden while no task runs. GUI thread.
class LibraryTaskPanel : public QWidget
{
    Q_OBJECT

public:
    explicit LibraryTaskPanel(bool canPause, QWidget *parent = nullptr);

    void begin(const QString &text);
    void setText(const QString &text);
    /// total 0: busy (no total known yet).
    void setProgress(int done, int total);
    void setPaused(bool paused);
    void end();

    QProgressBar *progressBar() const { return m_bar; }
    QToolButton *pauseButton() const { return m_pause; }
    QToolButton *cancelButton() const { return m_cancel; }
    QString text() const;

Q_SIGNALS:
    void pauseRequested();
    void resumeRequested();
    void cancelRequested();

private:
    QLabel *m_label = nullptr;
    QProgressBar *m_bar = nullptr;
    QToolButton *m_pause = nullptr;
    QToolButton *m_cancel = nullptr;
    bool m_paused = false;
};

} // namespace taglane::widgets
