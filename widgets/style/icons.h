// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QIcon>

/// Simple light glyph icons for the transport and zoom actions, drawn in
/// code so they read on the dark theme without an icon theme installed.
namespace taglane::widgets::icons {

QIcon play();
QIcon pause();
QIcon stop();
QIcon zoomIn();
QIcon zoomOut();
QIcon fit();

} // namespace taglane::widgets::icons
