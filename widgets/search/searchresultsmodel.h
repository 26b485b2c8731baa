// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/library/tagsearch.h"

#include <QAbstractTableModel>
#include <QVector>

namespace taglane::widgets {

/// A search's hits as a table: track (file name), and the segment's time
/// span (whole tracks: their duration). GUI thread only.
class SearchResultsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TrackColumn, TimeColumn, FolderColumn, ColumnCount };
    enum Role {
        TrackPathRole = Qt::UserRole + 1,   ///< QString
        SegmentIdRole,                      ///< qint64, 0 for a whole track
        StartRole,                          ///< double seconds
    };

    explicit SearchResultsModel(QObject *parent = nullptr);

    void setHits(const QVector<engine::SearchHit> &hits, bool tracks);
    const QVector<engine::SearchHit> &hits() const { return m_hits; }
    bool tracks() const { return m_tracks; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<engine::SearchHit> m_hits;
    bool m_tracks = false;
};

} // namespace taglane::widgets
