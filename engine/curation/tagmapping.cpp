// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/curation/tagmapping.h"

#include "engine/curation/tagnames.h"
#include "engine/formats/atomicwrite.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <cmath>
#include <limits>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("TagMapping", text);
}
} // namespace

bool TagMapping::contains(const QString &a, const QString &b) const
{
    for (const Pair &p : m_pairs) {
        if ((p.first == a && p.second == b) || (p.first == b && p.second == a))
            return true;
    }
    return false;
}

bool TagMapping::add(const QString &a, const QString &b)
{
    const QString x = a.trimmed(), y = b.trimmed();
    if (x.isEmpty() || y.isEmpty() || x == y || contains(x, y))
        return false;
    m_pairs.push_back({x, y});
    return true;
}

bool TagMapping::remove(const QString &a, const QString &b)
{
    for (qsizetype i = 0; i < m_pairs.size(); ++i) {
        const Pair &p = m_pairs[i];
        if ((p.first == a && p.second == b) || (p.first == b && p.second == a)) {
            m_pairs.removeAt(i);
            return true;
        }
    }
    return false;
}

QStringList TagMapping::related(const QString &tag) const
{
    QStringList out;
    for (const Pair &p : m_pairs) {
        if (p.first == tag)
            out << p.second;
        else if (p.second == tag)
            out << p.first;
    }
    return out;
}

QVector<TagMapping::Pair> TagMapping::suggestions(const QStringList &a, const QStringList &b, const TagMapping &existing)
{
    QVector<Pair> out;
    for (const QString &x : a) {
        const QString shown = TagNames::displayName(x);
        for (const QString &y : b) {
            if (x == y || existing.contains(x, y))
                continue;
            if (TagNames::displayName(y).compare(shown, Qt::CaseInsensitive) == 0)
                out.push_back({x, y});
        }
    }
    return out;
}

QVector<LabelledTrack> TagMapping::fold(const QVector<LabelledTrack> &tracks, const QStringList &target,
                                        QStringList *folded) const
{
    QVector<LabelledTrack> out;
    out.reserve(tracks.size());
    for (const LabelledTrack &track : tracks) {
        const QStringList names = track.tags.names();
        // column -> target tag it folds into
        QVector<QPair<int, QString>> moves;
        for (int c = 0; c < names.size(); ++c) {
            if (target.contains(names[c]))
                continue;
            for (const QString &to : related(names[c])) {
                if (target.contains(to)) {
                    moves.push_back({c, to});
                    break;
                }
            }
        }
        if (moves.isEmpty()) {
            out.push_back(track);
            continue;
        }
        // New column list: the kept columns, then target tags the track lacked.
        QStringList kept;
        QVector<int> keptFrom;
        for (int c = 0; c < names.size(); ++c) {
            bool moved = false;
            for (const auto &m : moves)
                moved = moved || m.first == c;
            if (!moved) {
                kept << names[c];
                keptFrom << c;
            }
        }
        for (const auto &m : moves) {
            if (!kept.contains(m.second)) {
                kept << m.second;
                keptFrom << -1;
            }
        }
        LabelledTrack result = track;
        QVector<Tag> tags;
        for (int k = 0; k < kept.size(); ++k) {
            const int from = keptFrom[k];
            tags.push_back(from >= 0 ? track.tags.at(from) : Tag{kept[k], QString()});
        }
        result.tags = Vocabulary(tags);
        const int segments = track.segments.size();
        const int columns = int(kept.size());
        result.values.assign(size_t(segments) * size_t(columns), std::numeric_limits<float>::quiet_NaN());
        for (int s = 0; s < segments; ++s) {
            for (int k = 0; k < columns; ++k) {
                if (keptFrom[k] >= 0)
                    result.values[size_t(s) * size_t(columns) + size_t(k)] = track.value(s, keptFrom[k]);
            }
            for (const auto &m : moves) {
                float &cell = result.values[size_t(s) * size_t(columns) + size_t(kept.indexOf(m.second))];
                const float v = track.value(s, m.first);
                if (std::isnan(cell) && !std::isnan(v))
                    cell = v;
            }
        }
        if (folded) {
            for (const auto &m : moves) {
                const QString line = QStringLiteral("%1 -> %2").arg(names[m.first], m.second);
                if (!folded->contains(line))
                    *folded << line;
            }
        }
        out.push_back(std::move(result));
    }
    return out;
}

QByteArray TagMapping::toText() const
{
    QByteArray out("# Taglane tag mapping: related tags of different vocabularies, one pair a line\n");
    for (const Pair &p : m_pairs)
        out += p.first.toUtf8() + '\t' + p.second.toUtf8() + '\n';
    return out;
}

Result<TagMapping> TagMapping::fromText(const QByteArray &text, const QString &sourceName)
{
    TagMapping mapping;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QString line = QString::fromUtf8(lines[i]);
        const qsizetype hash = line.indexOf(QLatin1Char('#'));
        if (hash >= 0)
            line.truncate(hash);
        if (line.trimmed().isEmpty())
            continue;
        const QStringList parts = line.split(QLatin1Char('\t'));
        if (parts.size() != 2 || parts[0].trimmed().isEmpty() || parts[1].trimmed().isEmpty())
            return Result<TagMapping>::failure(
                tr("%1, line %2: expected two tag names separated by a tab.").arg(sourceName).arg(i + 1));
        if (parts[0].trimmed() == parts[1].trimmed())
            return Result<TagMapping>::failure(
                tr("%1, line %2: a tag cannot be related to itself (%3).").arg(sourceName).arg(i + 1).arg(parts[0].trimmed()));
        mapping.add(parts[0], parts[1]);   // a repeated pair is kept once
    }
    return mapping;
}

Result<TagMapping> TagMapping::load(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return TagMapping{};
    if (!file.open(QIODevice::ReadOnly))
        return Result<TagMapping>::failure(tr("Cannot read the tag mapping %1: %2").arg(path, file.errorString()));
    return fromText(file.readAll(), QFileInfo(path).fileName());
}

Status TagMapping::save(const QString &path) const
{
    return AtomicWrite::write(path, toText());
}

} // namespace taglane::engine
