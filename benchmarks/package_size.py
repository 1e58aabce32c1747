"""Size of the built desktop bundle, by part: the figure for RESULTS.md.

    .venv/bin/python benchmarks/package_size.py [dist/upstream]

Run after ``make package`` (or ``packaging/build-bundle.sh``); it does not build (the
build takes minutes, so it is not a ``bench_`` script). Prints the unpacked size in
MB and MiB and the largest parts, symlinks counted once.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

GOAL_MB = 250


def part_of(path: Path, internal: Path) -> str:
    relative = path.relative_to(internal).parts
    if len(relative) == 1:
        return "(shared libraries)" if ".so" in relative[0] else relative[0]
    if relative[0] == "PySide6" and len(relative) > 2 and relative[1] == "Qt":
        return "/".join(relative[:3])
    return relative[0]


def main() -> int:
    bundle = Path(sys.argv[1] if len(sys.argv) > 1 else "dist/upstream")
    internal = bundle / "_internal"
    if not internal.is_dir():
        print(f"no bundle at {bundle}: run `make package` first", file=sys.stderr)
        return 2
    sizes: Counter[str] = Counter()
    total = 0
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            size = path.stat().st_size
            total += size
            where = part_of(path, internal) if internal in path.parents else path.name
            sizes[where] += size
    verdict = "within" if total / 1e6 <= GOAL_MB else "over"
    print(
        f"bundle {bundle}: {total / 1e6:.1f} MB ({total / 2**20:.1f} MiB) unpacked, "
        f"{verdict} the {GOAL_MB} MB goal"
    )
    for name, size in sizes.most_common(15):
        print(f"  {size / 1e6:7.1f} MB  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
