#!/bin/sh
# Install the .deb into a throw-away root, run the self-test through its launcher with a
# PATH that holds no Python, purge it, and check that nothing but dpkg's own records
# (and the user data planted before) is left. Usage: packaging/check-deb.sh DEB
set -eu
DEB=$1
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/upstream-root.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/var/lib/dpkg/info" "$ROOT/var/lib/dpkg/updates" "$ROOT/home/user/.local/share/upstream"
touch "$ROOT/var/lib/dpkg/status"
echo "user data" > "$ROOT/home/user/.local/share/upstream/demo.upstream"
# --force-depends: the throw-away root has no system libraries registered (the host's are used).
DPKG="dpkg --root=$ROOT --force-not-root --force-depends"
$DPKG -i "$DEB" >/dev/null 2>&1 || { $DPKG -i "$DEB"; exit 1; }
echo "installed $(basename "$DEB") into $ROOT"
test -L "$ROOT/usr/bin/upstream" && test -f "$ROOT/usr/share/applications/upstream.desktop"
NOPY=$(mktemp -d)  # an empty PATH directory: no python anywhere on it
env -i PATH="$NOPY" HOME="$ROOT/home/user" LANG=C.UTF-8 "$ROOT/usr/bin/upstream" --version
env -i PATH="$NOPY" HOME="$ROOT/home/user" LANG=C.UTF-8 "$ROOT/usr/bin/upstream" --self-test
rmdir "$NOPY"
$DPKG -P upstream >/dev/null
LEFT=$(cd "$ROOT" && find . -mindepth 1 ! -path './var*' ! -path './home*')
if [ -n "$LEFT" ]; then
    echo "left behind after purge:" >&2; echo "$LEFT" >&2; exit 1
fi
test -f "$ROOT/home/user/.local/share/upstream/demo.upstream" || { echo "user data removed" >&2; exit 1; }
echo "purged: no leftovers; user data untouched"
