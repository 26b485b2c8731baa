// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace taglane::engine {

struct Tag
{
    QString name;       ///< e.g. "Emotion-Calming_/_Soothing"
    QString category;   ///< e.g. "Emotion"
};

/// An ordered list of tags with categories. Value type; any thread.
///
/// Text form: one tag per line, optionally followed by a tab and its
/// category; '#' starts a comment. Without a category, one is read from a
/// CAL500-style prefix ("Emotion-", "Instrument_-_", "Genre--_", ...), else
/// the tag falls in "Other".
class Vocabulary
{
public:
    Vocabulary() = default;
    explicit Vocabulary(QVector<Tag> tags) : m_tags(std::move(tags)) {}

    static Result<Vocabulary> parse(const QString &text, const QString &sourceName);
    static Result<Vocabulary> load(const QString &path);
    /// Tags named in order, categories read from their names.
    static Vocabulary fromNames(const QStringList &names);
    /// The CAL500-style vocabulary bundled with Taglane (resource ":/vocabularies/cal500-style.tsv").
    /// Needs the application's resources linked in.
    static Vocabulary bundledDefault();

    static QString categoryOf(const QString &tagName);

    QString toText() const;
    int size() const { return m_tags.size(); }
    bool isEmpty() const { return m_tags.isEmpty(); }
    const Tag &at(int i) const { return m_tags.at(i); }
    const QVector<Tag> &tags() const { return m_tags; }
    int indexOf(const QString &name) const;
    QStringList names() const;
    /// Categories in order of first appearance.
    QStringList categories() const;

private:
    QVector<Tag> m_tags;
};

} // namespace taglane::engine
