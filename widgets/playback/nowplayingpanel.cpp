// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/playback/nowplayingpanel.h"

#include "widgets/lane/taglanemodel.h"
#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/timeline/timeruler.h"
#include "widgets/track/trackview.h"

#include <QPainter>
#include <QPaintEvent>

#include <algorithm>
#include <type_traits>
#include <utility>

namespace taglane::widgets {

namespace {

/// TrackView::topTagsAt(seconds, n) when the view offers it (the lane's own
/// notion of "the current model's tags at a time").
template <typename T, typename = void>
struct HasTopTagsAt : std::false_type
{
};
template <typename T>
struct HasTopTagsAt<T, std::void_t<decltype(std::declval<const T &>().topTagsAt(0.0, 1))>> : std::true_type
{
};

/// Replaces `scores` by the view's own top tags when it has topTagsAt(),
/// keeping labels, categories and verdicts from the lane model.
template <typename View>
void useViewTopTags(const View *view, const TagLaneModel *model, double seconds, int count,
                    QVector<NowPlayingPanel::TagScore> &scores)
{
    if constexpr (HasTopTagsAt<View>::value) {
        const auto top = view->topTagsAt(seconds, count);
        QVector<NowPlayingPanel::TagScore> out;
        for (const auto &pair : top) {
            NowPlayingPanel::TagScore s;
            s.name = pair.first;
            s.probability = pair.second;
            const int tag = model->vocabulary().indexOf(s.name);
            engine::Tag t{s.name, engine::Vocabulary::categoryOf(s.name)};
            if (tag >= 0)
                t = model->vocabulary().at(tag);
            s.label = TagLaneModel::displayName(t);
            s.category = t.category;
            for (const auto &old : scores) {
                if (old.name == s.name)
                    s.verdict = old.verdict;
            }
            out.push_back(s);
        }
        if (!out.isEmpty() || scores.isEmpty())
            scores = out;
    } else {
        Q_UNUSED(view);
        Q_UNUSED(model);
        Q_UNUSED(seconds);
        Q_UNUSED(count);
        Q_UNUSED(scores);
    }
}

} // namespace

NowPlayingPanel::NowPlayingPanel(TrackView *view, QWidget *parent)
    : QWidget(parent)
    , m_view(view)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_throttle.setSingleShot(true);
    m_throttle.setInterval(30);   // at most ~33 repaints a second while playing
    connect(&m_throttle, &QTimer::timeout, this, &NowPlayingPanel::update);
    if (view) {
        connect(view->timeAxis(), &TimeAxis::cursorChanged, this, &NowPlayingPanel::scheduleUpdate);
        TagLaneModel *model = view->tagLaneModel();
        connect(model, &QAbstractItemModel::dataChanged, this, &NowPlayingPanel::scheduleUpdate);
        connect(model, &QAbstractItemModel::modelReset, this, &NowPlayingPanel::scheduleUpdate);
        connect(model, &QAbstractItemModel::columnsInserted, this, &NowPlayingPanel::scheduleUpdate);
        connect(model, &QAbstractItemModel::rowsInserted, this, &NowPlayingPanel::scheduleUpdate);
        connect(model, &QAbstractItemModel::headerDataChanged, this, &NowPlayingPanel::scheduleUpdate);
    }
    setToolTip(tr("The tags the model hears most strongly at the playback cursor"));
}

void NowPlayingPanel::setTagCount(int count)
{
    m_count = std::max(1, count);
    update();
}

void NowPlayingPanel::scheduleUpdate()
{
    if (!m_throttle.isActive())
        m_throttle.start();
}

