"""The output folder of a survival fit: estimates, covariances and rows for the workbook.

:func:`write_fit_outputs` writes, atomically (everything is built in memory and written to a
temporary sibling folder that is then renamed into place; on any error nothing is left):

``fits.csv``
    One row per arm x model x parameter, columns exactly ``arm, distribution, parameter,
    estimate, se, loglik, aic, bic``. ``distribution`` is the flexsurv name, with `` cure``
    appended for a mixture cure model (``weibull cure``); ``estimate`` and ``se`` are on
    flexsurv's natural scale (as ``flexsurvreg()`` prints them, se by the delta method).
    For a fit that did not converge the estimate is where the search stopped and ``se``,
    ``loglik``, ``aic`` and ``bic`` are empty, so that it cannot be picked by AIC by mistake.
``covariance.csv``
    Covariance of the internal-scale estimates (R's ``vcov(fit)``), long format: ``arm,
    distribution, row, column, covariance``; converged fits only.
``convergence.csv``
    ``arm, distribution, n, events, converged, message``: one row per fit.
``workbook_rows.xlsx``
    Rows to paste into an hecon workbook, on two sheets named and laid out like the
    workbook's (same columns in the same order; header in row 1, rows from row 2):

    * ``Survival``: one curve per converged fit, named ``<prefix>_<arm>_<distribution>``
      (``_cure`` for cure models), whose parameters are the *names* of the Parameters rows,
      e.g. ``shape=os_A_weibull_shape; scale=os_A_weibull_scale``;
    * ``Parameters``: one row per fitted parameter with its estimate as the base-case
      value and the PSA distribution ``mvnormal`` of the curve's internal-scale estimates,
      one ``group`` per curve: ``mean`` = internal estimate, ``cov_<name>`` = its row of
      ``vcov``, and ``transform=exp`` for parameters estimated on the log scale, so that a
      PSA draw is exp of a normal draw, on the natural scale the curve needs. Location
      parameters (lnorm meanlog, gengamma mu and Q, gompertz shape) are drawn as they are.
      A cure model's ``theta`` enters as ``<curve>_logit_theta`` on the logit scale, and the
      curve's ``cure_fraction`` is ``odds_to_prob(exp(<curve>_logit_theta))``. The
      exponential's one parameter is drawn from a ``lognormal`` with ``meanlog`` = log rate
      and ``sdlog`` its standard error, the same distribution without a group.

    Excel rather than CSV, so that pasting does not depend on the list separator and
    decimal mark of the user's Excel (a Dutch Excel splits CSV at ``;`` and reads ``,`` as
    the decimal mark).

Numbers in the CSV files and in the ``distribution_args`` text are written with Python's
shortest round-trip representation (up to 17 significant digits), so nothing is lost between
the fit and the PSA; numeric cells of the .xlsx hold 16 significant digits (openpyxl).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hecon.evidence.fit import SurvivalFit
from hecon.evidence.ipd import ALL
from hecon.evidence.likelihood import CURE_PARAMETER
from hecon.folders import replace_folder
from hecon.model.problems import FileLine, ModelError, Problem, topic

__all__ = [
    "CONVERGENCE_CSV",
    "COVARIANCE_COLUMNS",
    "COVARIANCE_CSV",
    "FITS_COLUMNS",
    "FAMILY_WORDS",
    "FITS_CSV",
    "MARKER",
    "PARAMETERS_SHEET_COLUMNS",
    "SURVIVAL_SHEET_COLUMNS",
    "WORKBOOK_ROWS",
    "WorkbookRows",
    "curve_name",
    "fit_source",
    "usable_name",
    "workbook_rows",
    "write_fit_outputs",
]

FITS_CSV = "fits.csv"
COVARIANCE_CSV = "covariance.csv"
CONVERGENCE_CSV = "convergence.csv"
WORKBOOK_ROWS = "workbook_rows.xlsx"
#: Written into every output folder; an existing folder is only replaced when it is empty or
#: carries this marker (so ``--out`` pointing at a folder of other files is refused).
MARKER = ".hecon-fit"

FITS_COLUMNS = ("arm", "distribution", "parameter", "estimate", "se", "loglik", "aic", "bic")
COVARIANCE_COLUMNS = ("arm", "distribution", "row", "column", "covariance")
CONVERGENCE_COLUMNS = ("arm", "distribution", "n", "events", "converged", "message")
#: The workbook's Survival and Parameters columns, in the template's order
#: (hecon.workbook.schema; a test keeps the two the same).
SURVIVAL_SHEET_COLUMNS = (
    "name",
    "distribution",
    "time_unit",
    "parameters",
    "hazard_ratio",
    "acceleration_factor",
    "cure_fraction",
    "source",
)
PARAMETERS_SHEET_COLUMNS = (
    "name",
    "value",
    "unit",
    "description",
    "source",
    "distribution",
    "distribution_args",
    "group",
    "dsa_low",
    "dsa_high",
    "dsa",
)

_UNSAFE = re.compile(r"[^0-9A-Za-z_]+")


@dataclass(frozen=True)
class WorkbookRows:
    """Rows for the workbook's Survival and Parameters sheets, as column -> value dicts."""

    survival: list[dict[str, object]]
    parameters: list[dict[str, object]]


