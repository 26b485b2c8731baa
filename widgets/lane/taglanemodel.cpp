// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/lane/taglanemodel.h"

#include "engine/curation/tagnames.h"
#include "engine/curation/trackdocument.h"

#include <QDateTime>
#include <QHash>
#include <QTimeZone>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace taglane::widgets {

using engine::TrackDocument;

TagLaneModel::TagLaneModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_doc(new TrackDocument(this))
{
    connect(m_doc, &TrackDocument::aboutToReset, this, [this]() {
        if (!m_inReset)
            beginResetModel();
    });
    connect(m_doc, &TrackDocument::didReset, this, &TagLaneModel::onDidReset);
    connect(m_doc, &TrackDocument::labelsChanged, this, [this](int s0, int s1, int, int) {
        if (rowCount() > 0 && s1 < columnCount())
            Q_EMIT dataChanged(index(0, s0), index(rowCount() - 1, s1));
    });
    connect(m_doc, &TrackDocument::probabilitiesChanged, this, [this](int s0, int s1) {
        if (rowCount() > 0 && s1 < columnCount())
            Q_EMIT dataChanged(index(0, s0), index(rowCount() - 1, s1));
        if (rowCount() > 0)
            Q_EMIT headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
    });
}

TagLaneModel::~TagLaneModel() = default;

void TagLaneModel::onDidReset()
{
    m_segments.clear();
    for (const engine::Segment &s : m_doc->segments())
        m_segments.push_back({s.start, s.end});
    rebuildRows();
    if (!m_inReset)
        endResetModel();
}

void TagLaneModel::setVocabulary(const engine::Vocabulary &vocabulary)
{
    m_doc->reset(vocabulary, m_doc->segments());
}

const engine::Vocabulary &TagLaneModel::vocabulary() const
{
    return m_doc->tags();
}

void TagLaneModel::setSegments(const QVector<Segment> &segments)
{
    QVector<engine::Segment> s;
    for (int i = 0; i < segments.size(); ++i)
        s.push_back({qint64(i + 1), segments.at(i).start, segments.at(i).end});
    m_doc->reset(m_doc->tags(), s);
}

void TagLaneModel::rowStats(int tag, double *peak, double *mean) const
{
    double best = -1.0;
    double sum = 0.0;
    int n = 0;
    for (int s = 0; s < m_doc->segmentCount(); ++s) {
        const float p = m_doc->probability(s, tag);
        if (std::isnan(p))
            continue;
        best = std::max(best, double(p));
        sum += p;
        ++n;
    }
    *peak = best;
    *mean = n > 0 ? sum / n : -1.0;
}

void TagLaneModel::rebuildRows()
{
    const engine::Vocabulary &v = m_doc->tags();
    const QString filter = m_filter.trimmed();
    m_rowToTag.clear();
    // The rule for which tags have rows: the model's, those with a verdict, or all.
    QVector<bool> shown(v.size(), m_showAll);
    if (!m_showAll) {
        for (const QString &name : m_modelTags) {
            const int i = v.indexOf(name);
            if (i >= 0)
                shown[i] = true;
        }
        for (int s = 0; s < m_doc->segmentCount(); ++s)
            for (int i = 0; i < v.size(); ++i)
                if (!shown[i] && m_doc->label(s, i).verdict != engine::Verdict::Unknown)
                    shown[i] = true;
    }
    // Within a category the model's tags keep the model's output order (the
    // document's vocabulary is the store's, in the order its tags were
    // added); the others follow in the vocabulary's order.
    QHash<QString, int> modelOrder;
    for (int k = 0; k < m_modelTags.size(); ++k)
        modelOrder.insert(m_modelTags.at(k), k);
    // Categories too come in the order the model's tags first name them.
    QStringList categories;
    for (const QString &name : m_modelTags)
        if (const int i = v.indexOf(name); i >= 0 && !categories.contains(v.at(i).category))
            categories << v.at(i).category;
    for (const QString &category : v.categories())
        if (!categories.contains(category))
            categories << category;
    for (const QString &category : std::as_const(categories)) {
        QVector<int> group;
        QVector<double> key;
        for (int i = 0; i < v.size(); ++i) {
            const engine::Tag &tag = v.at(i);
            if (tag.category != category || !shown[i])
                continue;
            if (!filter.isEmpty() && !tag.name.contains(filter, Qt::CaseInsensitive)
                && !displayName(tag).contains(filter, Qt::CaseInsensitive)
                && !tag.category.contains(filter, Qt::CaseInsensitive))
                continue;
            double peak = 0.0, mean = 0.0;
            if (m_order != RowOrder::Vocabulary)
                rowStats(i, &peak, &mean);
            group.push_back(i);
            if (m_order == RowOrder::Vocabulary)
                key.push_back(-double(modelOrder.value(tag.name, int(m_modelTags.size()) + i)));
            else
                key.push_back(m_order == RowOrder::PeakProbability ? peak : mean);
        }
        QVector<int> order(group.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key[a] > key[b]; });
        for (int k : order)
            m_rowToTag.push_back(group[k]);
    }
    groupRelatedRows();
}

