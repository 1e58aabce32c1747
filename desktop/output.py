"""Writing output files whole or not at all, with errors a person can act on.

Each file is written under a temporary name in its own folder and renamed into place
when complete, so an interrupted or cancelled run never leaves a half-written file
(demo data, worklists, reports).
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
def output_path(
    path: Path, *, make_parents: bool = True, what: str | None = None
) -> Iterator[Path]:
    """A temporary path to write; it becomes ``path`` only if the block completes.

    ``make_parents`` creates missing folders (a person who picked a file in a dialog
    chose an existing folder: there a missing one is an error). ``what`` names the
    output in the error ("cannot write the worklist to …").
    """
    temporary = partial_path(path)
    try:
        if make_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        yield temporary
        os.replace(temporary, path)
    except OSError as exc:
        target = f"{what} to {path}" if what else str(path)
        raise CannotWriteOutput(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def output_file(
    path: Path, *, encoding: str = "utf-8", make_parents: bool = True, what: str | None = None
) -> Iterator[TextIO]:
    """A text file that appears at ``path`` only if the block completes."""
    with (
        output_path(path, make_parents=make_parents, what=what) as temporary,
        temporary.open("w", encoding=encoding, newline="") as handle,
    ):
        yield handle


def write_text(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    with output_file(path, encoding=encoding) as handle:
        handle.write(text)
    return path