def _number(x: float) -> str:
    return repr(float(x))


def usable_name(text: str) -> str:
    """``text`` as a name usable in formulas and file names: letters, digits and _ only, not
    starting with a digit (``"Lev+5FU"`` -> ``"Lev_5FU"``, ``"2nd line"`` -> ``"x2nd_line"``)."""
    slug = _UNSAFE.sub("_", text).strip("_")
    return slug if slug and not slug[0].isdigit() else f"x{slug}"


def curve_name(fit: SurvivalFit, prefix: str = "") -> str:
    """The Survival-sheet name of a fitted curve: ``<prefix>_<arm>_<distribution>[_cure]``.

    The arm is left out when it is :data:`hecon.evidence.ipd.ALL` (no arm column); characters
    other than letters, digits and _ become _, and a name never starts with a digit.

    Examples
    --------
    ``os`` and arm ``Lev+5FU``, Weibull cure model: ``os_Lev_5FU_weibull_cure``.
    """
    parts = [prefix] if prefix else []
    if fit.arm != ALL:
        parts.append(fit.arm)
    parts.append(fit.distribution + ("_cure" if fit.cure else ""))
    return usable_name("_".join(parts))


def _parameter_name(curve: str, parameter: str) -> str:
    return f"{curve}_logit_{parameter}" if parameter == CURE_PARAMETER else f"{curve}_{parameter}"


def _unit(fit: SurvivalFit, parameter: str) -> str:
    unit = fit.time_unit
    if parameter == CURE_PARAMETER:
        return "logit of a proportion"
    if parameter == "rate" or (fit.distribution == "gompertz" and parameter == "shape"):
        return f"per {unit.rstrip('s')}"
    if parameter == "scale":
        return f"per {unit.rstrip('s')}^shape" if fit.distribution == "weibullPH" else unit
    if parameter in ("meanlog", "mu"):
        return f"log {unit}"
    return "dimensionless"


#: Each flexsurv family in words, for a reader (:data:`hecon.methods.survival.DISTRIBUTIONS`).
FAMILY_WORDS = {
    "exp": "exponential",
    "weibull": "Weibull",
    "weibullPH": "Weibull (proportional hazards)",
    "gompertz": "Gompertz",
    "llogis": "log-logistic",
    "lnorm": "log-normal",
    "gamma": "gamma",
    "gengamma": "generalised gamma",
    "gengamma.orig": "generalised gamma (original)",
}


def fit_source(fit: SurvivalFit) -> str:
    """Where a fitted curve comes from, in words for a reader: the family and the method, the data
    it was fitted to (``fit.source``, e.g. a citation) and the fit statistics, e.g. "exponential
    fitted by maximum likelihood to the published PFS points of RWPC (Mateos et al., Leukemia 2024)
    (n = 248, events = 124, log-likelihood -359.5254, AIC 721.05)"."""
    family = FAMILY_WORDS.get(fit.distribution, fit.distribution)
    what = f"mixture cure model with a {family} curve for the uncured" if fit.cure else family
    data = fit.source or "the patient data"
    arm = "" if fit.arm == ALL else f" (arm '{fit.arm}')"
    return (
        f"{what} fitted by maximum likelihood to {data}{arm} (n = {fit.n}, events = {fit.events}, "
        f"log-likelihood {fit.loglik:.4f}, AIC {fit.aic:.2f})"
    )


