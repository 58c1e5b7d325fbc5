"""hecon.analysis.serialise: result dataclasses as JSON data (field order, report-only fields,
absent analyses, flattened fields, strict JSON numbers)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np
import pytest

from hecon.analysis.serialise import FLATTEN, NOT_IN_JSON, OMIT_IF_EMPTY, frozen, to_json


@dataclass(frozen=True)
class Inner:
    b: float
    a: tuple[float, ...]


@dataclass(frozen=True)
class Outer:
    z: str
    inner: Inner = field(metadata=FLATTEN)
    table: dict = field(default_factory=dict)
    optional: Inner | None = field(default=None, metadata=OMIT_IF_EMPTY)
    none_kept: float | None = None
    curve: np.ndarray = field(default_factory=lambda: np.zeros(3), metadata=NOT_IN_JSON)


def test_fields_in_declaration_order_with_their_metadata():
    value = Outer("x", Inner(np.float64(1.5), (np.int64(2), math.inf)), frozen({3: "c", "k": (1, 2)}))
    data = to_json(value)
    assert list(data) == ["z", "b", "a", "table", "none_kept"]  # flattened, omitted, report-only
    assert data == {"z": "x", "b": 1.5, "a": [2, None], "table": {"3": "c", "k": [1, 2]}, "none_kept": None}
    assert type(data["b"]) is float and type(data["a"][0]) is int
    json.dumps(data, allow_nan=False)  # strict JSON
    assert to_json(Outer("y", Inner(0.0, ()), optional=Inner(1.0, ())))["optional"] == {"b": 1.0, "a": []}


def test_frozen_mappings_are_read_only():
    m = frozen({"a": 1})
    with pytest.raises(TypeError):
        m["a"] = 2  # type: ignore[index]
    assert dict(m) == {"a": 1}
