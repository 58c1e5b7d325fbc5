"""Write a compiled state-transition model as a workbook that recomputes it with live formulas.

Layout (the About sheet of the written file says the same to the reviewer):

* **Inputs**: settings and parameters as named cells (the defined name of a parameter is its own
  name, see :mod:`hecon.workbook.export.names`), then the values a strategy gives a parameter
  of its own. A parameter that reads model time or state time has no single value: its formula
  is written out in every cell that uses it.
* **one sheet per strategy**: row 4 the column headers, row 5 their units, then one row per
  trace point k = 0..T (model_time = k) from row 6, in number formats by kind (probabilities
  and shares 0.000000, money #,##0.00, QALYs and life-years 0.0000). Columns: cycle,
  years, age; the transition probabilities of cycle k (one column per transition and state
  time; the complement ``#`` as 1 minus the others); the Markov trace (one column per expanded
  state: a tunnel ``X`` of length L is ``X[0] .. X[L-1]``); the state values at each point
  (costs by category and counts per cycle, QALYs, life-years and flagged time per cycle of
  cycle_years); the within-cycle weight and the discount factors at the point and at
  mid-cycle; the one-off transition rewards of cycle k. Rows 2 and 3 hold the totals:
  Σ_k w_k d_k value_k + Σ_{k < N} d(k + 1/2) reward_k (+ rewards on the start), and the same
  without d. The horizon N = n_cycles follows the Inputs (horizon_years, cycle_days): w_k = 0
  beyond N; rows are written up to the exported horizon (max_cycles), and a longer one makes
  the totals #N/A.
* **Results**: the table ``strategy, costs, qalys, lys`` (discounted) and the undiscounted
  totals, each strategy against the comparator, then the efficiency frontier
  (:mod:`hecon.workbook.export.frontier`).
* **Checks**: trace rows sum to 1, probabilities in [0, 1], hecon's own totals beside the workbook's,
  each with an OK / NOT OK formula; Results says 'dominated' or 'dominant' rather than a negative ICER.

The engine's conventions are those of :mod:`hecon.engine.run` and :mod:`hecon.engine.valuation`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from hecon.engine.compiler import CompiledModel, StrategyModel
from hecon.engine.outcomes import LYS, QALYS, Outcome, outcome_columns
from hecon.engine.valuation import reward_column
from hecon.methods.survival import GENGAMMA_Q_SERIES
from hecon.model.distributions import empirical_summary
from hecon.model.expressions import STATE_TIME_VARIABLES, TIME_VARIABLES, Expression, parse
from hecon.model.problems import Element, Location, ModelError, Problem
from hecon.model.spec import ANY_STATE, DAYS_PER_YEAR, PARTITIONED_SURVIVAL, Distribution, LifeTable
from hecon.workbook.export.formulas import FormulaContext, ModelFunction, Unsupported, number, to_excel
from hecon.workbook.export.frontier import write_frontier
from hecon.workbook.export.names import SETTING_NAMES, NameTable, quote_sheet, sheet_names
from hecon.workbook.export.survival import GENGAMMA_SMALL_Q_NOTE, adjusted_hazard, adjusted_survival

HEADER_ROW = 4  # the column headers of a strategy sheet; their units in the row below
FIRST_ROW = 6  # the row of trace point 0 on a strategy sheet
PROBABILITY = "0.000000"  # number formats: probabilities, shares of the cohort, weights, factors
MONEY = "#,##0.00"
EFFECT = "0.0000"  # QALYs, life-years, counts, flagged time
_ROW = "#ROW#"  # stands for the row number in a translated formula (Excel formulas have no '#' of their own here)
_BOLD = Font(bold=True)
_ITALIC = Font(italic=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_DYNAMIC = TIME_VARIABLES | STATE_TIME_VARIABLES
FIXED = "FIXED"  # how the Inputs sheet marks a cell that looks editable but must not be (or need not be) edited
#: settings that are formulas or a count of the rows written: editing them breaks the model
DO_NOT_EDIT = {
    "cycle_years": "a formula of cycle_days",
    "n_cycles": "a formula of horizon_years and cycle_days",
    "max_cycles": "the number of rows written",
}
CHECK_TOLERANCE = 1e-9  # Checks sheet: |trace sum - 1| and the relative difference from hecon's totals
RESERVED_SHEETS = ("About", "Inputs", "Schedules", "Results", "Checks")


@dataclass(frozen=True)
class HeconTotals:
    """hecon's own deterministic totals of one strategy, shown beside the workbook's (Checks sheet)."""

    costs: float
    qalys: float
    lys: float


@dataclass
class _Column:
    header: str
    unit: str
    letter: str = ""
    number_format: str | None = None


@dataclass
class _Sheet:
    """A strategy sheet being laid out: columns in order, each with its letter."""

    ws: Worksheet
    columns: list[_Column] = field(default_factory=list)

    def add(self, header: str, unit: str, number_format: str | None = PROBABILITY) -> str:
        """A new column (its letter) with its header, unit and the number format of its cells."""
        letter = str(get_column_letter(len(self.columns) + 1))
        self.columns.append(_Column(header, unit, letter, number_format))
        return letter

    def number_format(self, letter: str) -> str | None:
        index: int = column_index_from_string(letter)
        return self.columns[index - 1].number_format


class _Names:
    """Resolves names in the formulas of one strategy: defined names, inlined time-dependent
    parameters and the model variables of a cell."""

    def __init__(self, exporter: _Exporter, sm: StrategyModel):
        self.exporter = exporter
        self.sm = sm
        self.columns: dict[str, str] = {}  # parameter -> its column on the strategy sheet

    def context(
        self, variables: dict[str, str], functions: Mapping[str, ModelFunction] | None = None
    ) -> FormulaContext:
        def resolve(name: str) -> str:
            if name in variables:
                if name == "age":
                    self.exporter.use(self.exporter.setting_names["start_age"])
                return variables[name]
            defined = self.exporter.defined_for(self.sm, name)
            if defined is not None:
                return self.exporter.use(defined)
            if name in self.columns:
                return f"${self.columns[name]}{_ROW}"
            return f"({to_excel(self.sm.parameters[name].text, context)})"  # time-dependent: inlined

        context = FormulaContext(resolve, functions or {})
        return context


class _Exporter:
    def __init__(self, model: CompiledModel):
        self.model = model
        self.spec = model.spec
        self.names = NameTable()
        self.notes: list[str] = []
        # per schedule, its segments' cells on the Schedules sheet: (start, every, end or None, amount)
        self.schedule_cells: dict[str, list[tuple[str, str, str | None, str]]] = {}
        self.parameter_names = {p.name: self.names.assign(p.name) for p in self.spec.parameters}
        self.base = {p.name: parse(p.value) for p in self.spec.parameters}
        self.dynamic = _inlined(self.base)
        self.inlined = {sm.name: _inlined(sm.parameters) for sm in model.strategies}
        self.setting_names = {s: self.names.assign(s) for s, _, _ in SETTING_NAMES}
        # which named cells each formula reads: a named cell -> the names in its formula; the key ""
        # stands for the strategy sheets (whose formulas make the totals); `reader` is the one being written
        self.uses: dict[str, set[str]] = {"": set()}
        self.reader = ""
        self.note_cells: dict[str, tuple[str, int, int]] = {}  # named input -> its note cell (sheet, row, col)
        self.table_sheets = dict(
            zip(
                [t.name for t in self.spec.life_tables],
                sheet_names([f"Life table {t.name}" for t in self.spec.life_tables], RESERVED_SHEETS),
            )
        )
        self.table_names = {
            t.name: {k: self.names.assign(f"lt_{t.name}_{k}") for k in ("age", "male", "female")}
            for t in self.spec.life_tables
        }
        # per strategy: parameters with a value of its own (overridden or computed from one)
        self.own_names: dict[str, dict[str, str]] = {}
        for sm in model.strategies:
            own = _dependants(sm, set(sm.overridden))
            self.own_names[sm.name] = {
                n: self.names.assign(f"{self.parameter_names[n]}.{sm.name}") for n in sorted(own) if self.static(sm, n)
            }

    def base_value(self, sm: StrategyModel, expr: Expression) -> float:
        """The value of a curve parameter's expression in strategy ``sm`` (nan if it reads time)."""
        exporter = self

        class _Static:
            def value(self, name: str) -> Any:
                if not exporter.static(sm, name):
                    return np.nan
                return sm.parameters[name].evaluate(self)  # type: ignore[arg-type]

        if expr.names & _DYNAMIC:
            return float("nan")
        return float(np.asarray(expr.evaluate(_Static())).reshape(-1)[0])  # type: ignore[arg-type]

    def use(self, name: str) -> str:
        """Record that the formula being written reads the named cell ``name``; returns it."""
        self.uses.setdefault(self.reader, set()).add(name)
        return name

    def live(self) -> set[str]:
        """The named cells that the totals read: those the strategy sheets' formulas read,
        directly or through the formulas of other named cells."""
        out: set[str] = set()
        todo = [""]
        while todo:
            for name in self.uses.get(todo.pop(), set()) - out:
                out.add(name)
                todo.append(name)
        return out

    def static(self, sm: StrategyModel, name: str) -> bool:
        """Whether a parameter is a cell of its own (see :func:`_inlined`)."""
        return name not in self.inlined[sm.name]

    def defined_for(self, sm: StrategyModel, name: str) -> str | None:
        if name in self.own_names[sm.name]:
            return self.own_names[sm.name][name]
        if name in _dependants(sm, set(sm.overridden)) or not self.static(sm, name):
            return None
        return self.parameter_names[name]


