// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/formats/importoptions.h"
#include "engine/formats/tracklabels.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <map>
#include <utility>
#include <vector>

namespace taglane::engine {

/// Collects the segments, tags and cells an importer reads in any order
/// and turns them into one consistent TrackLabels: segments sorted by start
/// and checked for overlap, tags in order of first appearance, every other
/// cell unknown. Not thread-safe; one per track being read.
class LabelAssembler
{
public:
    LabelAssembler(QString source, const ImportOptions &options);

    /// Index of the segment [start, end), added on first sight. Fails with
    /// "<source>, line <line>: ..." when the times break SegmentTimes::check()
    /// (`startName` / `endName` name the columns), or as soon as a new
    /// segment takes segments x tags past options.maxCells.
    Result<int> segment(double start, double end, qint64 line, const QString &startName, const QString &endName);
    /// Index of the tag, added on first sight.
    int tag(const QString &name);
    /// The cell of (segment, tag), created unknown on first use.
    LabelCell &cell(int segment, int tag);
    int segmentCount() const { return int(m_spans.size()); }
    int tagCount() const { return m_tags.size(); }
    const QString &tagName(int tag) const { return m_tags.at(tag); }

    /// Cells never set become absent verdicts instead of unknown.
    void setFillAbsent(bool fill) { m_fillAbsent = fill; }

    /// The labels for audio `file`. Fails when segments overlap, when there
    /// are none, or when segments x tags passes options.maxCells. Hands the
    /// cells over (one copy of them in memory, not two): call it once.
    Result<TrackLabels> finish(const QString &file);

private:
    QString m_source;
    ImportOptions m_options;
    struct Span { double start; double end; qint64 line; };
    std::vector<Span> m_spans;
    std::map<std::pair<double, double>, int> m_spanIndex;
    QStringList m_tags;
    QHash<QString, int> m_tagIndex;
    /// Cells by segment (in order of first sight), each row as long as the
    /// highest tag set in it; `set` marks the cells given a value.
    struct Row { std::vector<LabelCell> cells; std::vector<bool> set; };
    std::vector<Row> m_rows;
    bool m_fillAbsent = false;
};

} // namespace taglane::engine
