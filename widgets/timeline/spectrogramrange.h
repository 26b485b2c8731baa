// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/dsp/featureextractor.h"

#include <QString>

namespace taglane::widgets {

/// What the spectrogram shows: the frequency range its bands span and the dB
/// range its colours span. Fixed values (defaults, or the user's choice kept
/// in QSettings), never measured from the track, so every file at the same
/// analysis rate looks the same and two files can be compared by eye.
/// The default top frequency, 8 kHz, is the Nyquist frequency of the 16 kHz
/// analysis rate of long recordings, so songs and hours share one range.
struct SpectrogramRange
{
    double minHz = 0.0;
    double maxHz = 8000.0;
    double lowDb = -40.0;
    double highDb = 40.0;

    /// Lowest ERB band edge whatever minHz says (the ERB scale starts there).
    static constexpr double erbFloorHz = 30.0;

    bool operator==(const SpectrogramRange &o) const
    {
        return minHz == o.minHz && maxHz == o.maxHz && lowDb == o.lowDb && highDb == o.highDb;
    }
    bool operator!=(const SpectrogramRange &o) const { return !(*this == o); }

    /// Empty when usable, else a sentence naming the bad value.
    QString validate() const;
    /// The band limits used for `type` at `sampleRate`: maxHz no higher than
    /// the Nyquist frequency, minHz below it (ERB: from erbFloorHz).
    double lowHzAt(engine::FeatureType type, int sampleRate) const;
    double highHzAt(int sampleRate) const;

    /// The user's range from QSettings (group "spectrogram"), the defaults
    /// where nothing valid is saved. GUI thread.
    static SpectrogramRange load();
    /// Saves to QSettings. GUI thread.
    void save() const;
};

} // namespace taglane::widgets