def _inlined(parameters: Mapping[str, Expression]) -> set[str]:
    """Parameters written out inside the formulas that use them rather than as a cell of their
    own: those that read model time or state time, or a survival curve, schedule or life table
    (whose formulas are written for the cell at hand), directly or through other parameters."""
    out = {n for n, e in parameters.items() if e.names & _DYNAMIC or e.refs}
    changed = True
    while changed:
        changed = False
        for n, e in parameters.items():
            if n not in out and e.names & out:
                out.add(n)
                changed = True
    return out


def _dependants(sm: StrategyModel, roots: set[str]) -> set[str]:
    """Parameters of ``sm`` that are in ``roots`` or computed (directly or not) from one."""
    out = set(roots)
    changed = True
    while changed:
        changed = False
        for n, e in sm.parameters.items():
            if n not in out and e.names & out:
                out.add(n)
                changed = True
    return out


def _translate(text: str, ctx: FormulaContext, where: Location) -> str:
    try:
        return to_excel(text, ctx)
    except Unsupported as exc:
        raise ModelError(Problem(where, str(exc), "an expression the Excel export can translate")) from None


def build_workbook(model: CompiledModel, hecon_totals: Sequence[HeconTotals]) -> tuple[Workbook, list[str]]:
    """The workbook of ``model`` (a state-transition model) and notes on what it cannot compute
    (also on its About sheet); ``hecon_totals`` per strategy, in order."""
    ex = _Exporter(model)
    wb = Workbook()
    about = wb.active
    about.title = "About"
    inputs = wb.create_sheet("Inputs")
    _write_inputs(ex, wb, inputs)
    if model.spec.schedules:
        _write_schedules(ex, wb.create_sheet("Schedules"))
    for table in model.spec.life_tables:
        _write_life_table(ex, wb, wb.create_sheet(ex.table_sheets[table.name]), table)
    titles = sheet_names([s.name for s in model.spec.strategies], [*RESERVED_SHEETS, *ex.table_sheets.values()])
    totals = []
    ex.reader = ""
    for sm, title in zip(model.strategies, titles):
        totals.append(_write_strategy(ex, wb.create_sheet(title), sm))
    fixed = _label_fixed(ex, wb)
    _write_results(ex, wb.create_sheet("Results"), titles, totals)
    _write_checks(wb.create_sheet("Checks"), model, totals, hecon_totals, ex.setting_names)
    _write_about(about, model, titles, ex.notes, fixed)
    return wb, ex.notes


