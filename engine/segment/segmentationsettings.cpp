// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/segment/segmentationsettings.h"

#include <QCoreApplication>

#include <algorithm>

namespace taglane::engine {

Result<SegmentationSettings> SegmentationSettings::parse(const QString &text)
{
    SegmentationSettings s;
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("chunk") || t == QLatin1String("chunks")) {
        s.mode = Mode::Chunks;
        return s;
    }
    if (t == QLatin1String("novelty")) {
        s.mode = Mode::Novelty;
        return s;
    }
    if (t.startsWith(QLatin1String("fixed:"))) {
        bool ok = false;
        const double w = t.mid(6).toDouble(&ok);
        if (ok && w >= minWindowSeconds && w <= maxWindowSeconds) {
            s.mode = Mode::Fixed;
            s.windowSeconds = w;
            s.minSeconds = std::min(s.minSeconds, w);
            return s;
        }
        return Result<SegmentationSettings>::failure(
            QCoreApplication::translate("SegmentationSettings",
                                        "Segment length in \"%1\" must be a number of seconds from %2 to %3.")
                .arg(text).arg(minWindowSeconds).arg(maxWindowSeconds));
    }
    return Result<SegmentationSettings>::failure(
        QCoreApplication::translate("SegmentationSettings",
                                    "Unknown segmentation \"%1\": use \"chunk\", \"fixed:SECONDS\" or \"novelty\".")
            .arg(text));
}

QString SegmentationSettings::toString() const
{
    switch (mode) {
    case Mode::Chunks: return QStringLiteral("chunk");
    case Mode::Novelty: return QStringLiteral("novelty");
    case Mode::Fixed: break;
    }
    return QStringLiteral("fixed:%1").arg(windowSeconds);
}

} // namespace taglane::engine
