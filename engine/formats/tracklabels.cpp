// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/tracklabels.h"

#include "engine/store/labelgrid.h"

#include <QFileInfo>

namespace taglane::engine {

QString TrackLabels::displayTitle() const
{
    return title.isEmpty() ? QFileInfo(file).completeBaseName() : title;
}

TrackLabels TrackLabels::fromProbabilities(const QString &file, double durationSeconds, const Segmentation &segments,
                                           const Vocabulary &tags, const std::vector<std::vector<float>> &rows,
                                           const QString &modelVersion, const QDateTime &modelTime)
{
    TrackLabels labels;
    labels.file = file;
    labels.durationSeconds = durationSeconds;
    labels.segments = segments;
    labels.tags = tags;
    labels.modelVersion = modelVersion;
    labels.modelTime = modelTime;
    labels.cells.resize(size_t(segments.size()) * size_t(tags.size()));
    for (int s = 0; s < segments.size() && size_t(s) < rows.size(); ++s)
        for (int t = 0; t < tags.size() && size_t(t) < rows[size_t(s)].size(); ++t)
            labels.cell(s, t).probability = rows[size_t(s)][size_t(t)];
    return labels;
}

TrackLabels TrackLabels::fromLabelGrid(const LabelGrid &grid, const QString &file, double durationSeconds)
{
    TrackLabels labels;
    labels.file = file;
    labels.durationSeconds = durationSeconds;
    labels.segments = grid.segmentation;
    labels.tags = Vocabulary(grid.tags);
    labels.modelVersion = grid.modelVersion;
    labels.cells.resize(size_t(grid.rows()) * size_t(grid.columns()));
    for (int s = 0; s < grid.rows(); ++s) {
        for (int t = 0; t < grid.columns(); ++t) {
            LabelCell &c = labels.cell(s, t);
            const int i = grid.cell(s, t);
            if (i < grid.probabilities.size())
                c.probability = grid.probabilities.at(i);
            if (i < grid.verdicts.size())
                c.verdict = grid.verdicts.at(i);
            if (i < grid.verdictTimes.size() && grid.verdictTimes.at(i) > 0)
                c.modified = QDateTime::fromMSecsSinceEpoch(grid.verdictTimes.at(i), Qt::UTC);
        }
    }
    return labels;
}

} // namespace taglane::engine
