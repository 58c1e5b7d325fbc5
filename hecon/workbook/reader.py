"""Reading an hecon workbook into a :class:`~hecon.model.spec.ModelSpec`.

The reader checks what can be checked cell by cell: sheets and columns present, cell types,
required cells, allowed values, duplicate names, constant probabilities in [0, 1],
distribution arguments, life-table ages, schedule segments. Every problem names its cell as
``Sheet!A12``. Problems that need the whole model (unknown names in formulas, circular
parameters, ...) are found by :mod:`hecon.workbook.validate`, which uses the
:class:`Locations` recorded here to point back at cells.

A cell with a problem is replaced by its column's default in the returned spec, so that the
model can still be checked as a whole; :func:`read_workbook` raises instead of returning it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml.common import DefusedXmlException
from openpyxl.utils import get_column_letter

from hecon.methods import lifetable, schedules
from hecon.methods.lifetable import BUNDLED_LIFETABLES, bundled_lifetable
from hecon.model import distributions, expressions
from hecon.model.limits import COLUMNS, CYCLES, EXPRESSION_CHARS, MIN_CYCLE_VALUES, ROWS, TUNNEL, cycles_beyond_memory
from hecon.model.problems import Cell, Element, FileLine, Location, ModelError, Problem, show_count, suggestion
from hecon.model.spec import (
    ANY_STATE,
    DAYS_PER_YEAR,
    OPTION,
    BudgetItem,
    Distribution,
    LifeTable,
    ModelSpec,
    Parameter,
    Partition,
    Scenario,
    Schedule,
    ScheduleSegment,
    Settings,
    State,
    Strategy,
    SurvivalCurve,
    SurvivalPoint,
    ThresholdQuery,
    Transition,
    TransitionReward,
    UtilityNorm,
)
from hecon.model.survival_points import check_survival_points
from hecon.workbook import cells, draws, schema, units
from hecon.workbook.files import open_book
from hecon.workbook.schema import (
    ALL_STRATEGIES,
    FIRST_DATA_ROW,
    HEADER_ROW,
    NOTE_PREFIX,
    UNIT_ROW,
    Column,
    SheetSchema,
)
from hecon.workbook.template_examples import EXAMPLE_COLUMN, example_problem

# --------------------------------------------------------------------------------------
# Records: one row of a sheet, typed, with its cell addresses
# --------------------------------------------------------------------------------------


@dataclass
class Record:
    """One data row: typed ``values`` by column name and the ``raw`` cell values."""

    sheet: str
    row: int
    letters: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)

    def cell(self, column: str) -> Cell:
        """This row's cell in ``column`` (the first column if it is absent)."""
        letter = self.letters.get(column) or next(iter(self.letters.values()), "A")
        return Cell(self.sheet, f"{letter}{self.row}")

    def ok(self, *columns: str) -> bool:
        return not any(c in self.bad for c in columns)


@dataclass
class SheetData:
    schema: SheetSchema
    title: str
    records: list[Record]
    letters: dict[str, str]
    families: dict[str, list[str]]  # family prefix -> column names present, in order
    units: dict[str, tuple[str | None, Cell]] = field(default_factory=dict)  # family column -> unit row text, cell


@dataclass
class Locations:
    """Where each element of the spec came from."""

    sheets: dict[str, Cell] = field(default_factory=dict)  # sheet -> its first data cell
    settings: dict[str, Record] = field(default_factory=dict)
    cycle_weights: list[Record] = field(default_factory=list)  # rows of the CycleWeights sheet, in point order
    parameters: dict[str, Record] = field(default_factory=dict)
    strategies: dict[str, Record] = field(default_factory=dict)
    strategy_parameters: dict[tuple[str, str], Record] = field(default_factory=dict)
    states: dict[str, Record] = field(default_factory=dict)
    initial: dict[str, Record] = field(default_factory=dict)
    transitions: dict[tuple[str | None, str, str], Record] = field(default_factory=dict)
    rewards: list[Record] = field(default_factory=list)  # parallel to spec.transition_rewards
    curves: dict[str, Record] = field(default_factory=dict)
    tables: dict[str, Record] = field(default_factory=dict)
    schedules: dict[str, list[Record]] = field(default_factory=dict)
    scenarios: dict[str, Record] = field(default_factory=dict)
    overrides: dict[tuple[str, str], Record] = field(default_factory=dict)
    subgroups: dict[str, Record] = field(default_factory=dict)  # subgroup -> its first row
    subgroup_overrides: dict[tuple[str, str], Record] = field(default_factory=dict)
    utility_norms: list[Record] = field(default_factory=list)  # parallel to spec.utility_norms
    utility_norm_rows: int = 0  # rows on the UtilityNorms sheet, good or not
    thresholds: list[Record] = field(default_factory=list)  # parallel to spec.thresholds
    partitions: dict[tuple[str | None, str], Record] = field(default_factory=dict)  # (strategy, state)
    survival_points: list[Record] = field(default_factory=list)  # parallel to spec.survival_points
    budget: list[Record] = field(default_factory=list)  # parallel to spec.budget
    cost_categories: dict[str, Record] = field(default_factory=dict)  # category -> its row
    evppi_groups: dict[str, list[Record]] = field(default_factory=dict)  # group -> its rows, in member order
    draws: dict[str, draws.DrawColumn] = field(default_factory=dict)  # parameter -> its column on the Draws sheet
    warnings: list[Problem] = field(default_factory=list)  # not errors: what a reader should check (units)


@dataclass
class ReadResult:
    """What reading found: the spec (None if the file could not be read), problems, locations.

    ``structural`` is true when a file, sheet or column problem makes whole-model checks
    meaningless (they would only repeat the consequences), or when the horizon in cycles is
    refused (the model is then not evaluated at all, not with substitute settings).
    """

    spec: ModelSpec | None
    problems: list[Problem]
    locations: Locations
    structural: bool = False
    consequences: list[str] = field(default_factory=list)
    """Texts of whole-model problems that only follow from a reported cell (not reported again)."""


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.structural = False
        self.consequences: list[str] = []

    def add(self, where: Location, what: str, expected: str = "") -> None:
        self.items.append(Problem(where, what, expected))

    def bad_cell(self, record: Record, column: str, what: str, expected: str = "") -> None:
        self.add(record.cell(column), what, expected)
        record.bad.add(column)


# --------------------------------------------------------------------------------------
# Reading one sheet
# --------------------------------------------------------------------------------------