void TagLaneModel::groupRelatedRows()
{
    const engine::Vocabulary &v = m_doc->tags();
    m_rowPartner = QVector<int>(m_rowToTag.size(), -1);
    m_rowRelated = QVector<QVector<int>>(m_rowToTag.size());
    if (m_mapping.isEmpty())
        return;
    QHash<int, int> rowOfTagIndex;
    for (int r = 0; r < m_rowToTag.size(); ++r)
        rowOfTagIndex.insert(m_rowToTag.at(r), r);
    // Each tag with a row takes its related tags' rows directly below it
    // (one level: a related row is not a partner in turn).
    QVector<int> rows;
    QVector<int> partner;
    QVector<bool> placed(m_rowToTag.size(), false);
    for (int r = 0; r < m_rowToTag.size(); ++r) {
        if (placed[r])
            continue;
        placed[r] = true;
        const int tag = m_rowToTag.at(r);
        rows.push_back(tag);
        partner.push_back(-1);
        for (const QString &name : m_mapping.related(v.at(tag).name)) {
            const int rr = rowOfTagIndex.value(v.indexOf(name), -1);
            if (rr < 0 || placed[rr])
                continue;
            placed[rr] = true;
            rows.push_back(m_rowToTag.at(rr));
            partner.push_back(tag);
        }
    }
    m_rowToTag = rows;
    m_rowPartner = partner;
    for (int r = 0; r < m_rowToTag.size(); ++r)
        for (const QString &name : m_mapping.related(v.at(m_rowToTag.at(r)).name))
            if (const int i = v.indexOf(name); i >= 0)
                m_rowRelated[r].push_back(i);
}

engine::CellLabel TagLaneModel::relatedLabel(int row, int column, QString *relatedTag) const
{
    for (int tag : m_rowRelated.value(row)) {
        const engine::CellLabel &label = m_doc->label(column, tag);
        if (label.verdict != engine::Verdict::Unknown) {
            if (relatedTag)
                *relatedTag = m_doc->tags().at(tag).name;
            return label;
        }
    }
    return {};
}

void TagLaneModel::setTagMapping(const engine::TagMapping &mapping)
{
    if (mapping.pairs() == m_mapping.pairs())
        return;
    m_mapping = mapping;
    resort();
}

void TagLaneModel::setThreshold(double threshold)
{
    threshold = std::clamp(threshold, 0.0, 1.0);
    if (std::abs(threshold - m_threshold) < 1e-12)
        return;
    m_threshold = threshold;
    if (rowCount() > 0 && columnCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {AboveThresholdRole});
    Q_EMIT thresholdChanged(m_threshold);
}

void TagLaneModel::setRowOrder(RowOrder order)
{
    if (order == m_order)
        return;
    m_order = order;
    resort();
}

void TagLaneModel::setFilterText(const QString &text)
{
    if (text == m_filter)
        return;
    m_filter = text;
    resort();
}

void TagLaneModel::setModelTags(const QStringList &names)
{
    if (names == m_modelTags)
        return;
    m_modelTags = names;
    resort();
}

void TagLaneModel::setShowAllTags(bool all)
{
    if (all == m_showAll)
        return;
    m_showAll = all;
    resort();
}

void TagLaneModel::resort()
{
    beginResetModel();
    m_inReset = true;
    rebuildRows();
    m_inReset = false;
    endResetModel();
}

void TagLaneModel::setProbability(int row, int column, double probability)
{
    if (row < 0 || row >= rowCount() || column < 0 || column >= columnCount())
        return;
    m_doc->setProbability(m_doc->currentModelVersion(), column, tagIndexOfRow(row), float(probability));
}

void TagLaneModel::setVerdict(int row, int column, Verdict verdict)
{
    setData(index(row, column), int(verdict), VerdictRole);
}

int TagLaneModel::rowOfTag(const QString &name) const
{
    const int tag = m_doc->tags().indexOf(name);
    return tag < 0 ? -1 : m_rowToTag.indexOf(tag);
}

