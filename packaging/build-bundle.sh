#!/bin/sh
# Build the one-folder desktop bundle: dist/upstream/ (the program is dist/upstream/upstream).
# Usage: packaging/build-bundle.sh [PYTHON]   (default .venv/bin/python, with the
# `packaging` extra installed: pip install -e '.[packaging]')
set -eu
cd "$(dirname "$0")/.."
PYTHON=${1:-.venv/bin/python}
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/upstream.spec
# Linux only (ELF tools): drop libraries nothing loads, link identical copies, let scipy
# use numpy's Fortran runtime, trim Qt's ICU data to English (32 -> 4 MB), and strip
# debug symbols (about 60 MB) except from the wheels' OpenBLAS and Fortran runtimes:
# strip leaves their ELF segments unaligned and they stop loading.
if [ "$(uname -s)" = Linux ]; then
    "$PYTHON" packaging/prune_bundle.py dist/upstream
    "$PYTHON" packaging/share_runtimes.py dist/upstream
    for icu in dist/upstream/_internal/PySide6/Qt/lib/libicudata.so.[0-9]*; do
        "$PYTHON" packaging/trim_icu.py "$icu"
    done
    find dist/upstream -type f -name '*.so*' ! -path '*/numpy.libs/*' ! -path '*/scipy.libs/*' \
        -exec strip --strip-unneeded {} +
fi
du -sh dist/upstream | sed 's/^/bundle size (unpacked): /'
