// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/taglanemodel.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <limits>

namespace taglane::widgets {

TagLaneModel::TagLaneModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void TagLaneModel::setVocabulary(const engine::Vocabulary &vocabulary)
{
    beginResetModel();
    m_vocabulary = vocabulary;
    m_rowToTag.clear();
    for (const QString &category : vocabulary.categories())
        for (int i = 0; i < vocabulary.size(); ++i)
            if (vocabulary.at(i).category == category)
                m_rowToTag.push_back(i);
    resetCells();
    endResetModel();
}

void TagLaneModel::setSegments(const QVector<Segment> &segments)
{
    beginResetModel();
    m_segments = segments;
    resetCells();
    endResetModel();
}

void TagLaneModel::resetCells()
{
    const size_t n = size_t(m_rowToTag.size()) * size_t(m_segments.size());
    m_probability.assign(n, std::numeric_limits<float>::quiet_NaN());
    m_verdict.assign(n, qint8(Unknown));
}

void TagLaneModel::setProbability(int row, int column, double probability)
{
    setData(index(row, column), probability, ProbabilityRole);
}

void TagLaneModel::setVerdict(int row, int column, Verdict verdict)
{
    setData(index(row, column), int(verdict), VerdictRole);
}

int TagLaneModel::rowOfTag(const QString &name) const
{
    const int tag = m_vocabulary.indexOf(name);
    return tag < 0 ? -1 : m_rowToTag.indexOf(tag);
}

QString TagLaneModel::categoryOfRow(int row) const
{
    const int tag = tagIndexOfRow(row);
    return tag < 0 ? QString() : m_vocabulary.at(tag).category;
}

bool TagLaneModel::startsCategory(int row) const
{
    return row == 0 || (row > 0 && row < rowCount() && categoryOfRow(row) != categoryOfRow(row - 1));
}

QString TagLaneModel::displayName(const engine::Tag &tag)
{
    QString name = tag.name;
    // CAL500 prefixes: "Emotion-", "Instrument_-_", "Genre--_", "Genre-Best-", ...
    static const QRegularExpression prefix(QStringLiteral("^[A-Za-z]+(?:_-_|--_|-Best-|-)"));
    const QRegularExpressionMatch m = prefix.match(name);
    if (m.hasMatch() && m.capturedLength() < name.size()) {
        const QString head = m.captured(0);
        name = name.mid(head.size());
        if (head.contains(QLatin1String("Best")))
            name = QStringLiteral("%1 (best)").arg(name);
    }
    name.replace(QLatin1Char('_'), QLatin1Char(' '));
    return name.simplified();
}

int TagLaneModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rowToTag.size();
}

int TagLaneModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_segments.size();
}

QVariant TagLaneModel::data(const QModelIndex &index, int role) const
{
    if (!isCell(index))
        return {};
    const size_t c = cell(index.row(), index.column());
    const float p = m_probability[c];
    switch (role) {
    case Qt::DisplayRole:
        return std::isnan(p) ? QVariant() : QVariant(QString::number(p, 'f', 2));
    case Qt::ToolTipRole:
        return QStringLiteral("%1: %2").arg(m_vocabulary.at(tagIndexOfRow(index.row())).name,
                                            std::isnan(p) ? tr("no prediction") : QString::number(p, 'f', 3));
    case ProbabilityRole:
        return std::isnan(p) ? QVariant() : QVariant(double(p));
    case VerdictRole:
        return int(m_verdict[c]);
    case TagNameRole:
        return m_vocabulary.at(tagIndexOfRow(index.row())).name;
    case CategoryRole:
        return categoryOfRow(index.row());
    default:
        return {};
    }
}

bool TagLaneModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!isCell(index))
        return false;
    const size_t c = cell(index.row(), index.column());
    if (role == ProbabilityRole) {
        m_probability[c] = value.isValid() ? float(std::clamp(value.toDouble(), 0.0, 1.0))
                                           : std::numeric_limits<float>::quiet_NaN();
    } else if (role == VerdictRole) {
        const int v = value.toInt();
        if (v < Unknown || v > Absent)
            return false;
        m_verdict[c] = qint8(v);
    } else {
        return false;
    }
    Q_EMIT dataChanged(index, index, {role});
    return true;
}

Qt::ItemFlags TagLaneModel::flags(const QModelIndex &index) const
{
    if (!isCell(index))
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant TagLaneModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical) {
        if (section < 0 || section >= rowCount())
            return {};
        const engine::Tag &tag = m_vocabulary.at(tagIndexOfRow(section));
        switch (role) {
        case Qt::DisplayRole: return displayName(tag);
        case Qt::ToolTipRole:
        case TagNameRole: return tag.name;
        case CategoryRole: return tag.category;
        default: return {};
        }
    }
    if (section < 0 || section >= columnCount())
        return {};
    const Segment &s = m_segments.at(section);
    switch (role) {
    case Qt::DisplayRole: return QStringLiteral("%1-%2 s").arg(s.start, 0, 'f', 1).arg(s.end, 0, 'f', 1);
    case SegmentStartRole: return s.start;
    case SegmentEndRole: return s.end;
    default: return {};
    }
}

} // namespace taglane::widgets
