"""Writing a ModelSpec as a documented workbook, and blank or example templates.

Every sheet gets its header row, a unit row and a description row (frozen, so they stay in
view), a comment on each header cell, drop-downs for columns with a fixed set of values
(and for names defined on other sheets), and column widths from the schema. A README sheet
explains the workbook; it is generated from the same schema as the reader.

Text that starts with ``=`` (a formula pasted with its Excel ``=``) is written as text, never
as an Excel formula. Numbers are written with all 17 significant digits where openpyxl's
default 16 would not read back as the same number, so that
``read_workbook(write_workbook(spec))`` gives ``spec`` back exactly.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from hecon.model.problems import FileLine, ModelError, Problem
from hecon.model.spec import ANY_STATE, OPTION, ModelSpec, Parameter, Settings
from hecon.workbook import schema, units
from hecon.workbook.cells import format_number
from hecon.workbook.readme import write_readme
from hecon.workbook.schema import (
    ALL_STRATEGIES,
    DESCRIPTION_ROW,
    FIRST_DATA_ROW,
    HEADER_ROW,
    LAST_VALIDATED_ROW,
    UNIT_ROW,
    Column,
    SheetSchema,
)
from hecon.workbook.template_examples import EXAMPLE_COLUMN, EXAMPLE_MARK, EXAMPLE_ROWS

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
UNIT_FONT = Font(italic=True, color="595959")
UNIT_FILL = PatternFill("solid", fgColor="DDEBF7")
DESCRIPTION_FONT = Font(color="595959", size=9)
DESCRIPTION_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
EXAMPLE_FONT = Font(italic=True, color="7F6000")
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")
#: The marker column of a blank template's example rows (a note column to every other reader).
EXAMPLE_MARKER = Column(
    EXAMPLE_COLUMN,
    "text",
    description="Marks the template's example row: delete the row, or type your values over it and clear this cell",
    width=34,
)
MAX_WIDTH = 80
_FORMULA_STARTS = ("=", "+", "-", "@")


# --------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------


def put(ws: Worksheet, row: int, column: int, value: Any) -> None:
    """Write one value: numbers exactly, text as text (even when it starts with '=')."""
    if value is None:
        return
    cell = ws.cell(row=row, column=column)
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and float(f"{value:.16g}") != value:
            # openpyxl writes "%.16g"; a double needs up to 17 digits to read back exactly.
            cell._value = repr(value)  # noqa: SLF001 - written verbatim as a number
            cell.data_type = "n"
        else:
            cell.value = value
    else:
        cell.value = str(value)
        cell.data_type = "s"  # never a formula
        if cell.value[:1] in _FORMULA_STARTS:
            cell.quotePrefix = True  # Excel shows it as text, and keeps it text when the cell is edited


def _args_text(args: Any) -> str | None:
    if not args:
        return None
    parts = []
    for key, value in args.items():
        shown = format_number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
        parts.append(f"{key}={shown}")
    return "; ".join(parts)


def _numbers_text(values: Iterable[float] | None) -> str | None:
    if values is None:
        return None
    return "; ".join(format_number(v) for v in values)


def _strategy_text(strategy: str | None) -> str:
    return ALL_STRATEGIES if strategy is None else strategy


# --------------------------------------------------------------------------------------
# The rows of each sheet
# --------------------------------------------------------------------------------------


def _setting_value(spec: ModelSpec, name: str) -> Any:
    if name == "title":
        return spec.title or None
    if name == "model_description":
        return spec.description or None
    value = getattr(spec.settings, name)
    if name == "cycle_weights" and _weights_on_sheet(spec):
        return None  # on the CycleWeights sheet
    if name in ("wtp", "cycle_weights"):
        return _numbers_text(value)
    return value


def _weights_on_sheet(spec: ModelSpec) -> bool:
    """Whether the custom within-cycle weights are too many for one cell (Excel keeps at most
    :data:`~hecon.workbook.schema.EXCEL_CELL_CHARACTERS` characters) and go on the CycleWeights sheet."""
    text = _numbers_text(spec.settings.cycle_weights)
    return text is not None and len(text) >= schema.EXCEL_CELL_CHARACTERS


def _rows(spec: ModelSpec) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    rows["Settings"] = [
        {"name": c.name, "value": _setting_value(spec, c.name), "unit": c.unit or None, "description": c.description}
        for c in schema.SETTINGS
    ]
    weights = spec.settings.cycle_weights if _weights_on_sheet(spec) else None
    rows["CycleWeights"] = [{"point": k, "weight": w} for k, w in enumerate(weights or ())]
    rows["Strategies"] = [
        {"name": s.name, "description": s.description or None, "role": s.role if s.role != OPTION else None}
        for s in spec.strategies
    ]
    rows["Parameters"] = [
        {
            "name": p.name,
            "value": p.value,
            "unit": p.unit or None,
            "description": p.description or None,
            "source": p.source or None,
            "distribution": p.distribution.kind if p.distribution else None,
            "distribution_args": _args_text(p.distribution.args) if p.distribution else None,
            "group": p.distribution.group if p.distribution else None,
            "dsa_low": p.dsa_low,
            "dsa_high": p.dsa_high,
            "dsa": "yes" if p.dsa else None,
        }
        for p in spec.parameters
    ]
    rows["Draws"] = _draw_rows(spec)
    rows["StrategyParameters"] = [
        {"strategy": s.name, "parameter": name, "value": value}
        for s in spec.strategies
        for name, value in s.parameters.items()
    ]
    rows["States"] = []
    periods = _declared_periods(spec)
    for s in spec.states:
        row = {
            "name": s.name,
            "description": s.description or None,
            "utility": s.utility,
            "tunnel": s.tunnel,
            "flags": ", ".join(sorted(s.flags)) or None,
        }
        row.update({f"cost:{k}": _as_typed(v, periods[f"cost:{k}"]) for k, v in s.costs.items()})
        row.update({f"count:{k}": _as_typed(v, periods[f"count:{k}"]) for k, v in s.counts.items()})
        rows["States"].append(row)
    rows["Initial"] = [{"state": k, "share": v} for k, v in spec.initial.items()]
    rows["Transitions"] = [
        {"strategy": _strategy_text(t.strategy), "from": t.from_state, "to": t.to_state, "probability": t.probability}
        for t in spec.transitions
    ]
    rows["Partitions"] = [
        {"strategy": _strategy_text(p.strategy), "state": p.state, "survival": p.survival, "description": p.description}
        for p in spec.partitions
    ]
    rows["TransitionRewards"] = [
        {
            "strategy": _strategy_text(r.strategy),
            "from": r.from_state or ANY_STATE,
            "to": r.to_state,
            "kind": r.kind,
            "name": r.name,
            "value": r.value,
            "structure": r.structure or "",
        }
        for r in spec.transition_rewards
    ]
    rows["Survival"] = [
        {
            "name": c.name,
            "distribution": c.distribution,
            "time_unit": c.time_unit,
            "parameters": _args_text(c.parameters),
            "hazard_ratio": c.hazard_ratio,
            "acceleration_factor": c.acceleration_factor,
            "cure_fraction": c.cure_fraction,
            "source": c.source or None,
        }
        for c in spec.survival_curves
    ]
    rows["LifeTable"] = [
        {
            "table": t.name,
            "age": age,
            "qx_male": qm,
            "qx_female": qf,
            "quantity": t.quantity if t.quantity != "qx" else None,
            "source": (t.source or None) if i == 0 else None,
        }
        for t in spec.life_tables
        for i, (age, qm, qf) in enumerate(zip(t.ages, t.given_male or t.qx_male, t.given_female or t.qx_female))
    ]
    rows["Schedules"] = [
        {
            "name": s.name,
            "start_day": g.start_day,
            "every_days": g.every_days,
            "end_day": g.end_day,
            "amount": g.amount,
            "description": (s.description or None) if i == 0 else None,
        }
        for s in spec.schedules
        for i, g in enumerate(s.segments)
    ]
    rows["Scenarios"] = [
        {
            "scenario": s.name,
            "target": target,
            "value": value,
            "description": (s.description or None) if i == 0 else None,
        }
        for s in spec.scenarios
        for i, (target, value) in enumerate(s.overrides.items())
    ]
    rows["Subgroups"] = [
        {
            "subgroup": s.name,
            "target": target,
            "value": value,
            "source": s.sources.get(target) or None,
            "description": (s.description or None) if i == 0 else None,
        }
        for s in spec.subgroups
        for i, (target, value) in enumerate(s.overrides.items())
    ]
    rows["UtilityNorms"] = [
        {"age_from": n.age_from, "age_to": n.age_to, "sex": n.sex, "utility": n.utility, "source": n.source or None}
        for n in spec.utility_norms
    ]
    rows["Thresholds"] = [
        {
            "parameter": q.parameter,
            "strategy": q.strategy,
            "comparator": q.comparator,
            "wtp": q.wtp,
            "lower": q.lower,
            "upper": q.upper,
        }
        for q in spec.thresholds
    ]
    rows["Assumptions"] = [{"assumption": a} for a in spec.assumptions]
    rows["SurvivalPoints"] = _survival_point_rows(spec)
    rows["CostCategories"] = [{"category": c, "perspective": p} for c, p in spec.cost_perspectives.items()]
    rows["EvppiGroups"] = [{"group": g, "parameter": m} for g, members in spec.evppi_groups.items() for m in members]
    rows["BudgetImpact"] = [
        {
            "item": b.item,
            "year": b.year,
            "strategy": b.strategy,
            "world": b.world,
            "category": b.category,
            "value": b.value,
            "source": b.source or None,
        }
        for b in spec.budget
    ]
    return rows


def _empirical(spec: ModelSpec) -> list[Parameter]:
    """The parameters whose draws go on the Draws sheet, in the Parameters sheet's order."""
    return [p for p in spec.parameters if p.distribution is not None and p.distribution.draws]


