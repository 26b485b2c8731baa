// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>

/// Colours shared by the track views, so the stacked views read as one dark instrument.
namespace taglane::widgets::theme {

inline QColor background() { return QColor(0x16, 0x18, 0x1d); }
inline QColor gutter() { return QColor(0x1f, 0x22, 0x29); }
inline QColor gutterText() { return QColor(0xb8, 0xbe, 0xc9); }
inline QColor dimText() { return QColor(0x7d, 0x84, 0x90); }
inline QColor grid() { return QColor(0x2c, 0x30, 0x39); }
inline QColor separator() { return QColor(0x0c, 0x0d, 0x10); }
inline QColor waveform() { return QColor(0x4f, 0xc3, 0xd9); }
inline QColor waveformRms() { return QColor(0x9b, 0xe7, 0xf2); }
inline QColor cursor() { return QColor(0xff, 0xd1, 0x4a); }
inline QColor category() { return QColor(0x28, 0x2c, 0x35); }
inline QColor categoryText() { return QColor(0xe8, 0xb3, 0x5a); }
inline QColor laneEven() { return QColor(0x1a, 0x1d, 0x23); }
inline QColor laneOdd() { return QColor(0x1e, 0x21, 0x28); }
inline QColor present() { return QColor(0x5c, 0xd6, 0x7a); }
inline QColor absent() { return QColor(0xe0, 0x5a, 0x5a); }

} // namespace taglane::widgets::theme
