"""Let scipy use numpy's copy of the Fortran runtime instead of carrying its own.

The numpy and scipy wheels each bring libgfortran and libquadmath, renamed by auditwheel
(``libgfortran-<hash>.so.5.0.0``), so identical libraries are already linked by
``prune_bundle.deduplicate`` but different builds of the same library are not. A
scipy copy is replaced by a symlink to numpy's when both have the same library name
and major version and numpy's exports every symbol (with its version) that scipy's
does, so every reference into it still binds. The loader then maps one file for both:
glibc recognises an already-loaded file by device and inode. Libraries of scipy.libs
that nothing needs afterwards (scipy's own libquadmath) are removed.

Usage: python packaging/share_runtimes.py dist/upstream
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

# Runtimes worth sharing; OpenBLAS is not among them (numpy's is the 64-bit-integer
# build with suffixed symbols, scipy's the 32-bit one: different libraries).
SHARED = ("libgfortran", "libquadmath")
# auditwheel's name: libgfortran-040039e1-0352e75f.so.5.0.0 -> (libgfortran, 5)
AUDITWHEEL_NAME = re.compile(r"^(lib[A-Za-z0-9_+]+?)-[0-9a-f]{8}(?:-[0-9a-f]{8})?\.so\.(\d+)")


def identity(path: Path) -> tuple[str, str] | None:
    """(library, major version) from an auditwheel-renamed file name."""
    found = AUDITWHEEL_NAME.match(path.name)
    return (found.group(1), found.group(2)) if found else None


def exported(path: Path) -> set[str]:
    """Defined dynamic symbols with their version (``name@@GFORTRAN_8``)."""
    out = subprocess.run(
        ["nm", "-D", "--defined-only", "--with-symbol-versions", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {line.split()[-1] for line in out.splitlines() if len(line.split()) == 3}


def needed(path: Path) -> set[str]:
    out = subprocess.run(
        ["readelf", "-d", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+)\]", out))


def share(bundle: Path) -> list[tuple[Path, Path]]:
    """Link scipy's runtimes to numpy's compatible copies; returns (replaced, target)."""
    internal = bundle / "_internal"
    numpy_libs, scipy_libs = internal / "numpy.libs", internal / "scipy.libs"
    if not numpy_libs.is_dir() or not scipy_libs.is_dir():
        return []
    candidates = {
        identity(p): p for p in numpy_libs.iterdir() if p.is_file() and not p.is_symlink()
    }
    linked = []
    for path in sorted(scipy_libs.iterdir()):
        key = identity(path)
        if path.is_symlink() or key is None or key[0] not in SHARED or key not in candidates:
            continue
        target = candidates[key]
        missing = exported(path) - exported(target)
        if missing:
            print(f"not shared: {target.name} lacks {len(missing)} symbols of {path.name}")
            continue
        path.unlink()
        path.symlink_to(os.path.relpath(target, path.parent))
        linked.append((path, target))
    return linked


def drop_unneeded(bundle: Path) -> list[Path]:
    """Remove scipy.libs files that no library or extension module of the bundle needs."""
    internal = bundle / "_internal"
    wanted: set[str] = set()
    for path in internal.rglob("*.so*"):
        if path.is_file() and not path.is_symlink():
            wanted |= needed(path)
    gone = [
        path
        for path in (internal / "scipy.libs").iterdir()
        if not path.is_symlink() and path.name not in wanted
    ]
    for path in gone:
        path.unlink()
        top = internal / path.name  # PyInstaller's symlink beside the other libraries
        if top.is_symlink() and not top.exists():
            top.unlink()
    return gone


if __name__ == "__main__":
    target = Path(sys.argv[1])
    for path, shared in share(target):
        print(f"shared {path.name} -> {shared.relative_to(target)}")
    for path in drop_unneeded(target):
        print(f"removed {path.relative_to(target)} (no longer needed)")
