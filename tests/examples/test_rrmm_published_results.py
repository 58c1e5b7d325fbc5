"""The published model results that the RRMM example's face-validity table compares with come from a sourced
data table (hecon/examples/rrmm/published_results.py), not from numbers typed into the table code.

Reference values: Wu et al. 2022 (Research Square preprint doi 10.21203/rs.3.rs-2177083/v1), abstract, Results:
incremental QALYs 1.14 (ide-cel) and 3.32 (cilta-cel) vs salvage chemotherapy; 3.5% and 30.4% long-term survivors
after 5 years; start age 60. MAMMOTH (Gandhi et al., Leukemia 2019), abstract: median OS 8.6 months.
"""

from __future__ import annotations

import inspect

import pytest

from hecon.examples.rrmm import doc_tables
from hecon.examples.rrmm.published_results import PUBLISHED_RESULTS, published


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("wu2022_cilta_qalys", 3.32),
        ("wu2022_ide_qalys", 1.14),
        ("wu2022_cilta_survivors_5y", 0.304),
        ("wu2022_ide_survivors_5y", 0.035),
        ("wu2022_start_age", 60.0),
        ("mammoth_os_median", 8.6),
    ],
)
def test_published_values_and_their_sources(name, value):
    row = published(name)
    assert row.value == value
    assert row.source and row.location and row.unit


def test_every_row_names_where_in_the_source_it_stands():
    assert len({r.name for r in PUBLISHED_RESULTS}) == len(PUBLISHED_RESULTS)
    for r in PUBLISHED_RESULTS:
        assert "abstract" in r.location or "Table" in r.location or "page" in r.location, r.name


def test_unknown_name_is_an_error():
    with pytest.raises(KeyError):
        published("no such result")


def test_the_face_validity_code_types_no_published_value():
    """The table code reads the values from the data table: none of them is typed in doc_tables.py."""
    code = inspect.getsource(doc_tables)
    for text in ("3.32", "1.14", "30.4", "3.5%", "8.6"):
        assert text not in code, text
