// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QString>

#include <algorithm>
#include <array>

namespace taglane::widgets {

/// A 256-entry perceptual colour table (dark to bright), built by
/// interpolating a handful of anchor colours. Value type; any thread.
class ColorMap
{
public:
    enum class Kind { Magma, Viridis, Gray };

    explicit ColorMap(Kind kind = Kind::Magma);

    Kind kind() const { return m_kind; }
    static QString name(Kind kind);
    /// Colour of a value in [0, 1] (clamped; NaN maps to 0).
    QRgb rgb(float fraction) const
    {
        if (!(fraction > 0.0f))
            return m_table[0];
        if (fraction >= 1.0f)
            return m_table[255];
        return m_table[size_t(fraction * 255.0f + 0.5f)];
    }
    QRgb entry(int index) const { return m_table[size_t(std::clamp(index, 0, 255))]; }

private:
    Kind m_kind;
    std::array<QRgb, 256> m_table{};
};

} // namespace taglane::widgets
