// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A 16-bit mono PCM WAV of a tone, written by hand: files of different
// frequency (or seed) differ in content, so their content hashes differ.

#include <QByteArray>
#include <QFile>
#include <QString>

#include <cmath>

namespace taglane::tests {

/// A tone of `hz` with a slow tremolo, at 16 kHz unless told otherwise.
inline bool writeToneWav(const QString &path, double seconds, double hz, int rate = 16000)
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
    for (qint32 i = 0; i < frames; ++i) {
        const double t = double(i) / rate;
        const double v = 0.4 * std::sin(2.0 * M_PI * hz * t) * (0.6 + 0.4 * std::sin(2.0 * M_PI * 0.5 * t));
        u16(quint16(qint16(std::lround(v * 32767.0))));
    }
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(b) == b.size();
}

} // namespace taglane::tests
