// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/store/verdict.h"

#include <QString>

#include <optional>
#include <vector>

namespace taglane::engine {

/// One node of a parsed search query. Value type; any thread.
struct TagQueryNode
{
    enum class Kind {
        And,           ///< every child holds
        Or,            ///< some child holds
        Not,           ///< its one child does not hold
        Probability,   ///< the model's probability of `tag` compares with `value`
        Curated,       ///< a verdict on `tag` (any tag when empty), of `verdict` when set
        Curator,       ///< a verdict on `tag` (any tag when empty) set by `curator`
    };
    enum class Compare { Less, LessOrEqual, Greater, GreaterOrEqual, Equal, NotEqual };

    Kind kind = Kind::Curated;
    std::vector<TagQueryNode> children;
    QString tag;
    Compare compare = Compare::GreaterOrEqual;
    double value = 0.0;
    std::optional<Verdict> verdict;
    QString curator;
    int position = 0;              ///< where the node starts in the query text (0-based)
};

/// A search over tags, parsed from text such as
///   strings >= 0.8 and not strings curated
///   (piano > 0.5 or "Instrument_-_Piano" > 0.5) and curator = anna
///   curated present or vocals curated absent
/// Grammar (keywords are case-insensitive; a tag that is a keyword, holds
/// spaces or one of ( ) < > = ! " is written in double quotes, \" inside):
///   query   := or
///   or      := and ("or" and)*
///   and     := unary ("and" unary)*
///   unary   := "not" unary | "(" or ")" | atom
///   atom    := TAG CMP NUMBER                    (CMP: >= > <= < = !=)
///            | [TAG] "curated" ["present" | "absent"]
///            | [TAG] "curator" "=" NAME
/// Value type; any thread.
class TagQuery
{
public:
    /// Parses `text`. A failure names what was expected and where
    /// ("at position N", counted from 1); *errorPosition gets the 0-based
    /// offset of the offending text (text.size() at the end).
    static Result<TagQuery> parse(const QString &text, int *errorPosition = nullptr);

    const TagQueryNode &root() const { return m_root; }
    const QString &text() const { return m_text; }
    /// The query written back in the grammar above (for messages and tests).
    QString toString() const;

private:
    TagQueryNode m_root;
    QString m_text;
};

} // namespace taglane::engine
