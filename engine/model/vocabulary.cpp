// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/vocabulary.h"

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QSet>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("taglane::engine::Vocabulary", text);
}
} // namespace

QString Vocabulary::categoryOf(const QString &tagName)
{
    // CAL500 writes "Category-Value", "Category_-_Value" and "Category--_Value".
    static const QRegularExpression prefix(QStringLiteral("^([A-Za-z][A-Za-z ]*?)(?:_-_|--_|-)"));
    const auto m = prefix.match(tagName);
    if (!m.hasMatch())
        return QStringLiteral("Other");
    QString category = m.captured(1).replace(QLatin1Char('_'), QLatin1Char(' ')).trimmed();
    if (category == QLatin1String("Instrument") && tagName.contains(QLatin1String("Solo"), Qt::CaseInsensitive))
        return QStringLiteral("Instrument solo");
    if (category == QLatin1String("Song"))
        return QStringLiteral("Song characteristic");
    return category;
}

Result<Vocabulary> Vocabulary::parse(const QString &text, const QString &sourceName)
{
    QVector<Tag> tags;
    QSet<QString> seen;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        QString line = lines[i];
        line.remove(QLatin1Char('\r'));
        if (line.trimmed().isEmpty() || line.trimmed().startsWith(QLatin1Char('#')))
            continue;
        const QStringList fields = line.split(QLatin1Char('\t'));
        Tag tag;
        tag.name = fields.value(0).trimmed();
        tag.category = fields.value(1).trimmed();
        if (tag.name.isEmpty())
            return Result<Vocabulary>::failure(tr("%1, line %2: empty tag name").arg(sourceName).arg(i + 1));
        if (tag.name.contains(QLatin1Char(',')) || tag.name.contains(QLatin1Char('"')))
            return Result<Vocabulary>::failure(
                tr("%1, line %2: tag name \"%3\" may not contain a comma or a quote").arg(sourceName).arg(i + 1).arg(tag.name));
        if (seen.contains(tag.name))
            return Result<Vocabulary>::failure(
                tr("%1, line %2: tag \"%3\" appears twice").arg(sourceName).arg(i + 1).arg(tag.name));
        seen.insert(tag.name);
        if (tag.category.isEmpty())
            tag.category = categoryOf(tag.name);
        tags.push_back(tag);
    }
    if (tags.isEmpty())
        return Result<Vocabulary>::failure(tr("%1: no tags found").arg(sourceName));
    return Vocabulary(std::move(tags));
}

Result<Vocabulary> Vocabulary::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return Result<Vocabulary>::failure(tr("%1: cannot read vocabulary: %2").arg(path, file.errorString()));
    return parse(QString::fromUtf8(file.readAll()), path);
}

Vocabulary Vocabulary::fromNames(const QStringList &names)
{
    QVector<Tag> tags;
    tags.reserve(names.size());
    for (const QString &n : names)
        tags.push_back({n, categoryOf(n)});
    return Vocabulary(std::move(tags));
}

Vocabulary Vocabulary::bundledDefault()
{
    auto v = load(QStringLiteral(":/vocabularies/cal500-style.tsv"));
    return v ? v.value() : Vocabulary();
}

QString Vocabulary::toText() const
{
    QString out;
    for (const Tag &t : m_tags)
        out += t.name + QLatin1Char('\t') + t.category + QLatin1Char('\n');
    return out;
}

int Vocabulary::indexOf(const QString &name) const
{
    for (int i = 0; i < m_tags.size(); ++i)
        if (m_tags[i].name == name)
            return i;
    return -1;
}

QStringList Vocabulary::names() const
{
    QStringList out;
    for (const Tag &t : m_tags)
        out << t.name;
    return out;
}

QStringList Vocabulary::categories() const
{
    QStringList out;
    for (const Tag &t : m_tags)
        if (!out.contains(t.category))
            out << t.category;
    return out;
}

} // namespace taglane::engine
