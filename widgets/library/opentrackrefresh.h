// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QString>

namespace taglane::engine {
class AnnotationStore;
}

namespace taglane::widgets {

class TrackView;

/// Shows in the open track's lane what background work (Tag Library) has
/// just saved for it: reloads its document from the store and makes
/// `modelVersion` the lane's version. GUI thread.
class OpenTrackRefresh
{
public:
    /// True when the view's open track is `trackId` and was reloaded; false
    /// when another track (or none) is open; a failure when the store could
    /// not be read (the lane stays as it was).
    static engine::Result<bool> reload(TrackView &view, engine::AnnotationStore *store, qint64 trackId,
                                       const QString &modelVersion);
};

} // namespace taglane::widgets
