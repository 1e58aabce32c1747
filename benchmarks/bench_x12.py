"""X12 reader speed on a large generated 835 (synthetic data only).

Writes an 835 with 200,000 service lines (50,000 claims of 4 lines, each line with
a date, two CAS, AMT*B6, REF*6R and a remark; every claim with patient NM1s), then
prints lines per second (of CPU time: steadier than wall time on a shared machine)
for reading the file, for streaming its contract rows and for the balance checks,
and the memory the parsed file takes.

    .venv/bin/python benchmarks/bench_x12.py [--lines 200000]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from desktop.ingest.x12 import balance_checks, canonical_rows, read_x12

LINES_PER_CLAIM = 4
CODES = ("99213", "99214", "99203", "93000", "36415", "80053", "J3301", "97110")


def claim_segments(index: int, rng: random.Random) -> Iterator[str]:
    charges = [rng.randint(50, 400) for _ in range(LINES_PER_CLAIM)]
    denied_line = rng.random() < 0.1
    lines = []
    for number, charge in enumerate(charges, start=1):
        contractual = round(charge * 0.2, 2)
        patient = 10 if number == 1 else 0
        paid = 0 if denied_line and number == LINES_PER_CLAIM else charge - contractual - patient
        lines.append((number, charge, contractual, patient, paid))
    claim_paid = sum(line[4] for line in lines)
    yield f"CLP*PCN{index:07d}*1*{sum(charges)}*{claim_paid:.2f}*10*12*PAYER{index:09d}"
    yield f"NM1*QC*1*PATIENT{index}*SYNTHETIC****MI*M{index:09d}"
    yield "DTM*050*20240102"
    for number, charge, contractual, patient, paid in lines:
        code = CODES[(index + number) % len(CODES)]
        yield f"SVC*HC:{code}*{charge}*{paid:.2f}**1"
        yield "DTM*472*20231228"
        if paid == 0:
            yield f"CAS*CO*197*{charge}"
        else:
            yield f"CAS*CO*45*{contractual:.2f}"
            if patient:
                yield f"CAS*PR*2*{patient}"
            yield f"AMT*B6*{charge - contractual:.2f}"
        yield f"REF*6R*{number}"
        yield "LQ*HE*N130"


def write_835(path: Path, service_lines: int) -> int:
    rng = random.Random(835)
    claims = service_lines // LINES_PER_CLAIM
    body = [
        "BPR*I*0*C*ACH*CCP*01*999999999*DA*123456*1234567890**01*999999999*DA*654321*20240105",
        "TRN*1*BENCH0001*1234567890",
        "DTM*405*20240103",
        "N1*PR*SYNTHETIC HEALTH PLAN*XV*SYN01",
        "N1*PE*SYNTHETIC CLINIC*XX*1234567893",
        "LX*1",
    ]
    count = len(body) + 2
    with path.open("w", encoding="ascii", newline="") as out:
        out.write(
            "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
            "*240105*1200*^*00501*000000001*0*P*:~\n"
        )
        out.write("GS*HP*SENDER*RECEIVER*20240105*1200*1*X*005010X221A1~\n")
        out.write("ST*835*0001*005010X221A1~\n")
        out.write("~\n".join(body) + "~\n")
        for index in range(claims):
            for segment in claim_segments(index, rng):
                out.write(segment + "~\n")
                count += 1
        out.write(f"SE*{count}*0001~\nGE*1*1~\nIEA*1*000000001~\n")
    return claims * LINES_PER_CLAIM


def timed(label: str, lines: int, fn):  # type: ignore[no-untyped-def]
    """Run ``fn``; print wall time and lines/s on CPU time (steadier on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<18} {wall:6.2f} s wall {cpu:6.2f} s CPU  {lines / cpu:>9,.0f} lines/s")
    return result


def peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak * (1 if sys.platform == "darwin" else 1024) / 1e6  # bytes on macOS, else KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-x12-") as folder:
        path = Path(folder) / "large.835"
        lines = write_835(path, args.lines)
        size_mb = path.stat().st_size / 1e6
        print(f"835 with {lines:,} service lines, {size_mb:.1f} MB")
        before = peak_mb()
        x12 = timed("read_x12", lines, lambda: read_x12(path))
        after_read = peak_mb()
        rows = timed("canonical_rows", lines, lambda: sum(1 for _ in canonical_rows(x12)))
        after_rows = peak_mb()
        checks = timed("balance_checks", lines, lambda: balance_checks(x12))
        assert rows == lines, rows
        assert sum(not c.balanced for c in checks) == 1  # only BPR02 (written as 0)
    print(
        f"memory: the X12File holds {after_read - before:.0f} MB; streaming its rows adds "
        f"{after_rows - after_read:.0f} MB (peak of the process {peak_mb():.0f} MB)"
    )


if __name__ == "__main__":
    main()
