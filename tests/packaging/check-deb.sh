#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the .deb with CPack, unpacks it into a scratch root and checks that
# it holds what a desktop needs and that the packaged programs start.
set -euo pipefail
build=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$build"
cpack -G DEB -B "$scratch/out" >/dev/null
deb=$(ls "$scratch"/out/taglane_*.deb)
info=$(dpkg-deb -I "$deb")
grep -q 'Package: taglane' <<<"$info"
grep -q 'Depends:.*libtorch' <<<"$info"
dpkg-deb -x "$deb" "$scratch/root"
for f in usr/bin/taglane usr/bin/taglane-cli usr/share/applications/io.github.taglane.Taglane.desktop \
         usr/share/metainfo/io.github.taglane.Taglane.metainfo.xml \
         usr/share/icons/hicolor/scalable/apps/io.github.taglane.Taglane.svg usr/share/man/man1/taglane.1; do
  [ -e "$scratch/root/$f" ] || { echo "missing from the package: $f" >&2; exit 1; }
done
grep -q '^Exec=taglane' "$scratch/root/usr/share/applications/io.github.taglane.Taglane.desktop"
version=$("$scratch/root/usr/bin/taglane-cli" --version)
grep -q "taglane-cli" <<<"$version"
# The GUI starts on the offscreen platform and stays up until it is stopped.
set +e
QT_QPA_PLATFORM=offscreen timeout 5 "$scratch/root/usr/bin/taglane" >/dev/null 2>&1
status=$?
set -e
[ "$status" -eq 124 ] || { echo "the packaged GUI exited with status $status instead of running" >&2; exit 1; }
echo "package $(basename "$deb") unpacks, holds its files and starts"
