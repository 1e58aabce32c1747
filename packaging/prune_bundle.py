"""Remove shared libraries from a built bundle that nothing in the bundle loads.

PyInstaller copies the dependencies of every plugin it collected before the spec drops
some plugins (the GTK theme above all), so their libraries stay behind. This keeps
every library reachable through ``DT_NEEDED`` from the extension modules, Qt plugins
and Python itself, and deletes the other top-level ones. The self-test and the
packaging test's ``ldd`` check prove nothing needed went missing. The few libraries
left to the system (``FROM_SYSTEM``) go first, so what only they needed goes too.

Usage: python packaging/prune_bundle.py dist/upstream
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

# Left to the system (packaging/linux/depends.txt names their packages): every desktop
# Linux has them, and the bundled copies pulled in their own dependencies (libsystemd,
# libgcrypt, lz4, ...) that nothing else here needs.
FROM_SYSTEM = {"libX11.so.6", "libX11-xcb.so.1", "libdbus-1.so.3"}


def needed(path: Path) -> set[str]:
    out = subprocess.run(
        ["readelf", "-d", str(path)], capture_output=True, text=True, check=False
    ).stdout
    return {
        line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines() if "(NEEDED)" in line
    }


def is_elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def leave_to_system(bundle: Path) -> list[Path]:
    """Delete the bundled copies of ``FROM_SYSTEM``; run before ``prune``."""
    gone = [p for p in (bundle / "_internal").iterdir() if p.name in FROM_SYSTEM and p.is_file()]
    for path in gone:
        path.unlink()
    return gone


def prune(bundle: Path) -> list[Path]:
    internal = bundle / "_internal"
    top_level = {p.name: p for p in internal.iterdir() if ".so" in p.name and p.is_file()}
    roots = [bundle / "upstream"] + [
        p
        for p in internal.rglob("*")
        if p.is_file() and not p.is_symlink() and p.parent != internal and is_elf(p)
    ]
    roots += [p for name, p in top_level.items() if name.startswith(("libpython", "_cffi"))]
    by_name = {p.name: p for p in internal.rglob("*.so*") if p.is_file()}
    reached: set[str] = set()
    pending = list(roots)
    while pending:
        for name in needed(pending.pop()):
            if name not in reached and name in by_name:
                reached.add(name)
                pending.append(by_name[name])
    removed = [p for name, p in top_level.items() if name not in reached and p not in roots]
    for path in removed:
        path.unlink()
    return removed


def deduplicate(bundle: Path, min_bytes: int = 100_000) -> int:
    """Replace byte-identical libraries (numpy's and scipy's copies of the Fortran
    runtime) by relative symlinks to the first copy; returns the bytes saved."""
    first: dict[tuple[int, str], Path] = {}
    saved = 0
    for path in sorted(bundle.rglob("*.so*")):
        if path.is_symlink() or not path.is_file() or path.stat().st_size < min_bytes:
            continue
        key = (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
        if key not in first:
            first[key] = path
            continue
        saved += key[0]
        path.unlink()
        path.symlink_to(os.path.relpath(first[key], path.parent))
    return saved


if __name__ == "__main__":
    target = Path(sys.argv[1])
    system = leave_to_system(target)
    print(f"left to the system: {' '.join(sorted(p.name for p in system))}")
    gone = prune(target)
    print(f"pruned {len(gone)} unused libraries: {' '.join(sorted(p.name for p in gone))}")
    print(f"deduplicated {deduplicate(target) // 1024} KiB of identical libraries")
