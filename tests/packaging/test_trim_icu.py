"""packaging/trim_icu.py: Qt's ICU data cut down to English still loads and works.

Trims the real libicudata of the installed PySide6 into a temporary folder, then runs
Qt in a subprocess that loads the trimmed copy (LD_LIBRARY_PATH wins over Qt's RUNPATH).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("trim_icu", ROOT / "packaging" / "trim_icu.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


trim_icu = _load_script()


def _qt_icu_data() -> Path | None:
    try:
        import PySide6
    except ImportError:
        return None
    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.[0-9]*"))
    return found[0] if found else None


ICU_DATA = _qt_icu_data()
pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries: Linux only"),
    pytest.mark.skipif(ICU_DATA is None, reason="this PySide6 ships no ICU data library"),
    pytest.mark.skipif(
        shutil.which("icupkg") is None or shutil.which("gcc") is None,
        reason="needs icupkg (icu-devtools) and gcc: scripts/ensure-system-packages",
    ),
]

# What Qt does with ICU, printed as JSON by a subprocess.
QT_PROBE = textwrap.dedent(
    """
    import json
    from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone

    def display(zone: bytes, locale: str) -> str:
        return QTimeZone(zone).displayName(
            QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale(locale)
        )

    with open("/proc/self/maps") as maps:
        icu = sorted({line.split()[-1] for line in maps if "libicudata" in line})
    print(json.dumps({
        "icu": icu,
        "berlin_en": display(b"Europe/Berlin", "en_US"),
        "berlin_de": display(b"Europe/Berlin", "de_DE"),
        "zones": len(QTimeZone.availableTimeZoneIds()),
        "sorted": sorted(["b", "B", "a", "é", "e"], key=QCollator(QLocale("en_US")).sortKey),
        "turkish_upper": QLocale("tr_TR").toUpper("i"),
        "windows_1252": QStringDecoder("windows-1252").isValid(),
        "shift_jis": QStringDecoder("Shift_JIS").isValid(),
    }))
    """
)


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert ICU_DATA is not None
    output = tmp_path_factory.mktemp("icu") / ICU_DATA.name
    trim_icu.trim(ICU_DATA, output)
    return output


def _probe(library_dir: Path | None) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if library_dir is not None:
        env["LD_LIBRARY_PATH"] = str(library_dir)
    result = subprocess.run(
        [sys.executable, "-c", QT_PROBE],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return probe


def test_the_rules_keep_english_and_shared_tables_only() -> None:
    kept = [
        *("root.res", "en.res", "en_GB.res", "zone/en_001.res", "zone/tzdbNames.res"),
        *("pool.res", "res_index.res", "supplementalData.res", "zoneinfo64.res"),
        *("coll/ucadata.icu", "brkitr/word.brk", "ibm-5348_P100-1997.cnv", "cnvalias.icu"),
    ]
    dropped = [
        *("de.res", "zone/fr.res", "coll/zh.res", "coll/de__PHONEBOOK.res"),
        *("brkitr/cjdict.dict", "brkitr/line_cj.brk", "gb18030.cnv", "ibm-943_P15A-2003.cnv"),
        *("translit/root.res", "unames.icu", "rfc3491.spp"),
    ]
    assert [item for item in kept if not trim_icu.keep(item)] == []
    assert [item for item in dropped if trim_icu.keep(item)] == []


def test_trimmed_library_is_small_and_keeps_soname_and_symbol(trimmed: Path) -> None:
    assert ICU_DATA is not None
    assert trimmed.stat().st_size < min(8_000_000, ICU_DATA.stat().st_size // 4)
    assert trim_icu.soname(trimmed) == trim_icu.soname(ICU_DATA)
    assert trim_icu.data_symbol(trimmed)[0] == trim_icu.data_symbol(ICU_DATA)[0]


def test_trimmed_library_holds_the_kept_items_only(trimmed: Path) -> None:
    items = set(trim_icu.items(trimmed))
    for item in ("root.res", "en.res", "zone/en.res", "zone/root.res", "coll/ucadata.icu",
                 "ibm-5348_P100-1997.cnv", "zoneinfo64.res", "metaZones.res"):  # fmt: skip
        assert item in items
    for item in ("de.res", "zone/de.res", "brkitr/cjdict.dict", "gb18030.cnv"):
        assert item not in items


def test_qt_works_on_the_trimmed_library(trimmed: Path) -> None:
    full, small = _probe(None), _probe(trimmed.parent)
    assert small["icu"] == [str(trimmed)]  # the trimmed copy is the one loaded
    assert small["berlin_en"] == full["berlin_en"] == "Central European Standard Time"
    assert small["berlin_de"] == "Central European Standard Time"  # English names only
    assert small["zones"] == full["zones"]
    assert small["sorted"] == full["sorted"] == ["a", "b", "B", "e", "é"]
    assert small["turkish_upper"] == "İ"  # case mapping lives in libicuuc's code
    assert small["windows_1252"] is True
    assert full["shift_jis"] is True and small["shift_jis"] is False  # legacy codecs dropped
