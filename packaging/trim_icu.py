"""Shrink the ICU data library PySide6 ships (libicudata.so.NN, 32 MB) to under 4 MB.

Qt uses ICU for collation, locale-aware case mapping, time-zone names and codecs beyond
its own. The app is English only and reads its files through Python's codecs, so the
data of other languages is dead weight. This keeps what ICU's own data filter
(``filters.json``) would keep for an English-only build:

* root and English (``en``, ``en_*``) locale data in every tree, with the shared
  pools, indexes and locale-independent tables (likely subtags, plurals, time zones);
* time-zone names in English only (``zone/``);
* the converters the app can meet: UTF-8/16/32, Latin-1 and ASCII are built into ICU's
  code, Windows-1252 is a table (``ibm-5348``); legacy multibyte codecs (Shift-JIS,
  GB18030, Big5, EUC, EBCDIC, ...) go;
* break-iteration rules without the CJK/Thai/Lao/Khmer/Burmese dictionaries (ICU
  then splits those scripts by rules alone), no transliteration, confusables,
  StringPrep profiles or character names.

The package is taken out of the library (the ``icudt<NN>_dat`` symbol), trimmed with
``icupkg`` (Debian: icu-devtools) and linked back into a library with the same soname
and symbol, so Qt's libicuuc loads it unchanged.

Usage: python packaging/trim_icu.py PATH/TO/libicudata.so.NN [OUTPUT]   (in place if no OUTPUT)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The one converter table kept; the rest of the rules drop items, whatever their locale.
KEEP_CONVERTERS = {"ibm-5348_P100-1997.cnv"}  # Windows-1252; the other codecs are built in
DROP_FILES = re.compile(
    r"(^translit/"  # transliteration: Qt does not use it
    r"|\.dict$"  # break-iteration dictionaries for CJK and South-East Asian scripts
    r"|_cj\.brk$|^brkitr/(sent_el|word_fi_sv)\.brk$"  # rules of dropped languages
    r"|\.spp$|^confusables\.cfu$|^unames\.icu$)"  # StringPrep, spoof checks, char names
)
# A locale's bundle ("de.res", "zh_Hant_TW.res", "de__PHONEBOOK.res"), as opposed to
# the data tables beside them ("pool.res", "supplementalData.res", "res_index.res").
LOCALE = re.compile(r"^(?:[a-z]{2,3}|root)(?:_[A-Za-z0-9]*)*\.res$")
INDEXES = {"res_index.res"}


def keep(item: str) -> bool:
    """Whether a package item (``tree/name`` or ``name``) stays."""
    name = item.rsplit("/", 1)[-1]
    if DROP_FILES.search(item):
        return False
    if name.endswith(".cnv"):
        return name in KEEP_CONVERTERS
    if name in INDEXES or not LOCALE.match(name):
        return True
    return name in {"root.res", "en.res"} or name.startswith("en_")


def run(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result.stdout


def data_symbol(library: Path) -> tuple[str, int, int]:
    """Name, virtual address and size of the library's ``icudtNN_dat`` symbol."""
    for line in run("nm", "-D", "-S", "--defined-only", str(library)).splitlines():
        fields = line.split()
        if len(fields) == 4 and re.fullmatch(r"icudt\d+_dat", fields[3]):
            return fields[3], int(fields[0], 16), int(fields[1], 16)
    raise ValueError(f"{library}: no icudt<NN>_dat symbol; not an ICU data library")


def file_offset(library: Path, address: int) -> int:
    """File offset of a virtual address, through the LOAD segment that maps it."""
    for line in run("readelf", "-l", "-W", str(library)).splitlines():
        fields = line.split()
        if fields[:1] == ["LOAD"]:
            offset, vaddr, filesz = int(fields[1], 16), int(fields[2], 16), int(fields[4], 16)
            if vaddr <= address < vaddr + filesz:
                return address - vaddr + offset
    raise ValueError(f"{library}: address {address:#x} is in no LOAD segment")


def soname(library: Path) -> str:
    found = re.search(r"\(SONAME\)\s+Library soname: \[(.+)\]", run("readelf", "-d", str(library)))
    if found is None:
        raise ValueError(f"{library}: no SONAME")
    return found.group(1)


