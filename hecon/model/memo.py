"""Remembering a result computed from objects that are immutable but not hashable.

A model is compiled, and a scenario applied, once per run although several analyses ask for
it (validation, base case, disease burden, DSA, thresholds, PSA). Specs are immutable but not
hashable (they hold mappings), so results are keyed by the *identity* of their arguments.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

R = TypeVar("R")


class IdentityMemo(Generic[R]):
    """``memo(fn, *args)``: ``fn(*args)`` computed once per tuple of argument objects.

    The arguments are held with the result, so an id cannot be reused while its entry exists;
    the least recently used entry is dropped beyond ``size`` entries (a run asks for a few
    dozen models at most). ``calls`` counts the computations (the misses), for tests.
    """

    def __init__(self, size: int = 64) -> None:
        self._results: OrderedDict[tuple[int, ...], tuple[tuple[object, ...], R]] = OrderedDict()
        self._size = size
        self.calls = 0

    def __call__(self, fn: Callable[..., R], *args: object) -> R:
        key = tuple(id(a) for a in args)
        hit = self._results.get(key)
        if hit is not None:
            self._results.move_to_end(key)
            return hit[1]
        result = fn(*args)
        self.calls += 1
        self._results[key] = (args, result)
        if len(self._results) > self._size:
            self._results.popitem(last=False)
        return result


class ValueMemo(Generic[R]):
    """``memo(fn, obj, *values)``: ``fn(obj, *values)`` computed once per object (by identity, as
    :class:`IdentityMemo`) and hashable ``values`` (by equality: a new tuple of the same targets
    or names finds the entry). ``calls`` counts the computations (the misses), for tests."""

    def __init__(self, size: int = 64) -> None:
        self._results: OrderedDict[tuple[object, ...], tuple[object, R]] = OrderedDict()
        self._size = size
        self.calls = 0

    def __call__(self, fn: Callable[..., R], obj: object, *values: Hashable) -> R:
        key = (id(obj), *values)
        hit = self._results.get(key)
        if hit is not None and hit[0] is obj:
            self._results.move_to_end(key)
            return hit[1]
        result = fn(obj, *values)
        self.calls += 1
        self._results[key] = (obj, result)
        if len(self._results) > self._size:
            self._results.popitem(last=False)
        return result
