// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/store/annotationstore.h"

#include "engine/store/libraryfilter.h"
#include "engine/store/libraryrow.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QVector>

namespace taglane::widgets {

/// Every track in the annotation store (engine::AnnotationStore::librarySummary)
/// as a table: file, duration, segments, share reviewed, last edit. GUI
/// thread (the store's owner thread).
class LibraryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { FileColumn, FolderColumn, DurationColumn, SegmentsColumn, ReviewedColumn, LastEditColumn, ColumnCount };
    enum Role { PathRole = Qt::UserRole + 1, TrackIdRole, SortRole };

    explicit LibraryModel(QObject *parent = nullptr);

    void setStore(engine::AnnotationStore *store);
    engine::AnnotationStore *store() const { return m_store; }
    void setFilter(const engine::LibraryFilter &filter);
    const engine::LibraryFilter &filter() const { return m_filter; }
    /// Reads the summary again; keeps the old rows and returns the message on failure.
    QString refresh();

    const engine::LibraryRow &row(int r) const { return m_rows.at(r); }
    const QVector<engine::LibraryRow> &rows() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QPointer<engine::AnnotationStore> m_store;
    engine::LibraryFilter m_filter;
    QVector<engine::LibraryRow> m_rows;
};

} // namespace taglane::widgets
