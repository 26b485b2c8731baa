// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/synthvocabulary.h"

namespace taglane::engine {

Vocabulary SynthVocabulary::vocabulary()
{
    QVector<Tag> tags;
    const QString instrument = QStringLiteral("Instrument");
    const QString song = QStringLiteral("Song characteristic");
    for (int i = 0; i < InstrumentFamily::count; ++i)
        tags.push_back({QString::fromLatin1(InstrumentFamily::at(i).tagName), instrument});
    tags.push_back({QStringLiteral("Song-Fast_Tempo"), song});
    tags.push_back({QStringLiteral("Song-Loud"), song});
    tags.push_back({QStringLiteral("Song-Major_Mode"), song});
    tags.push_back({QStringLiteral("Song-Solo_Texture"), song});
    return Vocabulary(tags);
}

std::vector<quint8> SynthVocabulary::labels(const SegmentArrangement &segment)
{
    std::vector<quint8> row(size_t(TagCount), 0);
    for (int i = 0; i < InstrumentFamily::count; ++i)
        row[size_t(i)] = segment.plays(Instrument(i)) ? 1 : 0;
    row[FastTempo] = segment.fast ? 1 : 0;
    row[Loud] = segment.loud ? 1 : 0;
    row[MajorMode] = segment.major ? 1 : 0;
    row[SoloTexture] = segment.solo() ? 1 : 0;
    return row;
}

bool SynthVocabulary::known(const SegmentArrangement &segment, int tag)
{
    return tag != MajorMode || segment.modeAudible();
}

} // namespace taglane::engine
