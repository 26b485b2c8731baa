#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what is missing, builds Taglane and opens it on the bundled example:
# "Traveling Minstrels" from the Battle for Wesnoth soundtrack (GPL-2+), which
# Debian's wesnoth-1.16-music package installs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --example
scripts/build.sh taglane taglane-cli
example=$(dpkg -L wesnoth-1.16-music | grep -m1 'traveling_minstrels.ogg$' || true)
if [ -z "$example" ]; then
  echo "run-example.sh: traveling_minstrels.ogg not found in wesnoth-1.16-music" >&2
  exit 1
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting Taglane under xvfb-run (headless)."
  exec xvfb-run -a -s "-screen 0 1600x1000x24" build/app/taglane "$example"
fi
exec build/app/taglane "$example"
