// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/labelassembler.h"

#include "engine/formats/importtext.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("LabelAssembler", text);
}
quint64 key(int segment, int tag)
{
    return (quint64(quint32(segment)) << 32) | quint32(tag);
}
} // namespace

LabelAssembler::LabelAssembler(QString source, const ImportOptions &options)
    : m_source(std::move(source))
    , m_options(options)
{
}

Result<int> LabelAssembler::segment(double start, double end, qint64 line, const QString &startName,
                                    const QString &endName)
{
    using R = Result<int>;
    if (!std::isfinite(start) || !std::isfinite(end))
        return R::failure(ImportText::at(m_source, line, tr("%1 and %2 must be finite numbers.").arg(startName, endName)));
    if (start < 0.0)
        return R::failure(ImportText::at(m_source, line, tr("%1 %2 is negative.").arg(startName).arg(start)));
    if (end > m_options.maxSeconds)
        return R::failure(ImportText::at(m_source, line, tr("%1 %2 is implausibly large (more than %3 s).")
                                                             .arg(endName).arg(end).arg(m_options.maxSeconds)));
    if (end < start)
        return R::failure(ImportText::at(m_source, line, tr("%1 %2 is before %3 %4.")
                                                             .arg(endName).arg(end).arg(startName).arg(start)));
    if (end == start)
        return R::failure(ImportText::at(m_source, line, tr("%1 equals %2 (%3): the segment is empty.")
                                                             .arg(endName, startName).arg(start)));
    const auto k = std::make_pair(start, end);
    const auto it = m_spanIndex.find(k);
    if (it != m_spanIndex.end())
        return it->second;
    const int index = int(m_spans.size());
    m_spans.push_back({start, end, line});
    m_spanIndex.emplace(k, index);
    return index;
}

int LabelAssembler::tag(const QString &name)
{
    const auto it = m_tagIndex.constFind(name);
    if (it != m_tagIndex.constEnd())
        return *it;
    const int index = m_tags.size();
    m_tags << name;
    m_tagIndex.insert(name, index);
    return index;
}

LabelCell &LabelAssembler::cell(int segment, int tag)
{
    return m_cells[key(segment, tag)];
}

bool LabelAssembler::hasCell(int segment, int tag) const
{
    return m_cells.contains(key(segment, tag));
}

Result<TrackLabels> LabelAssembler::finish(const QString &file) const
{
    using R = Result<TrackLabels>;
    if (m_spans.empty())
        return R::failure(tr("%1 holds no segments.").arg(m_source));
    const double cells = double(m_spans.size()) * double(std::max(1, int(m_tags.size())));
    if (cells > double(m_options.maxCells))
        return R::failure(tr("%1 holds too many labels for one track (%2 segments x %3 tags; the limit is %4 cells).")
                              .arg(m_source).arg(m_spans.size()).arg(m_tags.size()).arg(m_options.maxCells));
    std::vector<int> order(m_spans.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [this](int a, int b) {
        return m_spans[size_t(a)].start < m_spans[size_t(b)].start
               || (m_spans[size_t(a)].start == m_spans[size_t(b)].start && m_spans[size_t(a)].end < m_spans[size_t(b)].end);
    });
    QVector<Segment> segments;
    segments.reserve(int(order.size()));
    for (size_t i = 0; i < order.size(); ++i) {
        const Span &s = m_spans[size_t(order[i])];
        if (i > 0) {
            const Span &p = m_spans[size_t(order[i - 1])];
            if (s.start < p.end) {
                const Span &later = s.line >= p.line ? s : p;
                const Span &earlier = s.line >= p.line ? p : s;
                if (later.line <= 0)
                    return R::failure(tr("%1: the segment %2-%3 s overlaps the segment %4-%5 s.")
                                          .arg(m_source).arg(later.start).arg(later.end).arg(earlier.start).arg(earlier.end));
                return R::failure(ImportText::at(m_source, later.line,
                                                 tr("the segment %1-%2 s overlaps the segment %3-%4 s of line %5.")
                                                     .arg(later.start).arg(later.end).arg(earlier.start)
                                                     .arg(earlier.end).arg(earlier.line)));
            }
        }
        segments.push_back({qint64(i + 1), s.start, s.end});
    }
    auto segmentation = Segmentation::fromSegments(segments, m_source);
    if (!segmentation)
        return R::failure(segmentation.error());

    TrackLabels labels;
    labels.file = file;
    labels.segments = segmentation.value();
    labels.tags = Vocabulary::fromNames(m_tags);
    labels.durationSeconds = segments.last().end;
    labels.cells.resize(size_t(segments.size()) * size_t(m_tags.size()));
    std::vector<int> rowOf(m_spans.size());
    for (size_t i = 0; i < order.size(); ++i)
        rowOf[size_t(order[i])] = int(i);
    if (m_fillAbsent)
        for (LabelCell &c : labels.cells)
            c.verdict = Verdict::Absent;
    for (auto it = m_cells.constBegin(); it != m_cells.constEnd(); ++it) {
        const int seg = int(it.key() >> 32);
        const int tag = int(it.key() & 0xffffffffu);
        labels.cell(rowOf[size_t(seg)], tag) = it.value();
    }
    return labels;
}

} // namespace taglane::engine