def workbook_rows(fits: Sequence[SurvivalFit], *, prefix: str = "") -> WorkbookRows:
    """
    Survival and Parameters rows for the converged fits (module docstring).

    Parameters
    ----------
    fits : sequence of SurvivalFit
        Fits, e.g. of :func:`hecon.evidence.fit.fit_all`; those not converged are skipped.
    prefix : str
        Start of every curve name, e.g. the endpoint (``os``, ``pfs``).

    Returns
    -------
    WorkbookRows
        One Survival row per converged fit and one Parameters row per parameter of it,
        keyed by the workbook's column names.
    """
    survival_rows: list[dict[str, object]] = []
    parameter_rows: list[dict[str, object]] = []
    used: set[str] = set()
    for fit in fits:
        if not fit.converged:
            continue
        base = curve_name(fit, prefix)
        curve, copy = base, 2
        while curve in used:  # two arms whose names differ only in punctuation
            curve, copy = f"{base}_{copy}", copy + 1
        used.add(curve)
        names = {p: _parameter_name(curve, p) for p in fit.parameters}
        source = fit_source(fit)
        own = [p for p in fit.parameters if p != CURE_PARAMETER]
        survival_rows.append(
            {
                "name": curve,
                "distribution": fit.distribution,
                "time_unit": fit.time_unit,
                "parameters": "; ".join(f"{p}={names[p]}" for p in own),
                "hazard_ratio": None,
                "acceleration_factor": None,
                "cure_fraction": f"odds_to_prob(exp({names[CURE_PARAMETER]}))" if fit.cure else None,
                "source": source,
            }
        )
        for i, parameter in enumerate(fit.parameters):
            scale = fit.scales[i]
            if len(fit.parameters) == 1:  # exp: a lognormal is exp of a normal, no group needed
                kind, group = "lognormal", None
                args = [
                    f"meanlog={_number(fit.internal[parameter])}",
                    f"sdlog={_number(math.sqrt(fit.covariance[0, 0]))}",
                ]
            else:
                kind, group = "mvnormal", curve
                args = [f"mean={_number(fit.internal[parameter])}"]
                args += [f"cov_{names[q]}={_number(fit.covariance[i, j])}" for j, q in enumerate(fit.parameters)]
                if scale == "log":
                    args.append("transform=exp")
            value = fit.estimates[parameter] if scale != "logit" else fit.internal[parameter]
            what = "cure fraction on the logit scale" if scale == "logit" else f"{parameter}"
            parameter_rows.append(
                {
                    "name": names[parameter],
                    "value": float(value),
                    "unit": _unit(fit, parameter),
                    "description": f"{fit.label} {what}, arm '{fit.arm}' (flexsurv parameterisation)",
                    "source": source,
                    "distribution": kind,
                    "distribution_args": "; ".join(args),
                    "group": group,
                    "dsa_low": None,
                    "dsa_high": None,
                    "dsa": None,
                }
            )
    return WorkbookRows(survival_rows, parameter_rows)


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


def _csv_text(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else _number(v) if isinstance(v, float) else v for v in row])
    return buffer.getvalue()


def _fits_csv(fits: Sequence[SurvivalFit]) -> str:
    rows = []
    for fit in fits:
        for parameter in fit.parameters:
            stats: list[object] = (
                [fit.se[parameter], fit.loglik, fit.aic, fit.bic] if fit.converged else [None, None, None, None]
            )
            rows.append([fit.arm, fit.label, parameter, fit.estimates[parameter], *stats])
    return _csv_text(FITS_COLUMNS, rows)


