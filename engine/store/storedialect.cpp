// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/storedialect.h"

#include "engine/store/storeschema.h"

#include <QRegularExpression>

#include <vector>

namespace taglane::engine {

namespace {

struct Token
{
    enum Type { Word, Quoted, Space, Punct } type;
    QString text;
    bool is(const char *word) const { return type == Word && text.compare(QLatin1String(word), Qt::CaseInsensitive) == 0; }
};

std::vector<Token> tokenize(const QString &sql)
{
    std::vector<Token> tokens;
    const int n = int(sql.size());
    for (int i = 0; i < n;) {
        const QChar c = sql.at(i);
        int j = i + 1;
        Token::Type type = Token::Punct;
        if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            type = Token::Quoted;
            for (; j < n; ++j) {
                if (sql.at(j) == c) {
                    if (j + 1 < n && sql.at(j + 1) == c) {
                        ++j;   // doubled quote inside
                        continue;
                    }
                    ++j;
                    break;
                }
            }
        } else if (c.isSpace()) {
            type = Token::Space;
            while (j < n && sql.at(j).isSpace())
                ++j;
        } else if (c.isLetterOrNumber() || c == QLatin1Char('_')) {
            type = Token::Word;
            while (j < n && (sql.at(j).isLetterOrNumber() || sql.at(j) == QLatin1Char('_')))
                ++j;
        }
        tokens.push_back(Token{type, sql.mid(i, j - i)});
        i = j;
    }
    return tokens;
}

/// Index of the next non-space token at or after `i` (tokens.size() when none).
std::size_t nextSolid(const std::vector<Token> &tokens, std::size_t i)
{
    while (i < tokens.size() && tokens[i].type == Token::Space)
        ++i;
    return i;
}

QString join(const std::vector<Token> &tokens)
{
    QString out;
    for (const Token &t : tokens)
        out += t.text;
    return out;
}

QString unquoted(const QString &identifier)
{
    if (identifier.size() >= 2 && identifier.startsWith(QLatin1Char('"')) && identifier.endsWith(QLatin1Char('"')))
        return identifier.mid(1, identifier.size() - 2).replace(QStringLiteral("\"\""), QStringLiteral("\""));
    return identifier;
}

/// The parenthesised item lists of "NAME(item, item, ...)" starting at the
/// token after the table name: the items split at top-level commas, as
/// token ranges. `open` is the index of "(".
std::vector<std::vector<Token>> items(const std::vector<Token> &tokens, std::size_t open, std::size_t *close = nullptr)
{
    std::vector<std::vector<Token>> list(1);
    int depth = 0;
    for (std::size_t i = open; i < tokens.size(); ++i) {
        const Token &t = tokens[i];
        if (t.type == Token::Punct && t.text == QLatin1String("(")) {
            if (depth++ == 0)
                continue;
        } else if (t.type == Token::Punct && t.text == QLatin1String(")")) {
            if (--depth == 0) {
                if (close)
                    *close = i;
                return list;
            }
        } else if (depth == 1 && t.type == Token::Punct && t.text == QLatin1String(",")) {
            list.emplace_back();
            continue;
        }
        list.back().push_back(t);
    }
    if (close)
        *close = tokens.size();
    return list;
}

std::vector<Token> solid(const std::vector<Token> &range)
{
    std::vector<Token> out;
    for (const Token &t : range) {
        if (t.type != Token::Space)
            out.push_back(t);
    }
    return out;
}

/// For "CREATE [TEMP] TABLE [IF NOT EXISTS] name(" the index of the name; 0 when not such a statement.
std::size_t createTableName(const std::vector<Token> &tokens)
{
    std::size_t i = nextSolid(tokens, 0);
    if (i >= tokens.size() || !tokens[i].is("CREATE"))
        return 0;
    i = nextSolid(tokens, i + 1);
    if (i < tokens.size() && (tokens[i].is("TEMP") || tokens[i].is("TEMPORARY")))
        i = nextSolid(tokens, i + 1);
    if (i >= tokens.size() || !tokens[i].is("TABLE"))
        return 0;
    i = nextSolid(tokens, i + 1);
    if (i < tokens.size() && tokens[i].is("IF")) {
        i = nextSolid(tokens, i + 1);   // NOT
        i = nextSolid(tokens, i + 1);   // EXISTS
        i = nextSolid(tokens, i + 1);
    }
    return i < tokens.size() ? i : 0;
}

bool isConstraint(const Token &t)
{
    return t.is("PRIMARY") || t.is("UNIQUE") || t.is("FOREIGN") || t.is("CHECK") || t.is("CONSTRAINT");
}

} // namespace

