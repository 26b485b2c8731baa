// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/review/reviewqueuemodel.h"

#include <QFileInfo>

#include <cmath>

namespace taglane::widgets {

ReviewQueueModel::ReviewQueueModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ReviewQueueModel::setCells(const QVector<engine::ReviewCell> &cells)
{
    beginResetModel();
    m_cells = cells;
    endResetModel();
}

int ReviewQueueModel::rowOf(qint64 segmentId, qint64 tagId) const
{
    for (int r = 0; r < m_cells.size(); ++r)
        if (m_cells[r].segmentId == segmentId && m_cells[r].tagId == tagId)
            return r;
    return -1;
}

void ReviewQueueModel::removeCell(int row)
{
    if (row < 0 || row >= m_cells.size())
        return;
    beginRemoveRows({}, row, row);
    m_cells.removeAt(row);
    endRemoveRows();
}

QString ReviewQueueModel::formatSpan(double start, double end)
{
    auto format = [](double seconds) {
        const int minutes = int(seconds / 60.0);
        return QStringLiteral("%1:%2").arg(minutes).arg(seconds - minutes * 60.0, 4, 'f', 1, QLatin1Char('0'));
    };
    return QStringLiteral("%1 - %2").arg(format(start), format(end));
}

int ReviewQueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_cells.size());
}

int ReviewQueueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReviewQueueModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_cells.size() || index.column() >= ColumnCount)
        return {};
    const engine::ReviewCell &c = m_cells.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TrackColumn: return QFileInfo(c.trackPath).fileName();
        case TimeColumn: return formatSpan(c.start, c.end);
        case TagColumn: return c.tag;
        case ProbabilityColumn: return QString::number(double(c.probability), 'f', 3);
        case ScoreColumn: return QString::number(c.score, 'f', 3);
        default: return {};
        }
    case Qt::ToolTipRole: {
        QString tip = tr("%1\n%2, %3: p = %4").arg(c.trackPath, formatSpan(c.start, c.end), c.tag)
                          .arg(double(c.probability), 0, 'f', 3);
        if (!c.modelVersion.isEmpty())
            tip += tr(" (%1)").arg(c.modelVersion);
        for (const auto &m : c.byModel)
            tip += QStringLiteral("\n  %1: %2").arg(m.first).arg(double(m.second), 0, 'f', 3);
        return tip;
    }
    case Qt::TextAlignmentRole:
        return index.column() >= ProbabilityColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case TrackPathRole: return c.trackPath;
    case SegmentIdRole: return c.segmentId;
    case TagNameRole: return c.tag;
    case ProbabilityRole: return double(c.probability);
    default: return {};
    }
}

QVariant ReviewQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TrackColumn: return tr("Track");
    case TimeColumn: return tr("Time");
    case TagColumn: return tr("Tag");
    case ProbabilityColumn: return tr("p");
    case ScoreColumn: return tr("Score");
    default: return {};
    }
}

} // namespace taglane::widgets
