"""Where a PSA keeps its per-sample outcomes while it runs: in memory, or in a temporary file.

A PSA runs in chunks of samples (:func:`hecon.analysis.psa.run_psa`); across chunks only the
per-sample outcomes of each strategy (totals, costs by category, counts, time in flagged states,
discounted and undiscounted) and the drawn inputs are kept: the per-cycle values of the samples
are never kept (the engine sums them within a chunk only when asked, and a PSA does not ask).

* :class:`InMemory`: the outcomes are written in place into arrays of the PSA's full size, as
  the units of work finish; the dataset is assembled from them at the end.
* :class:`OnDisk`: when the outcomes would exceed :data:`hecon.model.limits.PSA_VALUES`, each
  chunk's outcomes and draws are labelled as the in-memory dataset would label them and written
  into a netCDF-4 file (HDF5, :mod:`h5netcdf`) in the temporary folder as soon as all strategies
  of the chunk are done, so memory holds one chunk at a time. The dataset returned reads that
  file lazily (dask arrays of :func:`disk_chunk` samples), so the analyses and ``psa.nc`` load
  one variable, or one piece of it, at a time. The file is removed as soon as it is open (POSIX:
  it lives while the dataset reads it) or else when the process ends.

Both give the same numbers bit for bit: float64 values are stored and read exactly, and each
sample's outcomes are computed on their own (:mod:`hecon.engine.run`).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import tempfile
from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr

from hecon.engine.compiler import CompiledModel
from hecon.engine.outcomes import ChunkResult, Outcome
from hecon.model.types import FloatArray

__all__ = ["PER_CYCLE_VARIABLES", "DISK_CHUNK_VALUES", "InMemory", "OnDisk", "disk_chunk", "label_samples"]

PER_CYCLE_VARIABLES = ("trace", "per_cycle", "crossings", "cycle", "years", "state", "outcome")
"""What :func:`hecon.engine.results.label` adds per cycle, and a PSA dataset does not hold."""

DISK_CHUNK_VALUES = 4_000_000
"""Values of 8 bytes (32 MB) that one piece of the file-backed dataset's largest variable holds."""


def label_samples(
    compiled: CompiledModel, cols: list[Outcome], outcomes: list[tuple[FloatArray, FloatArray]], n: int
) -> xr.Dataset:
    """The per-sample variables of :func:`hecon.engine.results.label` for ``n`` samples, one
    (discounted, undiscounted) pair of (n, outcome) arrays per strategy (no per-cycle values)."""
    from hecon.engine.results import label

    n_points = compiled.n_cycles + 1
    empty = np.zeros((n_points, len(compiled.spec.states)))
    results = [
        ChunkResult(d, u, empty, np.zeros((n_points, len(cols))), np.zeros(n_points, dtype=np.int64))
        for d, u in outcomes
    ]
    return label(compiled, cols, results, n).drop_vars(list(PER_CYCLE_VARIABLES))


class InMemory:
    """Every unit's per-sample outcomes, (strategy, sample, outcome) discounted and undiscounted,
    written in place as units finish, so that no chunk's result is kept beside the whole."""

    def __init__(self, n_strategies: int, n_samples: int, n_outcomes: int, chunks: list[tuple[int, int]]) -> None:
        self.discounted = np.empty((n_strategies, n_samples, n_outcomes))
        self.undiscounted = np.empty((n_strategies, n_samples, n_outcomes))
        self.chunks = chunks

    def store(self, chunk: int, strategy: int, values: tuple[FloatArray, FloatArray]) -> None:
        """One unit's (discounted, undiscounted) outcomes, each (samples of the chunk, outcome)."""
        start, stop = self.chunks[chunk]
        self.discounted[strategy, start:stop] = values[0]
        self.undiscounted[strategy, start:stop] = values[1]

    def dataset(self, compiled: CompiledModel, cols: list[Outcome], parameters: xr.DataArray) -> xr.Dataset:
        """The labelled per-sample dataset, with ``parameters`` (sample, parameter) beside."""
        n = self.discounted.shape[1]
        outcomes = [(self.discounted[i], self.undiscounted[i]) for i in range(self.discounted.shape[0])]
        ds = label_samples(compiled, cols, outcomes, n)
        ds["parameters"] = parameters
        return ds


