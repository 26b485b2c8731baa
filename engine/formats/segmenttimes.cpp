// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/segmenttimes.h"

#include "engine/segment/segmentation.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("SegmentTimes", text);
}
} // namespace

QString SegmentTimes::check(double start, double end, double maxSeconds, const QString &startName,
                            const QString &endName)
{
    if (!std::isfinite(start) || !std::isfinite(end))
        return tr("%1 and %2 must be finite numbers.").arg(startName, endName);
    if (start < 0.0)
        return tr("%1 %2 is negative.").arg(startName).arg(start);
    if (end > maxSeconds)
        return tr("%1 %2 is implausibly large (more than %3 s).").arg(endName).arg(end).arg(maxSeconds);
    if (end < start)
        return tr("%1 %2 is before %3 %4.").arg(endName).arg(end).arg(startName).arg(start);
    if (end == start)
        return tr("%1 equals %2 (%3): the segment is empty.").arg(endName, startName).arg(start);
    return {};
}

double SegmentTimes::lengthTolerance(double audioSeconds)
{
    return std::max(0.25, 0.005 * audioSeconds);
}

QString SegmentTimes::checkLength(const Segmentation &segments, double audioSeconds, const QString &audioPath)
{
    if (!(audioSeconds > 0.0) || !std::isfinite(audioSeconds))
        return {};
    const double limit = audioSeconds + lengthTolerance(audioSeconds);
    for (int i = 0; i < segments.size(); ++i) {
        const Segment &s = segments.at(i);
        if (s.end > limit)
            return tr("the segment %1-%2 s ends after the audio %3, which lasts %4 s.")
                .arg(s.start).arg(s.end).arg(audioPath).arg(audioSeconds, 0, 'f', 3);
    }
    return {};
}

} // namespace taglane::engine
