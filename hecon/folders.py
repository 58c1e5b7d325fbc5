"""Output folders written atomically: a report or fit folder appears whole or not at all.

Used by the report (:mod:`hecon.report`) and the survival fit (:mod:`hecon.evidence.outputs`);
it imports nothing from hecon, so every layer may use it.
"""

from __future__ import annotations

import glob
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
    the sibling is removed and ``out`` is as it was. A run that was killed (SIGKILL, power cut)
    cannot clean up: the siblings it left, named after its process id, are removed by the next
    run to the same ``out`` once that process no longer exists.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_siblings(out)
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
    """A new, unused hidden path next to ``out``, named after this process (and a random suffix)."""
    while True:
        path = out.parent / f".{out.name}.{tag}-{os.getpid()}-{secrets.token_hex(4)}"
        if not os.path.lexists(path):
            return path


def _remove_stale_siblings(out: Path) -> None:
    """Remove the siblings of ``out`` (see :func:`_sibling`) left by processes that no longer run."""
    for tag in ("tmp", "old"):
        for path in out.parent.glob(f".{glob.escape(out.name)}.{tag}-*-*"):
            pid = path.name[len(f".{out.name}.{tag}-") :].split("-")[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    """Whether a process with this id exists (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists but belongs to someone else, or this system cannot tell
    return True