QString TagLaneModel::tagNameOfRow(int row) const
{
    const int tag = tagIndexOfRow(row);
    return tag < 0 ? QString() : m_doc->tags().at(tag).name;
}

qint64 TagLaneModel::segmentIdOfColumn(int column) const
{
    return column >= 0 && column < m_doc->segmentCount() ? m_doc->segment(column).id : 0;
}

int TagLaneModel::columnOfSegment(qint64 id) const
{
    return m_doc->indexOfSegment(id);
}

QString TagLaneModel::categoryOfRow(int row) const
{
    // A related row sits in its partner's group.
    const int partner = m_rowPartner.value(row, -1);
    const int tag = partner >= 0 ? partner : tagIndexOfRow(row);
    return tag < 0 ? QString() : m_doc->tags().at(tag).category;
}

bool TagLaneModel::startsCategory(int row) const
{
    return row == 0 || (row > 0 && row < rowCount() && categoryOfRow(row) != categoryOfRow(row - 1));
}

QString TagLaneModel::displayName(const engine::Tag &tag)
{
    return engine::TagNames::displayName(tag.name);   // one display name per tag in the whole GUI
}

int TagLaneModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rowToTag.size();
}

int TagLaneModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_segments.size();
}

QString TagLaneModel::cellToolTip(int row, int column) const
{
    const int tag = tagIndexOfRow(row);
    const engine::Segment &seg = m_doc->segment(column);
    const float p = m_doc->probability(column, tag);
    const engine::CellLabel &label = m_doc->label(column, tag);
    QString text = QStringLiteral("<b>%1</b> <span style='color:gray'>(%2)</span><br>%3 - %4 s<br>")
                       .arg(displayName(m_doc->tags().at(tag)).toHtmlEscaped(), m_doc->tags().at(tag).category.toHtmlEscaped())
                       .arg(seg.start, 0, 'f', 2)
                       .arg(seg.end, 0, 'f', 2);
    if (std::isnan(p))
        text += tr("no prediction");
    else
        text += tr("probability %1").arg(double(p), 0, 'f', 3)
                + (m_doc->currentModelVersion().isEmpty() ? QString()
                                                          : QStringLiteral(" (%1)").arg(m_doc->currentModelVersion().toHtmlEscaped()));
    text += QStringLiteral("<br>");
    const double suggested = completionAt(row, column);
    if (!std::isnan(suggested))
        text += tr("suggested from your review: %1 (%2)")
                    .arg(suggested, 0, 'f', 2)
                    .arg(suggested >= m_threshold ? tr("present") : tr("absent"))
                + QStringLiteral("<br>");
    QString relatedTag;
    const engine::CellLabel related = label.verdict == engine::Verdict::Unknown ? relatedLabel(row, column, &relatedTag)
                                                                                  : engine::CellLabel();
    if (related.verdict != engine::Verdict::Unknown) {
        text += tr("verdict: not reviewed; the related tag %1 is %2 here (it counts for this tag in Retrain)")
                    .arg(engine::TagNames::withIdentifier(relatedTag).toHtmlEscaped(),
                         related.verdict == engine::Verdict::Present ? tr("present") : tr("absent"));
    } else if (label.verdict == engine::Verdict::Unknown) {
        text += tr("verdict: not reviewed");
    } else {
        const QString when = label.atMs > 0
            ? QDateTime::fromMSecsSinceEpoch(label.atMs, Qt::UTC).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
            : QString();
        text += tr("verdict: %1, set by %2 %3")
                    .arg(label.verdict == engine::Verdict::Present ? tr("present") : tr("absent"),
                         label.actor.isEmpty() ? tr("curator") : label.actor.toHtmlEscaped(), when);
    }
    if (m_doc->hasConflict(column, tag))
        text += QStringLiteral("<br><span style='color:#ff8c42'>%1</span>")
                    .arg(tr("curators disagree on this cell: the tag's rule decides what training and export use"));
    return text;
}

void TagLaneModel::setCompletion(const Completion &values)
{
    m_completion = values;
    if (rowCount() > 0 && columnCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {CompletionRole, Qt::ToolTipRole});
}

void TagLaneModel::clearCompletion()
{
    if (!m_completion.isEmpty())
        setCompletion({});
}

