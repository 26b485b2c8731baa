// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace taglane::engine {

/// The one name a tag is shown by in the GUI; identifiers (the names in
/// model manifests, stores and files) stay as they are. Any thread.
class TagNames
{
public:
    /// "Instrument_-_Strings" -> "Strings", "Song-Fast_Tempo" -> "Fast Tempo",
    /// "Genre-Best-Jazz" -> "Jazz (best)", "Emotion-Calming_/_Soothing" ->
    /// "Calming / Soothing", "strings" -> "strings": the CAL500 category prefix
    /// goes (the category is shown apart), underscores become spaces.
    static QString displayName(const QString &identifier);
    /// "Strings (Instrument_-_Strings)" where the two differ, else the name:
    /// for tooltips and places where the identifier matters.
    static QString withIdentifier(const QString &identifier);
};

} // namespace taglane::engine
