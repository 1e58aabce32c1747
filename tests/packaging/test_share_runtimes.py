"""packaging/share_runtimes.py: scipy's Fortran runtime replaced by numpy's compatible copy.

Works on a small bundle-like folder holding the real numpy.libs and scipy.libs runtimes
of this environment (the OpenBLAS builds are left out: they are not shared).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_script() -> ModuleType:
    path = ROOT / "packaging" / "share_runtimes.py"
    spec = importlib.util.spec_from_file_location("share_runtimes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


share_runtimes = _load_script()


def _wheel_libs(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    libs = Path(spec.origin).parent.parent / f"{package}.libs"
    return libs if libs.is_dir() else None


NUMPY_LIBS, SCIPY_LIBS = _wheel_libs("numpy"), _wheel_libs("scipy")
pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries: Linux only"),
    pytest.mark.skipif(
        NUMPY_LIBS is None or SCIPY_LIBS is None, reason="numpy/scipy not from manylinux wheels"
    ),
]


def _runtimes(libs: Path) -> list[Path]:
    return [p for p in libs.iterdir() if p.name.startswith(share_runtimes.SHARED)]


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    assert NUMPY_LIBS is not None and SCIPY_LIBS is not None
    for libs in (NUMPY_LIBS, SCIPY_LIBS):
        folder = tmp_path / "_internal" / libs.name
        folder.mkdir(parents=True)
        for path in _runtimes(libs):
            shutil.copy2(path, folder / path.name)
    return tmp_path


def test_identity_reads_auditwheel_names() -> None:
    identity = share_runtimes.identity
    assert identity(Path("libgfortran-040039e1-0352e75f.so.5.0.0")) == ("libgfortran", "5")
    assert identity(Path("libgfortran-8f1e9814.so.5.0.0")) == ("libgfortran", "5")
    assert identity(Path("libquadmath-828275a7.so.0.0.0")) == ("libquadmath", "0")
    assert identity(Path("libgfortran.so.5")) is None  # not renamed by auditwheel


def test_scipy_runtimes_point_at_compatible_numpy_copies(bundle: Path) -> None:
    internal = bundle / "_internal"
    numpy_libs, scipy_libs = internal / "numpy.libs", internal / "scipy.libs"
    before = {p.name: share_runtimes.exported(p) for p in scipy_libs.iterdir()}
    linked = share_runtimes.share(bundle)
    assert linked, "no scipy runtime could use numpy's copy"
    for path, target in linked:
        assert path.parent == scipy_libs and path.is_symlink()
        assert path.resolve() == target.resolve() and target.parent == numpy_libs
        assert share_runtimes.identity(path) == share_runtimes.identity(target)
        assert before[path.name] <= share_runtimes.exported(target)
    # A copy exporting symbols that numpy's copy lacks (a newer build) stays.
    for path in scipy_libs.iterdir():
        twins = [
            p
            for p in numpy_libs.iterdir()
            if share_runtimes.identity(p) == share_runtimes.identity(path)
        ]
        if not path.is_symlink() and twins and path.read_bytes() != twins[0].read_bytes():
            assert not before[path.name] <= share_runtimes.exported(twins[0])


def test_the_loader_maps_one_file_for_both_names(bundle: Path) -> None:
    linked = share_runtimes.share(bundle)
    assert linked
    for path, target in linked:
        probe = textwrap.dedent(
            f"""
            import ctypes, json
            ctypes.CDLL({str(path)!r})
            ctypes.CDLL({str(target)!r})
            with open("/proc/self/maps") as maps:
                print(json.dumps(sorted({{line.split()[-1] for line in maps if ".so" in line}})))
            """
        )
        out = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        mapped = [name for name in json.loads(out) if Path(name).parent.name.endswith(".libs")]
        prefix = share_runtimes.identity(path)[0]
        assert [name for name in mapped if Path(name).name.startswith(prefix)] == [
            str(target.resolve())
        ]


def test_runtimes_nothing_needs_are_removed(bundle: Path) -> None:
    internal = bundle / "_internal"
    share_runtimes.share(bundle)
    gone = share_runtimes.drop_unneeded(bundle)
    left = list((internal / "scipy.libs").iterdir())
    assert all(path.exists() for path in left)  # nothing dangling
    wanted: set[str] = set()
    for path in internal.rglob("*.so*"):
        if not path.is_symlink():
            wanted |= share_runtimes.needed(path)
    assert all(path.name not in wanted for path in gone)
