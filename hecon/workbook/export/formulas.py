"""Translate hecon expressions into Excel formula text.

The expression is parsed with the same whitelist as :func:`hecon.model.expressions.parse`
(so only valid hecon expressions reach this module) and rewritten node by node:

* numbers as numbers; names through :class:`FormulaContext` (a defined name, a cell of the
  trace row, or an inlined formula of a time-dependent parameter);
* ``+ - * / ^`` as Excel operators, every compound operand in brackets (Excel's unary minus
  binds tighter than ``^``; brackets keep hecon's meaning); ``%`` as ``MOD`` (both take the
  sign of the divisor);
* comparisons as Excel comparisons (``!=`` as ``<>``), chained ones joined with ``AND``;
  ``and``/``or``/``not`` as ``AND``/``OR``/``NOT``; ``a if c else b`` and ``if_else`` as ``IF``;
* the value functions of :data:`hecon.model.expressions.FUNCTIONS` as closed-form Excel
  arithmetic (:data:`_FUNCTIONS`), each giving the same number as hecon's numpy function;
* the model functions (``surv_prob``, ``surv``, ``hazard``, ``gp_mort``, ``doses``) through
  the context, which raises :class:`Unsupported` for what the export cannot express.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from hecon.model.expressions import FUNCTIONS, _caret_to_power, parse


class Unsupported(Exception):
    """A construct that the Excel export cannot express; the message says what."""


#: A model function's translation: the reference names (curve, schedule, table; None for a
#: default) and the translated other arguments -> formula text.
ModelFunction = Callable[[Sequence[str | None], Sequence[str]], str]


@dataclass(frozen=True)
class FormulaContext:
    """What names and model functions mean where the formula is written.

    names     : parameter or model variable -> formula text (a defined name, a cell
                reference such as ``$A5``, a number or a bracketed formula)
    functions : model function name (``surv_prob``, ``gp_mort`` ...) -> its translation
    """

    names: Callable[[str], str]
    functions: Mapping[str, ModelFunction] = field(default_factory=dict)


def number(value: float) -> str:
    """A float as Excel formula text that reads back as the same double (``repr`` is exact)."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value)).upper()


def to_excel(text: str | float, ctx: FormulaContext) -> str:
    """Excel formula text (without the leading ``=``) of the hecon expression ``text``.

    Raises ModelError for an invalid expression and :class:`Unsupported` for a valid one that
    Excel cannot compute here.
    """
    expr = parse(text)
    if expr.constant is not None:
        return number(expr.constant)
    tree = ast.parse(_caret_to_power(expr.text), mode="eval")
    return _Translator(ctx).node(tree.body)


