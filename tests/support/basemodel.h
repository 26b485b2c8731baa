// SPDX-License-Identifier: GPL-3.0-or-later
// A small trainable base model for tests that retrain or evaluate, trained
// in the test itself so it does not depend on the shipped default model
// matching the architecture code.
#pragma once

#include "engine/corpus/labelledaudiofolder.h"
#include "engine/train/trainer.h"
#include "engine/train/trainingexamples.h"

#include <QString>

namespace taglane::tests {

/// Trains taglane-cnn on the labelled folder `corpus` (two epochs of at most
/// four batches, one thread) and writes it to `folder`. Returns the bundle
/// folder, empty on failure.
inline QString trainBaseModel(const QString &corpus, const QString &folder)
{
    engine::LabelledAudioFolder::Options options;
    options.probeAudio = false;
    auto tracks = engine::LabelledAudioFolder::read(corpus, options);
    if (!tracks.ok())
        return {};
    auto examples = engine::ExampleBuilder::fromTracks(tracks->tracks, QStringLiteral("taglane-cnn"), {});
    if (!examples.ok())
        return {};
    engine::TrainingConfig config;
    config.architecture = QStringLiteral("taglane-cnn");
    config.epochs = 2;
    config.patience = 0;
    config.threads = 1;
    config.maxBatchesPerEpoch = 4;
    config.modelName = QStringLiteral("Test base");
    auto result = engine::Trainer::train(config, examples.value(), examples.value());
    if (!result.ok() || !result->writeBundle(folder).ok())
        return {};
    return folder;
}

} // namespace taglane::tests