StoreDialect StoreDialect::of(const QSqlDatabase &db)
{
    return StoreDialect(db.driverName() == QLatin1String("QPSQL") ? Kind::PostgreSQL : Kind::SQLite);
}

QStringList StoreDialect::primaryKeyOf(const QString &createTable, QString *table)
{
    const std::vector<Token> tokens = tokenize(createTable);
    const std::size_t name = createTableName(tokens);
    if (name == 0)
        return {};
    if (table)
        *table = unquoted(tokens[name].text);
    const std::size_t open = nextSolid(tokens, name + 1);
    if (open >= tokens.size() || tokens[open].text != QLatin1String("("))
        return {};
    for (const std::vector<Token> &item : items(tokens, open)) {
        const std::vector<Token> words = solid(item);
        if (words.empty())
            continue;
        if (words[0].is("PRIMARY")) {
            QStringList key;
            const std::vector<Token> all(item.begin(), item.end());
            for (std::size_t k = 0; k < all.size(); ++k) {
                if (all[k].text == QLatin1String("(")) {
                    for (const std::vector<Token> &column : items(all, k)) {
                        const std::vector<Token> c = solid(column);
                        if (!c.empty())
                            key << unquoted(c[0].text);
                    }
                    break;
                }
            }
            return key;
        }
        if (isConstraint(words[0]))
            continue;
        for (std::size_t k = 1; k + 1 < words.size(); ++k) {
            if (words[k].is("PRIMARY") && words[k + 1].is("KEY"))
                return {unquoted(words[0].text)};
        }
    }
    return {};
}

QStringList StoreDialect::columnsOf(const QString &createTable)
{
    const std::vector<Token> tokens = tokenize(createTable);
    const std::size_t name = createTableName(tokens);
    const std::size_t open = name == 0 ? tokens.size() : nextSolid(tokens, name + 1);
    if (open >= tokens.size() || tokens[open].text != QLatin1String("("))
        return {};
    QStringList columns;
    for (const std::vector<Token> &item : items(tokens, open)) {
        const std::vector<Token> words = solid(item);
        if (!words.empty() && !isConstraint(words[0]))
            columns << unquoted(words[0].text);
    }
    return columns;
}

const QHash<QString, QStringList> &StoreDialect::primaryKeys()
{
    static const QHash<QString, QStringList> keys = [] {
        QHash<QString, QStringList> map;
        for (int v = 1; v <= StoreSchema::kCurrentVersion; ++v) {
            for (const QString &statement : StoreSchema::migration(v)) {
                // A table rebuilt under a new name and renamed back (schema 6) takes its new key.
                static const QRegularExpression rename(QStringLiteral("^\\s*ALTER\\s+TABLE\\s+(\\w+)\\s+RENAME\\s+TO\\s+(\\w+)\\s*$"),
                                                       QRegularExpression::CaseInsensitiveOption);
                static const QRegularExpression drop(QStringLiteral("^\\s*DROP\\s+TABLE\\s+(\\w+)\\s*$"),
                                                     QRegularExpression::CaseInsensitiveOption);
                if (const QRegularExpressionMatch m = rename.match(statement); m.hasMatch()) {
                    if (map.contains(m.captured(1)))
                        map.insert(m.captured(2), map.take(m.captured(1)));
                    continue;
                }
                if (const QRegularExpressionMatch m = drop.match(statement); m.hasMatch()) {
                    map.remove(m.captured(1));
                    continue;
                }
                QString table;
                const QStringList key = primaryKeyOf(statement, &table);
                if (!key.isEmpty())
                    map.insert(table, key);
            }
        }
        return map;
    }();
    return keys;
}

QString StoreDialect::existingObjects(const QStringList &names) const
{
    QStringList quoted;
    for (const QString &n : names)
        quoted << QLatin1Char('\'') + QString(n).replace(QLatin1Char('\''), QStringLiteral("''")) + QLatin1Char('\'');
    const QString list = quoted.join(QStringLiteral(", "));
    if (isPostgres())
        return QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename IN (%1)"
                              " UNION SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                              " AND indexname IN (%1)")
            .arg(list);
    return QStringLiteral("SELECT name FROM sqlite_master WHERE name IN (%1)").arg(list);
}

QString StoreDialect::greatest(const QString &a, const QString &b) const
{
    return QStringLiteral("%1(%2, %3)").arg(isPostgres() ? QStringLiteral("greatest") : QStringLiteral("max"), a, b);
}

QStringList StoreDialect::translate(const QStringList &statements) const
{
    QStringList out;
    for (const QString &s : statements)
        out << translate(s);
    return out;
}

