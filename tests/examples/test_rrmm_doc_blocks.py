"""The generated blocks of docs/rrmm.md are replaced between their marker lines, and a block that
the page or the generator lacks is an error (``hecon.examples.rrmm.doc_tables.fill``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hecon.examples.rrmm.doc_tables import BEGIN, END, fill


def page(a: str, b: str) -> str:
    return f"intro\n{BEGIN.format('a')}\n{a}\n{END}\nmiddle\n{BEGIN.format('b')}\n{b}\n{END}\nend\n"


def test_blocks_are_replaced_and_the_rest_kept() -> None:
    assert fill(page("old a\n| x |", "old b"), {"a": "new a", "b": "| new | b |"}) == page("new a", "| new | b |")


def test_a_block_the_generator_lacks_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown or malformed"):
        fill(page("a", "b"), {"a": "x"})


def test_a_block_the_page_lacks_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"no generated block for \['c'\]"):
        fill(page("a", "b"), {"a": "x", "b": "y", "c": "z"})


def test_a_block_without_end_is_an_error() -> None:
    with pytest.raises(ValueError, match="no end line"):
        fill(f"{BEGIN.format('a')}\nold\n", {"a": "x"})


def test_the_page_names_every_block_once() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "rrmm.md").read_text(encoding="utf-8")
    names = [line.split()[2] for line in text.splitlines() if line.startswith("<!-- generated: ")]
    assert len(names) == len(set(names)) == text.count(END)
