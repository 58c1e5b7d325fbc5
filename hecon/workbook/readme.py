"""The README sheet: how the workbook works, generated from the schema and hecon's own tables
(expression functions, PSA distributions, survival distributions), so it never goes stale."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from hecon.methods import survival
from hecon.model import distributions, expressions
from hecon.model.spec import ANY_STATE, COMPLEMENT, ModelSpec
from hecon.workbook import schema
from hecon.workbook.cells import format_number
from hecon.workbook.schema import ALL_STRATEGIES, FIRST_DATA_ROW, NOTE_PREFIX
from hecon.workbook.template_examples import README_TEXT as EXAMPLE_README

TITLE_FONT = Font(bold=True, size=16, color="1F4E78")
SECTION_FONT = Font(bold=True, size=12, color="1F4E78")
TABLE_HEADER_FONT = Font(bold=True)
TABLE_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(horizontal="left", vertical="bottom", wrap_text=True)
WIDTHS = (22, 24, 12, 10, 20, 14, 70, 40)

HOW_TO = (
    "This workbook is the input of an hecon cohort state-transition model. Fill in the sheets, then run "
    "'hecon validate FILE' to list every problem (as Sheet!Cell: what is wrong; expected ...) and "
    "'hecon run FILE' to write the report.",
    f"On every sheet, row 1 holds the column names, row 2 the units and row 3 a description; data starts in "
    f"row {FIRST_DATA_ROW}. Blank rows are ignored. Columns may be in any order. A column whose header starts "
    f"with {NOTE_PREFIX} is a note column and is ignored; other unknown columns are reported.",
    "Header cells carry a comment with the column's description, kind, unit and allowed values; columns with "
    "a fixed set of values have a drop-down.",
    "Cells may hold Excel formulas: hecon reads the value Excel calculated and saved. Save the file in Excel "
    "after changing formulas (a file written by a program and never opened in Excel has no saved values).",
    "Numbers and hecon formulas: cells of kind 'expression' take a number or a formula in hecon's own "
    "language (below), e.g. rate_to_prob(r_pfs, cycle_years) * hr_trt. Type such a formula as text: start "
    "it with an apostrophe if Excel tries to calculate it (a leading = is allowed and ignored).",
    f"Transitions: {COMPLEMENT} means 'one minus the other probabilities out of the same state'. Strategy "
    f"'{ALL_STRATEGIES}' (or blank) applies a row to every strategy; a strategy's own row replaces the "
    f"'{ALL_STRATEGIES}' row with the same from and to. In TransitionRewards, from = {ANY_STATE} means any "
    "other state.",
    "States: costs per cycle go in one column per cost category named cost:<category> (e.g. cost:drug, "
    "cost:admin); counts per cycle in count:<name> columns (e.g. count:administrations). Add or remove such "
    "columns freely. Utilities are QALY weights per year.",
    "Parameters: every parameter has a source column; reports cite it. PSA distribution arguments are "
    "written as name=value pairs separated by ; in the distribution_args column (see the table below); a "
    "value may be a formula of other parameters, e.g. sd=(upper - lower) / 3.92, evaluated once with their "
    "base-case values.",
    "Structural uncertainty: a parameter with distribution 'discrete' chooses between named alternatives, "
    "e.g. distribution_args weibull=0.5; cure=0.5 (label=weight, in order; weights >= 0 are normalised to sum "
    "1). Its value is the position of an alternative (1 = weibull, 2 = cure): the value column gives the "
    "base case, each PSA sample draws one. Use it in formulas by comparing the position, e.g. "
    "if_else(cart_pfs_model == 2, surv_prob(pfs_cure), surv_prob(pfs_weibull)). For the tornado give "
    "dsa_low and dsa_high as positions (e.g. 1 and 2). The report shows the PSA results by alternative.",
    "Scenarios override parameters (name), a strategy's parameter (name[strategy]) or settings "
    "(settings.<setting>, e.g. settings.discount_rate_costs).",
    "Subgroups are written like scenarios (subgroup, target, value), each override with its source: e.g. "
    "settings.start_age = 58 and cart_pfs_hr = 1.5 for a younger or a high-risk subgroup. hecon run reports "
    "each subgroup's costs, QALYs and ICERs beside the whole population.",
    "SurvivalPoints: one published point per row, for a strategy and an endpoint (PFS or OS): kind survival "
    "(the share event-free at a time, with its 95% CI), median (the median time, with its 95% CI; no time) or "
    "at_risk (the number at risk at a time). The report draws survival points with vertical CIs and medians "
    "with horizontal CIs on the model's curve of the strategy and tabulates them beside the model's values. "
    "The model's curves are the strategy's whole cohort from model start: say in population who the source "
    "describes and from when (e.g. infused patients, from infusion), and in comparable whether that is the "
    "model's population (yes) or not (no: the report says 'not like for like'), and in fitted_in which model "
    "structures were fitted to the point (none: held out, a check), so the report can say which agreement is "
    "validation. Survival points with numbers "
    "at risk (the first at time 0) can be fitted: hecon fit-survival MODEL.xlsx --points --strategy S --endpoint PFS.",
    "hecon never changes this file; macros in an .xlsm file are never run (only the data is read).",
)


class _Writer:
    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.row = 1

    def line(self, text: str, font: Font | None = None, merge: bool = True) -> None:
        cell = self.ws.cell(self.row, 1, text)
        if font is not None:
            cell.font = font
        if merge:
            self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=7)
            cell.alignment = WRAP
            lines = max(1, len(text) // 150 + 1)
            self.ws.row_dimensions[self.row].height = 15 * lines + 2
        self.row += 1

    def gap(self) -> None:
        self.row += 1

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """A table under ``header``; an empty header continues the column before it: that column's
        header and values are merged across it, so that no empty column separates two columns
        of a narrow table laid out on the sheet's shared column widths (:data:`WIDTHS`)."""
        spans = _spans(header)
        for c, text in enumerate(header, start=1):
            cell = self.ws.cell(self.row, c, text or None)
            cell.font, cell.fill, cell.alignment = TABLE_HEADER_FONT, TABLE_HEADER_FILL, HEADER_ALIGN
        self._merge(spans)
        self.row += 1
        for values in rows:
            lines = 1
            for c, value in enumerate(values, start=1):
                if value not in (None, ""):
                    cell = self.ws.cell(self.row, c, value)
                    cell.data_type = "s" if isinstance(value, str) else cell.data_type
                    cell.alignment = WRAP
                    width = sum(WIDTHS[c - 1 : c - 1 + spans.get(c, 1)])
                    lines = max(lines, _lines(str(value), width))
            self._merge(spans)
            if lines > 1 and spans:  # Excel does not fit a row's height to a merged cell's text
                self.ws.row_dimensions[self.row].height = 15 * lines + 2
            self.row += 1
        self.gap()

    def _merge(self, spans: dict[int, int]) -> None:
        for c, n in spans.items():
            self.ws.merge_cells(start_row=self.row, start_column=c, end_row=self.row, end_column=c + n - 1)