QString StoreDialect::translate(const QString &sql) const
{
    if (!isPostgres())
        return sql;
    std::vector<Token> tokens = tokenize(sql);
    const std::size_t first = nextSolid(tokens, 0);
    if (first >= tokens.size())
        return sql;
    const bool ddl = createTableName(tokens) != 0
        || (tokens[first].is("ALTER") && nextSolid(tokens, first + 1) < tokens.size()
            && tokens[nextSolid(tokens, first + 1)].is("TABLE"));

    QString conflict;   // the ON CONFLICT clause an INSERT OR ... needs
    if (tokens[first].is("BEGIN")) {
        const std::size_t mode = nextSolid(tokens, first + 1);
        if (mode < tokens.size() && (tokens[mode].is("IMMEDIATE") || tokens[mode].is("DEFERRED") || tokens[mode].is("EXCLUSIVE")))
            tokens.erase(tokens.begin() + std::ptrdiff_t(first + 1), tokens.begin() + std::ptrdiff_t(mode + 1));
    } else if (tokens[first].is("INSERT")) {
        const std::size_t orWord = nextSolid(tokens, first + 1);
        const std::size_t what = orWord < tokens.size() ? nextSolid(tokens, orWord + 1) : tokens.size();
        if (orWord < tokens.size() && tokens[orWord].is("OR") && what < tokens.size()) {
            const bool replace = tokens[what].is("REPLACE");
            tokens.erase(tokens.begin() + std::ptrdiff_t(first + 1), tokens.begin() + std::ptrdiff_t(what + 1));
            conflict = QStringLiteral(" ON CONFLICT DO NOTHING");
            const std::size_t into = nextSolid(tokens, first + 1);
            const std::size_t table = into < tokens.size() ? nextSolid(tokens, into + 1) : tokens.size();
            if (replace && table < tokens.size()) {
                const QString name = unquoted(tokens[table].text);
                const QStringList key = primaryKeys().value(name);
                QStringList columns;
                const std::size_t open = nextSolid(tokens, table + 1);
                if (open < tokens.size() && tokens[open].text == QLatin1String("(")) {
                    for (const std::vector<Token> &item : items(tokens, open)) {
                        const std::vector<Token> c = solid(item);
                        if (!c.empty())
                            columns << unquoted(c[0].text);
                    }
                }
                QStringList sets;
                for (const QString &c : std::as_const(columns)) {
                    if (!key.contains(c))
                        sets << QStringLiteral("%1 = excluded.%1").arg(c);
                }
                if (!key.isEmpty()) {
                    conflict = sets.isEmpty() ? QStringLiteral(" ON CONFLICT (%1) DO NOTHING").arg(key.join(QStringLiteral(", ")))
                                              : QStringLiteral(" ON CONFLICT (%1) DO UPDATE SET %2")
                                                    .arg(key.join(QStringLiteral(", ")), sets.join(QStringLiteral(", ")));
                }
            }
        }
    }

    std::vector<Token> out;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const Token &t = tokens[i];
        if (t.type != Token::Word) {
            out.push_back(t);
            continue;
        }
        const std::size_t next = nextSolid(tokens, i + 1);
        const bool hasNext = next < tokens.size();
        if (t.is("INDEXED") && hasNext && tokens[next].is("BY")) {
            i = nextSolid(tokens, next + 1);   // drop "INDEXED BY name" and the space after it
            if (i + 1 < tokens.size() && tokens[i + 1].type == Token::Space)
                ++i;
            continue;
        }
        if (t.is("WITHOUT") && hasNext && tokens[next].is("ROWID")) {
            i = next;
            continue;
        }
        if (t.is("INTEGER")) {
            const bool key = ddl && hasNext && tokens[next].is("PRIMARY");
            out.push_back(Token{Token::Word, key ? QStringLiteral("BIGINT GENERATED BY DEFAULT AS IDENTITY")
                                                 : QStringLiteral("BIGINT")});
            continue;
        }
        if (t.is("REAL")) {
            out.push_back(Token{Token::Word, QStringLiteral("DOUBLE PRECISION")});
            continue;
        }
        if (ddl && t.is("TEXT") && !(hasNext && tokens[next].is("COLLATE"))) {
            out.push_back(Token{Token::Word, QStringLiteral("TEXT COLLATE \"C\"")});
            continue;
        }
        out.push_back(t);
    }
    QString result = join(out);
    if (!conflict.isEmpty()) {
        while (result.endsWith(QLatin1Char(';')) || (!result.isEmpty() && result.back().isSpace()))
            result.chop(1);
        result += conflict;
    }
    return result;
}

} // namespace taglane::engine