_NAME = re.compile(r"^[A-Za-z_$][A-Za-z0-9_.$]*$|^[0-9.]+(E[-+]?[0-9]+)?$")
_CALL = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*\(")


def _atom(text: str) -> bool:
    """Whether ``text`` needs no brackets as an operand: a name, a number, a bracketed formula
    or one function call."""
    if _NAME.match(text):
        return True
    start = 0 if text.startswith("(") else (m.end() - 1 if (m := _CALL.match(text)) else -1)
    if start < 0 or not text.endswith(")"):
        return False
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i == len(text) - 1
    return False


def _wrap(text: str) -> str:
    return text if _atom(text) else f"({text})"


def _rate_to_prob(a: Sequence[str]) -> str:
    exponent = _wrap(a[0]) if len(a) == 1 else f"{_wrap(a[0])}*{_wrap(a[1])}"
    return f"1-EXP(-{exponent})"


def _prob_to_rate(a: Sequence[str]) -> str:
    rate = f"-LN(1-{_wrap(a[0])})"
    return rate if len(a) == 1 else f"{rate}/{_wrap(a[1])}"


def _round(a: Sequence[str]) -> str:
    # hecon's round: sign(x) * floor(|x| * 10^d + 0.5) / 10^d (halves away from zero)
    x = _wrap(a[0])
    scale = "1" if len(a) == 1 else f"10^{_wrap(a[1])}"
    return f"SIGN({x})*INT(ABS({x})*{scale}+0.5)/{scale}"


def _odds_to_prob(o: str) -> str:
    return f"{_wrap(o)}/(1+{_wrap(o)})"


#: Value functions: translated arguments -> Excel text (the same arithmetic as hecon's numpy).
_FUNCTIONS: dict[str, Callable[[Sequence[str]], str]] = {
    "exp": lambda a: f"EXP({a[0]})",
    "log": lambda a: f"LN({a[0]})" if len(a) == 1 else f"LN({a[0]})/LN({a[1]})",
    "log10": lambda a: f"LOG10({a[0]})",
    "sqrt": lambda a: f"SQRT({a[0]})",
    "abs": lambda a: f"ABS({a[0]})",
    "floor": lambda a: f"INT({a[0]})",
    "ceil": lambda a: f"-INT(-{_wrap(a[0])})",
    "round": _round,
    "min": lambda a: f"MIN({','.join(a)})",
    "max": lambda a: f"MAX({','.join(a)})",
    "if_else": lambda a: f"IF({a[0]},{a[1]},{a[2]})",
    "rate_to_prob": _rate_to_prob,
    "prob_to_rate": _prob_to_rate,
    "rescale_prob": lambda a: f"1-(1-{_wrap(a[0])})^({_wrap(a[2])}/{_wrap(a[1])})",
    "odds": lambda a: f"{_wrap(a[0])}/(1-{_wrap(a[0])})",
    "odds_to_prob": lambda a: _odds_to_prob(a[0]),
    "apply_hr": lambda a: f"1-(1-{_wrap(a[0])})^{_wrap(a[1])}",
    "apply_or": lambda a: _odds_to_prob(f"{_wrap(a[0])}/(1-{_wrap(a[0])})*{_wrap(a[1])}"),
    "median_to_rate": lambda a: f"LN(2)/{_wrap(a[0])}",
}

_BINOPS: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
_CMPOPS: dict[type, str] = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "=", ast.NotEq: "<>"}


class _Translator:
    def __init__(self, ctx: FormulaContext):
        self.ctx = ctx

    def node(self, node: ast.AST) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return number(float(node.value))
        if isinstance(node, ast.Name):
            return self.ctx.names(node.id)
        if isinstance(node, ast.BinOp):
            left, right = _wrap(self.node(node.left)), _wrap(self.node(node.right))
            if isinstance(node.op, ast.Mod):
                return f"MOD({left},{right})"
            return f"{left}{_BINOPS[type(node.op)]}{right}"
        if isinstance(node, ast.UnaryOp):
            operand = _wrap(self.node(node.operand))
            if isinstance(node.op, ast.USub):
                return f"-{operand}"
            if isinstance(node.op, ast.Not):
                return f"NOT({operand})"
            return operand
        if isinstance(node, ast.BoolOp):
            joined = ",".join(self.node(v) for v in node.values)
            return f"AND({joined})" if isinstance(node.op, ast.And) else f"OR({joined})"
        if isinstance(node, ast.Compare):
            operands = [_wrap(self.node(n)) for n in [node.left, *node.comparators]]
            parts = [f"{operands[i]}{_CMPOPS[type(op)]}{operands[i + 1]}" for i, op in enumerate(node.ops)]
            return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"
        if isinstance(node, ast.IfExp):
            return f"IF({self.node(node.test)},{self.node(node.body)},{self.node(node.orelse)})"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node.func.id, node.args)
        raise Unsupported(f"'{ast.unparse(node)}' has no Excel translation")  # parse() has refused it already

    def call(self, name: str, args: list[ast.expr]) -> str:
        if name in _FUNCTIONS:
            return _FUNCTIONS[name]([self.node(a) for a in args])
        refs = dict(FUNCTIONS[name].refs)
        ref_names: list[str | None] = [a.id for i, a in enumerate(args) if i in refs and isinstance(a, ast.Name)]
        others = [self.node(a) for i, a in enumerate(args) if i not in refs]
        if name not in self.ctx.functions:
            raise Unsupported(f"the function '{name}' is not exported to Excel yet")
        return self.ctx.functions[name](ref_names, others)
