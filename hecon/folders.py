"""Output folders written atomically: a report or fit folder appears whole or not at all.

Used by the report (:mod:`hecon.report`) and the survival fit (:mod:`hecon.evidence.outputs`);
it imports nothing from hecon, so every layer may use it.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

__all__ = ["replace_folder"]


def replace_folder(out: Path, fill: Callable[[Path], None], recheck: Callable[[], None] | None = None) -> Path:
    """Write the folder ``out`` atomically and return it.

    ``fill(folder)`` writes the files into a new hidden sibling of ``out``, which then takes its
    place with one rename; an existing ``out`` is first renamed aside (``recheck()`` runs just
    before, to refuse a folder that changed meanwhile) and removed afterwards. On any failure
    the sibling is removed and ``out`` is as it was.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _sibling(out, "tmp")
    tmp.mkdir()
    try:
        fill(tmp)
        if os.path.lexists(out):
            if recheck is not None:
                recheck()
            old = _sibling(out, "old")
            os.rename(out, old)
            try:
                os.rename(tmp, out)
            except BaseException:
                os.rename(old, out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _sibling(out: Path, tag: str) -> Path:
    """A new, unused hidden path next to ``out`` (random suffix)."""
    while True:
        path = out.parent / f".{out.name}.{tag}-{secrets.token_hex(4)}"
        if not os.path.lexists(path):
            return path
