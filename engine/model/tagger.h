// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/audio/audiobuffer.h"
#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/model/modelbundle.h"

#include <functional>
#include <memory>
#include <vector>

namespace taglane::engine {

enum class DevicePreference { Auto, Cpu, Cuda };

/// Sets LibTorch's intra-op thread count (0 = the cores available). Call once
/// at start-up from the main thread, before any inference.
void configureTorchThreads(int threads = 0);
/// True when LibTorch sees a CUDA device.
bool cudaAvailable();

/// One model loaded on one device, ready to tag chunks of audio. Torch stays
/// behind this interface. A Tagger may be used by one thread at a time;
/// load() and predict() block, so call them from a worker thread.
class Tagger
{
public:
    ~Tagger();

    /// Reads the weights and builds the network. Fails with a message naming
    /// the bundle (and the tensor or manifest field) for a bundle that does
    /// not fit its architecture (checkManifest()) or whose weights.pt is
    /// damaged, of the wrong shape, or holds NaN or infinite values.
    static Result<std::shared_ptr<Tagger>> load(const ModelBundle &bundle, DevicePreference device = DevicePreference::Auto);
    /// Checks, without reading the weights, that the manifest fits its
    /// architecture: a known architecture, the sample rate, the chunk length
    /// and the "features" block (see checkFrontEnd). Any thread.
    static Status checkManifest(const ModelBundle &bundle);

    const ModelManifest &manifest() const;
    /// "CPU (2 threads)" or "CUDA (NVIDIA ...)".
    QString deviceDescription() const;
    bool onCuda() const;
    qint64 chunkSamples() const;
    /// The rate the model takes audio at: 16000 Hz for the imported models,
    /// the front end's rate for a trainable architecture (22050 Hz for tvcnn
    /// and tvcnn-lstm). Any thread.
    int sampleRate() const;

    /// Sigmoid outputs for the chunks starting at `starts` (in samples of the
    /// buffer, which must be at the model's rate). A chunk reaching past the
    /// end is zero-padded. Runs in batches of batchSize; after each batch
    /// calls onBatch(firstIndex, rows) with that batch's rows, which may
    /// return false to stop. Returns one row of tags.size() floats per start
    /// (after a stop, only the rows computed so far). Audio at another rate
    /// than sampleRate() is an error. Worker thread.
    using BatchCallback = std::function<bool(int firstIndex, const std::vector<std::vector<float>> &rows)>;
    Result<std::vector<std::vector<float>>> predict(const AudioBuffer &audio, const std::vector<qint64> &starts,
                                                    int batchSize = 8, const BatchCallback &onBatch = {});

private:
    Tagger();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace taglane::engine