def _covariance_csv(fits: Sequence[SurvivalFit]) -> str:
    rows = [
        [fit.arm, fit.label, a, b, float(fit.covariance[i, j])]
        for fit in fits
        if fit.converged
        for i, a in enumerate(fit.parameters)
        for j, b in enumerate(fit.parameters)
    ]
    return _csv_text(COVARIANCE_COLUMNS, rows)


def _convergence_csv(fits: Sequence[SurvivalFit]) -> str:
    rows = [[f.arm, f.label, f.n, f.events, "yes" if f.converged else "no", f.message] for f in fits]
    return _csv_text(CONVERGENCE_COLUMNS, rows)


def _workbook_bytes(rows: WorkbookRows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheets = (
        ("Survival", SURVIVAL_SHEET_COLUMNS, rows.survival),
        ("Parameters", PARAMETERS_SHEET_COLUMNS, rows.parameters),
    )
    for index, (title, columns, records) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for record in records:
            sheet.append([record[c] for c in columns])
        for column_cells in sheet.columns:
            width = max(len(str(c.value)) if c.value is not None else 0 for c in column_cells)
            sheet.column_dimensions[column_cells[0].column_letter].width = min(max(10, width + 2), 80)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _extra_name_problem(name: str) -> Problem | None:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        return Problem(topic("output files"), f"{name!r} is not a plain relative file name", "e.g. figures/km.png")
    return None


def write_fit_outputs(
    fits: Sequence[SurvivalFit],
    out_dir: str | Path,
    *,
    prefix: str = "",
    files: Mapping[str, bytes] | None = None,
) -> Path:
    """
    Write the output folder of a survival fit atomically; return its absolute path.

    Parameters
    ----------
    fits : sequence of SurvivalFit
        The fits, e.g. of :func:`hecon.evidence.fit.fit_all`.
    out_dir : str or Path
        Folder to write: new, empty, or an earlier output folder of this function (which is
        replaced); any other existing path is refused.
    prefix : str
        Start of the curve names in ``workbook_rows.xlsx`` (:func:`curve_name`).
    files : mapping of str to bytes, optional
        More files to write into the folder, by relative name (e.g. figures as PNG bytes,
        ``"figures/km.png"``).

    Returns
    -------
    Path
        The folder, holding the files of the module docstring.

    Raises
    ------
    ModelError
        No fits, an unusable ``out_dir`` or extra file name; nothing is written.
    OSError
        The file system refused; nothing is left behind.
    """
    extra = dict(files or {})
    problems = [p for p in (_extra_name_problem(name) for name in extra) if p is not None]
    if not fits:
        problems.append(Problem(topic("fits"), "there is nothing to write", "at least one fit"))
    out = Path(os.path.abspath(out_dir))
    problems += _target_problems(out)
    if problems:
        raise ModelError(problems)
    contents: dict[str, bytes] = {
        FITS_CSV: _fits_csv(fits).encode("utf-8"),
        COVARIANCE_CSV: _covariance_csv(fits).encode("utf-8"),
        CONVERGENCE_CSV: _convergence_csv(fits).encode("utf-8"),
        WORKBOOK_ROWS: _workbook_bytes(workbook_rows(fits, prefix=prefix)),
        **extra,
        MARKER: b"hecon fit-survival output\n",
    }

    def fill(folder: Path) -> None:
        for name, data in contents.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    replace_folder(out, fill)
    return out


def _target_problems(out: Path) -> list[Problem]:
    if out.is_symlink():
        return [Problem(FileLine(str(out)), "is a symbolic link", "a real folder or a new folder name")]
    if out.exists():
        if not out.is_dir():
            return [Problem(FileLine(str(out)), "exists and is not a folder", "a folder for the fit's outputs")]
        if any(out.iterdir()) and not (out / MARKER).is_file():
            return [
                Problem(
                    FileLine(str(out)),
                    "exists and is not an hecon fit-survival folder (it has other files, which would be replaced)",
                    "a new or empty folder, or an earlier fit-survival output folder",
                )
            ]
    if Path.cwd().resolve().is_relative_to(out.resolve()):
        return [
            Problem(
                FileLine(str(out)), "contains the current folder, which replacing it would remove", "another folder"
            )
        ]
    return []
