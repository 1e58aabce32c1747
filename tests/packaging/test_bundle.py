"""`make package` end to end: the bundle and the .deb are built and pass the self-test.

Slow (about 2 minutes of build on two cores), so it runs when UPSTREAM_TEST_PACKAGE=1
is set or when the packaging files differ from UPSTREAM_PACKAGE_BASE (default: main),
and says which when it skips.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WATCHED = ("packaging", "desktop/selftest.py", "tests/packaging")
# Libraries the bundle leaves to the system, with the package that brings each (all of
# them in packaging/linux/depends.txt), beside glibc's own.
SYSTEM_LIBRARIES = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libdrm.so.2": "libdrm2",
    "libxcb.so.1": "libxcb1",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libdbus-1.so.3": "libdbus-1-3",
}
GLIBC = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1",
         "ld-linux-x86-64.so.2"}  # fmt: skip
# Of those, the ones a headless build host may lack, so ldd cannot resolve them here:
# only the xcb and Wayland display plugins load them, never the offscreen self-test.
HOST_MISSING_OK = {
    "libxcb-icccm.so.4",
    "libxcb-keysyms.so.1",
    "libwayland-cursor.so.0",
    "libwayland-egl.so.1",
}


def packaging_changed() -> tuple[bool, str]:
    if os.environ.get("UPSTREAM_TEST_PACKAGE") == "1":
        return True, "UPSTREAM_TEST_PACKAGE=1"
    base = os.environ.get("UPSTREAM_PACKAGE_BASE", "main")
    diff = subprocess.run(
        ["git", "diff", "--quiet", base, "--", *WATCHED],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if diff.returncode == 0:
        return False, f"packaging files unchanged since {base}; UPSTREAM_TEST_PACKAGE=1 runs it"
    if diff.returncode == 1:
        if importlib.util.find_spec("PyInstaller") is None:
            return False, (
                f"packaging files changed since {base}, but PyInstaller is not installed "
                "(pip install -e '.[packaging]'); UPSTREAM_TEST_PACKAGE=1 makes this a failure"
            )
        return True, f"packaging files changed since {base}"
    problem = diff.stderr.decode().strip()
    return False, f"cannot compare with {base!r} ({problem}); UPSTREAM_TEST_PACKAGE=1 runs it"


RUN, WHY = packaging_changed()


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.skipif(not RUN, reason=WHY)
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the .deb is built on Linux")
def test_make_package_builds_and_self_tests_bundle_and_deb() -> None:
    result = subprocess.run(
        ["packaging/package.sh", sys.executable],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=1700,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert result.stdout.count("Self-test passed") == 2, output  # bundle, then installed .deb
    assert "purged: no leftovers; user data untouched" in result.stdout
    assert "bundle size (unpacked)" in result.stdout

    bundle = ROOT / "dist" / "upstream"
    missing = unresolved_libraries(bundle)
    assert set(missing) <= HOST_MISSING_OK, missing
    # Whatever the bundle does not carry is glibc or declared in the .deb's Depends.
    outside = libraries_from_outside(bundle)
    assert outside <= GLIBC | SYSTEM_LIBRARIES.keys(), outside - GLIBC - SYSTEM_LIBRARIES.keys()
    depends = (ROOT / "packaging" / "linux" / "depends.txt").read_text().split()
    assert all(SYSTEM_LIBRARIES[name] in depends for name in outside - GLIBC)


def unresolved_libraries(bundle: Path) -> list[str]:
    """Sonames ldd cannot resolve for any library of the bundle (bundle first, then system)."""
    internal = bundle / "_internal"
    search = [internal, internal / "PySide6" / "Qt" / "lib", internal / "numpy.libs"]
    env = dict(os.environ, LD_LIBRARY_PATH=":".join(map(str, search)))
    missing: set[str] = set()
    for path in internal.rglob("*.so*"):
        if path.is_symlink() or not path.is_file():
            continue
        out = subprocess.run(
            ["ldd", str(path)], env=env, capture_output=True, text=True, check=False
        ).stdout
        missing |= {line.split()[0] for line in out.splitlines() if "not found" in line}
    return sorted(missing)


def libraries_from_outside(bundle: Path) -> set[str]:
    """Sonames some library of the bundle needs (``DT_NEEDED``) that the bundle lacks."""
    files = [p for p in (bundle / "_internal").rglob("*.so*") if p.is_file()]
    carried = {p.name for p in files}
    wanted: set[str] = set()
    for path in files:
        out = subprocess.run(
            ["readelf", "-d", str(path)], capture_output=True, text=True, check=True
        ).stdout
        wanted |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+)\]", out))
    return wanted - carried
