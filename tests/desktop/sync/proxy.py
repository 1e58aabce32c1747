"""A misbehaving HTTP proxy on 127.0.0.1 (asyncio, in a thread of the test process).

One request per connection (it asks the server to close after each). For every
request it records the body, then, drawn at random: drops the request (closes the
client's connection without forwarding it), drops the response (forwards it, then
closes without answering), sends a duplicate to the server later, or holds the request
back for a while before forwarding it, so that the client's retry overtakes it and the
server sees the two out of order.
"""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass, field

HEADER_END = b"\r\n\r\n"
MAX_HEADER = 64 * 1024


@dataclass
class Chaos:
    drop_request: float = 0.15
    drop_response: float = 0.15
    duplicate: float = 0.10
    delay: float = 0.15
    delay_s: tuple[float, float] = (0.3, 1.6)


@dataclass
class ProxyStats:
    requests: int = 0
    dropped_requests: int = 0
    dropped_responses: int = 0
    duplicated: int = 0
    delayed: int = 0
    bodies: list[bytes] = field(default_factory=list)


class ChaosProxy:
    def __init__(self, upstream_port: int, chaos: Chaos, seed: int) -> None:
        self.upstream_port = upstream_port
        self.chaos = chaos
        self.rng = random.Random(seed)
        self.stats = ProxyStats()
        self.calm = False  # while True, every request passes untouched
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChaosProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the proxy did not start")
        return self

    def stop(self) -> None:
        async def shut() -> None:
            if self._server is not None:
                self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shut(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0)
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        self._ready.set()
        self._loop.run_forever()

    def _spawn(self, coroutine: object) -> None:
        task: asyncio.Task[None] = self._loop.create_task(coroutine)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await _read_request(reader)
            if request is None:
                return
            head, body = request
            self.stats.requests += 1
            self.stats.bodies.append(body)
            c = Chaos(0.0, 0.0, 0.0, 0.0) if self.calm else self.chaos
            roll = self.rng.random()
            if roll < c.drop_request:
                self.stats.dropped_requests += 1
                return
            if self.rng.random() < c.duplicate:
                self.stats.duplicated += 1
                self._spawn(self._later(head, body, self.rng.uniform(0.0, 0.8)))
            if self.rng.random() < c.delay:
                self.stats.delayed += 1
                await asyncio.sleep(self.rng.uniform(*c.delay_s))
            response = await self._forward(head, body)
            if roll < c.drop_request + c.drop_response:
                self.stats.dropped_responses += 1
                return
            writer.write(response)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return  # the client gave up on this connection (a timeout): nothing to answer
        finally:
            writer.close()

    async def _later(self, head: bytes, body: bytes, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            await self._forward(head, body)
        except ConnectionError:
            return  # the server was busy closing; a duplicate may be lost like any other

    async def _forward(self, head: bytes, body: bytes) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        try:
            writer.write(head + body)
            await writer.drain()
            return await reader.read()  # the server closes after one response
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes] | None:
    try:
        raw = await reader.readuntil(HEADER_END)
    except asyncio.IncompleteReadError:
        return None
    if len(raw) > MAX_HEADER:
        return None
    lines = raw[: -len(HEADER_END)].split(b"\r\n")
    length = 0
    kept = [lines[0]]
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() in (b"connection", b"keep-alive"):
            continue
        kept.append(line)
    kept.append(b"Connection: close")
    body = await reader.readexactly(length) if length else b""
    return b"\r\n".join(kept) + HEADER_END, body
