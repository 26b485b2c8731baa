// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/search/searchresultsmodel.h"

#include "widgets/review/reviewqueuemodel.h"

#include <QDir>
#include <QFileInfo>

namespace taglane::widgets {

SearchResultsModel::SearchResultsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void SearchResultsModel::setHits(const QVector<engine::SearchHit> &hits, bool tracks)
{
    beginResetModel();
    m_hits = hits;
    m_tracks = tracks;
    endResetModel();
}

int SearchResultsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_hits.size());
}

int SearchResultsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SearchResultsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_hits.size() || index.column() >= ColumnCount)
        return {};
    const engine::SearchHit &h = m_hits.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TrackColumn: return QFileInfo(h.trackPath).fileName();
        case TimeColumn:
            return m_tracks ? ReviewQueueModel::formatSpan(0.0, h.end).section(QStringLiteral(" - "), 1)
                            : ReviewQueueModel::formatSpan(h.start, h.end);
        case FolderColumn: return QDir::toNativeSeparators(QFileInfo(h.trackPath).absolutePath());
        default: return {};
        }
    case Qt::ToolTipRole: return QDir::toNativeSeparators(h.trackPath);
    case TrackPathRole: return h.trackPath;
    case SegmentIdRole: return h.segmentId;
    case StartRole: return h.start;
    default: return {};
    }
}

QVariant SearchResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TrackColumn: return tr("Track");
    case TimeColumn: return m_tracks ? tr("Duration") : tr("Time");
    case FolderColumn: return tr("Folder");
    default: return {};
    }
}

} // namespace taglane::widgets
