// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/library/librarymodel.h"

#include "widgets/timeline/timeaxis.h"
#include "widgets/timeline/timeruler.h"

#include "engine/store/annotationstore.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>

namespace taglane::widgets {

LibraryModel::LibraryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void LibraryModel::setStore(engine::AnnotationStore *store)
{
    m_store = store;
    refresh();
}

void LibraryModel::setFilter(const engine::LibraryFilter &filter)
{
    m_filter = filter;
    refresh();
}

QString LibraryModel::refresh()
{
    if (!m_store || !m_store->isOpen()) {
        beginResetModel();
        m_rows.clear();
        endResetModel();
        return {};
    }
    auto rows = m_store->librarySummary(m_filter);
    if (!rows.ok())
        return rows.error();
    beginResetModel();
    m_rows = std::move(rows).value();
    endResetModel();
    return {};
}

int LibraryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int LibraryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(ColumnCount);
}

QVariant LibraryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const engine::LibraryRow &r = m_rows.at(index.row());
    if (role == PathRole)
        return r.path;
    if (role == TrackIdRole)
        return r.trackId;
    if (role == Qt::ToolTipRole)
        return QDir::toNativeSeparators(r.path);
    if (role == Qt::TextAlignmentRole && index.column() >= DurationColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == SortRole) {
        switch (index.column()) {
        case FileColumn: return QFileInfo(r.path).fileName().toLower();
        case FolderColumn: return QFileInfo(r.path).absolutePath().toLower();
        case DurationColumn: return r.durationSeconds;
        case SegmentsColumn: return r.segmentCount;
        case ReviewedColumn: return r.reviewedShare;
        case LastEditColumn: return r.lastEdit.isValid() ? r.lastEdit.toMSecsSinceEpoch() : qint64(0);
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case FileColumn: return QFileInfo(r.path).fileName();
    case FolderColumn: return QDir::toNativeSeparators(QFileInfo(r.path).absolutePath());
    case DurationColumn: return TimeRuler::formatTime(r.durationSeconds, 0.1);
    case SegmentsColumn: return r.segmentCount;
    case ReviewedColumn: return QStringLiteral("%1 %").arg(r.reviewedShare * 100.0, 0, 'f', r.reviewedShare > 0 && r.reviewedShare < 0.01 ? 2 : 0);
    case LastEditColumn:
        return r.lastEdit.isValid() ? QLocale().toString(r.lastEdit.toLocalTime(), QLocale::ShortFormat) : tr("never");
    }
    return {};
}

QVariant LibraryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case FileColumn: return tr("File");
    case FolderColumn: return tr("Folder");
    case DurationColumn: return tr("Duration");
    case SegmentsColumn: return tr("Segments");
    case ReviewedColumn: return tr("Reviewed");
    case LastEditColumn: return tr("Last edit");
    }
    return {};
}

} // namespace taglane::widgets