def _draw_rows(spec: ModelSpec) -> list[dict[str, Any]]:
    """The Draws sheet: row i holds draw i of every empirical parameter (groups side by side)."""
    columns = {p.name: p.distribution.draws for p in _empirical(spec) if p.distribution is not None}
    n = max((len(d) for d in columns.values()), default=0)
    return [{name: d[i] for name, d in columns.items() if i < len(d)} for i in range(n)]


def _survival_point_rows(spec: ModelSpec) -> list[dict[str, Any]]:
    """The SurvivalPoints sheet: one row per point; comparable as yes, no or blank (not stated); fitted_in as
    the structures, none (held out) or blank (not stated)."""
    return [
        {
            "strategy": p.strategy,
            "endpoint": p.endpoint,
            "kind": p.kind,
            "time": p.time,
            "time_unit": p.time_unit,
            "value": p.value,
            "lower": p.lower,
            "upper": p.upper,
            "population": p.population or None,
            "comparable": None if p.comparable is None else ("yes" if p.comparable else "no"),
            "source": p.source or None,
            "states": ", ".join(p.states) or None,
            "fitted_in": None if p.fitted_in is None else (", ".join(p.fitted_in) or "none"),
        }
        for p in spec.survival_points
    ]


def _declared_periods(spec: ModelSpec) -> dict[str, str]:
    """The period each States cost:/count: column was declared per (:func:`units.as_declared`):
    the one period of all its values, or ``cycle`` (values as they are) when they differ."""
    found: dict[str, set[str]] = {}
    for s in spec.states:
        for prefix, values in (("cost:", s.costs), ("count:", s.counts)):
            for k, v in values.items():
                found.setdefault(prefix + k, set()).add(units.as_declared(v)[1])
    return {column: next(iter(p)) if len(p) == 1 else "cycle" for column, p in found.items()}


