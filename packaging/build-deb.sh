#!/bin/sh
# Build the .deb from the bundle: dist/upstream_VERSION_ARCH.deb.
#   /opt/upstream/            the bundle (read-only; writes nothing there at run time)
#   /usr/bin/upstream         relative symlink to /opt/upstream/upstream
#   /usr/share/applications/upstream.desktop, /usr/share/icons/hicolor/.../upstream.{svg,png}
#   /usr/share/doc/upstream/  copyright, an example machine policy
# No maintainer scripts: the desktop database and icon cache are refreshed by the
# triggers of desktop-file-utils and hicolor-icon-theme, and removal leaves nothing.
# Usage: packaging/build-deb.sh [BUNDLE_DIR] [OUT_DIR]
set -eu
cd "$(dirname "$0")/.."
BUNDLE=${1:-dist/upstream}
OUT=${2:-dist}
HERE=packaging
# gzip: 20 s and 90 MB here; xz: 80 s and 67 MB (DEB_COMPRESSION=xz for releases).
COMPRESSION=${DEB_COMPRESSION:-gzip}
test -x "$BUNDLE/upstream" || { echo "no bundle at $BUNDLE (run packaging/build-bundle.sh)" >&2; exit 2; }

VERSION=$("$BUNDLE/upstream" --version | awk '{print $2}')
ARCH=$(dpkg --print-architecture)
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/upstream-deb.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT

mkdir -p "$ROOT/DEBIAN" "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
    "$ROOT/usr/share/icons/hicolor/scalable/apps" "$ROOT/usr/share/icons/hicolor/256x256/apps" \
    "$ROOT/usr/share/doc/upstream"
cp -a "$BUNDLE" "$ROOT/opt/upstream"
ln -s ../../opt/upstream/upstream "$ROOT/usr/bin/upstream"
install -m 644 "$HERE/linux/upstream.desktop" "$ROOT/usr/share/applications/upstream.desktop"
install -m 644 "$HERE/icons/upstream.svg" "$ROOT/usr/share/icons/hicolor/scalable/apps/upstream.svg"
install -m 644 "$HERE/icons/upstream.png" "$ROOT/usr/share/icons/hicolor/256x256/apps/upstream.png"
install -m 644 "$HERE/linux/copyright" "$ROOT/usr/share/doc/upstream/copyright"
install -m 644 "$HERE/policy.example.toml" "$ROOT/usr/share/doc/upstream/policy.example.toml"
# Files world-readable, directories and programs world-executable, nothing writable
# but by root (the bundle is never written to at run time).
chmod -R u+rwX,go+rX,go-w "$ROOT"

SIZE_KB=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
DEPENDS=$(cat "$HERE/linux/depends.txt" | grep -v '^#' | paste -sd, - | sed 's/,/, /g')
sed -e "s/@VERSION@/$VERSION-1/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE_KB@/$SIZE_KB/" \
    -e "s/@DEPENDS@/$DEPENDS/" "$HERE/linux/control.in" > "$ROOT/DEBIAN/control"

mkdir -p "$OUT"
DEB="$OUT/upstream_${VERSION}-1_${ARCH}.deb"
dpkg-deb --root-owner-group -Z"$COMPRESSION" --build "$ROOT" "$DEB" >/dev/null
echo "$DEB"
