// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/corpus/labelledtrack.h"

#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>

namespace taglane::engine {

/// Which tags of different vocabularies mean the same thing: musicnn's
/// `strings` and the default model's `Instrument_-_Strings`, say. A list of
/// unordered pairs of tag identifiers that the curator edits; related tags
/// are shown together, and a verdict on one counts for the other where a
/// caller asks (Retrain, exports). Relations are not transitive: each pair
/// is stated.
///
/// File form (UTF-8 text, e.g. <data folder>/tag-mapping.tsv): one pair a
/// line, two identifiers separated by a tab; '#' starts a comment.
/// Value type; any thread.
class TagMapping
{
public:
    using Pair = QPair<QString, QString>;

    /// Adds the pair (either order); false when it is there already, names
    /// the same tag twice or either is empty.
    bool add(const QString &a, const QString &b);
    /// Removes the pair (either order); false when it was not there.
    bool remove(const QString &a, const QString &b);
    bool contains(const QString &a, const QString &b) const;
    /// The tags stated as related to `tag`, in the order the pairs were added.
    QStringList related(const QString &tag) const;
    const QVector<Pair> &pairs() const { return m_pairs; }
    bool isEmpty() const { return m_pairs.isEmpty(); }
    int size() const { return int(m_pairs.size()); }

    /// Pairs to propose between two vocabularies: tags whose display names
    /// are equal ignoring case ("strings" and "Instrument_-_Strings" are
    /// both "strings"), not already related, not the same identifier.
    static QVector<Pair> suggestions(const QStringList &a, const QStringList &b, const TagMapping &existing = {});

    /// Verdicts of tags outside `target` that are related to a tag of
    /// `target` count for that tag: each such column is folded into the
    /// target tag's column (added when the track lacks it), filling only its
    /// unknown cells (the target tag's own verdicts win), and is dropped.
    /// For Retrain: musicnn's `strings` verdicts teach the default model's
    /// `Instrument_-_Strings` instead of growing a second output. `folded`
    /// (optional) receives "strings -> Instrument_-_Strings" per fold made.
    QVector<LabelledTrack> fold(const QVector<LabelledTrack> &tracks, const QStringList &target,
                                QStringList *folded = nullptr) const;

    QByteArray toText() const;
    /// Parses the file form; a malformed line fails with its number and
    /// `sourceName` in the message.
    static Result<TagMapping> fromText(const QByteArray &text, const QString &sourceName);
    /// Reads `path`; a missing file is an empty mapping.
    static Result<TagMapping> load(const QString &path);
    /// Writes `path` atomically (the old file stays whole on failure).
    Status save(const QString &path) const;

private:
    QVector<Pair> m_pairs;
};

} // namespace taglane::engine