def _as_typed(value: Any, period: str) -> Any:
    return value if period == "cycle" else units.as_declared(value)[0]


def _family_columns(sheet: SheetSchema, spec: ModelSpec, blank: bool) -> list[Column]:
    if sheet.name == schema.DRAWS_SHEET.name:
        family = sheet.families[0]
        if blank:
            return [family.column(n) for n in family.examples]
        return [
            Column(p.name, family.kind, unit=p.unit or family.unit, description=_draws_description(p), width=14)
            for p in _empirical(spec)
        ]
    if sheet.name != "States":
        return []
    out: list[Column] = []
    for family in sheet.families:
        if blank:
            names = list(family.examples)
        elif family.prefix == "cost:":
            names = [family.prefix + c for c in dict.fromkeys(c for s in spec.states for c in s.costs)]
        else:
            names = [family.prefix + c for c in dict.fromkeys(c for s in spec.states for c in s.counts)]
        periods = {} if blank else _declared_periods(spec)
        for n in names:
            column = family.column(n)
            period = periods.get(n, "cycle")
            out.append(column if period == "cycle" else replace(column, unit=units.declared_unit(column.unit, period)))
    return out


def _draws_description(p: Parameter) -> str:
    group = p.distribution.group if p.distribution is not None else None
    return f"Draws of {p.name}" + (f" (empirical group {group}: one joint draw per row)" if group else "")


