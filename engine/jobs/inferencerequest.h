// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"
#include "engine/model/tagger.h"
#include "engine/segment/segmentationsettings.h"

#include <QString>

namespace taglane::engine {

/// One tagging job: a track x a model bundle x segmentation x batch size x
/// device. Value type; built on any thread and copied into the worker.
struct InferenceRequest
{
    /// The track. When `audio` is empty the worker decodes `audioPath`;
    /// otherwise `audio` is used (resampled to the model's rate if needed)
    /// and `audioPath` only names the track in results and messages.
    QString audioPath;
    AudioBuffer audio;

    QString bundleFolder;                  ///< NAME.tlmodel folder
    SegmentationSettings segmentation;
    int batchSize = 8;                     ///< chunks per forward pass
    DevicePreference device = DevicePreference::Auto;
};

} // namespace taglane::engine
