// SPDX-License-Identifier: GPL-3.0-or-later
// Compiled only by the layering test, which expects this to fail: the engine
// layer cannot see widgets headers, nor Qt Widgets.
#include "widgets/timeline/timeaxis.h"
#include <QWidget>

int layeringViolation() { return 0; }
