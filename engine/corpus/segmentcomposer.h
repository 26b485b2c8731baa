// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/corpus/midievent.h"
#include "engine/corpus/segmentarrangement.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace taglane::engine {

/// The events of a segment from whichever generator planned it (MidiComposer
/// for Generator::Classic, PhraseComposer for Generator::Phrase), with the
/// same guarantees: notes end `MidiComposer::releaseMargin` before the
/// segment does, channels fade out, and an AllSoundsOff closes it.
/// Stateless; any thread.
class SegmentComposer
{
public:
    static std::vector<MidiEvent> compose(const SegmentArrangement &segment);
    /// "classic" or "phrase".
    static QString name(Generator generator);
    /// The generator of a name (case-insensitive); false when unknown.
    static bool fromName(const QString &name, Generator &generator);
    static QStringList names();
};

} // namespace taglane::engine
