"""The efficiency frontier as live Excel formulas: strong and extended dominance, sequential ICERs.

The same analysis as :func:`hecon.analysis.incremental.incremental_analysis` (dampack's
``calculate_icers``; Drummond et al. 2015, ch. 4), written so that a reviewer can follow it and
so that it follows any edit of the inputs:

1. **Order**: each strategy's rank in the order of increasing cost, equal costs the more
   effective first, then input order:
   rank_i = 1 + #{j: C_j < C_i} + #{j: C_j = C_i, E_j > E_i} + #{j: C_j = C_i, E_j = E_i, j < i}.
2. **Strong dominance**: a strategy is dominated when a strategy earlier in that order is at
   least as effective: #{j: rank_j < rank_i, E_j >= E_i} > 0.
3. **Frontier construction**: step 1 is the strategy of rank 1 (the reference). From the
   strategy of step m, the ICER to every non-dominated strategy that costs more,
   (C_j - C_m) / (E_j - E_m); step m + 1 is the strategy with the lowest ICER (equal ICERs
   within the relative tolerance :data:`~hecon.analysis.incremental.ICER_RTOL`: the cheapest,
   so that strategies on a straight line all stay on the frontier, as in dampack). This walks
   the lower-right convex hull of the cost-effectiveness plane (QALYs across, costs up), which
   is what repeatedly removing strategies whose ICER exceeds the next one's leaves. A
   non-dominated strategy that is no step is *extendedly dominated*.
4. **Incremental table** in the order of cost: status, the previous frontier strategy as
   comparator, incremental costs and QALYs and the ICER of the frontier strategies (empty for
   the reference and the dominated ones, as in hecon's report).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hecon.analysis.incremental import ICER_RTOL
from hecon.workbook.export.formulas import number

FRONTIER_TITLE = "Incremental analysis along the efficiency frontier (discounted costs and QALYs), in order of cost"
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _header(ws: Worksheet, row: int, labels: Sequence[str], first_column: int = 1) -> None:
    for i, label in enumerate(labels, start=first_column):
        cell = ws.cell(row, i, label)
        cell.font = _BOLD
        cell.fill = _HEAD_FILL


def write_frontier(
    ws: Worksheet, row: int, strategies: Sequence[str], costs: Sequence[str], qalys: Sequence[str]
) -> int:
    """Write the frontier analysis of ``strategies`` (their discounted costs and QALYs are the
    cells ``costs[i]``, ``qalys[i]`` of ``ws``) from ``row`` down; returns the next free row."""
    n = len(strategies)
    tol = number(ICER_RTOL)

    # ---- 1-2. helper table by strategy, in input order
    ws.cell(row, 1, "Efficiency frontier, step 1-2: order by cost and strong dominance (input order)").font = _BOLD
    head = row + 1
    _header(ws, head, ["no.", "strategy", "costs", "qalys", "rank by cost", "strongly dominated (1 = yes)"])
    first, last = head + 1, head + n
    no, name, c, e, rank, dom = (f"${x}${first}:${x}${last}" for x in "ABCDEF")
    for i in range(n):
        r = first + i
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, strategies[i])
        ws.cell(r, 3, f"={costs[i]}")
        ws.cell(r, 4, f"={qalys[i]}")
        ws.cell(r, 5, f"=1+SUMPRODUCT(({c}<C{r})+({c}=C{r})*({e}>D{r})+({c}=C{r})*({e}=D{r})*({no}<A{r}))")
        ws.cell(r, 6, f"=IF(SUMPRODUCT(({rank}<E{r})*({e}>=D{r}))>0,1,0)")
        ws.cell(r, 3).number_format = "#,##0.00"
        ws.cell(r, 4).number_format = "0.000000"

    # ---- 3. frontier construction, one row per step
    row = last + 2
    ws.cell(
        row,
        1,
        "Efficiency frontier, step 3: from each frontier strategy, the ICER to every non-dominated "
        "strategy that costs more; the next frontier strategy has the lowest (ties within "
        f"{tol}: the cheapest)",
    ).font = _BOLD
    head = row + 1
    icer_first = 4  # column of the ICER to strategy 1
    cand_first = icer_first + n + 1
    _header(ws, head, ["step", "frontier strategy no.", "frontier strategy"])
    _header(ws, head, [f"ICER to {s}" for s in strategies], icer_first)
    _header(ws, head, [f"rank if next: {s}" for s in strategies], cand_first)
    step_first, step_last = head + 1, head + n
    steps = f"$B${step_first}:$B${step_last}"
    for m in range(n):
        r = step_first + m
        ws.cell(r, 1, m + 1)
        if m == 0:
            ws.cell(r, 2, f"=MATCH(1,{rank},0)")
        else:
            cands = f"${get_column_letter(cand_first)}{r - 1}:${get_column_letter(cand_first + n - 1)}{r - 1}"
            ws.cell(r, 2, f'=IF(COUNT({cands})=0,"",MATCH(MIN({cands}),{rank},0))')
        ws.cell(r, 3, f'=IF(B{r}="","",INDEX({name},B{r}))')
        icers = f"${get_column_letter(icer_first)}{r}:${get_column_letter(icer_first + n - 1)}{r}"
        for j in range(n):
            rj = first + j
            col = get_column_letter(icer_first + j)
            ws.cell(
                r,
                icer_first + j,
                f'=IF(B{r}="","",IF(OR($F${rj}=1,$C${rj}<=INDEX({c},B{r})),"",'
                f"($C${rj}-INDEX({c},B{r}))/($D${rj}-INDEX({e},B{r}))))",
            )
            ws.cell(r, icer_first + j).number_format = "#,##0.00"
            ws.cell(
                r,
                cand_first + j,
                f'=IF(ISNUMBER({col}{r}),IF({col}{r}-MIN({icers})<={tol}*ABS({col}{r}),$E${rj},""),"")',
            )

    # ---- 4. the incremental table in the order of cost
    row = step_last + 2
    ws.cell(row, 1, FRONTIER_TITLE).font = _BOLD
    head = row + 1
    _header(
        ws,
        head,
        ["strategy", "costs", "qalys", "status", "comparator", "incremental costs", "incremental qalys",
         "ICER (costs per QALY)", "no.", "frontier step", "comparator no."],
    )  # fmt: skip
    for k in range(n):
        r = head + 1 + k
        ws.cell(r, 9, f"=MATCH({k + 1},{rank},0)")  # the strategy of rank k + 1
        ws.cell(r, 10, f'=IF(ISNUMBER(MATCH(I{r},{steps},0)),MATCH(I{r},{steps},0),"")')
        ws.cell(r, 11, f'=IF(AND(ISNUMBER(J{r}),J{r}>1),INDEX({steps},J{r}-1),"")')
        ws.cell(r, 1, f"=INDEX({name},I{r})")
        ws.cell(r, 2, f"=INDEX({c},I{r})")
        ws.cell(r, 3, f"=INDEX({e},I{r})")
        ws.cell(
            r,
            4,
            f'=IF(INDEX({dom},I{r})=1,"dominated",IF(J{r}="","extendedly dominated",'
            f'IF(J{r}=1,"reference","non-dominated")))',
        )
        ws.cell(r, 5, f'=IF(K{r}="","",INDEX({name},K{r}))')
        ws.cell(r, 6, f'=IF(K{r}="","",B{r}-INDEX({c},K{r}))')
        ws.cell(r, 7, f'=IF(K{r}="","",C{r}-INDEX({e},K{r}))')
        ws.cell(r, 8, f'=IF(K{r}="","",F{r}/G{r})')
        for col, fmt in ((2, "#,##0.00"), (3, "0.000000"), (6, "#,##0.00"), (7, "0.000000"), (8, "#,##0.00")):
            ws.cell(r, col).number_format = fmt
    return head + n + 2