double TagLaneModel::completionAt(int row, int column) const
{
    const int tag = tagIndexOfRow(row);
    if (m_completion.isEmpty() || tag < 0 || column < 0 || column >= m_doc->segmentCount()
        || m_doc->label(column, tag).verdict != engine::Verdict::Unknown)
        return std::numeric_limits<double>::quiet_NaN();
    return m_completion.value({m_doc->segment(column).id, m_doc->tags().at(tag).name},
                              std::numeric_limits<double>::quiet_NaN());
}

QVariant TagLaneModel::data(const QModelIndex &index, int role) const
{
    if (!isCell(index))
        return {};
    const int tag = tagIndexOfRow(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole: {
        const float p = m_doc->probability(column, tag);
        return std::isnan(p) ? QVariant() : QVariant(QString::number(p, 'f', 2));
    }
    case Qt::ToolTipRole:
        return cellToolTip(index.row(), column);
    case ProbabilityRole: {
        const float p = m_doc->probability(column, tag);
        return std::isnan(p) ? QVariant() : QVariant(double(p));
    }
    case AboveThresholdRole: {
        const float p = m_doc->probability(column, tag);
        return !std::isnan(p) && double(p) >= m_threshold;
    }
    case VerdictRole:
        return int(m_doc->label(column, tag).verdict);
    case RelatedVerdictRole:
        return m_doc->label(column, tag).verdict == engine::Verdict::Unknown
            ? int(relatedLabel(index.row(), column).verdict)
            : int(Unknown);
    case VerdictActorRole:
        return m_doc->label(column, tag).actor;
    case VerdictTimeRole: {
        const qint64 at = m_doc->label(column, tag).atMs;
        return at > 0 ? QVariant(QDateTime::fromMSecsSinceEpoch(at, Qt::UTC)) : QVariant();
    }
    case TagNameRole:
        return m_doc->tags().at(tag).name;
    case CategoryRole:
        return categoryOfRow(index.row());
    case SegmentIdRole:
        return m_doc->segment(column).id;
    case CompletionRole: {
        const double v = completionAt(index.row(), column);
        return std::isnan(v) ? QVariant() : QVariant(v);
    }
    case ConflictRole:
        return m_doc->hasConflict(column, tag);
    default:
        return {};
    }
}

bool TagLaneModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!isCell(index))
        return false;
    const int tag = tagIndexOfRow(index.row());
    if (role == ProbabilityRole) {
        m_doc->setProbability(m_doc->currentModelVersion(), index.column(), tag,
                              value.isValid() ? float(std::clamp(value.toDouble(), 0.0, 1.0))
                                              : std::numeric_limits<float>::quiet_NaN());
        return true;
    }
    if (role == VerdictRole) {
        const int v = value.toInt();
        if (v < Unknown || v > Absent)
            return false;
        engine::CellLabel label;
        if (v != Unknown)
            label = {engine::verdictFromInt(v), QStringLiteral("curator"), QDateTime::currentMSecsSinceEpoch()};
        m_doc->applyCells({{m_doc->segment(index.column()).id, m_doc->tags().at(tag).name, label}});
        return true;
    }
    return false;
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
        const int tagIndex = tagIndexOfRow(section);
        const engine::Tag &tag = m_doc->tags().at(tagIndex);
        switch (role) {
        case Qt::DisplayRole: return displayName(tag);
        case Qt::ToolTipRole: {
            const int partner = m_rowPartner.value(section, -1);
            return partner < 0 ? tag.name
                               : tr("%1, related to %2 (a verdict on either counts for both in Retrain)")
                                     .arg(tag.name, engine::TagNames::withIdentifier(m_doc->tags().at(partner).name));
        }
        case TagNameRole: return tag.name;
        case CategoryRole: return categoryOfRow(section);
        case RelatedRole: {
            const int partner = m_rowPartner.value(section, -1);
            return partner < 0 ? QString() : m_doc->tags().at(partner).name;
        }
        case PeakRole:
        case MeanRole: {
            double peak = 0.0, mean = 0.0;
            rowStats(tagIndex, &peak, &mean);
            const double v = role == PeakRole ? peak : mean;
            return v < 0.0 ? QVariant() : QVariant(v);
        }
        default: return {};
        }
    }
    if (section < 0 || section >= columnCount())
        return {};
    const engine::Segment &s = m_doc->segment(section);
    switch (role) {
    case Qt::DisplayRole: return QStringLiteral("%1-%2 s").arg(s.start, 0, 'f', 1).arg(s.end, 0, 'f', 1);
    case SegmentStartRole: return s.start;
    case SegmentEndRole: return s.end;
    case SegmentIdRole: return s.id;
    default: return {};
    }
}

} // namespace taglane::widgets
