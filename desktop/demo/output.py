"""Writing output files whole or not at all, with errors a person can act on.

Each file is written under a temporary name in its own folder and renamed into place
when complete, so an interrupted run never leaves a half-written CSV or X12 file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from desktop.errors import UsageError


class CannotWriteOutput(UsageError):
    """An output file or folder cannot be written (no permission, a folder in the way …)."""


def partial_path(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place (same folder: same disk)."""
    return path.with_name(f".{path.name}.partial")


@contextlib.contextmanager
def output_file(path: Path, *, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text file that appears at ``path`` only if the block completes."""
    temporary = partial_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("w", encoding=encoding, newline="") as handle:
            yield handle
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise CannotWriteOutput(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    with output_file(path, encoding=encoding) as handle:
        handle.write(text)
    return path
