#!/bin/sh
# `make package`: build the bundle and the .deb, then run the self-test of each — the
# bundle with a PATH that holds no Python, the .deb installed into a throw-away root.
# Usage: packaging/package.sh [PYTHON]
set -eu
cd "$(dirname "$0")/.."
PYTHON=${1:-.venv/bin/python}
packaging/build-bundle.sh "$PYTHON"
NOPY=$(mktemp -d)
env -i PATH="$NOPY" HOME="$NOPY" LANG=C.UTF-8 dist/upstream/upstream --self-test
rm -rf "$NOPY"
DEB=$(packaging/build-deb.sh dist/upstream dist)
echo "built $DEB ($(du -h "$DEB" | cut -f1))"
packaging/check-deb.sh "$DEB"
