// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: the registration hook through which the model
// layer's findArchitecture() (engine/model/network.cpp) learns the trainable
// architectures, so that Tagger loads their bundles. Only ATen, no torch::nn.
#pragma once

#include "engine/model/network_p.h"

namespace taglane::engine::detail {

/// The trainable architectures ("taglane-cnn", "taglane-cnn2", "tvcnn", ...) as
/// Tagger-loadable entries; nullptr when name is not one of them. Any thread.
const ArchitectureInfo *findTrainedArchitecture(const QString &name);

} // namespace taglane::engine::detail
