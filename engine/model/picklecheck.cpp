// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/picklecheck_p.h"

#include <QCoreApplication>

#include <set>
#include <vector>

namespace taglane::engine::detail {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StateDict", text);
}

/// The stack as a depth, with the depths at which marks were pushed.
class Stack
{
public:
    /// Pops n items above the top mark and pushes pushed; false when fewer are there.
    bool apply(qint64 n, qint64 pushed)
    {
        const qint64 floor = m_marks.empty() ? 0 : m_marks.back();
        if (m_depth - floor < n)
            return false;
        m_depth += pushed - n;
        return true;
    }
    void mark() { m_marks.push_back(m_depth); }
    /// Pops everything above the top mark and the mark; then pops `below`
    /// more items (which must not cross the next mark) and pushes pushed.
    /// even: the items above the mark come in pairs (SETITEMS).
    bool toMark(qint64 below, qint64 pushed, bool even = false)
    {
        if (m_marks.empty())
            return false;
        const qint64 items = m_depth - m_marks.back();
        if (even && items % 2 != 0)
            return false;
        m_depth = m_marks.back();
        m_marks.pop_back();
        return apply(below, pushed);
    }
    qint64 depth() const { return m_depth; }

private:
    qint64 m_depth = 0;
    std::vector<qint64> m_marks;
};

} // namespace

