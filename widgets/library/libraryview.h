// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/store/annotationstore.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace taglane::widgets {

class LibraryModel;

/// The library (a dock's contents): all tracks in the annotation store, with
/// a filter by tag and verdict. Double-clicking a row asks to open the track.
/// Refreshes when the store reports durable edits, at most once a second.
/// GUI thread (the store's owner thread).
class LibraryView : public QWidget
{
    Q_OBJECT

public:
    explicit LibraryView(QWidget *parent = nullptr);

    void setStore(engine::AnnotationStore *store);
    LibraryModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }

    /// Filter: tag name (empty = any) and verdict index (0 any, 1 present,
    /// 2 absent, 3 not reviewed).
    void setFilter(const QString &tag, int verdictIndex);
    /// Paths of the selected rows (in view order).
    QStringList selectedPaths() const;
    /// Track ids of the selected rows.
    QList<qint64> selectedTrackIds() const;
    /// Number of rows shown.
    int visibleRows() const;

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void openRequested(const QString &path);

private:
    void applyFilter();
    void updateTagChoices();
    void scheduleRefresh();

    QPointer<engine::AnnotationStore> m_store;
    LibraryModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QComboBox *m_tag = nullptr;
    QComboBox *m_verdict = nullptr;
    QLabel *m_summary = nullptr;
    QTimer m_throttle;
};

} // namespace taglane::widgets
