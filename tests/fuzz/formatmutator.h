// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Seeded mutations of a valid label file, for tst_formatfuzz and bench_fuzz.

#include "engine/formats/importedfile.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <cmath>
#include <random>

namespace taglane::tests {

class FormatMutator
{
public:
    explicit FormatMutator(quint64 seed) : m_rng(seed) {}

    /// 1 to 4 random mutations of `input`.
    QByteArray mutate(const QByteArray &input)
    {
        QByteArray b = input;
        const int rounds = 1 + int(next(4));
        for (int r = 0; r < rounds; ++r)
            b = once(b);
        return b;
    }

private:
    quint64 next(quint64 n) { return n == 0 ? 0 : std::uniform_int_distribution<quint64>(0, n - 1)(m_rng); }

    QByteArray randomUtf8()
    {
        static const char *pieces[] = {"\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x8e\xb5", "\xef\xbb\xbf", "\xc3", "\xed\xa0\x80",
                                       "\xff", "\x00", "\"", ",", "\t", "\r", "\n", "\\", ";", "'=", "{", "}", "[", "]", ":"};
        QByteArray out;
        const int n = 1 + int(next(6));
        for (int i = 0; i < n; ++i) {
            const char *p = pieces[next(sizeof(pieces) / sizeof(pieces[0]))];
            out.append(p, p[0] == 0 ? 1 : int(qstrlen(p)));
        }
        return out;
    }

    QByteArray number()
    {
        static const char *numbers[] = {"nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e309", "-0", "0", "1", "-1",
                                        "0.5", "1e-320", "999999999999999999999999", "3.4e38", "", " ", "1,5", "0x10",
                                        "12.5e", "1e7", "10000001", "-3.25"};
        return numbers[next(sizeof(numbers) / sizeof(numbers[0]))];
    }

    QByteArray once(const QByteArray &in)
    {
        QByteArray b = in;
        const int size = int(b.size());
        switch (next(12)) {
        case 0:   // flip bits of a byte
            if (size > 0)
                b[int(next(size))] = char(uchar(b[int(next(size))]) ^ uchar(1u << next(8)));
            break;
        case 1:   // truncate
            b.truncate(int(next(size + 1)));
            break;
        case 2: {   // duplicate a line
            const QList<QByteArray> lines = b.split('\n');
            if (lines.isEmpty())
                break;
            QList<QByteArray> out = lines;
            const int i = int(next(lines.size()));
            out.insert(int(next(lines.size() + 1)), lines.at(i));
            b = out.join('\n');
            break;
        }
        case 3: {   // delete a line
            QList<QByteArray> lines = b.split('\n');
            if (!lines.isEmpty())
                lines.removeAt(int(next(lines.size())));
            b = lines.join('\n');
            break;
        }
        case 4: {   // replace a number-looking run with an odd number
            if (size == 0)
                break;
            int i = int(next(size));
            while (i < size && !(std::isdigit(uchar(b[i]))))
                ++i;
            int j = i;
            while (j < size && (std::isdigit(uchar(b[j])) || b[j] == '.' || b[j] == 'e' || b[j] == '-'))
                ++j;
            b.replace(i, j - i, number());
            break;
        }
        case 5: {   // empty a field: drop text between two separators
            if (size == 0)
                break;
            const int i = int(next(size));
            int j = i;
            while (j < size && b[j] != ',' && b[j] != '\t' && b[j] != '\n' && b[j] != '"')
                ++j;
            b.remove(i, j - i);
            break;
        }
        case 6:   // a very long line
            b.insert(int(next(size + 1)), QByteArray(int(1000 + next(200000)), char('a' + next(26))));
            break;
        case 7:   // random UTF-8 (valid and invalid) inserted
            b.insert(int(next(size + 1)), randomUtf8());
            break;
        case 8:   // insert a random byte
            b.insert(int(next(size + 1)), char(next(256)));
            break;
        case 9: {   // swap two lines
            QList<QByteArray> lines = b.split('\n');
            if (lines.size() >= 2)
                lines.swapItemsAt(int(next(lines.size())), int(next(lines.size())));
            b = lines.join('\n');
            break;
        }
        case 10: {   // many copies of a chunk (a blow-up attempt)
            if (size == 0)
                break;
            const int i = int(next(size));
            const QByteArray chunk = b.mid(i, int(1 + next(64)));
            b.insert(i, chunk.repeated(int(1 + next(2000))));
            break;
        }
        default:   // overwrite a byte with a separator
            if (size > 0) {
                static const char seps[] = {',', '\t', '\n', '\r', '"', '\\', ';', '[', '{', ':', '\''};
                b[int(next(size))] = seps[next(sizeof(seps))];
            }
            break;
        }
        return b;
    }

    std::mt19937_64 m_rng;
};

/// Checks an importer's answer: a clean, consistent result, or an error that
/// names the file. Returns an empty string when fine, else what is wrong.
inline QString checkImport(const engine::Result<engine::ImportedFile> &r, const QString &source)
{
    using namespace taglane::engine;
    if (!r.ok())
        return r.error().contains(source) ? QString() : QStringLiteral("error without the file name: ") + r.error();
    for (const TrackLabels &t : r->tracks) {
        if (!t.isConsistent())
            return QStringLiteral("inconsistent labels");
        if (t.segments.isEmpty())
            return QStringLiteral("no segments in a clean result");
        double prev = 0.0;
        for (const Segment &s : t.segments.segments()) {
            if (!std::isfinite(s.start) || !std::isfinite(s.end) || s.start < prev || s.end <= s.start)
                return QStringLiteral("bad segment [%1, %2)").arg(s.start).arg(s.end);
            prev = s.end;
        }
        for (const LabelCell &c : t.cells)
            if (c.hasProbability() && !(c.probability >= 0.0f && c.probability <= 1.0f))
                return QStringLiteral("probability out of range: %1").arg(c.probability);
        for (const Tag &tag : t.tags.tags())
            if (tag.name.trimmed().isEmpty())
                return QStringLiteral("empty tag name");
    }
    return {};
}

} // namespace taglane::tests
