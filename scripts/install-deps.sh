#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages Taglane needs that are missing.
#   scripts/install-deps.sh [--example] [--bench]
#     --example  also the Battle for Wesnoth soundtrack (the bundled example)
#     --bench    also python3-torch (the Python peer of the inference benchmark)
#   The PostgreSQL store and the cluster tests need postgresql (pg_virtualenv),
#   libqt6sql6-psql, slurm-wlm and munge; they are always installed.
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config
          qt6-base-dev qt6-multimedia-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
          libqcustomplot-dev libtorch-dev libfftw3-dev libsndfile1-dev libsoxr-dev
          libeigen3-dev libqt6sql6-sqlite libqt6svg6 qt6-qpa-plugins
          libfluidsynth-dev fluid-soundfont-gm musescore-general-soundfont opl3-soundfont fluidr3mono-gm-soundfont
          xvfb xauth imagemagick fonts-noto-cjk
          postgresql libqt6sql6-psql slurm-wlm munge)
for arg in "$@"; do
  case "$arg" in
    --example) packages+=(wesnoth-1.16-music) ;;
    --bench) packages+=(python3-torch python3-numpy python3-sklearn) ;;
    *) echo "install-deps.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps.sh: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
