// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/tagquery.h"

#include <QCoreApplication>

#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TagQuery", text);
}

struct Token
{
    enum class Type { Word, Quoted, Compare, Open, Close, End };
    Type type = Type::End;
    QString text;                  ///< the word, the unquoted string or the operator
    int position = 0;
};

bool isSpecial(QChar c)
{
    return c == QLatin1Char('(') || c == QLatin1Char(')') || c == QLatin1Char('<') || c == QLatin1Char('>')
        || c == QLatin1Char('=') || c == QLatin1Char('!') || c == QLatin1Char('"');
}

struct ParseError
{
    int position = 0;
    QString message;
};

class Parser
{
public:
    explicit Parser(const QString &text) : m_text(text) {}

    bool tokenize(ParseError &error)
    {
        int i = 0;
        const int n = int(m_text.size());
        while (i < n) {
            const QChar c = m_text.at(i);
            if (c.isSpace()) {
                ++i;
                continue;
            }
            Token t;
            t.position = i;
            if (c == QLatin1Char('(') || c == QLatin1Char(')')) {
                t.type = c == QLatin1Char('(') ? Token::Type::Open : Token::Type::Close;
                t.text = c;
                ++i;
            } else if (c == QLatin1Char('<') || c == QLatin1Char('>') || c == QLatin1Char('=') || c == QLatin1Char('!')) {
                t.type = Token::Type::Compare;
                t.text = c;
                ++i;
                if (i < n && m_text.at(i) == QLatin1Char('=')) {
                    t.text += QLatin1Char('=');
                    ++i;
                }
                if (t.text == QLatin1String("!")) {
                    error = {t.position, tr("'!' must be followed by '=' (use != or not)")};
                    return false;
                }
            } else if (c == QLatin1Char('"')) {
                t.type = Token::Type::Quoted;
                ++i;
                bool closed = false;
                while (i < n) {
                    const QChar q = m_text.at(i);
                    if (q == QLatin1Char('\\') && i + 1 < n) {
                        t.text += m_text.at(i + 1);
                        i += 2;
                        continue;
                    }
                    ++i;
                    if (q == QLatin1Char('"')) {
                        closed = true;
                        break;
                    }
                    t.text += q;
                }
                if (!closed) {
                    error = {t.position, tr("the quoted name is not closed (a '\"' is missing)")};
                    return false;
                }
            } else {
                t.type = Token::Type::Word;
                while (i < n && !m_text.at(i).isSpace() && !isSpecial(m_text.at(i)))
                    t.text += m_text.at(i++);
            }
            m_tokens.push_back(t);
        }
        Token end;
        end.position = n;
        m_tokens.push_back(end);
        return true;
    }

    bool parse(TagQueryNode &root, ParseError &error)
    {
        if (m_tokens.front().type == Token::Type::End) {
            error = {0, tr("the query is empty")};
            return false;
        }
        if (!parseOr(root, error))
            return false;
        if (peek().type != Token::Type::End) {
            error = {peek().position, tr("expected 'and', 'or' or the end of the query, found %1").arg(describe(peek()))};
            return false;
        }
        return true;
    }

private:
    const Token &peek() const { return m_tokens.at(m_pos); }
    const Token &take() { return m_tokens.at(m_pos++); }
    bool isKeyword(const Token &t, const char *word) const
    {
        return t.type == Token::Type::Word && t.text.compare(QLatin1String(word), Qt::CaseInsensitive) == 0;
    }
    bool isAnyKeyword(const Token &t) const
    {
        for (const char *k : {"and", "or", "not", "curated", "curator", "present", "absent"}) {
            if (isKeyword(t, k))
                return true;
        }
        return false;
    }
    QString describe(const Token &t) const
    {
        switch (t.type) {
        case Token::Type::End: return tr("the end of the query");
        case Token::Type::Quoted: return QStringLiteral("\"%1\"").arg(t.text);
        default: return QStringLiteral("'%1'").arg(t.text);
        }
    }

