"""From the typed, immutable result objects of :mod:`hecon.analysis.results` to plain JSON data.

A result object is a frozen dataclass; :func:`to_json` writes its fields in declaration order
under their own names, so a dataclass's field list *is* its JSON layout. A field's metadata
changes that:

* ``NOT_IN_JSON``: the field is for the report only (curves, sample arrays, derived text);
* ``OMIT_IF_EMPTY``: the key is left out when the value is None or empty (an analysis that
  did not run, a sentence that does not apply);
* ``FLATTEN``: the fields of the (dataclass) value are written in the parent's place.

Mappings are written as JSON objects (keys as text), tuples and lists as arrays, numpy
scalars as Python numbers and every non-finite float as null (:func:`json_safe`), so strict
JSON can be written.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import numpy as np

__all__ = ["FLATTEN", "NOT_IN_JSON", "OMIT_IF_EMPTY", "frozen", "json_safe", "to_json"]

NOT_IN_JSON = MappingProxyType({"json": "skip"})
OMIT_IF_EMPTY = MappingProxyType({"json": "omit_if_empty"})
FLATTEN = MappingProxyType({"json": "flatten"})

K = TypeVar("K")
V = TypeVar("V")


def frozen(items: Mapping[K, V] | None = None) -> Mapping[K, V]:
    """A read-only mapping with the items of ``items``, in their order."""
    return MappingProxyType(dict(items or {}))


def json_safe(value: Any) -> Any:
    """``value`` with numpy scalars as Python numbers, tuples as lists and every
    non-finite float (nan, inf) as None, so that strict JSON can be written."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, (frozenset, set)):
        return sorted(json_safe(v) for v in value)
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (tuple, list, Mapping)) and len(value) == 0)


def to_json(value: Any) -> Any:
    """``value`` as JSON data: dataclasses as objects (see the module docs), then :func:`json_safe`."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            how = f.metadata.get("json")
            item = getattr(value, f.name)
            if how == "skip" or (how == "omit_if_empty" and _empty(item)):
                continue
            if how == "flatten":
                out.update(to_json(item))
            else:
                out[f.name] = to_json(item)
        return out
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return json_safe(value)
