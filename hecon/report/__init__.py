"""The report folder of a run: ``summary.json``, ``results.xlsx`` and ``report.html``.

* report.html: one self-contained file (CSS inline, figures as embedded PNG, no script, no
  external URL) with numbered sections in the order of the CHEERS 2022 checklist, numbered
  tables and figures with alternative text, a print stylesheet (A4, a page per section);
* results.xlsx: every table of report.html as a formatted sheet (frozen header, number
  formats, auto-filter), plus the Markov trace, PSA samples and the inputs echo, and the
  figures on a sheet ``Figures``;
* summary.json: the numbers for scripts, the analysis result serialised
  (:meth:`hecon.analysis.results.Results.to_json`; schema in :mod:`hecon.analysis.results`).

Every number of the three files is a field of one :class:`~hecon.analysis.results.Results`
(computed by :func:`hecon.analysis.results.summarise_run`); the report only formats it. The
sections are built by :mod:`hecon.report.sections` (tables by :mod:`~hecon.report.tables`,
figures by :mod:`~hecon.report.figures`, :mod:`~hecon.report.charts` and
:mod:`~hecon.report.diagram` in the style of :mod:`~hecon.report.style`).

:func:`write_report` writes the folder atomically: everything is built in a temporary
sibling folder (same parent, so the same file system) which is then renamed into place.
An existing report folder is renamed away first and deleted only after the new one is in
place, so a failure at any point leaves the previous report intact and no half-written
folder behind. File names inside the folder are fixed; nothing in a path is taken from
model content.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from hecon.analysis.progress import phase
from hecon.analysis.results import Results
from hecon.analysis.timings import Stopwatch
from hecon.folders import replace_folder
from hecon.model.problems import FileLine, ModelError, Problem
from hecon.report.excel import write_results_xlsx
from hecon.report.html import write_report_html
from hecon.report.section import numbered_figures
from hecon.report.sections import SECTIONS, Section, build_sections

SUMMARY_JSON = "summary.json"
RESULTS_XLSX = "results.xlsx"
REPORT_HTML = "report.html"
#: Written into every report folder; an existing folder is only ever replaced when it is
#: empty or carries this marker (so ``--out`` pointing at a folder of other files is refused).
MARKER = ".hecon-report"

__all__ = [
    "MARKER",
    "REPORT_HTML",
    "RESULTS_XLSX",
    "SECTIONS",
    "SUMMARY_JSON",
    "Section",
    "all_figures",
    "workbook_sheets",
    "write_report",
    "write_summary_json",
]


def _check_target(out_dir: Path) -> None:
    problems = []
    if out_dir.is_symlink():
        problems.append(Problem(FileLine(str(out_dir)), "is a symbolic link", "a real folder or a new folder name"))
    elif out_dir.exists():
        if not out_dir.is_dir():
            problems.append(Problem(FileLine(str(out_dir)), "exists and is not a folder", "a folder for the report"))
        elif any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
            problems.append(
                Problem(
                    FileLine(str(out_dir)),
                    "exists and is not an hecon report folder (it has other files, which would be replaced)",
                    "a new or empty folder, or a previous report folder",
                )
            )
    if out_dir.parent == out_dir:
        problems.append(Problem(FileLine(str(out_dir)), "is the root of the file system", "a folder for the report"))
    elif _contains(out_dir, Path.cwd()):
        problems.append(
            Problem(
                FileLine(str(out_dir)),
                "contains the current folder, which replacing it would remove",
                "a report folder outside the current folder, e.g. reports/<name>",
            )
        )
    if problems:
        raise ModelError(problems)


def _contains(folder: Path, path: Path) -> bool:
    real_folder, real_path = Path(os.path.realpath(folder)), Path(os.path.realpath(path))
    return real_path == real_folder or real_folder in real_path.parents


def write_summary_json(results: Results, path: Path) -> None:
    """Write ``results`` as strict JSON (no NaN/Infinity), UTF-8, indented."""
    text = json.dumps(results.to_json(), indent=2, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def _write_files(results: Results, folder: Path, stopwatch: Stopwatch) -> None:
    with stopwatch.phase("report sections and figures"):  # a progress bar of its own
        sections = build_sections(results)
    with stopwatch.phase("results.xlsx"), phase(f"Writing {RESULTS_XLSX}"):
        write_results_xlsx(workbook_sheets(sections), folder / RESULTS_XLSX, figures=all_figures(sections))
    with stopwatch.phase("report.html"), phase(f"Writing {REPORT_HTML}"):
        write_report_html(results, sections, folder / REPORT_HTML)
    for s in sections:
        for name, write in s.files.items():  # e.g. psa.nc; names are fixed by hecon
            with stopwatch.phase(name), phase(f"Writing {name}"):
                write(folder / name)
    (folder / MARKER).write_text(f"hecon {results.hecon_version} report\n", encoding="utf-8")
    # last, so that its timings include writing the other files
    write_summary_json(dataclasses.replace(results, timings=stopwatch.timings()), folder / SUMMARY_JSON)


def _walk(sections: list[Section]):
    for s in sections:
        yield s
        yield from _walk(s.subsections)


def workbook_sheets(sections: list[Section]) -> list:
    """The sheets of results.xlsx in report order: each section's ``sheets``, then each table
    it shows whose sheet is not among them (so every table of report.html has its sheet; a
    base-case view of a sheet with every scenario is not written twice)."""
    out: dict[str, object] = {}
    for s in sections:
        group = list(_walk([s]))
        for sub in group:
            for t in sub.sheets:
                if t.sheet in out and out[t.sheet] is not t:
                    raise ValueError(f"duplicate sheet name in results.xlsx: {t.sheet}")
                out[t.sheet] = t
        for sub in group:
            for t in sub.tables:
                out.setdefault(t.sheet, t)
    return list(out.values())


def all_figures(sections: list[Section]) -> list:
    """Every figure of the report, numbered and ordered as report.html shows them
    (:func:`~hecon.report.section.numbered_figures`; a figure shown twice is listed once)."""
    return numbered_figures(sections)


def write_report(results: Results, out_dir: str | Path, stopwatch: Stopwatch | None = None) -> Path:
    """Write the report folder of ``results`` (:func:`hecon.analysis.results.summarise_run`) to
    ``out_dir`` atomically; return its absolute path.

    The time of writing each file is recorded in ``stopwatch`` (default: one that starts from
    ``results.timings``) and the ``timings`` of summary.json include it.

    ``out_dir`` may be new, empty, or an earlier report folder (which is replaced); any
    other existing path is refused with a :class:`~hecon.model.problems.ModelError`.
    """
    out_dir = Path(os.path.abspath(out_dir))
    _check_target(out_dir)
    # recheck: still a report folder when it is replaced (it may have changed meanwhile)
    sw = stopwatch if stopwatch is not None else Stopwatch(results.timings)
    replace_folder(out_dir, lambda folder: _write_files(results, folder, sw), lambda: _check_target(out_dir))
    return out_dir
