"""Expression values packed into the flat layout of :mod:`hecon.engine.kernels`, checked on the way.

Values arrive as arrays broadcastable to (point, state_time, sample), the kernels' layout,
so a value that varies by sample is handed to the kernels in place, by its address; one that
does not is stored as one copy per sample of a kernel block (``SAMPLE_BLOCK``, or the chunk's
samples if fewer). Each row's minimum and maximum are noted. Those bounds settle the usual
checks of transition probabilities; only when they do not are the probabilities out of a
state summed element by element, on the packed rows, so no full-size temporary is built.

Values that do not change with model time come back as the same array objects block after
block (see :class:`hecon.engine.context.BlockContext`); they are packed once and checked once per chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from hecon.engine.kernels import SAMPLE_BLOCK, packed_row


@numba.njit(nogil=True, cache=True)
def _any_bad_sum(addr, rows, st, sj, so, n_t, n_j, n_s, complement, tol):
    """Whether the packed rows ``rows`` add up to more than 1 + tol (``complement``) or differ
    from 1 by more than tol anywhere, summed in row order."""
    total = np.empty(n_s)
    for t in range(n_t):
        for j in range(n_j):
            for s in range(n_s):
                total[s] = 0.0
            for r in rows:
                if so[r] == 1:
                    row = packed_row(addr, st, sj, so, r, t, j, 0, n_s)
                    for s in range(n_s):
                        total[s] += row[s]
                else:
                    v = packed_row(addr, st, sj, so, r, t, j, 0, 1)[0]
                    for s in range(n_s):
                        total[s] += v
            n_bad = 0
            if complement:
                for s in range(n_s):
                    n_bad += total[s] > 1.0 + tol
            else:
                for s in range(n_s):
                    n_bad += abs(total[s] - 1.0) > tol
            if n_bad:
                return True
    return False


@numba.njit(nogil=True, cache=True)
def _first_bad_sum(addr, rows, st, sj, so, n_t, n_j, n_s, complement, tol):
    """First (point, state time, sample), in C order, where the rows fail the check of
    :func:`_any_bad_sum`, and their sum there; (-1, -1, -1, 0) if none."""
    for t in range(n_t):
        for j in range(n_j):
            for s in range(n_s):
                total = 0.0
                for r in rows:
                    total += packed_row(addr, st, sj, so, r, t, j, s, 1)[0]
                if (total > 1.0 + tol) if complement else (abs(total - 1.0) > tol):
                    return t, j, s, total
    return -1, -1, -1, 0.0


@dataclass
class _Entry:
    array: np.ndarray  # kept so that its id is not reused while the entry lives
    flat: np.ndarray
    lo: float
    hi: float
    finite: bool


class RecentKeys:
    """A dict that forgets what was not looked up or stored during the last block."""

    def __init__(self) -> None:
        self.previous: dict[Any, Any] = {}
        self.current: dict[Any, Any] = {}

    def next_block(self) -> None:
        self.previous, self.current = self.current, {}

    def get(self, key: Any) -> Any:
        if key not in self.current and key in self.previous:
            self.current[key] = self.previous[key]
        return self.current.get(key)

    def put(self, key: Any, value: Any) -> None:
        self.current[key] = value


class PackMemo:
    """Per-chunk memory of packed arrays and of the checked transition groups.

    An array packed in one block and met again in the next is reused as it was packed, with its
    bounds; a group of transitions whose arrays are all the same as in the last block is not
    checked again. What was not met in a block is dropped, so arrays that change every block do
    not accumulate. Arrays are known by identity (the memo keeps them alive, so no other array
    takes their id): a value kept for the chunk comes back as the same object, laid out for the
    block (:meth:`hecon.engine.context.BlockContext.fitted`)."""

    def __init__(self, n_samples: int, shared: tuple[RecentKeys, RecentKeys, RecentKeys] | None = None) -> None:
        self.copies = min(SAMPLE_BLOCK, n_samples)  # width of a row that does not vary by sample
        self.shared = shared is not None  # moved on by their owner (hecon.engine.sharing), not here
        # id(array) -> _Entry; (complement, ids of a group's arrays) -> the arrays; and what the
        # engine made of packed arrays (e.g. the state values' layout), by the ids of the arrays
        self.entries, self.groups, self.results = shared or (RecentKeys(), RecentKeys(), RecentKeys())

    def next_block(self) -> None:
        if not self.shared:
            for store in (self.entries, self.groups, self.results):
                store.next_block()

    def get(self, a: np.ndarray) -> _Entry | None:
        entry = self.entries.get(id(a))
        return entry if entry is not None and entry.array is a else None

    def put(self, entry: _Entry) -> None:
        self.entries.put(id(entry.array), entry)

    def group_checked(self, arrays: list[np.ndarray], complement: bool) -> bool:
        """Whether the rows ``arrays`` out of a state (with a complement or not) passed the checks."""
        known = self.groups.get((complement, *map(id, arrays)))
        return known is not None and all(x is a for x, a in zip(known, arrays))

    def mark_group(self, arrays: list[np.ndarray], complement: bool) -> None:
        """Note that the rows ``arrays`` out of a state passed the checks."""
        self.groups.put((complement, *map(id, arrays)), arrays)


class Packed:
    """Arrays of one block as packed rows (see :mod:`hecon.engine.kernels`). The object keeps every row
    alive: the kernels read the rows by address, so it must outlive their use."""

    def __init__(self, memo: PackMemo) -> None:
        self.memo: PackMemo | None = memo  # dropped once packed (the memo keeps packed results)
        self.items: list[np.ndarray] = []
        self.rows: list[np.ndarray] = []
        self.stats: list[tuple[float, float, bool]] = []

    def add(self, a: np.ndarray) -> int:
        """Add a (T1, L1, S1) array; return its row index."""
        self.items.append(a)
        return len(self.items) - 1

    def pack(self) -> tuple[np.ndarray, ...]:
        """(addr, st, sj, so) for the kernels; fills ``rows`` and ``stats`` (minimum, maximum,
        finite) per row."""
        memo, self.memo = self.memo, None  # (no reference cycle: the arrays go when the blocks do)
        assert memo is not None, "packed twice"
        copies = memo.copies
        for a in self.items:
            entry = memo.get(a)
            if entry is None:
                n_t, n_j, n_s = a.shape
                if n_s > 1:
                    flat = np.ascontiguousarray(a, dtype=np.float64).reshape(-1)  # no copy if already so
                else:
                    flat = np.empty(n_t * n_j * copies)
                    np.copyto(flat.reshape(n_t, n_j, copies), a)
                lo, hi = float(a.min()), float(a.max())  # NaN if any value is NaN
                entry = _Entry(a, flat, lo, hi, bool(np.isfinite(lo) and np.isfinite(hi)))
            memo.put(entry)
            self.rows.append(entry.flat)
            self.stats.append((entry.lo, entry.hi, entry.finite))
        addr = np.array([r.ctypes.data for r in self.rows] or [0], dtype=np.int64)
        widths = [a.shape[2] if a.shape[2] > 1 else copies for a in self.items]
        so = np.array([1 if a.shape[2] > 1 else 0 for a in self.items], dtype=np.int64)
        sj = np.array([w if a.shape[1] > 1 else 0 for a, w in zip(self.items, widths)], dtype=np.int64)
        st = np.array([a.shape[1] * w if a.shape[0] > 1 else 0 for a, w in zip(self.items, widths)], dtype=np.int64)
        return addr, st, sj, so

    def first_bad_sum(
        self, layout: tuple[np.ndarray, ...], rows: list[int], complement: bool, tol: float
    ) -> tuple[tuple[int, int, int], tuple[int, int, int], float] | None:
        """Where packed rows ``rows`` fail the row-sum check: (index, broadcast shape, sum) or None."""
        shape = tuple(max(self.items[r].shape[k] for r in rows) for k in range(3))
        args = (*layout[:1], np.array(rows, dtype=np.int64), *layout[1:], *shape, complement, tol)
        if not _any_bad_sum(*args):
            return None
        t, j, s, total = _first_bad_sum(*args)
        return (t, j, s), shape, total


def fit(value: object, n_pts: int | None, L: int) -> np.ndarray:
    """An expression value as a 3-d (point, state_time, sample) array trimmed to ``n_pts``
    points (None: as it is) and ``L`` state times (length-1 axes kept: broadcasting is left
    to the caller)."""
    a = np.asarray(value, dtype=float)
    if a.ndim < 3:
        a = a.reshape((1,) * (3 - a.ndim) + a.shape)
    if n_pts is not None and a.shape[0] > n_pts:
        a = a[:n_pts]
    if a.shape[1] > L:
        a = a[:, :L]
    return a  # the same object when nothing is trimmed, so that PackMemo recognises it


def locate(index: tuple[int, ...], shape: tuple[int, ...], t0: int) -> str:
    """'cycle c, sample s, state_time j' for an index into a (point, state_time, sample) array
    of ``shape`` whose first point is cycle t0 (axes of length 1 are not named)."""
    k, j, s = index
    parts = [f"cycle {t0 + k}" if shape[0] > 1 else "every cycle"]
    if shape[2] > 1:
        parts.append(f"sample {s}")
    if shape[1] > 1:
        parts.append(f"state_time {j}")
    return ", ".join(parts)


def first_bad(mask: np.ndarray) -> tuple[int, ...]:
    """Index of the first True element of ``mask`` in C order."""
    return tuple(int(x) for x in np.argwhere(mask)[0])