    bool parseBinary(TagQueryNode &node, ParseError &error, const char *keyword, TagQueryNode::Kind kind,
                     bool (Parser::*operand)(TagQueryNode &, ParseError &))
    {
        TagQueryNode first;
        if (!(this->*operand)(first, error))
            return false;
        if (!isKeyword(peek(), keyword)) {
            node = std::move(first);
            return true;
        }
        node = TagQueryNode();
        node.kind = kind;
        node.position = first.position;
        node.children.push_back(std::move(first));
        while (isKeyword(peek(), keyword)) {
            take();
            TagQueryNode next;
            if (!(this->*operand)(next, error))
                return false;
            node.children.push_back(std::move(next));
        }
        return true;
    }
    bool parseOr(TagQueryNode &node, ParseError &error)
    {
        return parseBinary(node, error, "or", TagQueryNode::Kind::Or, &Parser::parseAnd);
    }
    bool parseAnd(TagQueryNode &node, ParseError &error)
    {
        return parseBinary(node, error, "and", TagQueryNode::Kind::And, &Parser::parseUnary);
    }

    bool parseUnary(TagQueryNode &node, ParseError &error)
    {
        const Token &t = peek();
        if (isKeyword(t, "not")) {
            take();
            TagQueryNode child;
            if (!parseUnary(child, error))
                return false;
            node = TagQueryNode();
            node.kind = TagQueryNode::Kind::Not;
            node.position = t.position;
            node.children.push_back(std::move(child));
            return true;
        }
        if (t.type == Token::Type::Open) {
            take();
            if (!parseOr(node, error))
                return false;
            if (peek().type != Token::Type::Close) {
                error = {peek().position, tr("expected ')' to close the '(' at position %1, found %2")
                                              .arg(t.position + 1).arg(describe(peek()))};
                return false;
            }
            take();
            return true;
        }
        return parseAtom(node, error);
    }

    bool parseAtom(TagQueryNode &node, ParseError &error)
    {
        node = TagQueryNode();
        node.position = peek().position;
        if (isKeyword(peek(), "curated") || isKeyword(peek(), "curator"))
            return parseVerdictAtom(node, error);
        const Token &tag = peek();
        if (tag.type == Token::Type::End || tag.type == Token::Type::Close || tag.type == Token::Type::Compare
            || isAnyKeyword(tag)) {
            error = {tag.position, tr("expected a tag, 'curated', 'curator', 'not' or '(', found %1").arg(describe(tag))};
            return false;
        }
        take();
        node.tag = tag.text;
        if (isKeyword(peek(), "curated") || isKeyword(peek(), "curator"))
            return parseVerdictAtom(node, error);
        const Token &op = peek();
        if (op.type != Token::Type::Compare) {
            error = {op.position, tr("expected a comparison (>=, >, <=, <, =, !=), 'curated' or 'curator' after the "
                                     "tag %1, found %2")
                                      .arg(describe(tag), describe(op))};
            return false;
        }
        take();
        static const struct { const char *text; TagQueryNode::Compare compare; } kOps[] = {
            {">=", TagQueryNode::Compare::GreaterOrEqual}, {">", TagQueryNode::Compare::Greater},
            {"<=", TagQueryNode::Compare::LessOrEqual},    {"<", TagQueryNode::Compare::Less},
            {"=", TagQueryNode::Compare::Equal},           {"==", TagQueryNode::Compare::Equal},
            {"!=", TagQueryNode::Compare::NotEqual},
        };
        bool known = false;
        for (const auto &o : kOps) {
            if (op.text == QLatin1String(o.text)) {
                node.compare = o.compare;
                known = true;
            }
        }
        if (!known) {
            error = {op.position, tr("unknown comparison '%1'").arg(op.text)};
            return false;
        }
        const Token &number = peek();
        bool ok = false;
        const double value = number.type == Token::Type::Word ? number.text.toDouble(&ok) : 0.0;
        if (!ok || !std::isfinite(value)) {
            error = {number.position, tr("expected a number after '%1', found %2").arg(op.text, describe(number))};
            return false;
        }
        take();
        node.kind = TagQueryNode::Kind::Probability;
        node.value = value;
        return true;
    }