# --------------------------------------------------------------------------------------
# Sheets
# --------------------------------------------------------------------------------------


def _comment(column: Column) -> Comment:
    lines = [column.description or column.name, "", f"Kind: {column.kind} - {schema.KINDS[column.kind]}"]
    if column.unit:
        lines.append(f"Unit: {column.unit}")
    lines.append(
        "Required"
        if column.required
        else "Optional" + (f"; blank = {column.default}" if column.default not in (None, "") else "")
    )
    if column.allowed:
        label = "Suggested" if column.suggest else "Allowed"
        lines.append(f"{label}: {', '.join(column.allowed)}")
    comment = Comment("\n".join(lines), "hecon")
    comment.width = 300
    comment.height = 40 + 18 * len(lines) + 15 * (len(column.description) // 45)
    return comment


def _validation(column: Column, letter: str) -> DataValidation | None:
    sqref = f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_VALIDATED_ROW}"
    if column.lookup:
        formula = f"{column.lookup}!$A${FIRST_DATA_ROW}:$A${LAST_VALIDATED_ROW}"
    elif column.allowed and column.kind in ("choice", "list", "flag"):
        formula = '"' + ",".join(column.allowed) + '"'
    else:
        return None
    strict = not column.suggest and column.kind != "list"
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=strict,
        showInputMessage=True,
        promptTitle=column.name[:32],
        prompt=(column.description or column.name)[:255],
    )
    if strict:
        dv.errorTitle = f"Invalid {column.name}"[:32]
        dv.error = (f"Choose one of the values in the list ({column.description})")[:255]
    dv.add(sqref)
    return dv


