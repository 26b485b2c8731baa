// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A 16-bit mono PCM WAV of silence, written by hand, for tests that need an
// audio file import can probe.

#include <QByteArray>
#include <QFile>
#include <QString>

namespace taglane::tests {

inline bool writeSilentWav(const QString &path, double seconds, int rate)
{
    const qint32 frames = qint32(seconds * rate);
    QByteArray b;
    auto u32 = [&](quint32 v) { for (int i = 0; i < 4; ++i) b.append(char((v >> (8 * i)) & 0xff)); };
    auto u16 = [&](quint16 v) { b.append(char(v & 0xff)); b.append(char(v >> 8)); };
    b.append("RIFF");
    u32(quint32(36 + frames * 2));
    b.append("WAVEfmt ");
    u32(16); u16(1); u16(1); u32(quint32(rate)); u32(quint32(rate * 2)); u16(2); u16(16);
    b.append("data");
    u32(quint32(frames * 2));
    b.append(QByteArray(frames * 2, '\0'));
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(b) == b.size();
}

} // namespace taglane::tests
