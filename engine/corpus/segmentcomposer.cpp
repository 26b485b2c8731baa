// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/segmentcomposer.h"

#include "engine/corpus/midicomposer.h"
#include "engine/corpus/phrasecomposer.h"

namespace taglane::engine {

std::vector<MidiEvent> SegmentComposer::compose(const SegmentArrangement &segment)
{
    switch (segment.generator) {
    case Generator::Phrase:
        return PhraseComposer::compose(segment);
    case Generator::Classic:
        break;
    }
    return MidiComposer::compose(segment);
}

QString SegmentComposer::name(Generator generator)
{
    return generator == Generator::Phrase ? QStringLiteral("phrase") : QStringLiteral("classic");
}

bool SegmentComposer::fromName(const QString &name, Generator &generator)
{
    for (Generator g : {Generator::Classic, Generator::Phrase})
        if (name.compare(SegmentComposer::name(g), Qt::CaseInsensitive) == 0) {
            generator = g;
            return true;
        }
    return false;
}

QStringList SegmentComposer::names()
{
    return {name(Generator::Classic), name(Generator::Phrase)};
}

} // namespace taglane::engine
