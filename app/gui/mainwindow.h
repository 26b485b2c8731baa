// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

class QLabel;
class QMenu;
class QProgressBar;
class QToolButton;

namespace taglane::widgets {
class TrackView;
}

namespace taglane::app {

/// The workstation window: menus, toolbar and status bar around one
/// TrackView, which holds the views and the track logic.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    widgets::TrackView *trackView() const { return m_track; }

public Q_SLOTS:
    void openFile(const QString &path);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void createStatusBar();
    void chooseFile();
    void updateRecentMenu();
    void rememberRecent(const QString &path);
    void onLoadStarted(const QString &path);
    void onLoaded(const QString &path);
    void onLoadFailed(const QString &path, const QString &message);
    void onLoadFinishedOrCancelled();
    void about();
    void updateClock();
    static bool isSupported(const QString &path);

    widgets::TrackView *m_track = nullptr;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_facts = nullptr;
    QLabel *m_clock = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancel = nullptr;
};

} // namespace taglane::app
