// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/library/reviewqueue.h"

#include <QHash>
#include <QPair>
#include <QPointer>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QSpinBox;
class QTableView;
class QThread;

namespace taglane::engine {
class AnnotationStore;
}

namespace taglane::widgets {

class CellNavigator;
class ReviewQueueModel;

/// The Review Queue dock: the library's uncurated cells in the order of a
/// strategy (uncertainty, disagreement, diverse; engine ReviewQueue), built
/// on a worker thread from the store's committed data, optionally for one
/// model version. nextAction() ("." and Ctrl+Right; the window makes it
/// window-wide) goes to the next queued cell in any track through the
/// CellNavigator: opens the track, selects the cell, plays the segment.
/// Y / N / Backspace (while the dock has focus, or in the lane while the
/// lane's selection is the queued cell) give present / absent / no verdict
/// through the lane's own verdict path (an undoable command on the track's
/// undo stack) and move on. A double-click on a row goes to that cell. The
/// queue is rebuilt once an answer is saved (AnnotationStore::durable),
/// when the strategy or model changes, and on refresh() (the window calls
/// it after a retrain and after tagging). GUI thread only.
class ReviewQueueView : public QWidget
{
    Q_OBJECT

public:
    explicit ReviewQueueView(CellNavigator *navigator, QWidget *parent = nullptr);
    ~ReviewQueueView() override;

    /// The store the queue is built from (null: an empty queue). Not owned.
    void setStore(engine::AnnotationStore *store);

    QAction *nextAction() const { return m_next; }
    QAction *presentAction() const { return m_present; }
    QAction *absentAction() const { return m_absent; }
    QAction *clearAction() const { return m_clear; }

    QComboBox *strategyBox() const { return m_strategy; }
    QComboBox *modelBox() const { return m_model; }
    QSpinBox *limitBox() const { return m_limit; }
    QTableView *tableView() const { return m_table; }
    ReviewQueueModel *queueModel() const { return m_cells; }
    QLabel *statusLabel() const { return m_status; }

    engine::ReviewQueue::Options options() const;
    /// Between refresh() and the arrival of its result.
    bool isBuilding() const { return m_thread != nullptr; }
    /// Row of the cell the curator was taken to last, -1 when none is listed.
    int currentRow() const;

public Q_SLOTS:
    /// Rebuilds the queue on a worker thread (a build running: once more after it).
    void refresh();
    /// refresh() once the store's edit `seq` is settled.
    void refreshWhenDurable(qint64 seq);
    /// Goes to the cell after the current one (none: the first; an empty
    /// queue: the first once built). False when there is none now.
    bool next();
    bool goToRow(int row);
    /// Gives the current cell the verdict (TagLaneModel::Verdict) and moves
    /// on. False (with message()) when no queued cell is shown in the lane.
    bool answer(int verdict);

Q_SIGNALS:
    /// Something for the status bar.
    void message(const QString &text);
    /// A build finished (ok or not); `cells` rows are listed.
    void refreshed(int cells);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    using Key = QPair<qint64, qint64>;   // segment id, tag id
    void populateModels();
    void onBuilt(int ticket, qint64 snapshot, const engine::Result<QVector<engine::ReviewCell>> &cells);
    void onDurable(qint64 seq);
    bool laneShowsCurrent() const;

    QPointer<CellNavigator> m_navigator;
    QPointer<engine::AnnotationStore> m_store;
    ReviewQueueModel *m_cells = nullptr;
    QComboBox *m_strategy = nullptr;
    QComboBox *m_model = nullptr;
    QSpinBox *m_limit = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_status = nullptr;
    QAction *m_next = nullptr;
    QAction *m_present = nullptr;
    QAction *m_absent = nullptr;
    QAction *m_clear = nullptr;

    QPointer<QThread> m_thread;
    int m_ticket = 0;
    bool m_again = false;          // refresh() while building
    bool m_built = false;          // a build has finished since setStore
    bool m_goWhenBuilt = false;    // next() on an empty queue
    qint64 m_refreshSeq = 0;       // refresh once this edit is settled
    Key m_current{0, 0};
    /// Cells answered here, with the edit number of the answer: left out of
    /// a rebuilt queue until a build sees that edit committed.
    QHash<Key, qint64> m_answered;
};

} // namespace taglane::widgets