def _write_header(ws: Worksheet, columns: list[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        header = ws.cell(HEADER_ROW, index, column.name)
        header.font, header.fill = HEADER_FONT, HEADER_FILL
        header.comment = _comment(column)
        unit = ws.cell(UNIT_ROW, index, column.unit or None)
        unit.font = UNIT_FONT
        ws.cell(UNIT_ROW, index).fill = UNIT_FILL
        description = column.description
        if column.required:
            description = "Required. " + description
        desc = ws.cell(DESCRIPTION_ROW, index, description)
        desc.font, desc.fill, desc.alignment = DESCRIPTION_FONT, DESCRIPTION_FILL, WRAP_TOP
    ws.row_dimensions[DESCRIPTION_ROW].height = 64
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"


def _autowidth(ws: Worksheet, columns: list[Column], rows: list[dict[str, Any]]) -> None:
    for index, column in enumerate(columns, start=1):
        longest = max((len(str(r.get(column.name, "") or "")) for r in rows), default=0)
        width = min(MAX_WIDTH, max(column.width, len(column.name) + 3, min(longest, 60) + 2))
        ws.column_dimensions[get_column_letter(index)].width = width


def _write_sheet(
    wb: Workbook, sheet: SheetSchema, rows: list[dict[str, Any]], extra: list[Column], example: bool = False
) -> None:
    """``sheet`` with ``rows``; ``example``: the rows are a blank template's marked example rows."""
    ws = wb.create_sheet(sheet.name)
    columns = list(sheet.columns) + extra + ([EXAMPLE_MARKER] if example else [])
    _write_header(ws, columns)
    for r, row in enumerate(rows, start=FIRST_DATA_ROW):
        for c, column in enumerate(columns, start=1):
            put(ws, r, c, row.get(column.name))
            if example:
                ws.cell(r, c).font, ws.cell(r, c).fill = EXAMPLE_FONT, EXAMPLE_FILL
    for c, column in enumerate(columns, start=1):
        dv = _validation(column, get_column_letter(c))
        if dv is not None:
            ws.add_data_validation(dv)
    if sheet.name == "Settings":
        _settings_validations(ws)
    _autowidth(ws, columns, rows)


def _settings_validations(ws: Worksheet) -> None:
    """Settings are rows: drop-downs on the value cells of the choice settings."""
    for r, column in enumerate(schema.SETTINGS, start=FIRST_DATA_ROW):
        ws.cell(r, 1).font = Font(bold=column.required)
        if column.kind == "choice":
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(column.allowed) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=f"Invalid {column.name}"[:32],
                error=f"One of {', '.join(column.allowed)}"[:255],
            )
            dv.add(f"B{r}")
            ws.add_data_validation(dv)


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def build_workbook(spec: ModelSpec, blank: bool = False) -> Workbook:
    """The documented openpyxl Workbook for ``spec`` (``blank``: a template whose rows are one marked
    example row per sheet, :mod:`hecon.workbook.template_examples`)."""
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    rows = _rows(spec)
    if blank:
        rows.update({name: [{**row, EXAMPLE_COLUMN: EXAMPLE_MARK}] for name, row in EXAMPLE_ROWS.items()})
    sheets = schema.written_sheets({name for name, r in rows.items() if r}, blank)
    write_readme(readme, spec if not blank else None, sheets)
    for sheet in sheets:
        example = blank and sheet.name in EXAMPLE_ROWS
        _write_sheet(wb, sheet, rows.get(sheet.name, []), _family_columns(sheet, spec, blank), example)
    wb.properties.creator = "hecon"
    wb.properties.title = spec.title or "hecon model"
    wb.active = 0
    return wb


def save(wb: Workbook, path: str | Path) -> None:
    """Save ``wb`` at ``path`` (.xlsx, in an existing folder) atomically: written to a temporary
    sibling, then renamed over ``path``, keeping its permissions."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ModelError(
            Problem(FileLine(str(path)), f"cannot write a workbook named '{path.name}'", "a file name ending in .xlsx")
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ModelError(Problem(FileLine(str(path)), f"the folder {folder} does not exist", "an existing folder"))
    handle, tmp = tempfile.mkstemp(prefix=".~hecon-", suffix=".xlsx", dir=folder)
    os.close(handle)
    try:
        wb.save(tmp)
        if path.exists():
            mode = path.stat().st_mode & 0o777
        else:  # what a plain open() would give: 0o666 less the umask
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_workbook(spec: ModelSpec, path: str | Path) -> None:
    """Write ``spec`` as a documented hecon workbook at ``path`` (.xlsx), replacing it atomically.

    ``read_workbook(path)`` gives back a ModelSpec equal to ``spec`` (numbers are written
    exactly; text stays text). Conventions: a transition or reward for every strategy is
    written with strategy ``all``; flags are sorted; distribution and survival-curve
    arguments are written as ``name=value; name=value``.
    """
    save(build_workbook(spec), path)


def blank_spec() -> ModelSpec:
    """The empty model a blank template shows: default settings, no rows."""
    return ModelSpec(Settings(), (), (), ())


def write_template(path: str | Path, spec: ModelSpec | None = None) -> None:
    """Write a documented template workbook: blank, or pre-filled with the model ``spec``
    (e.g. an example of :data:`hecon.examples.EXAMPLES`)."""
    if spec is None:
        save(build_workbook(blank_spec(), blank=True), path)
        return
    save(build_workbook(spec), path)
