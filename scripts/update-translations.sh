#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Refreshes translations/*.ts from the sources of every layer. (The CMake
# target update_translations does the same but follows includes into
# LibTorch's headers, which takes minutes.)
set -euo pipefail
cd "$(dirname "$0")/.."
lupdate=/usr/lib/qt6/bin/lupdate
[ -x "$lupdate" ] || lupdate=lupdate
for ts in translations/taglane_*.ts; do
  "$lupdate" engine widgets app -extensions cpp,h -ts "$ts" -no-obsolete -locations none
done
