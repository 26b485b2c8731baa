// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/style/colormap.h"

#include <QCoreApplication>

#include <cmath>
#include <vector>

namespace taglane::widgets {

namespace {

struct Anchor
{
    int r, g, b;
};

// Anchor colours at equal steps along each map, sampled from the published
// palettes' appearance (black - purple - orange - cream; purple - teal - yellow).
const std::vector<Anchor> &anchors(ColorMap::Kind kind)
{
    static const std::vector<Anchor> magma = {{0, 0, 4},       {28, 16, 68},    {79, 18, 123},
                                              {129, 37, 129},  {181, 54, 122},  {229, 80, 100},
                                              {251, 135, 97},  {254, 194, 135}, {252, 253, 191}};
    static const std::vector<Anchor> viridis = {{68, 1, 84},    {72, 40, 120},   {62, 74, 137},
                                                {49, 104, 142}, {38, 130, 142},  {31, 158, 137},
                                                {53, 183, 121}, {110, 206, 88},  {253, 231, 37}};
    static const std::vector<Anchor> gray = {{0, 0, 0}, {255, 255, 255}};
    switch (kind) {
    case ColorMap::Kind::Viridis: return viridis;
    case ColorMap::Kind::Gray: return gray;
    case ColorMap::Kind::Magma: break;
    }
    return magma;
}

} // namespace

ColorMap::ColorMap(Kind kind)
    : m_kind(kind)
{
    const std::vector<Anchor> &a = anchors(kind);
    const int segments = int(a.size()) - 1;
    for (int i = 0; i < 256; ++i) {
        const double pos = i / 255.0 * segments;
        const int k = std::min(segments - 1, int(std::floor(pos)));
        const double f = pos - k;
        auto mix = [f](int x, int y) { return int(std::lround(x + (y - x) * f)); };
        m_table[size_t(i)] = qRgb(mix(a[size_t(k)].r, a[size_t(k + 1)].r), mix(a[size_t(k)].g, a[size_t(k + 1)].g),
                                  mix(a[size_t(k)].b, a[size_t(k + 1)].b));
    }
}

QString ColorMap::name(Kind kind)
{
    switch (kind) {
    case Kind::Viridis: return QCoreApplication::translate("taglane::widgets::ColorMap", "Viridis");
    case Kind::Gray: return QCoreApplication::translate("taglane::widgets::ColorMap", "Gray");
    case Kind::Magma: break;
    }
    return QCoreApplication::translate("taglane::widgets::ColorMap", "Magma");
}

} // namespace taglane::widgets
