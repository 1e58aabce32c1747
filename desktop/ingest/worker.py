"""Reading and preparing a large CSV in a second process while the import writes.

Writing to the encrypted store takes one core; reading, scanning and converting the
next chunks takes about as much again. For a large file, on a machine with two cores
or more, a worker process does the latter and hands prepared chunks over a bounded
queue (at most ``AHEAD`` chunks wait, so memory stays bounded), and the importing
process only checks and writes them.

The worker touches no store. It stops when its chunks are done, when the importing
process stops reading (the generator is closed: the worker is terminated), or when
the importing process dies (the worker notices its parent is gone and exits).
Frozen builds must call ``multiprocessing.freeze_support()`` first thing in their
entry point, as for any use of ``multiprocessing``.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from desktop.errors import InvalidInput
from desktop.ingest.csv_layout import CsvLayout
from desktop.ingest.csv_reader import CsvReader
from desktop.ingest.detect import FileFacts
from desktop.ingest.phi import ValueScanner
from desktop.ingest.phi_policy import PhiPolicy
from desktop.ingest.prepare import PreparedChunk, prepare

AHEAD = 1  # prepared chunks that may wait for the writer
POLL_SECONDS = 1.0
MIN_BYTES = 32 * 2**20  # smaller files are not worth starting a process for


def use_reader_process(choice: str, file_size: int) -> bool:
    """Whether to read in a second process: "always", "never", or "auto": for a large file
    on a machine with two cores or more. Measured on a shared two-core machine, the
    second process was faster or as fast whatever the other load; it costs some 130 MB."""
    if choice != "auto":
        return choice == "always"
    return file_size >= MIN_BYTES and cores() >= 2


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@dataclass(frozen=True)
class _Done:
    pass


@dataclass(frozen=True)
class _Failed:
    message: str
    invalid_input: bool  # the file's fault (InvalidInput), rather than a fault of the worker


def parallel_prepared_chunks(
    facts: FileFacts, layout: CsvLayout, policy: PhiPolicy, rows: int
) -> Iterator[PreparedChunk]:
    """Prepared chunks of a CSV file, read and prepared in a worker process."""
    context = multiprocessing.get_context("spawn")
    channel: Any = context.Queue(maxsize=AHEAD)
    worker = context.Process(
        target=_produce, args=(facts, layout, policy, rows, channel), daemon=True
    )
    worker.start()
    try:
        while True:
            message = _receive(channel, worker)
            if isinstance(message, _Done):
                return
            if isinstance(message, _Failed):
                if message.invalid_input:
                    raise InvalidInput(message.message)
                raise RuntimeError(f"the import's reader process failed: {message.message}")
            yield message
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join(timeout=10)
        channel.close()
        channel.join_thread()


def _receive(channel: Any, worker: BaseProcess) -> PreparedChunk | _Done | _Failed:
    while True:
        try:
            message: PreparedChunk | _Done | _Failed = channel.get(timeout=POLL_SECONDS)
            return message
        except queue_module.Empty:
            if not worker.is_alive():
                raise RuntimeError(
                    f"the import's reader process ended unexpectedly (exit code {worker.exitcode})"
                ) from None


def _produce(
    facts: FileFacts, layout: CsvLayout, policy: PhiPolicy, rows: int, channel: Any
) -> None:
    """The worker: read, scan and convert every chunk; send each, then ``_Done``."""
    parent = multiprocessing.parent_process()
    try:
        reader = CsvReader(facts, policy, lambda headers: None, layout=layout)
        try:
            scanner = ValueScanner(policy)
            for chunk in reader.chunks(rows):
                prepared = prepare(chunk, scanner, merges=False, bytes_read=reader.bytes_read())
                if not _send(channel, prepared, parent):
                    return
        finally:
            reader.close()
        _send(channel, _Done(), parent)
    except InvalidInput as exc:
        _send(channel, _Failed(str(exc), invalid_input=True), parent)
    except Exception as exc:
        # Told to the importing process (which raises it there), then raised here too.
        _send(channel, _Failed(f"{type(exc).__name__}: {exc}", invalid_input=False), parent)
        raise


def _send(channel: Any, message: object, parent: BaseProcess | None) -> bool:
    """Put ``message``, waiting while the queue is full; False once the parent is gone."""
    while True:
        try:
            channel.put(message, timeout=POLL_SECONDS)
            return True
        except queue_module.Full:
            if parent is None or not parent.is_alive():
                channel.cancel_join_thread()  # nobody will read: exit without flushing
                return False
