"""Values that the strategies of a model share while they run one chunk of samples together.

Strategies mostly evaluate the same formulas: the same survival curves, death probabilities and
costs, with a few parameters (switches, a strategy's own values) that differ. A value kept by
:class:`~hecon.engine.context.BlockContext` under a key (an expression's text, a parameter's or
curve's name, the life table's death probabilities) is the same in two strategies of the same model
and samples when every parameter it reads, directly or through other parameters and curves
(:func:`hecon.engine.inputs.reads`), has the same formula in both and takes the sample in both or
in neither (a strategy's own value beats a sample), and the share of men (read by ``gp_mort``) has
the same formula and inputs. :class:`SharedValues` keys each value by that signature, so one
strategy evaluates it and the others find it: the values are the same arrays, computed by the same
code from the same inputs, so the results are those of strategies run one at a time, bit for bit.
A key whose dependencies are not known is kept for its own strategy only.

The packed rows and the checked transition groups (:class:`hecon.engine.packing.PackMemo`) are
shared the same way: a row packed for one strategy is the same array for the next.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from hecon.engine.compiler import CompiledModel
from hecon.engine.inputs import reads
from hecon.engine.packing import RecentKeys
from hecon.model.memo import IdentityMemo

_Keys = tuple[dict[Hashable, int], dict[tuple[int, Hashable], Hashable]]
_KEYS: IdentityMemo[_Keys] = IdentityMemo()


def _no_keys(model: CompiledModel) -> _Keys:
    return {}, {}


class SharedValues:
    """The caches that the strategies of ``model`` share over one chunk of samples.

    ``chunk`` keeps values that do not change with model time for the whole chunk; ``block(t0)``
    those that do, for the block starting at cycle ``t0`` (the strategies prepare their blocks in
    step, so one block's values are kept at a time); ``entries``, ``groups`` and ``results`` are the packing
    memory that the strategies' :class:`~hecon.engine.packing.PackMemo` share, moved on once per block.
    """

    def __init__(self, model: CompiledModel) -> None:
        self.model = model
        self.chunk: dict[Any, Any] = {}
        self.entries = RecentKeys()
        self.groups = RecentKeys()
        self.results = RecentKeys()
        self._block: dict[Any, Any] = {}
        self._t0: int | None = None
        # signature -> a small number standing for it; (strategy, key) -> shared key: the same
        # for every chunk of a run, so found once per compiled model
        self._signatures, self._keys = _KEYS(_no_keys, model)

    def block(self, t0: int) -> dict[Any, Any]:
        """The values of the block that starts at cycle ``t0``; a new block forgets the last one's."""
        if t0 != self._t0:
            self._block, self._t0 = {}, t0
            for store in (self.entries, self.groups, self.results):
                store.next_block()
        return self._block

    def key(self, index: int, key: Hashable) -> Hashable:
        """The key under which strategy ``index`` keeps the value of ``key``: ``key`` with the
        signature of what the value reads in that strategy (see the module's docstring)."""
        found = self._keys.get((index, key))
        if found is None:
            signature = self._signature(index, key)
            number = self._signatures.setdefault(signature, len(self._signatures))
            found = self._keys[(index, key)] = (*key, number) if isinstance(key, tuple) else (key, number)
        return found

    def _signature(self, index: int, key: Hashable) -> Hashable:
        strategy = self.model.strategies[index]
        names = reads(self.model, index, key)
        if names is None:
            return ("strategy", index)  # dependencies unknown: not shared
        names = names | (reads(self.model, index, ("gp_mort", None)) or frozenset())  # the share of men's inputs
        own = strategy.overridden
        return (
            strategy.proportion_male.text,
            tuple(sorted((n, strategy.parameters[n].text, n in own) for n in names)),
        )
