"""A small closed-loop HTTP/1.1 load generator for the benchmark (keep-alive, asyncio).

Each client holds one connection and sends its next request when the answer to the
previous one has arrived. Requests are built by a callback so every push carries
fresh batch and item ids. Bounded by time; loopback only.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import uvloop

RequestFactory = Callable[[int, int], tuple[str, bytes, dict[str, str]]]


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def quantile_ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _encode(path: str, body: bytes, headers: dict[str, str], port: int) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Content-Type: application/json"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def _client(
    number: int,
    port: int,
    make: RequestFactory,
    warmup_end: float,
    end: float,
    result: LoadResult,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sequence = 0
    try:
        while True:
            started = time.perf_counter()
            if started >= end:
                return
            path, body, headers = make(number, sequence)
            sequence += 1
            writer.write(_encode(path, body, headers, port))
            status = await _read_response(reader)
            finished = time.perf_counter()
            if started >= warmup_end and finished <= end:
                result.latencies.append(finished - started)
                result.statuses[status] = result.statuses.get(status, 0) + 1
    finally:
        writer.close()


async def _run(
    port: int, clients: int, make: RequestFactory, warmup: float, seconds: float
) -> LoadResult:
    result = LoadResult(seconds=seconds)
    start = time.perf_counter()
    await asyncio.gather(
        *(
            _client(n, port, make, start + warmup, start + warmup + seconds, result)
            for n in range(clients)
        )
    )
    return result


def run_load(
    port: int, clients: int, make: RequestFactory, warmup: float, seconds: float
) -> LoadResult:
    return uvloop.run(_run(port, clients, make, warmup, seconds))
