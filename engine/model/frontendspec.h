// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/model/modelbundle.h"

#include <QString>

namespace taglane::engine {

/// What an architecture's front end computes and what input it takes: the
/// facts a bundle's manifest ("sampleRate", "chunkSamples" and the
/// "features" block) must agree with before its weights are run. Value
/// type; any thread.
struct FrontEndSpec
{
    QString architecture;     ///< for messages: "musicnn", "taglane-cnn", ...
    QString type;             ///< "mel" or "log-frequency"
    QString scale;            ///< "htk" or "semitone"
    int sampleRate = 16000;
    int nFft = 512;           ///< also the (Hann) window length
    int hop = 256;
    int bands = 96;
    double fMin = 0.0;
    double fMax = 8000.0;
    int frames = 0;           ///< spectrogram frames per chunk; 0 = not fixed
    int sequence = 0;         ///< long-term frames per example; 0 = not used
    qint64 chunkSamples = 0;  ///< the one chunk length the network takes; 0 = any up to maxChunkSeconds
    /// Longest chunk a variable-length network is given: longer ones would
    /// only exhaust memory.
    static constexpr int maxChunkSeconds = 60;

    /// The front end of the published MagnaTagATune models (musicnn, FCN,
    /// CRNN): 16 kHz, n_fft 512, hop 256, 96 HTK mel bands from 0 to 8 kHz.
    static FrontEndSpec importedMel(const QString &architecture, qint64 fixedChunkSamples);
};

/// Checks a manifest against the front end of its architecture: the sample
/// rate, the chunk length and each field of the "features" block (under
/// either of the names Taglane writes: "type"/"kind", "hop"/"hop_length",
/// "bands"/"n_mels", "scale"/"mel_scale"). The block must give the type,
/// n_fft, hop, bands, f_min and f_max; optional fields (win_length, window,
/// frames, sequence, center, pad_mode, power, sample_rate) must agree when
/// present; other fields are descriptive. Fails with a message naming
/// bundleName and the field. Any thread.
Status checkFrontEnd(const ModelManifest &manifest, const FrontEndSpec &spec, const QString &bundleName);

} // namespace taglane::engine