QString checkPickle(const char *data, qint64 size)
{
    const auto *p = reinterpret_cast<const unsigned char *>(data);
    qint64 at = 0;
    Stack stack;
    // Little-endian unsigned argument of width bytes at `at`; false when past the end.
    auto argument = [&](int width, quint64 &value) {
        if (width > size - at)
            return false;
        value = 0;
        for (int i = width - 1; i >= 0; --i)
            value = (value << 8) | p[at + i];
        at += width;
        return true;
    };
    auto line = [&]() {
        for (qint64 i = at; i < size; ++i) {
            if (p[i] == '\n') {
                at = i + 1;
                return true;
            }
        }
        return false;
    };
    // A memo index is stored (PUT) before it is fetched (GET); indexes
    // beyond the stream's length are no indexes (LibTorch sizes its memo
    // table by them).
    std::set<quint64> memo;
    auto put = [&](quint64 index) {
        if (index >= quint64(size))
            return false;
        memo.insert(index);
        return true;
    };
    auto get = [&](quint64 index) { return memo.count(index) > 0; };

    while (at < size) {
        const qint64 offset = at;
        const unsigned char op = p[at++];
        quint64 n = 0;
        bool ok = true;
        switch (op) {
        case '(': stack.mark(); break;                                   // MARK
        case '.': return stack.depth() >= 1 ? QString() : tr("its pickle stops with an empty stack");   // STOP
        case '0': ok = stack.apply(1, 0); break;                          // POP
        case '1': ok = stack.toMark(0, 0); break;                         // POP_MARK
        case '2': ok = stack.apply(1, 2); break;                          // DUP
        case 'F': case 'I': case 'L': case 'S': case 'V':                 // text FLOAT, INT, LONG, STRING, UNICODE
            ok = line() && stack.apply(0, 1);
            break;
        case 'P': ok = line() && stack.apply(0, 1); break;                // PERSID
        case 'g': case 'p': {                                             // GET, PUT (text index)
            const qint64 start = at;
            ok = line();
            if (ok) {
                const quint64 index = QByteArray(data + start, int(at - 1 - start)).toULongLong(&ok);
                ok = ok && (op == 'g' ? get(index) && stack.apply(0, 1) : put(index) && stack.apply(1, 1));
            }
            break;
        }
        case 'J': ok = argument(4, n) && stack.apply(0, 1); break;         // BININT
        case 'K': ok = argument(1, n) && stack.apply(0, 1); break;         // BININT1
        case 'M': ok = argument(2, n) && stack.apply(0, 1); break;         // BININT2
        case 'G': ok = argument(8, n) && stack.apply(0, 1); break;         // BINFLOAT
        case 'N': case 0x88: case 0x89: case '}': case ']': case ')': case 0x8f:   // NONE, TRUE, FALSE, empty dict/list/tuple/set
            ok = stack.apply(0, 1);
            break;
        case 'Q': ok = stack.apply(1, 1); break;                          // BINPERSID
        case 'R': case 'b': case 'a': case 0x81: case 0x93:               // REDUCE, BUILD, APPEND, NEWOBJ, STACK_GLOBAL
            ok = stack.apply(2, 1);
            break;
        case 's': ok = stack.apply(3, 1); break;                          // SETITEM
        case 0x92: ok = stack.apply(3, 1); break;                         // NEWOBJ_EX
        case 'T': case 'X': case 'B':                                     // BINSTRING, BINUNICODE, BINBYTES
            ok = argument(4, n) && n <= quint64(size - at);
            at += ok ? qint64(n) : 0;
            ok = ok && stack.apply(0, 1);
            break;
        case 'U': case 'C': case 0x8c:                                    // SHORT_BINSTRING, SHORT_BINBYTES, SHORT_BINUNICODE
            ok = argument(1, n) && n <= quint64(size - at);
            at += ok ? qint64(n) : 0;
            ok = ok && stack.apply(0, 1);
            break;
        case 0x8d: case 0x8e: case 0x96:                                  // BINUNICODE8, BINBYTES8, BYTEARRAY8
            ok = argument(8, n) && n <= quint64(size - at);
            at += ok ? qint64(n) : 0;
            ok = ok && stack.apply(0, 1);
            break;
        case 0x8a:                                                        // LONG1
            ok = argument(1, n) && n <= quint64(size - at);
            at += ok ? qint64(n) : 0;
            ok = ok && stack.apply(0, 1);
            break;
        case 0x8b:                                                        // LONG4
            ok = argument(4, n) && n <= quint64(size - at);
            at += ok ? qint64(n) : 0;
            ok = ok && stack.apply(0, 1);
            break;
        case 'c': ok = line() && line() && stack.apply(0, 1); break;       // GLOBAL
        case 'i': ok = line() && line() && stack.toMark(0, 1); break;      // INST
        case 'o': ok = stack.toMark(0, 1); break;                          // OBJ (class and args above the mark)
        case 'd': case 'l': case 't': case 0x91:                          // DICT, LIST, TUPLE, FROZENSET
            ok = stack.toMark(0, 1, op == 'd');
            break;
        case 'e': case 0x90: ok = stack.toMark(1, 1); break;              // APPENDS, ADDITEMS
        case 'u': ok = stack.toMark(1, 1, true); break;                   // SETITEMS
        case 'h': ok = argument(1, n) && get(n) && stack.apply(0, 1); break;   // BINGET
        case 'j': ok = argument(4, n) && get(n) && stack.apply(0, 1); break;   // LONG_BINGET
        case 'q': ok = argument(1, n) && put(n) && stack.apply(1, 1); break;   // BINPUT
        case 'r': ok = argument(4, n) && put(n) && stack.apply(1, 1); break;   // LONG_BINPUT
        case 0x94: ok = put(memo.size()) && stack.apply(1, 1); break;          // MEMOIZE
        case 0x85: ok = stack.apply(1, 1); break;                          // TUPLE1
        case 0x86: ok = stack.apply(2, 1); break;                          // TUPLE2
        case 0x87: ok = stack.apply(3, 1); break;                          // TUPLE3
        case 0x80: ok = argument(1, n); break;                             // PROTO
        case 0x95: ok = argument(8, n); break;                             // FRAME (a hint)
        case 0x82: ok = argument(1, n) && stack.apply(0, 1); break;        // EXT1
        case 0x83: ok = argument(2, n) && stack.apply(0, 1); break;        // EXT2
        case 0x84: ok = argument(4, n) && stack.apply(0, 1); break;        // EXT4
        default:
            return tr("its pickle has the unknown opcode 0x%1 at byte %2").arg(int(op), 2, 16, QLatin1Char('0')).arg(offset);
        }
        if (!ok)
            return tr("its pickle is malformed at byte %1 (opcode 0x%2)").arg(offset).arg(int(op), 2, 16, QLatin1Char('0'));
    }
    return tr("its pickle ends without a STOP opcode");
}

} // namespace taglane::engine::detail