# ---------------------------------------------------------------- Inputs
def _write_inputs(ex: _Exporter, wb: Workbook, ws: Worksheet) -> None:
    spec = ex.spec
    s = spec.settings
    ws["A1"] = f"Inputs of '{spec.title}'" if spec.title else "Inputs"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Yellow cells are inputs: change one (by its defined name) and the model recalculates."
    row = 4
    _header(ws, row, ["setting", "defined name", "value", "unit", "description", "note"])
    static_ctx = FormulaContext(
        lambda n: ex.use(ex.setting_names[n] if n in ("cycle_years", "cycle_days") else ex.parameter_names[n])
    )
    ex.reader = ex.setting_names["proportion_male"]
    ex.uses[ex.setting_names["cycle_years"]] = {ex.setting_names["cycle_days"]}
    ex.uses[ex.setting_names["n_cycles"]] = {ex.setting_names["horizon_years"], ex.setting_names["cycle_days"]}
    values: dict[str, str | float] = {
        "cycle_days": float(s.cycle_length_days),
        "cycle_years": f"={ex.setting_names['cycle_days']}/{number(DAYS_PER_YEAR)}",
        "start_age": float(s.start_age),
        "proportion_male": male
        if (male := _constant(str(s.proportion_male))) is not None
        else "=" + _translate(str(s.proportion_male), static_ctx, Element("setting", "proportion_male")),
        "discount_rate_costs": float(s.discount_rate_costs),
        "discount_rate_effects": float(s.discount_rate_effects),
        "horizon_years": float(s.horizon_years),
        "n_cycles": _n_cycles_formula(ex),
        "max_cycles": float(ex.model.n_cycles),
    }
    for name, unit, description in SETTING_NAMES:
        row += 1
        defined = ex.setting_names[name]
        ws.cell(row, 1, name)
        ws.cell(row, 2, defined)
        cell = ws.cell(row, 3, values[name])
        if not str(values[name]).startswith("=") and name != "max_cycles":
            cell.fill = _INPUT_FILL
        ws.cell(row, 4, unit)
        ws.cell(row, 5, description)
        if name in DO_NOT_EDIT:
            ws.cell(row, 6, f"{FIXED}: {DO_NOT_EDIT[name]}; do not edit").font = _BOLD
        else:
            ex.note_cells[defined] = (ws.title, row, 6)
        _define(wb, defined, ws.title, row, 3)
    row += 1
    fixed = (
        ("within_cycle", s.within_cycle, "weights on the strategy sheets"),
        ("discount_timing", s.discount_timing, "'cycle': (1+r)^-t; 'annual': (1+r)^-floor(t)"),
    )
    for name, value, note in fixed:
        row += 1
        ws.cell(row, 1, name)
        ws.cell(row, 3, value).font = _ITALIC
        ws.cell(row, 5, note)
        ws.cell(row, 6, f"{FIXED}: written into the formulas; editing it changes nothing").font = _BOLD
    row += 2
    _header(
        ws,
        row,
        ["parameter", "defined name", "value", "hecon formula", "unit", "description", "source", "PSA", "note"],
    )
    for p in spec.parameters:
        row += 1
        ws.cell(row, 1, p.name)
        ws.cell(row, 4, str(p.value))
        ws.cell(row, 5, p.unit)
        ws.cell(row, 6, p.description)
        ws.cell(row, 7, p.source)
        ws.cell(row, 8, _distribution_text(p.distribution))
        if p.name in ex.dynamic:
            ws.cell(row, 3, "depends on time or a curve, schedule or life table: written out where it is used")
            continue
        defined = ex.parameter_names[p.name]
        ex.reader = defined
        ex.note_cells[defined] = (ws.title, row, 9)
        ws.cell(row, 2, defined)
        text = ex.base[p.name].text
        cell = ws.cell(row, 3)
        constant = _constant(text)
        if constant is not None:
            cell.value = constant
            cell.fill = _INPUT_FILL
        else:
            cell.value = "=" + _translate(text, static_ctx, Element("parameter", p.name, part="value"))
        _define(wb, defined, ws.title, row, 3)
    own = [(sm, n, d) for sm in ex.model.strategies for n, d in ex.own_names[sm.name].items()]
    if own:
        row += 2
        _header(ws, row, ["strategy", "defined name", "value", "hecon formula", "parameter", "note"])
        for sm, n, defined in own:
            row += 1
            ex.reader = defined
            ex.note_cells[defined] = (ws.title, row, 6)
            ctx = _Names(ex, sm).context({k: ex.setting_names[k] for k in ("cycle_years", "cycle_days")})
            ws.cell(row, 1, sm.name)
            ws.cell(row, 2, defined)
            ws.cell(row, 4, sm.parameters[n].text)
            ws.cell(row, 5, n)
            constant = sm.parameters[n].constant
            if constant is not None:
                ws.cell(row, 3, constant).fill = _INPUT_FILL
            else:
                where = Element("parameter", n, strategy=sm.name, part="value")
                ws.cell(row, 3, "=" + _translate(sm.parameters[n].text, ctx, where))
            _define(wb, defined, ws.title, row, 3)
    for col, width in zip("ABCDEFGHI", (24, 24, 14, 30, 12, 40, 30, 24, 40)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "B5"


def _label_fixed(ex: _Exporter, wb: Workbook) -> list[str]:
    """Mark the named inputs that no total reads (a parameter no formula uses, a base value every
    strategy replaces by its own, start_age without age or a life table): editing them changes
    nothing. Returns their names."""
    live = ex.live()
    unused = [name for name in ex.note_cells if name not in live]
    for name in unused:
        sheet, row, col = ex.note_cells[name]
        ws = wb[sheet]
        ws.cell(row, col, f"{FIXED}: no result reads it; editing it changes nothing").font = _BOLD
        ws.cell(row, 3).fill = PatternFill(fill_type=None)
    return unused


def _write_schedules(ex: _Exporter, ws: Worksheet) -> None:
    """The dosing schedules as a table of segments (input cells): administrations on days
    start + i x every that are before the end, each of ``amount``."""
    ws["A1"] = "Schedules: administrations on days start_day + i x every_days (i = 0, 1, ...) before end_day"
    ws["A1"].font = Font(bold=True, size=14)
    _header(ws, 3, ["schedule", "start_day", "every_days", "end_day", "amount", "description"])
    row = 3
    sheet = quote_sheet(ws.title)
    for sch in ex.spec.schedules:
        cells = ex.schedule_cells.setdefault(sch.name, [])
        for seg in sch.segments:
            row += 1
            ws.cell(row, 1, sch.name)
            for col, value in ((2, seg.start_day), (3, seg.every_days), (5, seg.amount)):
                ws.cell(row, col, float(value)).fill = _INPUT_FILL
            if seg.end_day is None:
                ws.cell(row, 4, "(no end)")
            else:
                ws.cell(row, 4, float(seg.end_day)).fill = _INPUT_FILL
            ws.cell(row, 6, sch.description)
            end = None if seg.end_day is None else f"{sheet}!$D${row}"
            cells.append((f"{sheet}!$B${row}", f"{sheet}!$C${row}", end, f"{sheet}!$E${row}"))
    for letter, width in zip("ABCDEF", (24, 12, 12, 12, 10, 50)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"


def _write_life_table(ex: _Exporter, wb: Workbook, ws: Worksheet, table: LifeTable) -> None:
    """The life table as input cells: age, qx of men, qx of women (one-year death probabilities)."""
    ws["A1"] = f"Life table '{table.name}': one-year death probabilities qx by age and sex"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = table.source
    _header(ws, 3, ["age", "qx male", "qx female"])
    n = len(table.ages)
    for i, (age, qm, qf) in enumerate(zip(table.ages, table.qx_male, table.qx_female), start=4):
        ws.cell(i, 1, age)
        ws.cell(i, 2, qm).fill = _INPUT_FILL
        ws.cell(i, 3, qf).fill = _INPUT_FILL
    for col, key in ((1, "age"), (2, "male"), (3, "female")):
        letter = get_column_letter(col)
        ref = f"{quote_sheet(ws.title)}!${letter}$4:${letter}${n + 3}"
        name = ex.table_names[table.name][key]
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    ws.freeze_panes = "A4"
    for letter in "ABC":
        ws.column_dimensions[letter].width = 14


def _constant(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _distribution_text(d: Distribution | None) -> str:
    if d is None:
        return ""
    if d.kind == "empirical":  # the table of draws stays in the hecon workbook (Draws sheet)
        e = empirical_summary(d)
        return f"empirical({e.rows} joint draws, mean={e.mean:.6g}, 2.5%={e.low:.6g}, 97.5%={e.high:.6g})"
    return f"{d.kind}(" + ", ".join(f"{k}={v}" for k, v in d.args.items()) + ")"


def _define(wb: Workbook, name: str, sheet: str, row: int, col: int) -> None:
    ref = f"{quote_sheet(sheet)}!${get_column_letter(col)}${row}"
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _header(ws: Worksheet, row: int, labels: Sequence[str]) -> None:
    for i, label in enumerate(labels, start=1):
        cell = ws.cell(row, i, label)
        cell.font = _BOLD
        cell.fill = _HEAD_FILL


# ---------------------------------------------------------------- strategy sheets
@dataclass(frozen=True)
class StrategyTotals:
    """Cells (sheet-qualified) of a strategy's totals: outcome label -> (discounted, undiscounted)."""

    cells: dict[str, tuple[str, str]]
    cost_labels: tuple[str, ...]
    row_sum_range: str
    probability_range: str


def _write_strategy(ex: _Exporter, ws: Worksheet, sm: StrategyModel) -> StrategyTotals:
    model = ex.model
    T = model.n_cycles
    last = FIRST_ROW + T  # the row of point T
    names = _Names(ex, sm)
    sheet = _Sheet(ws)
    cy = ex.use(ex.setting_names["cycle_years"])
    for setting in ("discount_rate_costs", "discount_rate_effects", "n_cycles", "max_cycles"):
        ex.use(ex.setting_names[setting])  # discount factors, weights, the horizon check of the totals

    def variables(r: str, j: int) -> dict[str, str]:
        return {
            "model_time": f"$A{r}",
            "model_years": f"$B{r}",
            "age": f"$C{r}",
            "state_time": str(j),
            "state_years": f"({j}*{cy})",
            "cycle_years": cy,
            "cycle_days": ex.setting_names["cycle_days"],
        }

    templates: dict[tuple[int, int], str] = {}

    def formula(e: Expression, r: int, j: int, where: Location) -> str:
        """Excel text of ``e`` in row r for state time j (translated once per expression and j)."""
        if e.constant is not None:
            return number(e.constant)
        key = (id(e), j)
        if key not in templates:
            templates[key] = _translate(e.text, names.context(variables(_ROW, j), functions), where)
        return templates[key].replace(_ROW, str(r))

    sheet.add("cycle", "model_time", "0")
    sheet.add("years", "model_years", EFFECT)
    sheet.add("age", "years", EFFECT)

    points = range(FIRST_ROW, last + 1)  # rows of the trace points 0..T
    cycles = range(FIRST_ROW, last)  # rows of the cycles 0..T-1 (probabilities, one-off rewards)

    def put(letter: str, first: int, values: Sequence[str | float]) -> None:
        """Write ``values`` down the column from row ``first``, in the column's number format."""
        c = column_index_from_string(letter)
        fmt = sheet.number_format(letter)
        style = None
        for r, value in enumerate(values, start=first):
            cell = ws.cell(r, c, value)
            if fmt is None:
                continue
            if style is None:
                cell.number_format = fmt
                style = copy(cell._style)
            else:
                cell._style = copy(style)  # the same style as the first cell (faster than setting the format)

    put("A", FIRST_ROW, [r - FIRST_ROW for r in points])
    put("B", FIRST_ROW, [f"=A{r}*{cy}" for r in points])
    put("C", FIRST_ROW, [f"={ex.setting_names['start_age']}+B{r}" for r in points])

    # ---- general-population mortality of the cohort (gp_mort), per life table used
    functions: dict[str, ModelFunction] = {}
    gp_col: dict[str, str] = {}
    for table in _tables_used(model, sm):
        gp_col[table] = _write_gp_mort(ex, sheet, put, sm, table, points, formula)

    def gp_mort(refs: Sequence[str | None], args: Sequence[str]) -> str:
        table = refs[0] if refs else None
        return f"${gp_col[_table_name(model, table)]}{_ROW}"

    functions["gp_mort"] = gp_mort

    def curve(name: str, years: str, hazard: bool = False) -> str:
        """Excel text of the adjusted survival of curve ``name`` at ``years`` (Excel text) [years],
        or with ``hazard`` its hazard [1/year]."""
        c = model.curves[name]
        if sm.reads.get(f"c:{name}", frozenset()) & STATE_TIME_VARIABLES:
            raise Unsupported(f"the parameters of curve '{name}' read state_time, which the export cannot express")
        ctx = names.context(variables(_ROW, 0), functions)
        params = {k: to_excel(e.text, ctx) for k, e in c.parameters.items()}
        hr, af, cure = (to_excel(e.text, ctx) for e in (c.hazard_ratio, c.acceleration_factor, c.cure_fraction))
        if c.distribution == "gengamma" and abs(ex.base_value(sm, c.parameters["Q"])) < GENGAMMA_Q_SERIES:
            note = f"curve '{name}': {GENGAMMA_SMALL_Q_NOTE}"
            if note not in ex.notes:
                ex.notes.append(note)
        per_year = "" if c.time_unit_days == DAYS_PER_YEAR else f"({number(DAYS_PER_YEAR)}/{number(c.time_unit_days)})"
        t = f"{_paren(years)}*{per_year}" if per_year else years
        if not hazard:
            return adjusted_survival(c.distribution, params, t, hr, af, cure)
        h = adjusted_hazard(c.distribution, params, t, hr, af, cure)
        return f"{_paren(h)}*{per_year}" if per_year else h

    def hazard(refs: Sequence[str | None], args: Sequence[str]) -> str:
        return curve(str(refs[0]), args[0], hazard=True)

    functions["hazard"] = hazard

    def surv(refs: Sequence[str | None], args: Sequence[str]) -> str:
        return curve(str(refs[0]), args[0])

    def surv_prob(refs: Sequence[str | None], args: Sequence[str]) -> str:
        # 1 - S(t1) / S(t0) over the cycle that starts at `clock` cycles; 1 once S(t0) = 0
        clock = args[0] if args else f"$A{_ROW}"
        start = f"{_paren(clock)}*{cy}"
        s0, s1 = curve(str(refs[0]), start), curve(str(refs[0]), f"{start}+{cy}")
        return f"IF({s0}<>0,(({s0})-({s1}))/({s0}),1)"

    functions["surv"] = surv

    def doses(refs: Sequence[str | None], args: Sequence[str]) -> str:
        # administrations in [a, b), a = clock x cycle_days: Σ amount max(0, N(min(b, end)) - N(a)),
        # N(x) = max(0, ceil((x - start - 1E-9) / every)) (hecon.methods.schedules.administrations)
        cd = ex.setting_names["cycle_days"]
        clock = args[0] if args else f"$A{_ROW}"
        a = f"{_paren(clock)}*{cd}"
        b = f"{a}+{cd}"
        terms = []
        for start, every, end, amount in ex.schedule_cells[str(refs[0])]:
            hi = b if end is None else f"MIN({b},{end})"
            n_hi = f"MAX(0,-INT(-(({hi})-{start}-1E-9)/{every}))"
            n_a = f"MAX(0,-INT(-(({a})-{start}-1E-9)/{every}))"
            terms.append(f"{amount}*MAX(0,{n_hi}-{n_a})")
        return "+".join(terms)

    functions["doses"] = doses

    functions["surv_prob"] = surv_prob

    # ---- parameters that change with model time: one column each (state_time ones are written out)
    for n in sm.parameters:
        if not ex.static(sm, n) and not (sm.reads.get(f"p:{n}", frozenset()) & STATE_TIME_VARIABLES):
            names.columns[n] = sheet.add(n, "parameter at the cycle", None)
    for n, letter in names.columns.items():
        where = Element("parameter", n, strategy=sm.name, part="value")
        put(letter, FIRST_ROW, ["=" + formula(sm.parameters[n], r, 0, where) for r in points])

    partitioned = model.spec.settings.structure == PARTITIONED_SURVIVAL
    first_prob = last_prob = ""
    edge_prob: list[str] = []
    held: dict[str, str] = {}  # partitioned survival: partition state -> column of its held survival C_k
    if partitioned:
        trace_col = _write_partition(sheet, put, sm, model, points, formula, held)
    else:
        # ---- transition probabilities of cycle k (rows of points 0..T-1)
        row_col: dict[tuple[int, int], str] = {}
        comp_col: dict[tuple[str, int], str] = {}
        first_prob = ""
        for g in sm.groups:
            for j in range(g.tunnel):
                tag = f"[{j}]" if g.tunnel > 1 else ""
                mine = []
                for row in g.rows:
                    k = sm.rows.index(row)
                    letter = sheet.add(f"P({row.from_state}{tag} -> {row.to_state})", "probability")
                    first_prob = first_prob or letter
                    row_col[(k, j)] = letter
                    mine.append(letter)
                    assert row.expr is not None
                    where = Element("transition", strategy=sm.name, source=row.from_state, target=row.to_state)
                    expr = row.expr
                    put(letter, FIRST_ROW, ["=" + formula(expr, r, j, where) for r in cycles])
                if g.complement is not None:
                    letter = sheet.add(f"P({g.state}{tag} -> {g.complement.to_state}) #", "probability (the rest)")
                    first_prob = first_prob or letter
                    comp_col[(g.state, j)] = letter
                    put(letter, FIRST_ROW, ["=1-" + _sum_of(mine, r) for r in cycles])
        last_prob = sheet.columns[-1].letter

        # ---- trace
        trace_col = []
        for name in model.state_names:
            trace_col.append(sheet.add(name, "share of the cohort"))
        incoming: dict[int, list[tuple[str, str]]] = {i: [] for i in range(model.n_states)}
        for e in range(sm.src.size):
            src, dst, k, j = int(sm.src[e]), int(sm.dst[e]), int(sm.edge_row[e]), int(sm.edge_j[e])
            p = row_col[(k, j)] if k >= 0 else comp_col[(model.state_of[src], j)]
            edge_prob.append(p)
            incoming[dst].append((trace_col[src], p))
        initial = {model.slices[s].start: e for s, e in sm.initial.items()}
        for i, letter in enumerate(trace_col):
            init = initial.get(i)
            where = Element("initial", model.state_of[i], part="share")
            ws.cell(
                FIRST_ROW,
                column_index_from_string(letter),
                0.0 if init is None else "=" + formula(init, FIRST_ROW, 0, where),
            )
            put(letter, FIRST_ROW + 1, [_flow_in(incoming[i], r) for r in points[1:]])
    row_sum = sheet.add("trace sum", "should be 1")
    put(row_sum, FIRST_ROW, [f"=SUM({trace_col[0]}{r}:{trace_col[-1]}{r})" for r in points])

    # ---- state values at each point
    cols = outcome_columns(model)
    value_col: dict[Outcome, str] = {}
    for col in cols:
        fmt = MONEY if col.kind == "cost" else EFFECT
        letter = sheet.add(col.label, "per year x cycle_years" if col.per_year else "per cycle", fmt)
        value_col[col] = letter
        terms = _state_terms(ex, sm, col)
        if partitioned:  # only the states the partition lists are occupied
            listed = {state for state, _ in sm.partition}
            terms = [t for t in terms if model.state_of[t[0][0]] in listed]
        put(letter, FIRST_ROW, [_value_formula(terms, col, r, cy, formula, trace_col) for r in points])

    # ---- weights and discount factors
    weight = sheet.add(f"within-cycle weight ({ex.spec.settings.within_cycle})", "cycles")
    put(weight, FIRST_ROW, [_weight(ex, r - FIRST_ROW, r) for r in points])
    rates = {"costs": ex.setting_names["discount_rate_costs"], "effects": ex.setting_names["discount_rate_effects"]}
    annual = ex.spec.settings.discount_timing == "annual"
    discount: dict[str, str] = {}
    mid: dict[str, str] = {}
    for kind, rate in rates.items():
        discount[kind] = sheet.add(f"discount factor {kind}", "at the point")
        t = "INT(B{r}+1E-9)" if annual else "B{r}"
        put(discount[kind], FIRST_ROW, [f"=(1+{rate})^-{t.format(r=r)}" for r in points])
        mid[kind] = sheet.add(f"mid-cycle discount factor {kind}", "one-off rewards of the cycle")
        tm = "INT((A{r}+0.5)*" + cy + "+1E-9)" if annual else "((A{r}+0.5)*" + cy + ")"
        put(mid[kind], FIRST_ROW, [f"=(1+{rate})^-{tm.format(r=r)}" for r in cycles])

    # ---- one-off transition rewards of cycle k, counted for the cycles k < n_cycles
    in_horizon = ""
    if sm.rewards:
        in_horizon = sheet.add("cycle in the horizon", "1: model_time < n_cycles", "0")
        put(in_horizon, FIRST_ROW, [f"=IF(A{r}<{ex.setting_names['n_cycles']},1,0)" for r in cycles])
    reward_cols: dict[Outcome, list[str]] = {}
    for rr in sm.rewards:
        target = reward_column(rr.reward)
        fmt = MONEY if target.kind == "cost" else EFFECT
        header = f"{target.label}: {rr.reward.from_state} -> {rr.reward.to_state}"
        letter = sheet.add(header, "one-off, per cycle", fmt)
        reward_cols.setdefault(target, []).append(letter)
        where = Element("reward", strategy=sm.name, source=rr.reward.from_state, target=rr.reward.to_state)
        if partitioned:
            # on entering partition row k from any state: the fall of C_(k-1) over the cycle
            rows = [state for state, _ in sm.partition]
            if rr.reward.from_state != ANY_STATE or rr.reward.to_state not in rows[1:]:
                put(letter, FIRST_ROW, [0.0 for r in cycles])
                continue
            above = held[rows[rows.index(rr.reward.to_state) - 1]]
            put(
                letter,
                FIRST_ROW,
                [f"=({above}{r}-{above}{r + 1})*{_paren(formula(rr.expr, r, 0, where))}" for r in cycles],
            )
            continue
        flows = [(trace_col[int(sm.src[e])], edge_prob[e], int(sm.edge_j[e])) for e in rr.edges]
        put(letter, FIRST_ROW, [_reward_formula(flows, rr.expr, r, formula, where) for r in cycles])
    start_terms: dict[Outcome, list[str]] = {}
    for reward, expr in sm.start_rewards:
        where = Element("reward", strategy=sm.name, source=reward.from_state, target=reward.to_state)
        occ = f"{trace_col[model.slices[reward.to_state].start]}{FIRST_ROW}"
        start_terms.setdefault(reward_column(reward), []).append(f"{occ}*{_paren(formula(expr, FIRST_ROW, 0, where))}")

    ws["A1"] = f"Strategy '{sm.name}': Markov trace and values, one row per cycle"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "total (discounted)"
    ws["A3"] = "total (undiscounted)"
    for i, column in enumerate(sheet.columns, start=1):
        for at, text in ((HEADER_ROW, column.header), (HEADER_ROW + 1, column.unit)):
            cell = ws.cell(at, i, text)
            cell.font = _BOLD if at == HEADER_ROW else _ITALIC
            cell.fill = _HEAD_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[column.letter].width = max(10, min(28, len(column.header) + 2))
    sheet_ref = quote_sheet(ws.title)
    fits = f"AND({ex.setting_names['n_cycles']}>=1,{ex.setting_names['n_cycles']}<={ex.setting_names['max_cycles']})"
    out: dict[str, tuple[str, str]] = {}
    for col in cols:
        v = value_col[col]
        kind = col.discount
        rng = f"{v}{FIRST_ROW}:{v}{last}"
        w = f"{weight}{FIRST_ROW}:{weight}{last}"
        d = f"{discount[kind]}{FIRST_ROW}:{discount[kind]}{last}"
        disc = [f"SUMPRODUCT({rng},{w},{d})"]
        undisc = [f"SUMPRODUCT({rng},{w})"]
        for rc in reward_cols.get(col, []):
            inside = f"{in_horizon}{FIRST_ROW}:{in_horizon}{last - 1}"
            m = f"{mid[kind]}{FIRST_ROW}:{mid[kind]}{last - 1}"
            disc.append(f"SUMPRODUCT({rc}{FIRST_ROW}:{rc}{last - 1},{m},{inside})")
            undisc.append(f"SUMPRODUCT({rc}{FIRST_ROW}:{rc}{last - 1},{inside})")
        disc += start_terms.get(col, [])
        undisc += start_terms.get(col, [])
        ws[f"{v}2"] = f"=IF({fits},{'+'.join(disc)},NA())"
        ws[f"{v}3"] = f"=IF({fits},{'+'.join(undisc)},NA())"
        ws[f"{v}2"].font = ws[f"{v}3"].font = _BOLD
        ws[f"{v}2"].number_format = ws[f"{v}3"].number_format = sheet.number_format(v) or "General"
        out[col.label] = (f"{sheet_ref}!${v}$2", f"{sheet_ref}!${v}$3")
    ws.freeze_panes = f"D{FIRST_ROW}"
    return StrategyTotals(
        out,
        tuple(c.label for c in cols if c.kind == "cost"),
        f"{sheet_ref}!{row_sum}{FIRST_ROW}:{row_sum}{last}",
        f"{sheet_ref}!{first_prob}{FIRST_ROW}:{last_prob}{last - 1}" if first_prob else "",
    )


def _table_name(model: CompiledModel, table: str | None) -> str:
    """The life table that ``gp_mort(table)`` reads (the settings' table, else the first, by default)."""
    spec = model.spec
    return table or spec.settings.life_table or spec.life_tables[0].name


def _tables_used(model: CompiledModel, sm: StrategyModel) -> list[str]:
    """Life tables that the strategy's expressions read through gp_mort, in model order."""
    exprs: list[Expression] = list(sm.parameters.values()) + [r.expr for r in sm.rows if r.expr is not None]
    exprs += [rr.expr for rr in sm.rewards] + [e for _, e in sm.start_rewards]
    exprs += list(model.utility.values())
    for by_state in list(model.costs.values()) + list(model.counts.values()):
        exprs += list(by_state.values())
    for c in model.curves.values():
        exprs += list(c.parameters.values()) + [c.hazard_ratio, c.acceleration_factor, c.cure_fraction]
    used = {_table_name(model, ref) for e in exprs for kind, ref in e.refs if kind == "table"}
    return [t.name for t in model.spec.life_tables if t.name in used]


def _write_gp_mort(
    ex: _Exporter,
    sheet: _Sheet,
    put: Callable[[str, int, Sequence[str | float]], None],
    sm: StrategyModel,
    table: str,
    points: range,
    formula: Callable[[Expression, int, int, Location], str],
) -> str:
    """Columns of the cohort's general-population death probability from life table ``table``
    (:func:`hecon.methods.lifetable.cohort_death_probability`): each sex's qx at
    floor(age) (the table's last age beyond it), converted to the cycle, 1 - (1 - qx)^cycle_years;
    each sex's survival S; the share of men among survivors w = m S_m / (m S_m + (1 - m) S_f);
    p = w p_m + (1 - w) p_f (1 once nobody is left). Returns the column of p."""
    names = ex.table_names[table]
    cy = ex.setting_names["cycle_years"]
    first = points[0]
    m = ex.use(ex.setting_names["proportion_male"])  # the named cell on Inputs, so that an edit there counts
    ex.use(ex.setting_names["start_age"])  # the age column
    if sm.proportion_male.names & _dependants(sm, set(sm.overridden)):
        # it reads a value of this strategy's own: written out with the strategy's named cells
        m = f"({formula(sm.proportion_male, first, 0, Element('setting', 'proportion_male'))})"
    letters: dict[str, str] = {}
    for sex in ("male", "female"):
        qx = letters[f"qx_{sex}"] = sheet.add(f"qx {sex} ({table})", "per year, at floor(age)")
        put(qx, first, [f"=INDEX({names[sex]},MATCH(INT($C{r}+1E-9),{names['age']},1))" for r in points])
        p = letters[f"p_{sex}"] = sheet.add(f"p death {sex} ({table})", "per cycle")
        put(p, first, [f"=1-(1-{qx}{r})^{cy}" for r in points])
        surv = letters[f"s_{sex}"] = sheet.add(f"alive {sex} ({table})", "share of the sex")
        put(surv, first, [1.0] + [f"={surv}{r - 1}*(1-{p}{r - 1})" for r in points[1:]])
    sm_, sf = letters["s_male"], letters["s_female"]
    share = sheet.add(f"share of men alive ({table})", "w")
    put(
        share,
        first,
        [f"=IF({m}*{sm_}{r}+(1-{m})*{sf}{r}>0,{m}*{sm_}{r}/({m}*{sm_}{r}+(1-{m})*{sf}{r}),0)" for r in points],
    )
    gp = sheet.add(f"gp_mort({table})", "per cycle")
    pm, pf = letters["p_male"], letters["p_female"]
    alive = "{m}*{s}{r}+(1-{m})*{f}{r}"
    put(
        gp,
        first,
        [f"=IF({alive.format(m=m, s=sm_, f=sf, r=r)}>0,{share}{r}*{pm}{r}+(1-{share}{r})*{pf}{r},1)" for r in points],
    )
    return gp


def _paren(text: str) -> str:
    return text if text.replace(".", "").replace("_", "").isalnum() else f"({text})"


def _sum_of(letters: Sequence[str], r: int) -> str:
    if not letters:
        return "0"
    return "(" + "+".join(f"{x}{r}" for x in letters) + ")" if len(letters) > 1 else f"{letters[0]}{r}"


def _flow_in(incoming: Sequence[tuple[str, str]], r: int) -> str | float:
    """Occupancy at point r - FIRST_ROW: Σ over edges into the state of occupancy x probability, one row up."""
    if not incoming:
        return 0.0
    return "=" + "+".join(f"{src}{r - 1}*{p}{r - 1}" for src, p in incoming)


_Formula = Callable[[Expression, int, int, Location], str]
_Term = tuple[tuple[int, ...], Expression | None, int, Location]  # (sub-states, value; None = 1, state time, where)


def _write_partition(
    sheet: _Sheet,
    put: Callable[[str, int, Sequence[str | float]], None],
    sm: StrategyModel,
    model: CompiledModel,
    points: range,
    formula: Callable[[Expression, int, int, Location], str],
    held: dict[str, str],
) -> list[str]:
    """Partitioned survival (:mod:`hecon.engine.partitioned`): each row's survival C_k clipped to
    [0, 1]; held monotone across rows from the last boundary up, C_k = min(C_k, C_(k+1)); the
    occupancy x_0 = C_0, x_k = C_k - C_(k-1), the last row 1 - C_(n-2); states not listed 0.
    Fills ``held`` and returns the trace columns (one per expanded state)."""
    first = points[0]
    rows = list(sm.partition)
    raw: dict[str, str] = {}
    for state, expr in rows[:-1]:
        assert expr is not None  # only the last row is the rest (checked by the compiler)
        letter = raw[state] = sheet.add(f"survival to {state} or better", "C_k, clipped to [0, 1]")
        where = Element("partition", state, strategy=sm.name, part="survival")
        put(letter, first, [f"=MIN(1,MAX(0,{formula(expr, r, 0, where)}))" for r in points])
    for k in range(len(rows) - 2, -1, -1):
        state = rows[k][0]
        letter = held[state] = sheet.add(f"held survival {state}", "min(C_k, C_(k+1))")
        if k == len(rows) - 2:
            put(letter, first, [f"={raw[state]}{r}" for r in points])
        else:
            following = held[rows[k + 1][0]]
            put(letter, first, [f"=MIN({raw[state]}{r},{following}{r})" for r in points])
    crossing = sheet.add("curves cross", "1: a later curve is below an earlier one", "0")
    over = [f"{raw[rows[k][0]]}{{r}}>{held[rows[k][0]]}{{r}}" for k in range(len(rows) - 1)]
    put(crossing, first, [f"=IF(OR({','.join(o.format(r=r) for o in over)}),1,0)" for r in points])
    trace_col = [sheet.add(name, "share of the cohort") for name in model.state_names]
    for i in range(len(model.state_names)):
        row = next((j for j, (state, _) in enumerate(rows) if state == model.state_of[i]), None)
        if row is None or i != model.slices[model.state_of[i]].start:
            values: list[str | float] = [0.0 for r in points]
        elif row == 0:
            values = [f"={held[rows[0][0]]}{r}" for r in points]
        elif row == len(rows) - 1:
            values = [f"=1-{held[rows[row - 1][0]]}{r}" for r in points]
        else:
            values = [f"={held[rows[row][0]]}{r}-{held[rows[row - 1][0]]}{r}" for r in points]
        put(trace_col[i], first, values)
    return trace_col


def _state_terms(ex: _Exporter, sm: StrategyModel, col: Outcome) -> list[_Term]:
    """What a value column sums over: sub-states (summed), their value and its state time."""
    model = ex.model
    terms: list[_Term] = []
    for s in model.spec.states:
        subs = tuple(range(model.slices[s.name].start, model.slices[s.name].stop))
        where: Location = Element("state", s.name, part="utility" if col == QALYS else col.label)
        value: Expression | None
        if col == LYS:
            if s.is_dead:
                continue
            value = None
        elif col.kind == "time":
            if col.name not in s.flags:
                continue
            value = None
        else:
            table = (
                model.utility
                if col == QALYS
                else (model.costs if col.kind == "cost" else model.counts).get(col.name, {})
            )
            found = table.get(s.name)
            if found is None or found.constant == 0.0:
                continue
            value = found
        if value is not None and sm.variables_read(value) & STATE_TIME_VARIABLES:
            terms += [((i,), value, j, where) for j, i in enumerate(subs)]
        else:
            terms.append((subs, value, 0, where))
    return terms


def _value_formula(
    terms: Sequence[_Term], col: Outcome, r: int, cy: str, formula: _Formula, trace_col: Sequence[str]
) -> str | float:
    parts = []
    for subs, value, j, where in terms:
        occ = "+".join(f"{trace_col[i]}{r}" for i in subs)
        occ = f"({occ})" if len(subs) > 1 and value is not None else occ
        if value is None or value.constant == 1.0:
            parts.append(occ)
        else:
            parts.append(f"{occ}*{_paren(formula(value, r, j, where))}")
    if not parts:
        return 0.0
    total = "+".join(parts)
    return f"={cy}*({total})" if col.per_year else "=" + total


def _reward_formula(
    flows: Sequence[tuple[str, str, int]], expr: Expression, r: int, formula: _Formula, where: Location
) -> str | float:
    if not flows:
        return 0.0
    parts = [f"{src}{r}*{p}{r}*{_paren(formula(expr, r, j, where))}" for src, p, j in flows]
    return "=" + "+".join(parts)


def _n_cycles_formula(ex: _Exporter) -> str:
    """n_cycles = round(horizon_years x 365.25 / cycle_days), halves to even as Python's round."""
    x = f"{ex.setting_names['horizon_years']}*{number(DAYS_PER_YEAR)}/{ex.setting_names['cycle_days']}"
    return f"=IF(MOD({x},1)=0.5,2*ROUND({x}/2,0),ROUND({x},0))"


def _weight(ex: _Exporter, k: int, r: int) -> str | float:
    """The within-cycle weight of point k (row r) for N = n_cycles cycles, 0 beyond N
    (:func:`hecon.methods.within_cycle.cycle_weights`)."""
    N = ex.setting_names["n_cycles"]
    method = ex.spec.settings.within_cycle
    if method == "none":
        return f"=IF(A{r}<{N},1,0)"
    if method == "end":
        return f"=IF(AND(A{r}>0,A{r}<={N}),1,0)"
    if method in ("half-cycle", "trapezoid"):
        return f"=IF(A{r}>{N},0,IF(OR(A{r}=0,A{r}={N}),0.5,1))"
    if method == "simpson":
        # Simpson's 1/3 rule over the first n13 cycles (n13 = N if N is even, else N - 3), then
        # Simpson's 3/8 rule over the last three; N = 1: the trapezoid
        n13 = f"IF(MOD({N},2)=0,{N},{N}-3)"
        third = f"IF(AND({n13}>0,A{r}<={n13}),IF(OR(A{r}=0,A{r}={n13}),1/3,IF(MOD(A{r},2)=1,4/3,2/3)),0)"
        eighth = f"IF(AND({n13}<{N},A{r}>={n13}),CHOOSE(A{r}-({n13})+1,1,3,3,1)*3/8,0)"
        return f"=IF(A{r}>{N},0,IF({N}=1,0.5,{third}+{eighth}))"
    # custom weights, one per trace point of the exported horizon: they do not follow a change
    return f"=IF({N}={ex.model.n_cycles},{number(float(ex.model.weights[k]))},NA())"


# ---------------------------------------------------------------- Results, Checks, About
def _write_results(ex: _Exporter, ws: Worksheet, titles: Sequence[str], totals: Sequence[StrategyTotals]) -> None:
    headers = ["strategy", "costs", "qalys", "lys", "costs_undiscounted", "qalys_undiscounted", "lys_undiscounted"]
    _header(ws, 1, headers)
    for i, (sm, t) in enumerate(zip(ex.model.strategies, totals), start=2):
        ws.cell(i, 1, sm.name)
        for which, offset in ((0, 2), (1, 5)):
            costs = "+".join(t.cells[c][which] for c in t.cost_labels) or "0"
            ws.cell(i, offset, f"={costs}")
            ws.cell(i, offset + 1, f"={t.cells['qalys'][which]}")
            ws.cell(i, offset + 2, f"={t.cells['lys'][which]}")
    n = len(totals)
    row = n + 4
    names = [sm.name for sm in ex.model.strategies]
    comparator = ex.spec.settings.comparator
    if comparator not in names:  # the settings' comparator, else the first decision option
        comparator = ex.spec.options[0] if ex.spec.options else names[0]
    c = 2 + names.index(comparator)
    ws.cell(row - 1, 1, f"Incremental analysis (discounted): each strategy against {names[c - 2]}").font = _BOLD
    _header(
        ws,
        row,
        ["strategy", "comparator", "incremental costs", "incremental qalys", "ICER (costs per QALY)", "quadrant"],
    )
    for i in range(n):
        r = row + 1 + i
        ws.cell(r, 1, f"=A{i + 2}")
        ws.cell(r, 2, f"=$A${c}")
        ws.cell(r, 3, f"=B{i + 2}-$B${c}")
        ws.cell(r, 4, f"=C{i + 2}-$C${c}")
        ws.cell(r, 3).number_format = ws.cell(r, 5).number_format = "#,##0.00"
        ws.cell(r, 4).number_format = "0.000000"
        if i + 2 == c:
            ws.cell(r, 6, "the comparator")
        else:
            ws.cell(r, 5, _icer_formula(f"C{r}", f"D{r}"))
            ws.cell(r, 6, _quadrant_formula(f"C{r}", f"D{r}"))
    # the frontier of the decision's options only (a reference strategy is outside it)
    rows = [i + 2 for i, name in enumerate(names) if name in ex.spec.options]
    write_frontier(ws, row + n + 2, [names[r - 2] for r in rows], [f"$B${r}" for r in rows], [f"$C${r}" for r in rows])
    for col, width in zip("ABCDEFGH", (28, 16, 16, 20, 20, 44, 20, 20)):
        ws.column_dimensions[col].width = width
    for r in range(2, n + 2):
        ws.cell(r, 2).number_format = ws.cell(r, 5).number_format = "#,##0.00"
        for c in (3, 4, 6, 7):
            ws.cell(r, c).number_format = "0.000000"
    ws.freeze_panes = "B2"


def _icer_formula(d_cost: str, d_qaly: str) -> str:
    """The ICER d_cost / d_qaly where it is a trade-off (more costly and more effective, or less
    costly and less effective); otherwise the word: 'dominant' (at least as effective and no
    costlier, better in one), 'dominated' (the reverse) or 'equal'."""
    dominant = f"AND({d_qaly}>=0,{d_cost}<=0)"
    dominated = f"AND({d_qaly}<=0,{d_cost}>=0)"
    equal = f"AND({d_qaly}=0,{d_cost}=0)"
    return f'=IF({equal},"equal",IF({dominant},"dominant",IF({dominated},"dominated",{d_cost}/{d_qaly})))'


def _quadrant_formula(d_cost: str, d_qaly: str) -> str:
    """The strategy's quadrant of the cost-effectiveness plane against the comparator, in words."""
    return (
        f'=IF(AND({d_qaly}=0,{d_cost}=0),"same costs and QALYs",'
        f'IF(AND({d_qaly}>=0,{d_cost}<=0),"dominant: at least as effective, no costlier",'
        f'IF(AND({d_qaly}<=0,{d_cost}>=0),"dominated: at most as effective, no cheaper",'
        f'IF({d_qaly}>0,"more effective, more costly: ICER = extra cost per QALY gained",'
        f'"less effective, less costly: ICER = saving per QALY lost"))))'
    )


def _flag(condition: str) -> str:
    """A check's verdict beside its value: OK or NOT OK."""
    return f'=IF({condition},"OK","NOT OK")'


def _write_checks(
    ws: Worksheet,
    model: CompiledModel,
    totals: Sequence[StrategyTotals],
    hecon: Sequence[HeconTotals],
    settings: Mapping[str, str],
) -> None:
    _header(
        ws,
        1,
        [
            "strategy",
            "max |trace sum - 1|",
            "trace sums",
            "min probability",
            "max probability",
            "probabilities",
            "costs (workbook)",
            "costs (hecon)",
            "qalys (workbook)",
            "qalys (hecon)",
            "lys (workbook)",
            "lys (hecon)",
            "max relative difference",
            "totals vs hecon",
        ],
    )
    for i, (sm, t, h) in enumerate(zip(model.strategies, totals, hecon), start=2):
        ws.cell(i, 1, sm.name)
        ws.cell(i, 2, f"=MAX(MAX({t.row_sum_range})-1,1-MIN({t.row_sum_range}))")
        ws.cell(i, 3, _flag(f"B{i}<={number(CHECK_TOLERANCE)}"))
        if t.probability_range:
            ws.cell(i, 4, f"=MIN({t.probability_range})")
            ws.cell(i, 5, f"=MAX({t.probability_range})")
            ws.cell(i, 6, _flag(f"AND(D{i}>=0,E{i}<=1)"))
        else:
            ws.cell(i, 6, "none (partitioned survival)")
        for col, workbook, value in ((7, "B", h.costs), (9, "C", h.qalys), (11, "D", h.lys)):
            ws.cell(i, col, f"=Results!{workbook}{i}")
            ws.cell(i, col + 1, value)
        rel = [f"ABS({a}{i}-{b}{i})/MAX(ABS({b}{i}),1E-300)" for a, b in (("G", "H"), ("I", "J"), ("K", "L"))]
        ws.cell(i, 13, f"=MAX({','.join(rel)})")
        ws.cell(i, 14, _flag(f"M{i}<={number(CHECK_TOLERANCE)}"))
    n = len(totals)
    ws.cell(
        n + 3,
        1,
        "hecon's totals were computed when the workbook was exported; after an input is changed they no "
        "longer apply. A trace sum differs from 1 by rounding only (about 1E-15). OK: a trace sum within "
        f"{number(CHECK_TOLERANCE)} of 1; probabilities in [0, 1]; totals within {number(CHECK_TOLERANCE)} "
        "relative of hecon's.",
    )
    n_cycles, max_cycles = settings["n_cycles"], settings["max_cycles"]
    ws.cell(n + 4, 1, "horizon")
    ws.cell(
        n + 4,
        2,
        f'=IF(AND({n_cycles}>=1,{n_cycles}<={max_cycles}),"OK: "&{n_cycles}&" cycles of the "&{max_cycles}&" written",'
        f'"NOT OK: "&{n_cycles}&" cycles, more than the "&{max_cycles}&" written (or none); export the model again")',
    )
    for letter in "ABCDEFGHIJKLMN":
        ws.column_dimensions[letter].width = 18
    ws.column_dimensions["A"].width = 28


def _write_about(
    ws: Worksheet, model: CompiledModel, titles: Sequence[str], notes: Sequence[str], unused: Sequence[str]
) -> None:
    spec = model.spec
    lines = [
        (f"{spec.title or 'hecon model'}: the deterministic model as live Excel formulas", True),
        ("Written by hecon export-excel. No macros, no add-ins, no external links.", False),
        *[(f"NOTE: {n}", True) for n in notes],
        ("", False),
        ("Sheets", True),
        (
            "Inputs: settings and parameters as named cells (yellow: values to change). The defined name of a "
            "parameter is its own name (a name Excel refuses, such as c1, is written _c1). A parameter that "
            "reads model time is a column of the strategy sheets; one that reads state time, a survival curve, a "
            "schedule or a life table is written out inside each formula that uses it. Schedules: dosing schedules "
            "as segments. Life table sheets: qx by age and sex (named ranges lt_<table>_age, _male, _female).",
            False,
        ),
    ]
    for sm, title in zip(model.strategies, titles):
        lines.append(
            (f"{title}: strategy '{sm.name}', one row per cycle k = 0..{model.n_cycles} (model_time = k).", False)
        )
    lines += [
        (
            "   Columns: cycle, years, age; general-population mortality (gp_mort) from a life table: each sex's qx at "
            "floor(age), its per-cycle probability and survival, the share of men among survivors; parameters that "
            "change with model time, one column each; P(from -> to): the transition probabilities of the cycle that "
            "starts at the row ('#' the rest: 1 minus the others) - or, for partitioned survival, each partition row's "
            "survival, held monotone across rows, and whether curves cross; the trace, one column per state (a tunnel "
            "state X of length L as X[0] .. X[L-1], state_time = the number in brackets); trace sum; the value of each "
            "outcome at the point "
            "(costs and counts per cycle, QALYs, life-years and flagged time per year x cycle_years); the within-cycle "
            "weight (0 beyond n_cycles); discount factors at the point and at mid-cycle; whether the cycle is in the "
            "horizon (model_time < n_cycles); one-off transition rewards of the cycle.",
            False,
        ),
        (
            f"   Row {HEADER_ROW}: the column headers; row {HEADER_ROW + 1}: their units; from row {FIRST_ROW}: one "
            "row per cycle. "
            "Row 2: total = SUMPRODUCT(value, weight, discount factor) + SUMPRODUCT(reward, mid-cycle factor, in "
            "horizon) + rewards on the start; row 3: the same undiscounted.",
            False,
        ),
        (
            "Results: the discounted totals per strategy in a table with the columns strategy, costs, qalys, lys (for "
            "scripts), the undiscounted totals; each strategy against the comparator; the efficiency frontier as "
            "formulas: the order by cost, strong dominance, the frontier built step by step (from each frontier "
            "strategy the lowest ICER to a costlier non-dominated one; a non-dominated strategy that is no step is "
            "extendedly dominated) and the incremental table along the frontier in the order of cost.",
            False,
        ),
        (
            "Checks: trace sums, probability ranges and hecon's own totals (from the export) beside the workbook's.",
            False,
        ),
        ("", False),
        ("Horizon", True),
        (
            f"Rows are written for the cycles 0..{model.n_cycles} (max_cycles on the Inputs sheet). n_cycles follows "
            "horizon_years and cycle_days: a horizon of fewer cycles gives the rows beyond it weight 0 (and their "
            "one-off rewards are not counted); a horizon of more cycles than the rows written makes the totals "
            "#N/A: export the model again with the longer horizon. Do not edit max_cycles, n_cycles or cycle_years "
            "(formulas and a count of the rows written)."
            + (
                " With custom within-cycle weights (one per row) the horizon cannot change: any other n_cycles "
                "makes the weights and the totals #N/A."
                if spec.settings.within_cycle == "custom"
                else ""
            ),
            False,
        ),
        ("", False),
        ("Do not edit", True),
        (
            "Cells marked FIXED on the Inputs sheet: "
            + "; ".join(f"{name} ({why})" for name, why in DO_NOT_EDIT.items())
            + ": editing them breaks the model; within_cycle and discount_timing: written into the formulas when "
            "exported, so editing them changes nothing (export again with another setting)"
            + (f"; no result reads {', '.join(unused)}, so editing them changes nothing" if unused else "")
            + ".",
            False,
        ),
    ]
    for i, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(i, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = _BOLD
    ws.column_dimensions["A"].width = 120