QVector<NowPlayingPanel::TagScore> NowPlayingPanel::topTags(const TagLaneModel *model, double seconds, int count,
                                                             double *segmentStart, double *segmentEnd)
{
    QVector<TagScore> out;
    if (segmentStart)
        *segmentStart = -1.0;
    if (segmentEnd)
        *segmentEnd = -1.0;
    if (!model)
        return out;
    const auto &segments = model->segments();
    // The column covering the cursor; past the end, the last one.
    int column = -1;
    for (int i = 0; i < segments.size(); ++i) {
        if (seconds >= segments.at(i).start && seconds < segments.at(i).end) {
            column = i;
            break;
        }
    }
    if (column < 0 && !segments.isEmpty() && seconds >= segments.back().end)
        column = int(segments.size()) - 1;
    if (column < 0)
        return out;
    if (segmentStart)
        *segmentStart = segments.at(column).start;
    if (segmentEnd)
        *segmentEnd = segments.at(column).end;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, column);
        const QVariant p = model->data(index, TagLaneModel::ProbabilityRole);
        if (!p.isValid())
            continue;
        const int tag = model->tagIndexOfRow(row);
        if (tag < 0)
            continue;
        const engine::Tag &t = model->vocabulary().at(tag);
        out.push_back({t.name, TagLaneModel::displayName(t), t.category, p.toDouble(),
                       model->data(index, TagLaneModel::VerdictRole).toInt()});
    }
    std::stable_sort(out.begin(), out.end(), [](const TagScore &a, const TagScore &b) { return a.probability > b.probability; });
    if (out.size() > count)
        out.resize(count);
    return out;
}

void NowPlayingPanel::update()
{
    m_throttle.stop();
    if (m_view) {
        m_cursor = m_view->timeAxis()->cursor();
        // Verdicts come from every tag of the column; the ranking from the view when it offers one.
        m_scores = topTags(m_view->tagLaneModel(), m_cursor, m_view->tagLaneModel()->rowCount(), &m_segmentStart,
                           &m_segmentEnd);
        useViewTopTags(m_view.data(), m_view->tagLaneModel(), m_cursor, m_count, m_scores);
        if (m_scores.size() > m_count)
            m_scores.resize(m_count);
    }
    QWidget::update();
}

QSize NowPlayingPanel::sizeHint() const
{
    return {280, 44 + m_count * 24};
}

QSize NowPlayingPanel::minimumSizeHint() const
{
    return {180, 60};
}

void NowPlayingPanel::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const QFontMetrics fm = fontMetrics();
    const int margin = 8;
    p.setPen(palette().color(QPalette::PlaceholderText));
    QString header;
    if (m_segmentStart >= 0.0)
        header = tr("At %1 (segment %2 - %3)")
                     .arg(TimeRuler::formatTime(m_cursor, 0.1), TimeRuler::formatTime(m_segmentStart, 0.1),
                          TimeRuler::formatTime(m_segmentEnd, 0.1));
    else
        header = tr("Tag the track (Ctrl+T) to see what the model hears here.");
    p.drawText(QRect(margin, margin, width() - 2 * margin, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(header, Qt::ElideRight, width() - 2 * margin));
    if (m_scores.isEmpty())
        return;
    const int labelWidth = std::min(width() / 2, 150);
    const int barLeft = margin + labelWidth + 6;
    const int barWidth = std::max(20, width() - barLeft - margin - fm.horizontalAdvance(QStringLiteral("0.00")) - 6);
    const int rowHeight = std::max(fm.height() + 6, 20);
    int y = margin + fm.height() + 8;
    for (const TagScore &s : m_scores) {
        if (y + rowHeight > height())
            break;
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(margin, y, labelWidth, rowHeight), Qt::AlignRight | Qt::AlignVCenter,
                   fm.elidedText(s.label, Qt::ElideMiddle, labelWidth));
        const QRect track(barLeft, y + 3, barWidth, rowHeight - 6);
        p.fillRect(track, palette().color(QPalette::Window));
        QColor bar = palette().color(QPalette::Highlight);
        if (s.verdict == TagLaneModel::Present)
            bar = QColor(0x4c, 0xb0, 0x6a);
        else if (s.verdict == TagLaneModel::Absent)
            bar = QColor(0x80, 0x80, 0x88);
        p.fillRect(QRect(track.left(), track.top(), int(track.width() * std::clamp(s.probability, 0.0, 1.0)), track.height()),
                   bar);
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(track.right() + 6, y, width(), rowHeight), Qt::AlignLeft | Qt::AlignVCenter,
                   QString::number(s.probability, 'f', 2));
        y += rowHeight;
    }
}

} // namespace taglane::widgets
