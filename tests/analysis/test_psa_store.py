"""Where a PSA keeps its per-sample outcomes (hecon.analysis.psa_store): the summaries a run reports
are the same, bit for bit, whatever the chunk size and whether the outcomes are kept in memory or,
beyond the bound HECON_MAX_PSA_VALUES, in a temporary file; a PSA beyond the bound runs instead of
being refused; the file is gone afterwards."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from hecon.analysis.psa import check_psa_size, kept_in_memory, run_psa, values_per_sample
from hecon.analysis.results import summarise_run
from hecon.analysis.run import run_analysis
from hecon.model.problems import ModelError
from hecon.model.spec import Distribution, ModelSpec
from tests.models import both_structures_with_uncertainty


def _reported(spec: ModelSpec, n: int, chunk_size: int) -> dict[str, Any]:
    """summary.json of a run with a PSA of n samples, without the two blocks that differ between runs."""
    data = summarise_run(run_analysis(spec, seed=5, psa_samples=n, chunk_size=chunk_size, progress=False)).to_json()
    data.pop("timings"), data.pop("created")
    return data


def test_results_are_the_same_for_chunks_of_1_7_and_1000(textbook_20y):
    """The textbook model (4 strategies, 500 samples: EVPPI included) with chunks of 1 (every
    sample a unit of its own), 7 (chunks that cut the random blocks) and 1,000 (one chunk)."""
    reference = _reported(textbook_20y, 500, 1000)
    assert reference["psa"]["n_samples"] == 500 and reference["psa"]["evppi"]  # the summaries are there
    for chunk_size in (1, 7):
        assert _reported(textbook_20y, 500, chunk_size) == reference, chunk_size


def test_a_psa_beyond_the_memory_bound_runs_from_a_file_with_the_same_results(monkeypatch):
    """Both structures' PSAs (and their pooled summaries) with HECON_MAX_PSA_VALUES below the PSA's
    values: the outcomes go to a temporary file, the run is not refused, and every reported number
    equals the in-memory run's; the per-sample outcomes are identical too."""
    spec = both_structures_with_uncertainty()
    in_memory = run_analysis(spec, seed=5, psa_samples=300, chunk_size=64, progress=False)
    assert kept_in_memory(spec, 300)
    expected = summarise_run(in_memory).to_json()
    monkeypatch.setenv("HECON_MAX_PSA_VALUES", str(values_per_sample(spec) * 299))  # one sample too many
    assert not kept_in_memory(spec, 300)
    check_psa_size(spec, 300)  # not refused: the temporary folder has room
    before = set(os.listdir(tempfile.gettempdir()))
    on_disk = run_analysis(spec, seed=5, psa_samples=300, chunk_size=64, progress=False)
    assert on_disk.psa is not None and on_disk.cross_check_psa is not None
    assert on_disk.psa["qalys"].chunks is not None  # read from the file (dask), not held in memory
    got = summarise_run(on_disk).to_json()
    for data in (expected, got):
        data.pop("timings"), data.pop("created")
    assert got == expected
    for memory, disk in ((in_memory.psa, on_disk.psa), (in_memory.cross_check_psa, on_disk.cross_check_psa)):
        assert memory is not None and disk is not None
        for name in memory.data_vars:
            np.testing.assert_array_equal(disk[name].values, memory[name].values, err_msg=name)
        assert memory.attrs == disk.attrs
    # the files were removed once open (they live while the datasets read them)
    assert not {f for f in set(os.listdir(tempfile.gettempdir())) - before if f.startswith("hecon-psa-")}


def test_a_psa_that_neither_memory_nor_the_temporary_folder_holds_is_refused(monkeypatch, textbook_20y):
    import shutil

    monkeypatch.setenv("HECON_MAX_PSA_VALUES", "1")
    free = 10**6  # bytes
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: shutil._ntuple_diskusage(10**9, 10**9 - free, free))
    per_sample = values_per_sample(textbook_20y)
    fits = free // (8 * per_sample)
    check_psa_size(textbook_20y, fits)
    with pytest.raises(ModelError) as e:
        check_psa_size(textbook_20y, fits + 1)
    (problem,) = e.value.problems
    assert f"at most {fits:,} samples for this model" in problem.expected
    assert "TMPDIR" in problem.expected and "HECON_MAX_PSA_VALUES" in problem.what


def test_a_failed_psa_leaves_no_file(monkeypatch, textbook_20y):
    """A sample in which the model cannot run stops the PSA; its temporary file is removed."""
    spec = replace(
        textbook_20y,
        parameters=tuple(
            replace(p, distribution=Distribution("normal", {"mean": 0.5, "sd": 10.0})) if p.name == "p_HS1" else p
            for p in textbook_20y.parameters
        ),
    )
    monkeypatch.setenv("HECON_MAX_PSA_VALUES", "1")
    before = set(os.listdir(tempfile.gettempdir()))
    with pytest.raises(ModelError):
        run_psa(spec, 200, seed=1, chunk_size=50, progress=False)
    assert not {f for f in set(os.listdir(tempfile.gettempdir())) - before if f.startswith("hecon-psa-")}