def _spans(header: Sequence[str]) -> dict[int, int]:
    """Column [1-based] -> number of columns it spans, for each header followed by empty ones."""
    spans: dict[int, int] = {}
    start = 0
    for c, text in enumerate(header, start=1):
        if text:
            start = c
        elif start:
            spans[start] = spans.get(start, 1) + 1
    return spans


def _lines(text: str, width: float) -> int:
    """Lines that ``text`` wraps to in a column ``width`` characters wide (a rough count)."""
    return sum(max(1, math.ceil(len(line) / max(width, 1.0))) for line in text.split("\n"))


def _default_text(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, tuple):
        return "; ".join(format_number(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def write_readme(ws: Worksheet, spec: ModelSpec | None, sheets: Sequence[schema.SheetSchema] = schema.SHEETS) -> None:
    """Fill the README sheet ``ws`` (``spec`` is None for a blank template) describing ``sheets``
    (:func:`hecon.workbook.schema.written_sheets`)."""
    w = _Writer(ws)
    w.line("hecon model workbook", TITLE_FONT, merge=False)
    if spec is not None and spec.title:
        w.line(f"Model: {spec.title}", SECTION_FONT)
        if spec.description:
            w.line(spec.description)
    w.gap()
    w.line("How this workbook works", SECTION_FONT)
    for text in HOW_TO:
        w.line("- " + text)
    if spec is None:
        w.line("- " + EXAMPLE_README)
    w.gap()

    w.line("Sheets", SECTION_FONT)
    w.table(
        ("Sheet", "Required", "What it holds", "", "", "", ""),
        [(s.name, "yes" if s.required else "no", s.description) for s in sheets],
    )

    w.line("Columns of each sheet", SECTION_FONT)
    rows = []
    for s in sheets:
        if s.name == "Settings":
            continue
        for c in s.columns:
            rows.append(
                (
                    s.name,
                    c.name,
                    c.kind,
                    "yes" if c.required else "no",
                    c.unit,
                    _default_text(c.default),
                    c.description,
                    ", ".join(c.allowed) + (" (suggested)" if c.suggest else "") if c.allowed else None,
                )
            )
        for f in s.families:
            rows.append(
                (s.name, f.prefix + "<name>", f.kind, "no", f.unit, "", f.description, "e.g. " + ", ".join(f.examples))
            )
    w.table(("Sheet", "Column", "Kind", "Required", "Unit", "Default", "Description", "Allowed values"), rows)

    w.line("Settings (one row each on the Settings sheet: name | value | unit | description | source)", SECTION_FONT)
    w.table(
        ("Setting", "", "Kind", "Required", "Unit", "Default", "Description", "Allowed values"),
        [
            (
                c.name,
                None,
                c.kind,
                "yes" if c.required else "no",
                c.unit,
                _default_text(schema.setting_default(c.name)),
                c.description,
                ", ".join(c.allowed) or None,
            )
            for c in schema.SETTINGS
        ],
    )

    w.line("Kinds of cell", SECTION_FONT)
    w.table(
        ("Kind", "What the cell holds", "", "", "", "", ""),
        [(k, v) for k, v in schema.KINDS.items()],
    )

    w.line("Formulas: functions", SECTION_FONT)
    w.table(
        ("Function", "What it does", "", "", "", "", ""),
        [(name + "()", doc) for name, doc in schema.expression_functions()],
    )
    w.line(
        "Formulas: variables. " + ", ".join(expressions.VARIABLES) + ". model_time and state_time count cycles "
        "from model start and from entering the state (0 in the first cycle); model_years and state_years "
        "the same in years; age = start_age + model_years; cycle_years and cycle_days the cycle length. "
        "Operators: + - * / ^ (power), comparisons, and, or, not, 'a if condition else b'."
    )
    w.gap()

    w.line("PSA distributions (Parameters.distribution and distribution_args)", SECTION_FONT)
    w.table(
        ("Distribution", "Arguments (name=value; ...)", "", "", "", "", ""),
        [(k, distributions.DISTRIBUTION_HELP.get(k, "")) for k in distributions.DISTRIBUTION_ARGS],
    )

    w.line("Survival distributions (Survival.distribution and parameters, flexsurv names)", SECTION_FONT)
    w.table(
        ("Distribution", "Parameters", "", "", "", "", ""),
        [(k, ", ".join(v)) for k, v in survival.DISTRIBUTIONS.items()],
    )

    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(64 + i)].width = width
    ws.sheet_view.showGridLines = False
