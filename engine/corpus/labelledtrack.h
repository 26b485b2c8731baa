// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/model/vocabulary.h"
#include "engine/segment/segmentation.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <vector>

namespace taglane::engine {

/// One audio file with its CAL500exp segment labels, as read from disk.
/// Value type; any thread.
struct LabelledTrack
{
    QString stem;
    QString audioPath;
    QString labelsPath;
    double durationSeconds = 0.0;   ///< from the audio header; 0 when not probed
    Segmentation segments;
    Vocabulary tags;                ///< the CSV's tag columns, in file order
    std::vector<float> values;      ///< segments x tags, row-major; NaN = empty cell (unknown)
    bool hard = true;               ///< every non-empty value is 0 or 1

    float value(int segment, int tag) const { return values[size_t(segment) * size_t(tags.size()) + size_t(tag)]; }
};

/// The labelled tracks of a folder and what was left out, and why.
struct LabelledFolder
{
    QVector<LabelledTrack> tracks;
    QStringList warnings;  ///< one sentence per skipped or doubtful file
};

} // namespace taglane::engine