def disk_chunk(values_per_sample: int) -> int:
    """Samples per piece of the file-backed dataset: :data:`DISK_CHUNK_VALUES` values at most."""
    return max(1, DISK_CHUNK_VALUES // max(1, values_per_sample))


class OnDisk:
    """Per-sample outcomes written chunk by chunk into a temporary netCDF-4 file.

    ``draws(start, stop)`` gives the drawn inputs of samples [start, stop) as (n, parameter)
    with the parameter names; a chunk is written when all ``n_strategies`` of its units are
    stored (units may finish in any order, as on Dask)."""

    def __init__(
        self,
        compiled: CompiledModel,
        cols: list[Outcome],
        n_samples: int,
        chunks: list[tuple[int, int]],
        draws: Callable[[int, int], tuple[FloatArray, list[str]]],
        directory: str | None = None,
    ) -> None:
        self.compiled, self.cols, self.n_samples, self.chunks, self.draws = compiled, cols, n_samples, chunks, draws
        self.n_strategies = len(compiled.strategies)
        self.pending: dict[int, dict[int, tuple[FloatArray, FloatArray]]] = {}
        handle, self.path = tempfile.mkstemp(prefix="hecon-psa-", suffix=".nc", dir=directory)
        os.close(handle)
        self.file: Any = None  # the h5py file, once the first chunk has laid out the variables
        self.widest = 1  # values per sample of the widest variable
        self.attrs: dict[str, Any] = {}

    def store(self, chunk: int, strategy: int, values: tuple[FloatArray, FloatArray]) -> None:
        """One unit's (discounted, undiscounted) outcomes; the chunk is written when complete."""
        units = self.pending.setdefault(chunk, {})
        units[strategy] = values
        if len(units) == self.n_strategies:
            del self.pending[chunk]
            self._write(chunk, [units[i] for i in range(self.n_strategies)])

    def _write(self, chunk: int, outcomes: list[tuple[FloatArray, FloatArray]]) -> None:
        start, stop = self.chunks[chunk]
        part = label_samples(self.compiled, self.cols, outcomes, stop - start)
        matrix, names = self.draws(start, stop)
        part["parameters"] = xr.DataArray(matrix, dims=("sample", "parameter"), coords={"parameter": names})
        if self.file is None:
            self._layout(part)
        for name, variable in part.data_vars.items():
            if "sample" not in variable.dims:
                continue  # written whole with the layout
            axis = variable.dims.index("sample")
            where = tuple(slice(start, stop) if k == axis else slice(None) for k in range(variable.ndim))
            self.file[name][where] = variable.values

    def _layout(self, part: xr.Dataset) -> None:
        """Write the file's coordinates and its variables' layout (sample dimension at full
        size, chunked along samples, no data yet) with xarray, so that it reads back as the
        in-memory dataset would; then keep the file open for the chunks' data."""
        import dask.array as da
        import h5py  # type: ignore[import-untyped, unused-ignore]  # no annotations

        coords = {name: np.arange(self.n_samples) if name == "sample" else c for name, c in part.coords.items()}
        skeleton = xr.Dataset(coords=coords, attrs=part.attrs)
        self.attrs = dict(part.attrs)
        encoding = {}
        self.widest = max(v.size // max(1, v.sizes["sample"]) for v in part.data_vars.values() if "sample" in v.dims)
        written = self.chunks[0][1] - self.chunks[0][0]  # samples per write: one HDF5 chunk each
        for name, variable in part.data_vars.items():
            if "sample" not in variable.dims:  # the same in every chunk (e.g. an empty trace)
                skeleton[name] = variable
                continue
            shape = tuple(self.n_samples if d == "sample" else n for d, n in zip(variable.dims, variable.shape))
            pieces = tuple(written if d == "sample" else max(1, n) for d, n in zip(variable.dims, shape))
            skeleton[name] = (variable.dims, da.zeros(shape, chunks=pieces), variable.attrs)
            encoding[name] = {"chunksizes": pieces, "_FillValue": None}
        skeleton.to_netcdf(self.path, engine="h5netcdf", encoding=encoding, compute=False)
        self.file = h5py.File(self.path, "r+")

    def dataset(self, attrs: dict[str, Any]) -> xr.Dataset:
        """The file-backed dataset (dask arrays; ``attrs`` added), once every chunk is written."""
        assert not self.pending and self.file is not None
        for key, value in attrs.items():
            self.file.attrs[key] = value
        self.file.close()
        written = self.chunks[0][1] - self.chunks[0][0]
        piece = max(1, disk_chunk(self.widest) // written) * written  # whole HDF5 chunks per dask piece
        ds = xr.open_dataset(self.path, engine="h5netcdf", chunks={"sample": piece})
        _remove_when_done(self.path)
        ds.attrs = {**self.attrs, **attrs}  # as given, not as the file's numpy scalars
        return ds

    def discard(self) -> None:
        """Close and remove the file (a run that failed)."""
        if self.file is not None:
            with contextlib.suppress(Exception):
                self.file.close()
        _remove(self.path)


def _remove_when_done(path: str) -> None:
    """Remove ``path`` now where an open file outlives its name (POSIX), else when the process ends."""
    try:
        if os.name != "posix":
            raise OSError("an open file cannot be removed here")
        os.unlink(path)
    except OSError:
        atexit.register(_remove, path)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
