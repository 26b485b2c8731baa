// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/labelassembler.h"

#include "engine/formats/importtext.h"
#include "engine/formats/segmenttimes.h"

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
    if (const QString problem = SegmentTimes::check(start, end, m_options.maxSeconds, startName, endName);
        !problem.isEmpty())
        return R::failure(ImportText::at(m_source, line, problem));
    const auto k = std::make_pair(start, end);
    const auto it = m_spanIndex.find(k);
    if (it != m_spanIndex.end())
        return it->second;
    const int index = int(m_spans.size());
    if (double(index + 1) * double(std::max(1, int(m_tags.size()))) > double(m_options.maxCells))
        return R::failure(ImportText::at(m_source, line, tr("too many labels for one track (%1 segments x %2 tags "
                                                            "so far; the limit is %3 cells).")
                                                             .arg(index + 1).arg(m_tags.size()).arg(m_options.maxCells)));
    m_spans.push_back({start, end, line});
    m_rows.emplace_back();
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
    Row &row = m_rows[size_t(segment)];
    if (row.cells.size() <= size_t(tag)) {
        if (row.cells.empty()) {   // most rows end up as long as the tags known now
            row.cells.reserve(std::max(size_t(m_tags.size()), size_t(tag) + 1));
            row.set.reserve(row.cells.capacity());
        }
        row.cells.resize(size_t(tag) + 1);
        row.set.resize(size_t(tag) + 1, false);
    }
    row.set[size_t(tag)] = true;
    return row.cells[size_t(tag)];
}

Result<TrackLabels> LabelAssembler::finish(const QString &file)
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
                    return R::failure(tr("%1: the segment %2-%3 s overlaps the segment %4-%5 s "
                                         "(a segment starts before the previous one ends).")
                                          .arg(m_source).arg(later.start).arg(later.end).arg(earlier.start).arg(earlier.end));
                return R::failure(ImportText::at(m_source, later.line,
                                                 tr("the segment %1-%2 s overlaps the segment %3-%4 s of line %5 "
                                                    "(a segment starts before the previous one ends).")
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
    if (m_fillAbsent)
        for (LabelCell &c : labels.cells)
            c.verdict = Verdict::Absent;
    for (size_t i = 0; i < order.size(); ++i) {
        Row &row = m_rows[size_t(order[i])];
        for (size_t t = 0; t < row.cells.size(); ++t)
            if (row.set[t])
                labels.cell(int(i), int(t)) = std::move(row.cells[t]);
        std::vector<LabelCell>().swap(row.cells);   // frees the row as soon as it is copied
        std::vector<bool>().swap(row.set);
    }
    return labels;
}

} // namespace taglane::engine
