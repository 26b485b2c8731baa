// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/library/reviewqueue.h"

#include <QAbstractTableModel>
#include <QVector>

namespace taglane::widgets {

/// The review queue's cells as a table, in queue order: track (file name),
/// time span, tag, probability and score. GUI thread only.
class ReviewQueueModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TrackColumn, TimeColumn, TagColumn, ProbabilityColumn, ScoreColumn, ColumnCount };
    enum Role {
        TrackPathRole = Qt::UserRole + 1,   ///< QString
        SegmentIdRole,                      ///< qint64
        TagNameRole,                        ///< QString
        ProbabilityRole,                    ///< double
    };

    explicit ReviewQueueModel(QObject *parent = nullptr);

    void setCells(const QVector<engine::ReviewCell> &cells);
    const QVector<engine::ReviewCell> &cells() const { return m_cells; }
    const engine::ReviewCell &cell(int row) const { return m_cells.at(row); }
    /// Row of the cell (segment, tag), or -1.
    int rowOf(qint64 segmentId, qint64 tagId) const;
    void removeCell(int row);

    /// "1:04.0 - 1:08.0"
    static QString formatSpan(double start, double end);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<engine::ReviewCell> m_cells;
};

} // namespace taglane::widgets
