// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/library/opentrackrefresh.h"

#include "widgets/track/trackview.h"

#include "engine/curation/trackdocument.h"
#include "engine/store/annotationstore.h"

namespace taglane::widgets {

engine::Result<bool> OpenTrackRefresh::reload(TrackView &view, engine::AnnotationStore *store, qint64 trackId,
                                              const QString &modelVersion)
{
    engine::TrackDocument *doc = view.document();
    if (!store || !store->isOpen() || !view.hasTrack() || !doc || trackId <= 0 || doc->trackId() != trackId)
        return false;
    // The track's segments were kept by the run, so verdicts and the undo
    // steps (which find their cells by segment id) stay where they are.
    const auto loaded = doc->loadFromStore(store, trackId);
    if (!loaded)
        return engine::Result<bool>::failure(loaded.error());
    view.setCurrentModelVersion(modelVersion);
    return true;
}

} // namespace taglane::widgets
