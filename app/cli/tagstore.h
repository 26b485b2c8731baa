// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/library/libraryshard.h"
#include "engine/model/tagger.h"
#include "engine/segment/segmentationsettings.h"

#include <QStringList>

namespace taglane::app {

/// What `taglane-cli tag --store DB` was asked to do (checked options).
struct TagIntoStore
{
    QString storePath;
    QString model;                       ///< bundle folder or bundled model name
    engine::SegmentationSettings segmentation;
    engine::DevicePreference device = engine::DevicePreference::Auto;
    int batchSize = 8;
    int threads = 0;
    QStringList inputs;                  ///< files and folders to add first; empty: the whole library
    engine::LibraryShard shard;          ///< tag only this shard's tracks (by content hash)
    int waitForStoreSeconds = 0;         ///< wait this long for a store another process holds
};

/// Tags library tracks into the store (see runTag's help); returns the exit status.
int runTagIntoStore(const TagIntoStore &request);

} // namespace taglane::app