def _read_sheet(book: Any, sheet: SheetSchema, problems: _Problems) -> SheetData | None:
    found = book.sheet(sheet.name)
    if found is None:
        if sheet.required:
            problems.structural = True
            optional = [c.name for c in sheet.columns if not c.must_exist]
            problems.add(
                FileLine(book.label),
                f"the sheet '{sheet.name}' is missing",
                f"a sheet named {sheet.name} with the columns "
                + ", ".join(c.name for c in sheet.columns if c.must_exist)
                + (f" (optional: {', '.join(optional)})" if optional else ""),
            )
        return None
    ws, fws = found
    title = ws.title
    if (ws.max_row or 0) > ROWS.value:  # at its last value, else at the first row beyond the bound
        problems.structural = True
        last = book.last_cells.get(title)
        where = Cell(title, last or f"A{ROWS.value + 1}")
        shown = "its last value is here" if last else f"row {ROWS.value + 1:,} and beyond are used"
        problems.add(where, f"the sheet uses {ws.max_row:,} rows ({shown})", ROWS.expected("a sheet of"))
        return None

    # ---- header row
    columns: dict[str, tuple[int, Column]] = {}
    families: dict[str, list[str]] = defaultdict(list)
    known = {c.name: c for c in sheet.columns}
    last_header = 0
    example_col = 0  # the column marking a blank template's example rows, if any
    header_cells = next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
    headed = {col for col, header in enumerate(header_cells, start=1) if not cells.is_blank(header)}
    for col, header in enumerate(header_cells, start=1):
        if cells.is_blank(header):
            continue
        if col > COLUMNS.value:
            problems.add(
                Cell(title, f"{get_column_letter(col)}{HEADER_ROW}"),
                f"a header in column {col:,}",
                COLUMNS.expected("a sheet of"),
            )
            break
        last_header = col
        text = cells.to_text(header)
        address = Cell(title, f"{get_column_letter(col)}{HEADER_ROW}")
        if text.strip().lower() == EXAMPLE_COLUMN:
            example_col = col
        if text.startswith(NOTE_PREFIX):
            continue
        key = text.lower()
        family = sheet.family_of(key)
        if key in known:
            name, column = key, known[key]
        elif family is not None:
            rest = text[len(family.prefix) :].strip()
            if not rest:
                problems.add(
                    address,
                    f"the column '{text}' has no name after '{family.prefix}'",
                    f"a header such as {family.examples[0]}",
                )
                continue
            name = family.prefix + rest
            column = family.column(name)
            families[family.prefix].append(name)
        else:
            valid = [c.name for c in sheet.columns] + [f.prefix + "<name>" for f in sheet.families]
            problems.add(
                address,
                f"unknown column '{text}'{suggestion(key, known)}",
                "one of " + ", ".join(valid) + f" (start a note column's header with {NOTE_PREFIX})",
            )
            continue
        if name in columns:
            problems.add(
                address,
                f"the column '{text}' appears twice (also {get_column_letter(columns[name][0])}{HEADER_ROW})",
                "each column once",
            )
            continue
        columns[name] = (col, column)
    free = last_header + 1
    for column in sheet.columns:
        if column.must_exist and column.name not in columns:
            problems.structural = True
            problems.add(
                Cell(title, f"{get_column_letter(free)}{HEADER_ROW}"),
                f"the required column '{column.name}' is missing",
                f"a header '{column.name}' in row {HEADER_ROW} ({column.description})",
            )
            free += 1
    letters = {name: get_column_letter(col) for name, (col, _) in sorted(columns.items(), key=lambda x: x[1][0])}
    unit_cells = next(ws.iter_rows(min_row=UNIT_ROW, max_row=UNIT_ROW, values_only=True), ())
    unit_texts: dict[str, tuple[str | None, Cell]] = {}
    declared = [n for names in families.values() for n in names]
    if title == "States" and "utility" in columns:  # its unit row too: utilities are per year (units.py)
        declared.append("utility")
    for name in declared:
        col = columns[name][0] if name in columns else 0
        if col:
            text = unit_cells[col - 1] if col <= len(unit_cells) else None
            where = Cell(title, f"{get_column_letter(col)}{UNIT_ROW}")
            unit_texts[name] = (None if cells.is_blank(text) else cells.to_text(text), where)
    data = SheetData(sheet, title, [], letters, dict(families), unit_texts)
    if not columns:
        return data

    # ---- data rows
    by_index = {col: (name, column) for name, (col, column) in columns.items()}
    stray: dict[int, list[int]] = defaultdict(list)  # column without a header -> rows that hold a value there
    # Both parses stream the same XML, so their rows line up (missing rows come as empty rows); each
    # row is as long as its last cell.
    row_iter = zip(ws.iter_rows(min_row=FIRST_DATA_ROW), fws.iter_rows(min_row=FIRST_DATA_ROW))
    for row_number, (value_cells, formula_cells) in enumerate(row_iter, start=FIRST_DATA_ROW):
        if row_number > ROWS.value:  # a sheet whose XML does not number its rows
            problems.structural = True
            problems.add(Cell(title), f"the sheet has more than {ROWS.value:,} rows", ROWS.expected("a sheet of"))
            break
        if len(value_cells) > COLUMNS.value:
            problems.structural = True
            column = get_column_letter(len(value_cells))
            problems.add(
                Cell(title, f"{column}{row_number}"), f"a cell in column {column}", COLUMNS.expected("a sheet of")
            )
            break
        if example_col and example_col <= len(value_cells) and not cells.is_blank(value_cells[example_col - 1].value):
            problems.items.append(example_problem(title, f"{get_column_letter(example_col)}{row_number}"))
            continue
        record = Record(title, row_number, letters)
        uncached: list[str] = []
        errors: list[tuple[str, str]] = []
        for index, (vcell, fcell) in enumerate(zip(value_cells, formula_cells), start=1):
            if index not in by_index:
                if index not in headed and not cells.is_blank(vcell.value):
                    stray[index].append(row_number)
                continue
            name, _ = by_index[index]
            value = vcell.value
            if value is None and fcell.data_type == "f":
                uncached.append(name)
            elif vcell.data_type == "e":
                errors.append((name, str(value)))
            elif isinstance(value, str) and len(value) >= schema.EXCEL_CELL_CHARACTERS:
                problems.bad_cell(
                    record,
                    name,
                    f"the cell holds {len(value):,} characters, Excel's limit of "
                    f"{schema.EXCEL_CELL_CHARACTERS:,}: its text may have been cut off",
                    _long_cell_hint(title, record),
                )
            elif not cells.is_blank(value):
                record.raw[name] = value
        if not record.raw and not uncached and not errors:
            continue
        for name in uncached:
            problems.bad_cell(
                record,
                name,
                "formula without a cached value (the file was written by a program and never calculated)",
                "a value: open and save the file in Excel, or type the value",
            )
        for name, error in errors:
            hint = (
                (
                    " (an hecon formula that starts with =, + or - must be typed as text: start it with an "
                    "apostrophe, e.g. '-du_diagnosis)"
                )
                if error == "#NAME?"
                else ""
            )
            problems.bad_cell(
                record,
                name,
                f"the formula gives the Excel error {error}{hint}",
                "a formula that calculates to a value, or a number or hecon formula typed as text",
            )
        for name, (_, column) in ((n, columns[n]) for n in columns):
            if name in record.bad:
                record.values[name] = _placeholder(column)
                continue
            if name not in record.raw:
                if column.required:
                    problems.bad_cell(
                        record,
                        name,
                        f"the {column.name} cell is empty",
                        f"{schema.KINDS[column.kind]} ({column.description})"
                        if column.description
                        else schema.KINDS[column.kind],
                    )
                    record.values[name] = _placeholder(column)
                else:
                    record.values[name] = column.default
                continue
            try:
                record.values[name] = cells.convert(record.raw[name], column, record.cell(name))
            except cells.CellError as exc:
                if column.kind == "name" and exc.meant:  # refused for how it is written, it still names its row:
                    problems.add(record.cell(name), exc.what, exc.expected)  # no follow-on 'unknown name'
                    record.values[name] = exc.meant
                    continue
                problems.bad_cell(record, name, exc.what, exc.expected)
                record.values[name] = _placeholder(column)
        for column in sheet.columns:  # absent optional columns
            record.values.setdefault(column.name, column.default)
        data.records.append(record)
    _drop_duplicates(data, problems)
    unused = [c.name for c in sheet.columns if c.name not in columns]
    if any(c.must_exist for c in sheet.columns if c.name in unused):
        stray.clear()  # the missing required column is reported, with the header to add
    for col, rows in stray.items():
        letter = get_column_letter(col)
        shown = ", ".join(f"{letter}{r}" for r in rows[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
        problems.add(
            Cell(title, f"{letter}{HEADER_ROW}"),
            f"column {letter} has no header but holds values ({shown}), which would be ignored",
            (f"a header naming the column (one of {', '.join(unused)}), " if unused else "")
            + f"a note header starting with {NOTE_PREFIX}, or no values there",
        )
    return data


MAX_AGE = 150
"""Oldest age accepted on the LifeTable sheet [years]."""

INVALID = "<invalid cell>"
"""Stands in the spec for a formula cell that was reported: it never parses, so whole-model
checks neither use a made-up value nor report it again (the validator drops its problems)."""


def _xml_fault(exc: Exception) -> str:
    """What is wrong with a part's XML, in words (no Python exception text)."""
    if isinstance(exc, DefusedXmlException):
        return "it declares XML entities, which a workbook never has"
    return str(exc).replace(": line", " at line")  # 'undefined entity at line 1, column 1714'


def _long_cell_hint(title: str, record: Record) -> str:
    """What a cell cut off at Excel's limit should hold instead: custom within-cycle weights go on
    the CycleWeights sheet; any other such cell is a formula, bounded by its length limit."""
    name = record.raw.get("name")
    if title == "Settings" and isinstance(name, str) and name.strip().lower() == "cycle_weights":
        return "a shorter text; custom within-cycle weights go on the CycleWeights sheet, one row per point"
    return EXPRESSION_CHARS.expected("a formula of") + "; split it into named parameters"


def _placeholder(column: Column) -> Any:
    return INVALID if column.kind in ("expression", "probability") else column.default


def _drop_duplicates(data: SheetData, problems: _Problems) -> None:
    key = data.schema.key
    if not key:
        return
    seen: dict[tuple, Record] = {}
    kept = []
    for record in data.records:
        if not record.ok(*key) or any(record.values.get(k) in (None, "") for k in key):
            kept.append(record)
            continue
        k = tuple(str(record.values[c]).lower() if c == "strategy" else record.values[c] for c in key)
        if k in seen:
            shown = (
                ", ".join(f"{c} {cells.show(record.values[c])}" for c in key)
                if len(key) > 1
                else cells.show(record.values[key[0]])
            )
            problems.bad_cell(
                record,
                key[-1] if len(key) > 1 else key[0],
                f"{shown} is already given in row {seen[k].row}",
                "one row per " + (f"{', '.join(key[:-1])} and {key[-1]}" if len(key) > 1 else key[0]),
            )
            continue
        seen[k] = record
        kept.append(record)
    data.records = kept


# --------------------------------------------------------------------------------------
# Building the spec, part by part
# --------------------------------------------------------------------------------------


def _strategy_of(record: Record) -> str | None:
    value = record.values.get("strategy")
    if value in (None, "") or str(value).strip().lower() == ALL_STRATEGIES:
        return None
    return str(value)


def draw_columns(data: SheetData | None) -> dict[str, draws.DrawColumn]:
    """The columns of the Draws sheet that hold at least one value, by parameter name."""
    if data is None:
        return {}
    out: dict[str, draws.DrawColumn] = {}
    for name in data.families.get(draws.PREFIX, []):
        rows: list[int] = []
        values: list[float] = []
        for record in data.records:
            if name in record.bad:
                rows.append(record.row)
                values.append(float("nan"))
            elif record.values.get(name) is not None:
                rows.append(record.row)
                values.append(float(record.values[name]))
        if rows:
            header = Cell(data.title, f"{data.letters[name]}{HEADER_ROW}")
            out[name] = draws.DrawColumn(header, tuple(rows), tuple(values))
    return out


class _Builder:
    def __init__(self, book: Any, problems: _Problems):
        self.book = book
        self.problems = problems
        self.loc = Locations()
        self.sheets: dict[str, SheetData | None] = {}
        self.per_cycle_names: list[tuple[str, Cell]] = []  # (expression, cell) of per-cycle state values
        for sheet in schema.SHEETS:
            try:
                data = _read_sheet(book, sheet, problems)
            except (ParseError, DefusedXmlException) as exc:  # openpyxl parses a sheet's XML as it reads it
                raise ModelError(
                    Problem(
                        Cell(sheet.name),
                        f"the file is damaged: the XML of the sheet cannot be read ({_xml_fault(exc)})",
                        "an undamaged .xlsx file; open it in Excel, repair it and save it again",
                    )
                ) from None
            self.sheets[sheet.name] = data
            if data is not None:
                letter = next(iter(data.letters.values()), "A")
                self.loc.sheets[sheet.name] = Cell(data.title, f"{letter}{FIRST_DATA_ROW}")

    def records(self, name: str) -> list[Record]:
        data = self.sheets.get(name)
        return data.records if data is not None else []

    # ---- Settings
    def settings(self) -> tuple[Settings, str, str]:
        p = self.problems
        data = self.sheets["Settings"]
        values: dict[str, Any] = {}
        known = {c.name: c for c in schema.SETTINGS}
        for record in self.records("Settings"):
            if not record.ok("name") or not record.values.get("name"):
                continue
            name = record.values["name"].strip().lower()
            if name not in known:
                p.bad_cell(
                    record,
                    "name",
                    f"unknown setting '{record.values['name']}'{suggestion(name, known)}",
                    "one of " + ", ".join(known),
                )
                continue
            if name in self.loc.settings:
                p.bad_cell(
                    record,
                    "name",
                    f"the setting '{name}' is already given in row {self.loc.settings[name].row}",
                    "one row per setting",
                )
                continue
            self.loc.settings[name] = record
            column = known[name]
            if not record.ok("value") or "value" not in record.raw:
                if column.required and record.ok("value"):
                    p.bad_cell(record, "value", f"the value of {name} is empty", column.description)
                continue
            try:
                if column.kind == "value":
                    values[name] = cells.to_value(record.raw["value"])
                else:
                    values[name] = cells.convert(record.raw["value"], column, record.cell("value"))
            except cells.CellError as exc:
                p.bad_cell(record, "value", f"{name}: {exc.what}", exc.expected)
        if data is not None:
            free = max((r.row for r in data.records), default=FIRST_DATA_ROW - 1) + 1
            for column in schema.SETTINGS:
                if column.required and column.name not in self.loc.settings:
                    p.add(
                        Cell(data.title, f"{data.letters.get('name', 'A')}{free}"),
                        f"the setting '{column.name}' is missing",
                        f"a row with name {column.name} and its value ({column.description})",
                    )
                    free += 1
        self._cycle_weights_sheet(values)
        cycle, horizon = values.get("cycle_length_days"), values.get("horizon_years")
        if cycle and horizon and cycle > 0 and horizon > 0:
            n_cycles = horizon * DAYS_PER_YEAR / cycle
            memory = cycles_beyond_memory(n_cycles, MIN_CYCLE_VALUES)
            if n_cycles > CYCLES.value or memory is not None:
                record = self.loc.settings["horizon_years"]
                cycle_cell = self.loc.settings["cycle_length_days"].cell("value")  # the cycles derive from both
                what = (
                    f"a horizon of {cells.format_number(horizon)} years in cycles of {cells.format_number(cycle)} "
                    f"days (cycle_length_days: {cycle_cell}) has {show_count(n_cycles)} cycles"
                )
                if n_cycles > CYCLES.value:
                    p.bad_cell(record, "value", what, CYCLES.expected("a horizon of"))
                elif memory is not None:
                    p.bad_cell(record, "value", f"{what}, {memory[0]}", memory[1])
                values.pop("horizon_years")
                values.pop("cycle_length_days")
                p.structural = True  # the model is not evaluated with other settings in their place
        title = values.pop("title", "")
        description = values.pop("model_description", "")
        for name in ("cycle_length_days", "horizon_years"):
            values.setdefault(name, schema.setting_default(name))
        return Settings(**values), title, description

    def _cycle_weights_sheet(self, values: dict[str, Any]) -> None:
        """Custom within-cycle weights from the CycleWeights sheet (one row per trace point,
        points 0, 1, 2, ... in order) into ``values["cycle_weights"]``."""
        records = [r for r in self.records("CycleWeights") if r.ok("point", "weight")]
        if not records:
            return
        if "cycle_weights" in values:
            self.problems.add(
                records[0].cell("point"),
                "custom within-cycle weights on the CycleWeights sheet and in the cycle_weights setting "
                f"({self.loc.settings['cycle_weights'].cell('value')})",
                "the weights in one place: the CycleWeights sheet or the setting",
            )
            return
        weights = []
        for k, record in enumerate(records):
            if record.values["point"] != k:
                self.problems.bad_cell(
                    record,
                    "point",
                    f"trace point {cells.show(record.values['point'])} where point {k} comes next",
                    "the points 0, 1, 2, ... in order, one row each",
                )
                self.problems.consequences.append("weights given")  # no weights read: their count follows
                return
            weights.append(float(record.values["weight"]))
        values["cycle_weights"] = tuple(weights)
        self.loc.cycle_weights = records

    # ---- Strategies and their parameter values
    def strategies(self) -> tuple[Strategy, ...]:
        p = self.problems
        names: list[str] = []
        info: dict[str, Record] = {}
        for record in self.records("Strategies"):
            if not record.ok("name") or not record.values.get("name"):
                continue
            name = record.values["name"]
            if name.lower() == ALL_STRATEGIES:
                p.bad_cell(
                    record, "name", f"'{name}' cannot be a strategy name: it means every strategy", "another name"
                )
                continue
            names.append(name)
            info[name] = record
            self.loc.strategies[name] = record
        own: dict[str, dict[str, Any]] = {n: {} for n in names}
        for record in self.records("StrategyParameters"):
            if not record.ok("strategy", "parameter") or not record.values.get("strategy"):
                continue
            strategy, parameter = record.values["strategy"], record.values["parameter"]
            if not parameter:
                continue
            if strategy not in own:
                p.bad_cell(
                    record,
                    "strategy",
                    f"unknown strategy '{strategy}'{suggestion(strategy, names)}",
                    "one of " + (", ".join(names) or "(no strategies on the Strategies sheet)"),
                )
                continue
            self.loc.strategy_parameters[(strategy, parameter)] = record
            if record.ok("value"):
                own[strategy][parameter] = record.values["value"]
        return tuple(
            Strategy(n, own[n], info[n].values.get("description") or "", info[n].values.get("role") or OPTION)
            for n in names
        )

    # ---- Parameters
    def parameters(self) -> tuple[Parameter, ...]:
        p = self.problems
        out = []
        columns = self.loc.draws = draw_columns(self.sheets.get(draws.SHEET))
        kinds: dict[str, str] = {}
        groups: dict[str, str | None] = {}
        for record in self.records("Parameters"):
            v = record.values
            if not record.ok("name") or not v.get("name"):
                continue
            name = v["name"]
            self.loc.parameters[name] = record
            dist = None
            kind, args, group = v.get("distribution"), v.get("distribution_args"), v.get("group") or None
            kinds[name] = kind or ""
            if kind and record.ok("distribution", "distribution_args"):
                column = columns.get(name) if kind == "empirical" else None
                dist = Distribution(kind, args or {}, group, column.values if column else ())
                groups[name] = group
                if kind == "empirical" and column is None:
                    p.bad_cell(
                        record,
                        "distribution",
                        f"{name}: empirical, but the {draws.SHEET} sheet has no column '{name}'",
                        f"a column headed '{name}' on the {draws.SHEET} sheet, one joint draw per row",
                    )
                for problem in distributions.check_distribution(name, dist):
                    where = problem.where
                    if isinstance(where, Element) and where.part == "draws":
                        if column is not None and column.cell(where.index) not in self._reported():
                            p.add(column.cell(where.index), f"{name}: {problem.what}", problem.expected)
                        continue
                    column_name = "distribution_args" if "distribution_args" in record.letters else "distribution"
                    p.bad_cell(record, column_name, f"{name}: {problem.what}", problem.expected)
            elif not kind and record.ok("distribution"):
                if args:
                    p.bad_cell(
                        record,
                        "distribution",
                        f"{name}: distribution arguments are given but no distribution",
                        "a distribution, or no arguments",
                    )
                if group:
                    p.bad_cell(
                        record,
                        "group",
                        f"{name}: a group is given but no distribution",
                        "a dirichlet, mvnormal or empirical distribution, or no group",
                    )
            value = v["value"] if v.get("value") is not None else 0.0
            out.append(
                Parameter(
                    name,
                    value,
                    v.get("unit") or "",
                    v.get("description") or "",
                    v.get("source") or "",
                    dist,
                    v.get("dsa_low"),
                    v.get("dsa_high"),
                    bool(v.get("dsa")),
                )
            )
        if kinds:  # no parameter read (a Parameters sheet refused as a whole): its columns cannot be judged
            found, misaligned = draws.sheet_problems(columns, kinds, groups)
            p.items += found
            p.consequences += [f"empirical group {g!r}: " for g in misaligned]
        return tuple(out)

    def _reported(self) -> set[Location]:
        return {problem.where for problem in self.problems.items}

    # ---- States and the initial distribution
    def states(self) -> tuple[State, ...]:
        p = self.problems
        data = self.sheets["States"]
        out = []
        periods: dict[str, str] = {}  # cost:/count: column -> the period its unit row declares
        for column, (text, where) in (data.units if data is not None else {}).items():
            period = units.period_of(text)
            if column == "utility":
                if text is not None and period != "year":  # blank: the template's convention, per year
                    p.add(where, f"the utility column's unit '{text}' is not supported", units.UTILITY_EXPECTED)
                continue
            if period is None:
                p.add(where, f"unknown unit '{text}' for the column {column}", units.EXPECTED)
            else:
                periods[column] = period
        for record in self.records("States"):
            v = record.values
            if not record.ok("name") or not v.get("name"):
                continue
            self.loc.states[v["name"]] = record
            tunnel = v.get("tunnel")
            if not record.ok("tunnel"):  # unknown tunnel: do not also complain that state_time needs one
                p.consequences.append(f"but state '{v['name']}' has no tunnel")
            if tunnel is None:
                tunnel = 1
            elif not 1 <= tunnel <= TUNNEL.value:
                p.bad_cell(
                    record,
                    "tunnel",
                    f"tunnel length {cells.show(tunnel)} is "
                    + ("less than 1" if tunnel < 1 else f"more than {TUNNEL.value:,}"),
                    f"a whole number of cycles from 1 (no tunnel) to {TUNNEL.value:,} (or raise the limit: set "
                    f"{TUNNEL.variable})",
                )
                p.consequences.append(f"but state '{v['name']}' has no tunnel")
                tunnel = 1
            costs, counts = {}, {}
            families = data.families if data is not None else {}
            for prefix, into in (("cost:", costs), ("count:", counts)):
                for column in families.get(prefix, []):
                    if v.get(column) is not None and column in periods:
                        into[column[len(prefix) :]] = units.per_cycle(v[column], periods[column])
                        if periods[column] == "cycle" and isinstance(v[column], str):
                            self.per_cycle_names.append((v[column].strip(), record.cell(column)))
            utility = v["utility"] if v.get("utility") is not None else 0.0
            out.append(
                State(
                    v["name"],
                    utility,
                    costs,
                    counts,
                    frozenset(v.get("flags") or ()),
                    tunnel,
                    v.get("description") or "",
                )
            )
        return tuple(out)

    def unit_warnings(self, settings: Settings) -> None:
        """Warn when a per-cycle cost or count is a parameter whose unit states another period
        than the cycle (e.g. ``EUR per year`` on a weekly model), naming both cells."""
        cycle = units.cycle_period(settings.cycle_length_days)
        for name, where in self.per_cycle_names:
            record = self.loc.parameters.get(name)
            if record is None:
                continue
            stated = units.stated_period(record.values.get("unit"))
            if stated is not None and stated != cycle:
                self.loc.warnings.append(
                    Problem(
                        where,
                        f"the parameter {name} is used as a value per cycle, but its unit at "
                        f"{record.cell('unit')} says per {stated} (the cycle is "
                        f"{cells.format_number(settings.cycle_length_days)} days)",
                        f"the column's unit row set to 'per {stated}' (hecon converts it), or a value per cycle",
                    )
                )

    def support_warnings(self, parameters: tuple[Parameter, ...], transitions: tuple[Transition, ...]) -> None:
        """Warn when a transition probability is a parameter (its whole formula) whose PSA
        distribution draws values beyond [0, 1] (normal: any number; lognormal and gamma: above 1
        too), which a PSA sample then stops at: the distribution's cell and the probability's."""
        drawn = {p.name: p.distribution for p in parameters if p.distribution is not None}
        for t in transitions:
            name = t.probability.strip() if isinstance(t.probability, str) else None
            dist = drawn.get(name) if name is not None else None
            if dist is None or dist.kind not in _BEYOND_PROBABILITIES or name not in self.loc.parameters:
                continue
            record = self.loc.transitions.get((t.strategy, t.from_state, t.to_state))
            used = f" at {record.cell('probability')}" if record is not None else ""
            self.loc.warnings.append(
                Problem(
                    self.loc.parameters[name].cell("distribution"),
                    f"{name} is the probability of {t.from_state} -> {t.to_state}{used}, but its {dist.kind} "
                    f"distribution draws {_BEYOND_PROBABILITIES[dist.kind]}, which a PSA sample stops at",
                    "a distribution within [0, 1] for a probability, e.g. beta (mean=..., se=...)",
                )
            )

    def initial(self) -> dict[str, Any]:
        shares: dict[str, Any] = {}
        records = []
        complete = True
        for record in self.records("Initial"):
            if not record.ok("state") or not record.values.get("state"):
                complete = False
                continue
            self.loc.initial[record.values["state"]] = record
            if not record.ok("share"):
                complete = False
                continue
            share = record.values["share"]
            if isinstance(share, float) and share < 0:
                self.problems.bad_cell(
                    record, "share", f"share {cells.format_number(share)} is negative", "a share between 0 and 1"
                )
                complete = False
                continue
            shares[record.values["state"]] = share
            records.append(record)
        constants = [s for s in shares.values() if isinstance(s, float)]
        if complete and records and len(constants) == len(shares) and abs(sum(constants) - 1.0) > 1e-9:
            first, last = records[0], records[-1]
            self.problems.add(
                first.cell("share"),
                (
                    f"the shares in rows {first.row}-{last.row} add up to"
                    if last.row != first.row
                    else f"the share in row {first.row} is"
                )
                + f" {cells.format_number(round(sum(constants), 12))}",
                "shares that add up to 1",
            )
        return shares

    # ---- Transitions and transition rewards
    def transitions(self) -> tuple[Transition, ...]:
        out = []
        for record in self.records("Transitions"):
            v = record.values
            if not record.ok("from", "to") or not v.get("from") or not v.get("to"):
                continue
            strategy = _strategy_of(record)
            self.loc.transitions[(strategy, v["from"], v["to"])] = record
            probability = v["probability"] if v.get("probability") is not None else 0.0
            out.append(Transition(v["from"], v["to"], probability, strategy))
        return tuple(out)

    def partitions(self) -> tuple[Partition, ...]:
        out = []
        for record in self.records("Partitions"):
            v = record.values
            if not record.ok("state") or not v.get("state"):
                continue
            strategy = _strategy_of(record)
            self.loc.partitions[(strategy, v["state"])] = record
            survival = v["survival"] if v.get("survival") is not None else 0.0
            out.append(Partition(v["state"], survival, strategy, v.get("description") or ""))
        return tuple(out)

    def rewards(self) -> tuple[TransitionReward, ...]:
        out = []
        for record in self.records("TransitionRewards"):
            v = record.values
            if not record.ok("to") or not v.get("to"):
                continue
            self.loc.rewards.append(record)
            value = v["value"] if v.get("value") is not None else 0.0
            out.append(
                TransitionReward(
                    v["to"],
                    value,
                    v.get("kind") or "cost",
                    v.get("name") or "other",
                    v.get("from") or ANY_STATE,
                    _strategy_of(record),
                    v.get("structure") or None,
                )
            )
        return tuple(out)

    # ---- Survival curves
    def curves(self) -> tuple[SurvivalCurve, ...]:
        out = []
        for record in self.records("Survival"):
            v = record.values
            if not record.ok("name") or not v.get("name"):
                continue
            self.loc.curves[v["name"]] = record
            parameters = dict(v.get("parameters") or {})
            for key, text in parameters.items():
                if isinstance(text, str):
                    try:
                        expressions.parse(text, record.cell("parameters"))
                    except ModelError as exc:
                        self.problems.bad_cell(
                            record, "parameters", f"parameter {key}: {exc.problems[0].what}", exc.problems[0].expected
                        )
            out.append(
                SurvivalCurve(
                    v["name"],
                    v.get("distribution") or "",
                    parameters,
                    v.get("time_unit") or "years",
                    _default(v, "hazard_ratio", 1.0),
                    _default(v, "acceleration_factor", 1.0),
                    _default(v, "cure_fraction", 0.0),
                    v.get("source") or "",
                )
            )
        return tuple(out)

    # ---- Life tables
    def life_tables(self) -> list[LifeTable]:
        rows: dict[str, list[Record]] = {}
        for record in self.records("LifeTable"):
            if not record.ok("table") or not record.values.get("table"):
                continue
            rows.setdefault(record.values["table"], []).append(record)
        out = []
        for name, records in rows.items():
            self.loc.tables[name] = records[0]
            out.append(self._life_table(name, records))
        return out

    def _life_table(self, name: str, records: list[Record]) -> LifeTable:
        """One table's rows: one quantity for the table, values valid for it (lx checked by age),
        every whole age from the first to the last; converted to qx (:func:`lifetable.to_qx`)."""
        p = self.problems
        quantity = records[0].values.get("quantity") or "qx"
        for record in records[1:]:
            own = record.values.get("quantity") or "qx"
            if record.ok("quantity") and own != quantity:
                p.bad_cell(
                    record,
                    "quantity",
                    f"life table '{name}' is given as {quantity} on its first row but as {own} here",
                    "one quantity for all rows of a table",
                )
        good = []
        for record in records:
            for column in ("qx_male", "qx_female"):
                value = record.values.get(column)
                if value is not None and record.ok(column) and quantity != "lx":  # lx is checked by age below
                    for _, what in lifetable.quantity_problems(quantity, [value]):
                        p.bad_cell(record, column, what, lifetable.QUANTITY_EXPECTED[quantity])
            if record.ok("age", "qx_male", "qx_female") and record.values.get("age") is not None:
                age = record.values["age"]
                if not 0 <= age <= MAX_AGE:
                    p.bad_cell(
                        record,
                        "age",
                        f"age {cells.show(age)} is outside 0-{MAX_AGE}",
                        f"an age in whole years from 0 to {MAX_AGE}",
                    )
                else:
                    good.append(record)
        good.sort(key=lambda r: r.values["age"])
        ages = [r.values["age"] for r in good]
        if len(good) == len(records) and ages:
            missing = sorted(set(range(ages[0], ages[-1] + 1)) - set(ages))
            if missing:
                shown = ", ".join(str(a) for a in missing[:10]) + (", ..." if len(missing) > 10 else "")
                p.bad_cell(
                    records[0],
                    "age",
                    f"life table '{name}' has no row for age {shown} (between {ages[0]} and {ages[-1]})",
                    "one row for every whole age",
                )
            elif quantity == "lx":
                for column in ("qx_male", "qx_female"):
                    for i, what in lifetable.quantity_problems("lx", [r.values[column] for r in good]):
                        p.bad_cell(good[i], column, what, lifetable.QUANTITY_EXPECTED["lx"])
        sources = list(dict.fromkeys(r.values.get("source") for r in records if r.values.get("source")))
        male = [r.values["qx_male"] for r in good]
        female = [r.values["qx_female"] for r in good]
        given = quantity != "qx"
        return LifeTable(
            name,
            tuple(ages),
            lifetable.to_qx(quantity, male),
            lifetable.to_qx(quantity, female),
            "\n".join(sources),
            quantity,
            tuple(male) if given else (),
            tuple(female) if given else (),
        )

    # ---- Schedules
    def schedules(self) -> tuple[Schedule, ...]:
        groups: dict[str, list[Record]] = {}
        for record in self.records("Schedules"):
            if not record.ok("name") or not record.values.get("name"):
                continue
            groups.setdefault(record.values["name"], []).append(record)
        out = []
        for name, records in groups.items():
            self.loc.schedules[name] = records
            segments = []
            for record in records:
                v = record.values
                segments.append(
                    ScheduleSegment(
                        _default(v, "start_day", 0.0),
                        _default(v, "every_days", 1.0),
                        v.get("end_day"),
                        _default(v, "amount", 1.0),
                    )
                )
            schedule = Schedule(name, tuple(segments), _first(records, "description"))
            for problem in _schedule_problems(schedule, records):
                if problem.where not in {p.where for p in self.problems.items}:
                    self.problems.items.append(problem)
            out.append(schedule)
        return tuple(out)

    # ---- Scenarios, subgroups, assumptions
    def scenarios(self) -> tuple[Scenario, ...]:
        return self._override_sets("Scenarios", "scenario", self.loc.scenarios, self.loc.overrides)

    def subgroups(self) -> tuple[Scenario, ...]:
        return self._override_sets("Subgroups", "subgroup", self.loc.subgroups, self.loc.subgroup_overrides)

    def _override_sets(
        self,
        sheet: str,
        key: str,
        firsts: dict[str, Record],
        rows: dict[tuple[str, str], Record],
    ) -> tuple[Scenario, ...]:
        """Named sets of overrides (Scenarios, Subgroups): rows with the same ``key`` form one set."""
        groups: dict[str, list[Record]] = {}
        for record in self.records(sheet):
            v = record.values
            if not record.ok(key, "target") or not v.get(key) or not v.get("target"):
                continue
            groups.setdefault(v[key], []).append(record)
        out = []
        for name, records in groups.items():
            firsts[name] = records[0]
            overrides, sources = {}, {}
            for record in records:
                target = record.values["target"]
                rows[(name, target)] = record
                if record.ok("value") and record.values.get("value") is not None:
                    overrides[target] = record.values["value"]
                if record.values.get("source"):
                    sources[target] = record.values["source"]
            out.append(Scenario(name, overrides, _first(records, "description"), sources))
        return tuple(out)

    # ---- Decision analysis: utility norms, thresholds
    def utility_norms(self) -> tuple[UtilityNorm, ...]:
        p = self.problems
        out = []
        self.loc.utility_norm_rows = len(self.records("UtilityNorms"))
        for record in self.records("UtilityNorms"):
            v = record.values
            if not record.ok("age_from", "sex", "utility") or None in (
                v.get("age_from"),
                v.get("sex"),
                v.get("utility"),
            ):
                continue
            age_from, age_to, utility = v["age_from"], v.get("age_to"), v["utility"]
            if age_from < 0:
                p.bad_cell(record, "age_from", f"age {cells.format_number(age_from)} is negative", "an age >= 0")
                continue
            if age_to is not None and record.ok("age_to") and age_to < age_from:
                p.bad_cell(
                    record,
                    "age_to",
                    f"the band ends at {cells.format_number(age_to)}, before it starts at "
                    f"{cells.format_number(age_from)}",
                    "age_to >= age_from, or blank for no upper end",
                )
                continue
            if utility > 1:
                p.bad_cell(
                    record,
                    "utility",
                    f"utility {cells.format_number(utility)} is above 1",
                    "a utility of at most 1 (full health)",
                )
                continue
            self.loc.utility_norms.append(record)
            out.append(
                UtilityNorm(age_from, age_to if record.ok("age_to") else None, v["sex"], utility, v.get("source") or "")
            )
        return tuple(out)

    def thresholds(self) -> tuple[ThresholdQuery, ...]:
        out = []
        for record in self.records("Thresholds"):
            v = record.values
            if not record.ok("parameter", "strategy") or not v.get("parameter") or not v.get("strategy"):
                continue
            lower, upper = v.get("lower"), v.get("upper")
            if lower is not None and upper is not None and record.ok("lower", "upper") and not lower < upper:
                self.problems.bad_cell(
                    record,
                    "upper",
                    f"the search interval [{cells.format_number(lower)}, {cells.format_number(upper)}] is empty",
                    "lower < upper",
                )
            self.loc.thresholds.append(record)
            out.append(
                ThresholdQuery(v["parameter"], v["strategy"], v.get("comparator") or None, v.get("wtp"), lower, upper)
            )
        return tuple(out)

    # ---- Perspectives
    def cost_perspectives(self) -> dict[str, str]:
        """Cost category -> perspective, from the CostCategories rows that could be read."""
        out = {}
        for record in self.records("CostCategories"):
            v = record.values
            if not record.ok("category", "perspective") or not v.get("category") or not v.get("perspective"):
                continue
            self.loc.cost_categories[v["category"]] = record
            out[v["category"]] = v["perspective"]
        return out

    # ---- EVPPI groups
    def evppi_groups(self) -> dict[str, tuple[str, ...]]:
        """Group -> its parameters, from the EvppiGroups rows that could be read."""
        out: dict[str, list[str]] = {}
        for record in self.records("EvppiGroups"):
            v = record.values
            if not record.ok("group", "parameter") or not v.get("group") or not v.get("parameter"):
                continue
            self.loc.evppi_groups.setdefault(v["group"], []).append(record)
            out.setdefault(v["group"], []).append(v["parameter"])
        return {g: tuple(m) for g, m in out.items()}

    # ---- Budget impact
    def budget(self) -> tuple[BudgetItem, ...]:
        """The BudgetImpact rows whose item could be read (checked as a whole by
        :func:`hecon.analysis.budget_impact.check_budget` when the workbook is validated)."""
        out = []
        for record in self.records("BudgetImpact"):
            v = record.values
            if not record.ok("item") or not v.get("item"):
                continue
            self.loc.budget.append(record)
            year = v.get("year") if record.ok("year") else None
            out.append(
                BudgetItem(
                    v["item"],
                    v.get("value") if record.ok("value") else None,
                    int(year) if year is not None else None,
                    v.get("strategy") or None,
                    v.get("world") or None,
                    v.get("category") or None,
                    v.get("source") or "",
                )
            )
        return tuple(out)

    # ---- Published survival points
    def survival_points(self, strategies: tuple[Strategy, ...]) -> tuple[SurvivalPoint, ...]:
        """The SurvivalPoints rows whose required cells could be read, checked together
        (:func:`hecon.model.survival_points.check_survival_points`) at their cells; a cell already
        reported is not reported again."""
        required = ("strategy", "endpoint", "kind", "value")
        records, out = [], []
        for record in self.records("SurvivalPoints"):
            v = record.values
            if not record.ok(*required) or any(v.get(c) is None for c in required):
                continue
            records.append(record)
            out.append(
                SurvivalPoint(
                    v["strategy"],
                    v["endpoint"],
                    v["kind"],
                    v.get("time"),
                    v["value"],
                    v.get("lower"),
                    v.get("upper"),
                    v.get("population") or "",
                    {"yes": True, "no": False}.get(v.get("comparable") or ""),
                    v.get("time_unit") or "months",
                    v.get("source") or "",
                    tuple(x.strip() for x in str(v.get("states") or "").split(",") if x.strip()),
                    _fitted_in(v.get("fitted_in")),
                )
            )
        names = [s.name for s in strategies]
        reported = {r.cell(c) for r in records for c in r.bad}
        for problem in check_survival_points(out, names, lambda i, part: records[i].cell(part)):
            if problem.where not in reported:
                self.problems.items.append(problem)
        self.loc.survival_points = records
        return tuple(out)

    def assumptions(self) -> tuple[str, ...]:
        return tuple(r.values["assumption"] for r in self.records("Assumptions") if r.values.get("assumption"))


def _default(values: dict[str, Any], column: str, default: Any) -> Any:
    value = values.get(column)
    return default if value is None else value


def _first(records: Iterable[Record], column: str) -> str:
    return next((r.values[column] for r in records if r.values.get(column)), "")


def _schedule_problems(schedule: Schedule, records: list[Record]) -> list[Problem]:
    """What :func:`hecon.methods.schedules.check_schedule` finds, at the cells it concerns."""
    return [schedule_problem_at(p, records) for p in schedules.check_schedule(schedule)]


def schedule_problem_at(problem: Problem, records: list[Record]) -> Problem:
    """A problem located at a schedule (or one of its segments) placed at its cell: the
    segment's row and column, or the schedule's first row."""
    where = problem.where
    record, column = records[0], "name"
    if isinstance(where, Element) and where.index is not None and 0 <= where.index < len(records):
        record, column = records[where.index], where.part or "name"
    return Problem(record.cell(column), f"schedule '{schedule_name(record)}': {problem.what}", problem.expected)


def schedule_name(record: Record) -> str:
    return str(record.values.get("name", ""))


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def read(path: str | Path) -> ReadResult:
    """Read a workbook and collect every problem found on the way; never raises ModelError."""
    try:
        book = open_book(path)
    except ModelError as exc:
        return ReadResult(None, list(exc.problems), Locations(), structural=True)
    problems = _Problems()
    try:
        b = _Builder(book, problems)
    except ModelError as exc:  # a sheet whose XML cannot be read
        return ReadResult(None, list(exc.problems), Locations(), structural=True)
    finally:
        book.close()
    settings, title, description = b.settings()
    parameters = b.parameters()
    strategies = b.strategies()
    states = b.states()
    b.unit_warnings(settings)
    initial = b.initial()
    transitions = b.transitions()
    b.support_warnings(parameters, transitions)
    rewards = b.rewards()
    curves = b.curves()
    points = b.survival_points(strategies)
    tables = b.life_tables()
    sched = b.schedules()
    scenarios = b.scenarios()
    assumptions = b.assumptions()
    spec = ModelSpec(
        settings,
        states,
        transitions,
        strategies,
        parameters,
        initial,
        rewards,
        curves,
        tuple(tables),
        sched,
        scenarios,
        title,
        description,
        assumptions,
        b.utility_norms(),
        b.thresholds(),
        b.partitions(),
        survival_points=points,
        budget=b.budget(),
        cost_perspectives=b.cost_perspectives(),
        evppi_groups=b.evppi_groups(),
        subgroups=b.subgroups(),
    )
    spec = _add_bundled_tables(spec)
    return ReadResult(spec, sort_problems(problems.items), b.loc, problems.structural, problems.consequences)


_BEYOND_PROBABILITIES = {
    "normal": "values below 0 and above 1",
    "lognormal": "values above 1",
    "gamma": "values above 1",
}
"""Distributions whose draws leave [0, 1], and where."""

_SHEET_ORDER = {s.name.lower(): i for i, s in enumerate(schema.SHEETS)}


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in reading order: the file first, then by sheet (in schema order), row and
    column; problems without a cell (whole-model ones) last, in the order found."""

    def key(p: Problem) -> tuple[int, int, int, str]:
        where = p.where
        if isinstance(where, FileLine):
            return (-1, 0, 0, "")
        if not isinstance(where, Cell):
            return (len(_SHEET_ORDER) + 1, 0, 0, "")
        sheet = _SHEET_ORDER.get(where.sheet.lower(), len(_SHEET_ORDER))
        return (sheet, where.row, len(where.column), where.column)

    return sorted(problems, key=key)


def _add_bundled_tables(spec: ModelSpec) -> ModelSpec:
    """Bundled life tables named by Settings.life_table or gp_mort(name) but not on the LifeTable sheet."""
    wanted: list[str] = []
    if spec.settings.life_table:
        wanted.append(spec.settings.life_table)
    texts: list[Any] = [p.value for p in spec.parameters] + [t.probability for t in spec.transitions]
    texts += [v for s in spec.strategies for v in s.parameters.values()]
    texts += [s.utility for s in spec.states] + [
        v for s in spec.states for v in (*s.costs.values(), *s.counts.values())
    ]
    texts += [r.value for r in spec.transition_rewards]
    for text in texts:
        if isinstance(text, str) and "gp_mort" in text:
            try:
                refs = expressions.parse(text).refs
            except ModelError:
                continue
            wanted += [name for kind, name in refs if kind == "table" and name]
    defined = {t.name for t in spec.life_tables}
    extra = []
    for name in dict.fromkeys(wanted):
        if name not in defined and name in BUNDLED_LIFETABLES:
            extra.append(bundled_lifetable(name))
    if not extra:
        return spec
    return replace(spec, life_tables=spec.life_tables + tuple(extra))


def _fitted_in(cell: object) -> tuple[str, ...] | None:
    """SurvivalPoints ``fitted_in``: blank -> None (not stated), ``none`` -> () (held out of every fit),
    else the comma-separated model structures (checked by check_survival_points)."""
    text = str(cell or "").strip()
    if not text:
        return None
    if text.lower() == "none":
        return ()
    return tuple(x.strip() for x in text.split(",") if x.strip())