    bool parseVerdictAtom(TagQueryNode &node, ParseError &error)
    {
        const Token &word = take();
        if (isKeyword(word, "curated")) {
            node.kind = TagQueryNode::Kind::Curated;
            if (isKeyword(peek(), "present")) {
                take();
                node.verdict = Verdict::Present;
            } else if (isKeyword(peek(), "absent")) {
                take();
                node.verdict = Verdict::Absent;
            }
            return true;
        }
        node.kind = TagQueryNode::Kind::Curator;
        if (peek().type != Token::Type::Compare || (peek().text != QLatin1String("=") && peek().text != QLatin1String("=="))) {
            error = {peek().position, tr("expected '=' after 'curator', found %1").arg(describe(peek()))};
            return false;
        }
        take();
        const Token &name = peek();
        if ((name.type != Token::Type::Word && name.type != Token::Type::Quoted) || (name.type == Token::Type::Word && isAnyKeyword(name))) {
            error = {name.position, tr("expected a curator's name after 'curator =', found %1").arg(describe(name))};
            return false;
        }
        take();
        node.curator = name.text;
        return true;
    }

    QString m_text;
    std::vector<Token> m_tokens;
    size_t m_pos = 0;
};

QString quoted(const QString &name)
{
    bool plain = !name.isEmpty();
    for (const QChar c : name)
        plain = plain && !c.isSpace() && !isSpecial(c);
    for (const char *k : {"and", "or", "not", "curated", "curator", "present", "absent"})
        plain = plain && name.compare(QLatin1String(k), Qt::CaseInsensitive) != 0;
    if (plain)
        return name;
    QString escaped = name;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QStringLiteral("\"%1\"").arg(escaped);
}

QString write(const TagQueryNode &n)
{
    switch (n.kind) {
    case TagQueryNode::Kind::And:
    case TagQueryNode::Kind::Or: {
        QStringList parts;
        for (const TagQueryNode &c : n.children)
            parts << write(c);
        return QStringLiteral("(%1)").arg(parts.join(n.kind == TagQueryNode::Kind::And ? QStringLiteral(" and ")
                                                                                        : QStringLiteral(" or ")));
    }
    case TagQueryNode::Kind::Not: return QStringLiteral("not ") + write(n.children.front());
    case TagQueryNode::Kind::Probability: {
        static const char *const kText[] = {"<", "<=", ">", ">=", "=", "!="};
        return QStringLiteral("%1 %2 %3").arg(quoted(n.tag), QLatin1String(kText[int(n.compare)])).arg(n.value);
    }
    case TagQueryNode::Kind::Curated: {
        QString s = n.tag.isEmpty() ? QStringLiteral("curated") : quoted(n.tag) + QStringLiteral(" curated");
        if (n.verdict)
            s += QLatin1Char(' ') + verdictName(*n.verdict);
        return s;
    }
    case TagQueryNode::Kind::Curator: break;
    }
    return (n.tag.isEmpty() ? QString() : quoted(n.tag) + QLatin1Char(' ')) + QStringLiteral("curator = ") + quoted(n.curator);
}

} // namespace

Result<TagQuery> TagQuery::parse(const QString &text, int *errorPosition)
{
    Parser parser(text);
    ParseError error;
    TagQuery query;
    query.m_text = text;
    if (!parser.tokenize(error) || !parser.parse(query.m_root, error)) {
        if (errorPosition)
            *errorPosition = error.position;
        return Result<TagQuery>::failure(tr("Cannot read the query at position %1: %2.").arg(error.position + 1).arg(error.message));
    }
    return query;
}

QString TagQuery::toString() const
{
    return write(m_root);
}

} // namespace taglane::engine