def extract(library: Path, dat: Path) -> str:
    """Write the library's data package to ``dat``; returns the data symbol's name."""
    symbol, address, size = data_symbol(library)
    with library.open("rb") as handle:
        handle.seek(file_offset(library, address))
        package = handle.read(size)
    # ICU data header: magic 0xda27 at bytes 2-3; isBigEndian (8) and charsetFamily (9)
    # must be 0 (little-endian ASCII), the only kind this script rebuilds.
    if len(package) != size or package[2:4] != b"\xda\x27" or package[8:10] != b"\x00\x00":
        raise ValueError(f"{library}: {symbol} is not a little-endian ASCII ICU package")
    dat.write_bytes(package)
    return symbol


def package_file(folder: Path, symbol: str) -> Path:
    """Where icupkg accepts the package: named after it, icudt73l.dat ("l": little-endian)."""
    return folder / f"{symbol.removesuffix('_dat')}l.dat"


def items(library: Path) -> list[str]:
    """The package's item names (``zone/en.res``, ``cnvalias.icu``, ...)."""
    with tempfile.TemporaryDirectory() as tmp:
        dat = package_file(Path(tmp), data_symbol(library)[0])
        extract(library, dat)
        # A trimmed package lacks the dictionaries break-iteration root names (see trim).
        return run("icupkg", "--ignore-deps", "-l", str(dat)).split()


def link(dat: Path, symbol: str, name: str, output: Path) -> None:
    """A shared library named ``name`` that exports ``dat`` as the read-only ``symbol``."""
    source = dat.with_suffix(".S")
    source.write_text(
        "\t.section .rodata\n"
        f"\t.globl {symbol}\n\t.type {symbol}, @object\n"
        "\t.balign 16\n"  # ICU reads the package's tables in place: keep them aligned
        f'{symbol}:\n\t.incbin "{dat}"\n\t.size {symbol}, . - {symbol}\n'
        '\t.section .note.GNU-stack,"",@progbits\n'
    )
    run("gcc", "-shared", "-nostdlib", f"-Wl,-soname,{name}", "-Wl,-z,noexecstack",
        "-o", str(output), str(source))  # fmt: skip


def trim(library: Path, output: Path) -> tuple[int, int]:
    """Write the trimmed copy of ``library`` to ``output``; returns (items kept, dropped)."""
    if shutil.which("icupkg") is None:
        raise RuntimeError(
            "icupkg not found: install icu-devtools (scripts/ensure-system-packages)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        full = package_file(work, data_symbol(library)[0])
        symbol = extract(library, full)
        listed = run("icupkg", "-l", str(full)).split()
        dropped = [item for item in listed if not keep(item)]
        (work / "drop.txt").write_text("\n".join(dropped) + "\n")
        small = work / "small" / full.name
        small.parent.mkdir()
        remove = ("icupkg", "-r", str(work / "drop.txt"), str(full), str(small))
        # icupkg refuses to drop an item a kept one depends on (a parent locale, a pool).
        # The one dependency meant to break is break-iteration root's on the
        # dictionaries: ICU loads those lazily and segments by rules when one is absent.
        checked = subprocess.run(remove, capture_output=True, text=True, check=False)
        if checked.returncode != 0:
            missing = set(re.findall(r"depends on missing item (\S+)", checked.stderr))
            if not missing or not all(item.endswith(".dict") for item in missing):
                raise RuntimeError(f"icupkg: dropping these breaks kept items: {checked.stderr}")
            run(*remove[:-2], "--ignore-deps", *remove[-2:])
        built = work / "libicudata.so"
        link(small, symbol, soname(library), built)
        if data_symbol(built)[0] != symbol or soname(built) != soname(library):
            raise RuntimeError(f"{built}: symbol or soname differs from {library}")
        shutil.copyfile(built, output)
    return len(listed) - len(dropped), len(dropped)


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    library = Path(argv[0])
    output = Path(argv[1]) if len(argv) == 2 else library
    before = library.stat().st_size
    kept, dropped = trim(library, output)
    after = output.stat().st_size
    print(
        f"trimmed {library.name}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB "
        f"({kept} ICU data items kept, {dropped} dropped)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
