"""hecon's expression language: parsed, never ``eval``-ed, vectorised with numpy.

An expression is the text of a formula in a parameter, transition, cost or utility cell,
for example ``rate_to_prob(-log(1 - p_death_5y) / 5, cycle_years) * hr_tec``.

Syntax (a whitelisted subset of Python's, parsed with :mod:`ast`)
----------------------------------------------------------------
* numbers, names of parameters and model variables
* ``+ - * / %``; power as ``**`` or ``^`` (``^`` means power, as in Excel, except that
  ``-2^2`` is -4 as in Python: write ``(-2)^2``)
* comparisons ``< <= > >= == !=``, ``and``, ``or``, ``not``
* ``a if condition else b`` and ``if_else(condition, a, b)``
* calls of the functions in :data:`FUNCTIONS`; nothing else (no attributes, indexing,
  lambdas, strings, keywords).

Model variables (all broadcast over PSA samples, cycles and state time)
------------------------------------------------------------------------
``model_time`` cycles since model start (0 in the first cycle); ``state_time`` cycles since
entering the current state (0 in the first cycle after entry; needs a tunnel);
``model_years``/``state_years`` the same in years; ``age`` = start age + model_years
[years]; ``cycle_years``/``cycle_days`` the cycle length.

Values are numpy arrays that broadcast to (sample, time, state_time); an expression that
does not depend on a dimension keeps length 1 along it, so constant inputs cost nothing.
"""

from __future__ import annotations

import ast
import io
import math
import re
import sys
import tokenize
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from hecon.model.limits import DEPTH_CEILING, EXPRESSION_CHARS, EXPRESSION_DEPTH, expression_depth
from hecon.model.problems import Location, ModelError, Problem, topic

#: Where a problem with an expression parsed on its own is located.
EXPRESSION = topic("expression")

VARIABLES = ("model_time", "state_time", "model_years", "state_years", "age", "cycle_years", "cycle_days")
STATE_TIME_VARIABLES = frozenset({"state_time", "state_years"})
TIME_VARIABLES = frozenset({"model_time", "model_years", "age"})


class EvaluationContext(Protocol):
    """What an expression needs from the model while it is evaluated."""

    def value(self, name: str) -> Any: ...
    def curve_event_probability(self, curve: str, clock: Any) -> Any: ...
    def curve_survival(self, curve: str, years: Any) -> Any: ...
    def curve_hazard(self, curve: str, years: Any) -> Any: ...
    def gp_mortality(self, table: str | None) -> Any: ...
    def administrations(self, schedule: str, clock: Any) -> Any: ...


# ---------------------------------------------------------------- value functions
def _nary(ufunc: np.ufunc) -> Callable[..., Any]:
    def apply(*args: Any) -> Any:
        out = args[0]
        for a in args[1:]:
            out = ufunc(out, a)
        return out

    return apply


def rate_to_prob(rate: Any, time: Any = 1.0) -> Any:
    """Probability of at least one event in ``time`` for a constant ``rate``: 1 - exp(-rate * time).

    rate [1/time unit], time [same unit]. Source: Briggs, Claxton & Sculpher (2006),
    Decision Modelling for Health Economic Evaluation, eq. 3.1.
    """
    return -np.expm1(-np.multiply(rate, time))


def prob_to_rate(p: Any, time: Any = 1.0) -> Any:
    """Constant rate giving probability ``p`` over ``time``: -ln(1 - p) / time [1/time unit]."""
    return -np.log1p(-np.asarray(p, dtype=float)) / time


def rescale_prob(p: Any, from_time: Any, to_time: Any) -> Any:
    """Rescale a probability over ``from_time`` to ``to_time`` through the rate:
    1 - (1 - p)^(to_time / from_time). Valid for one competing event only (Chhatwal et al.,
    Med Decis Making 2016;36:1059; a multi-state matrix needs a matrix root)."""
    return -np.expm1(np.log1p(-np.asarray(p, dtype=float)) * np.divide(to_time, from_time))


def odds(p: Any) -> Any:
    """Odds p / (1 - p)."""
    return np.divide(p, np.subtract(1.0, p))


def odds_to_prob(o: Any) -> Any:
    """Probability o / (1 + o) from odds o."""
    return np.divide(o, np.add(1.0, o))


def apply_hr(p: Any, hr: Any) -> Any:
    """Apply a hazard ratio to a per-cycle probability: 1 - (1 - p)^hr (constant hazard within the cycle)."""
    return -np.expm1(np.log1p(-np.asarray(p, dtype=float)) * hr)


def apply_or(p: Any, odds_ratio: Any) -> Any:
    """Apply an odds ratio to a probability."""
    return odds_to_prob(odds(p) * odds_ratio)


def round_half_away(x: Any, digits: Any = 0) -> Any:
    """Round to ``digits`` decimals, halves away from zero (as Excel's ROUND, unlike numpy's
    round-half-to-even): round(2.5) = 3, round(-2.5) = -3."""
    scale = np.power(10.0, digits)
    return np.sign(x) * np.floor(np.abs(x) * scale + 0.5) / scale


def median_to_rate(median: Any) -> Any:
    """Exponential rate with the given median: ln 2 / median [1/time unit of the median]."""
    return np.divide(math.log(2.0), median)


@dataclass(frozen=True)
class FunctionDef:
    """min_args..max_args arguments; ``refs`` maps an argument position to the kind of
    model object it names (``curve``, ``schedule``, ``table``)."""

    min_args: int
    max_args: int
    doc: str
    value: Callable[..., Any] | None = None
    refs: tuple[tuple[int, str], ...] = ()


FUNCTIONS: dict[str, FunctionDef] = {
    "exp": FunctionDef(1, 1, "e to the power x", np.exp),
    "log": FunctionDef(
        1,
        2,
        "natural logarithm; log(x, base) for another base",
        lambda x, b=None: np.log(x) if b is None else np.log(x) / np.log(b),
    ),
    "log10": FunctionDef(1, 1, "base-10 logarithm", np.log10),
    "sqrt": FunctionDef(1, 1, "square root", np.sqrt),
    "abs": FunctionDef(1, 1, "absolute value", np.abs),
    "floor": FunctionDef(1, 1, "largest integer <= x", np.floor),
    "ceil": FunctionDef(1, 1, "smallest integer >= x", np.ceil),
    "round": FunctionDef(1, 2, round_half_away.__doc__ or "", round_half_away),
    "min": FunctionDef(2, 99, "element-wise minimum of the arguments", _nary(np.minimum)),
    "max": FunctionDef(2, 99, "element-wise maximum of the arguments", _nary(np.maximum)),
    "if_else": FunctionDef(
        3, 3, "if_else(condition, value_if_true, value_if_false)", lambda c, a, b: np.where(c, a, b)
    ),
    "rate_to_prob": FunctionDef(1, 2, rate_to_prob.__doc__ or "", rate_to_prob),
    "prob_to_rate": FunctionDef(1, 2, prob_to_rate.__doc__ or "", prob_to_rate),
    "rescale_prob": FunctionDef(3, 3, rescale_prob.__doc__ or "", rescale_prob),
    "odds": FunctionDef(1, 1, odds.__doc__ or "", odds),
    "odds_to_prob": FunctionDef(1, 1, odds_to_prob.__doc__ or "", odds_to_prob),
    "apply_hr": FunctionDef(2, 2, apply_hr.__doc__ or "", apply_hr),
    "apply_or": FunctionDef(2, 2, apply_or.__doc__ or "", apply_or),
    "median_to_rate": FunctionDef(1, 1, median_to_rate.__doc__ or "", median_to_rate),
    "surv_prob": FunctionDef(
        1,
        2,
        "surv_prob(curve, clock=model_time): probability of the curve's event during the "
        "cycle that starts at `clock` cycles, 1 - S(t+cycle)/S(t)",
        refs=((0, "curve"),),
    ),
    "surv": FunctionDef(2, 2, "surv(curve, years): survival S at a time in years", refs=((0, "curve"),)),
    "hazard": FunctionDef(2, 2, "hazard(curve, years): hazard rate [1/year] at a time in years", refs=((0, "curve"),)),
    "gp_mort": FunctionDef(
        0,
        1,
        "gp_mort(table=settings' table): per-cycle general-population death probability "
        "of the cohort at its current age and sex mix",
        refs=((0, "table"),),
    ),
    "doses": FunctionDef(
        1,
        2,
        "doses(schedule, clock=model_time): administrations in the cycle starting at `clock` cycles",
        refs=((0, "schedule"),),
    ),
}

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.true_divide,
    ast.Mod: np.mod,
    ast.Pow: np.power,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}
_Evaluator = Callable[[EvaluationContext], Any]


@dataclass(frozen=True)
class Expression:
    """A parsed expression.

    names : parameters and model variables it reads
    refs  : model objects it names, as (kind, name) pairs, e.g. ("curve", "os_rwpc");
            ("table", None) for the default life table
    """

    text: str
    names: frozenset[str]
    refs: frozenset[tuple[str, str | None]]
    _evaluate: _Evaluator
    constant: float | None = None
    depth: int = 1  # of its syntax tree: the nested calls its evaluation makes

    def evaluate(self, ctx: EvaluationContext) -> Any:
        """Value of the expression; numpy arrays broadcast to (sample, time, state_time)."""
        with np.errstate(all="ignore"):
            if (
                _STACK_MARGIN * self.depth + _STACK_BASE <= sys.getrecursionlimit()
            ):  # the usual case, without _stack_for
                return self._evaluate(ctx)
            with _stack_for(self.depth):
                return self._evaluate(ctx)


def parse(source: str | float | int, where: Location = EXPRESSION) -> Expression:
    """Parse an expression or number; raise ModelError naming ``where`` when it is invalid.

    A formula is parsed once per run: the same text at the same place (with the same limits in
    force) gives the same :class:`Expression`, which is immutable, so it is kept
    (:data:`PARSED` formulas; compiling every scenario and validating constants ask for the
    same formulas tens of thousands of times)."""
    if isinstance(source, bool):
        raise ModelError(Problem(where, f"{source!r} is a true/false value", "a number or a formula"))
    if isinstance(source, (int, float)):
        value = float(source)
        if not math.isfinite(value):
            raise ModelError(Problem(where, f"{source!r} is not a finite number", "a finite number"))
        return Expression(repr(value), frozenset(), frozenset(), lambda ctx: value, constant=value)
    return _parse_text(str(source), where, EXPRESSION_CHARS.value, expression_depth())


PARSED = 65_536
"""Formulas kept parsed (least recently used beyond)."""

SWITCH_PREFIX = "_hecon_on_"
VALUE_PREFIX = "_hecon_value_"
_SWITCHED = re.compile(rf"if_else\({SWITCH_PREFIX}\d+ > 0\.5, {VALUE_PREFIX}\d+, \((.*)\)\)", re.ASCII | re.DOTALL)


def switched(text: str, k: int) -> str:
    """The formula ``text`` of a parameter that an analysis sets sample by sample: the value of the
    hidden parameter ``_hecon_value_k`` where ``_hecon_on_k`` is 1, else ``text``. The limits on
    length and depth apply to ``text`` alone (the wrapper is hecon's, never the user's)."""
    return f"if_else({SWITCH_PREFIX}{k} > 0.5, {VALUE_PREFIX}{k}, ({text}))"


def _user_formula(text: str) -> tuple[str, int]:
    """The user's formula inside the wrappers of :func:`switched`, and the number of wrappers."""
    wrappers = 0
    while (match := _SWITCHED.fullmatch(text)) is not None:
        text, wrappers = match.group(1), wrappers + 1
    return text, wrappers


@lru_cache(maxsize=PARSED)
def _parse_text(source: str, where: Location, max_chars: int, max_depth: int) -> Expression:
    """:func:`parse` of a text, with the limits in force (``max_chars``, ``max_depth``) as
    arguments so that a changed limit is not answered from the cache."""
    text = source.strip()
    if text.startswith("="):  # pasted from Excel
        text = text[1:].strip()
    if not text:
        raise ModelError(Problem(where, "the formula is empty", "a number or a formula"))
    inner, wrappers = _user_formula(text)
    if wrappers:  # hecon's wrapper (2 levels each) counts neither to the limits nor in messages
        _parse_text(inner, where, max_chars, max_depth)
        max_chars, max_depth = len(text), max_depth + 2 * wrappers
    if len(text) > max_chars:
        raise ModelError(
            Problem(
                where,
                f"the formula '{text[:40]}...' has {len(text):,} characters",
                EXPRESSION_CHARS.expected("a formula of") + "; split it into named parameters",
            )
        )
    if not text.isascii():  # Python would read a look-alike such as 'ｐ' (full width) as 'p' (NFKC)
        raise ModelError(
            Problem(
                where,
                f"the formula '{_clip(text)}' has {non_ascii(text)}",
                "names, numbers and operators in plain ASCII (retype the character)",
            )
        )
    levels = nesting(text)
    if levels > max_depth:  # before Python's parser, which reads at most 200 nested brackets
        raise ModelError(
            Problem(
                where,
                f"the formula '{_clip(text)}' is nested more than {max_depth} levels deep ({levels:,} "
                "levels; each bracket, call and unary operator such as - or not is one level)",
                f"a formula nested at most {max_depth} levels deep"
                + (
                    f" (or raise the limit up to {DEPTH_CEILING}: set {EXPRESSION_DEPTH.variable})"
                    if max_depth < DEPTH_CEILING
                    else f" ({DEPTH_CEILING} is the most hecon reads)"
                )
                + "; split it into named parameters",
            )
        )
    try:
        with _stack_for(min(len(text), _PARSER_CHAIN)):  # a chain of n additions is n deep
            tree = ast.parse(_caret_to_power(text), mode="eval")
    except SyntaxError as exc:
        col = f" at character {exc.offset}" if exc.offset else ""
        raise ModelError(
            Problem(
                where, f"cannot read formula '{_clip(text)}'{col}", "arithmetic, comparisons, function calls and names"
            )
        ) from None
    except (RecursionError, MemoryError):  # a chain of operators too long for Python's parser
        raise ModelError(
            Problem(
                where,
                f"cannot read formula '{_clip(text)}': it chains {len(text):,} characters of operations, more "
                "than Python's parser takes",
                EXPRESSION_CHARS.expected("a formula of") + "; split it into named parameters",
            )
        ) from None
    depth = _depth(tree)
    builder = _Builder(text, where)
    with _stack_for(depth):
        fn = builder.build(tree.body)
        constant = None
        if not builder.names and not builder.refs:
            with np.errstate(all="ignore"):
                value = fn(None)  # type: ignore[arg-type]  # no names or refs: the evaluator never reads ctx
            if np.ndim(value) == 0 and np.isfinite(value):
                constant = float(value)
    return Expression(text, frozenset(builder.names), frozenset(builder.refs), fn, constant, depth)


_TOKEN = re.compile(
    r"\s+|[A-Za-z_]\w*|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?|\*\*|[<>=!]=|[^\s\w]", re.ASCII
)
_KEEP_UNARY = ("**", "^")
_PARSER_CHAIN = 5_000  # the longest chain of operations Python's parser is given stack for  # the operand of -x ** -y: the inner minus nests inside the outer one


def nesting(text: str) -> int:
    """How deep a formula nests, counted on its text without recursion: each open bracket (a call's
    too) and each unary operator (``-``, ``+``, ``~``, ``not``) whose operand is still open is one
    level. ``f(-(1 + 2))`` has 3 levels; ``-a * -b`` has 1 (each minus ends with its operand)."""
    pending = [0]  # unary operators still open, per open bracket
    level = deepest = 0
    operand = False  # whether the last token ends an operand (so + and - are binary)
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token.isspace():
            continue
        if token in "([{":
            pending.append(0)
            level += 1
            operand = False
        elif token in ")]}":
            if len(pending) > 1:
                level -= 1 + pending.pop()
            operand = True
        elif token == "not" or (token in ("-", "+", "~") and not operand):
            pending[-1] += 1
            level += 1
            operand = False
        elif token[0].isalnum() or token[0] in "._":
            is_word = token in ("and", "or", "if", "else", "in", "is", "lambda")
            if is_word:
                level -= pending[-1]
                pending[-1] = 0
            operand = not is_word
        else:  # a binary operator, comma or other sign: ends the open unary operators' operands
            if token not in _KEEP_UNARY:
                level -= pending[-1]
                pending[-1] = 0
            operand = False
        deepest = max(deepest, level)
    return deepest


_STACK_MARGIN, _STACK_BASE = 4, 1_000  # Python frames per level of a syntax tree, and frames around it


@contextmanager
def _stack_for(depth: int) -> Iterator[None]:
    """Room on Python's call stack for building or evaluating a syntax tree ``depth`` deep (a
    chain of 1,000 additions is 1,000 deep): the recursion limit is raised while it runs."""
    limit = sys.getrecursionlimit()
    needed = _STACK_MARGIN * depth + _STACK_BASE
    if needed <= limit:
        yield
        return
    sys.setrecursionlimit(needed)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def non_ascii(text: str) -> str:
    """The first character of ``text`` outside ASCII, described for a message: ``the character 'ｐ'
    (FULLWIDTH LATIN SMALL LETTER P), a look-alike of 'p'``."""
    char = next(c for c in text if not c.isascii())
    name = unicodedata.name(char, f"U+{ord(char):04X}")
    plain = unicodedata.normalize("NFKC", char)
    alike = f", a look-alike of '{plain}'" if plain != char and plain.isascii() else ""
    return f"the character '{char}' ({name}){alike}"


def _clip(text: str, length: int = 60) -> str:
    """``text``, or its start and end around '...' when longer than ``length`` characters."""
    return text if len(text) <= length else f"{text[: length // 2]}...{text[-length // 2 :]}"


def _depth(tree: ast.AST) -> int:
    """Depth of the syntax tree, walked without recursion (so a deep tree cannot overflow the stack)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack += [(child, depth + 1) for child in ast.iter_child_nodes(node)]
    return deepest


def _caret_to_power(text: str) -> str:
    """Replace the operator ``^`` by ``**`` token by token, so that it parses with the precedence
    of a power (``2 * 3 ^ 2`` = 18). Unary minus follows Python: ``-2 ^ 2`` = -(2 ^ 2) = -4
    (Excel gives 4; write ``(-2) ^ 2`` for that)."""
    if "^" not in text:
        return text
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return text  # ast.parse reports the syntax error
    return tokenize.untokenize(
        (tok.type, "**") if tok.type == tokenize.OP and tok.string == "^" else (tok.type, tok.string) for tok in tokens
    )


class _Builder:
    """Turns a whitelisted AST into nested closures; anything else is a ModelError."""

    def __init__(self, text: str, where: Location):
        self.text = text
        self.where = where
        self.names: set[str] = set()
        self.refs: set[tuple[str, str | None]] = set()

    def fail(self, node: ast.AST, what: str) -> ModelError:
        return ModelError(
            Problem(
                self.where,
                f"{what} in '{self.text}'",
                "numbers, names, + - * / ^, comparisons, and/or/not, 'a if c else b' and the functions "
                + ", ".join(sorted(FUNCTIONS)),
            )
        )

    def build(self, node: ast.AST) -> _Evaluator:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise self.fail(node, f"the constant {node.value!r} is not a number")
            value = float(node.value)
            return lambda ctx: value
        if isinstance(node, ast.Name):
            name = node.id
            if name in FUNCTIONS:
                raise self.fail(node, f"the function '{name}' is used without brackets")
            self.names.add(name)
            return lambda ctx: ctx.value(name)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            op = _BINOPS[type(node.op)]
            left, right = self.build(node.left), self.build(node.right)
            if isinstance(node.op, ast.Sub):  # numpy refuses to subtract true/false values: as 1 and 0
                return lambda ctx: np.subtract(np.asarray(left(ctx), dtype=float), right(ctx))
            return lambda ctx: op(left(ctx), right(ctx))
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            if isinstance(node.op, ast.USub):
                return lambda ctx: np.negative(np.asarray(operand(ctx), dtype=float))  # -(a < b): -1 or 0
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(node.op, ast.Not):
                return lambda ctx: np.logical_not(operand(ctx))
        if isinstance(node, ast.BoolOp):
            parts = [self.build(v) for v in node.values]
            combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
            return lambda ctx: _nary(combine)(*(p(ctx) for p in parts))
        if isinstance(node, ast.Compare):
            if not all(type(op) in _CMPOPS for op in node.ops):
                raise self.fail(node, "an unsupported comparison")
            operands = [self.build(node.left)] + [self.build(c) for c in node.comparators]
            ops = [_CMPOPS[type(op)] for op in node.ops]

            def compare(ctx: EvaluationContext) -> Any:
                values = [o(ctx) for o in operands]
                out = ops[0](values[0], values[1])
                for i in range(1, len(ops)):
                    out = np.logical_and(out, ops[i](values[i], values[i + 1]))
                return out

            return compare
        if isinstance(node, ast.IfExp):
            test, body, orelse = self.build(node.test), self.build(node.body), self.build(node.orelse)
            return lambda ctx: np.where(test(ctx), body(ctx), orelse(ctx))
        if isinstance(node, ast.Call):
            return self.build_call(node)
        raise self.fail(node, f"'{ast.get_source_segment(self.text, node) or type(node).__name__}' is not allowed")

    def build_call(self, node: ast.Call) -> _Evaluator:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise self.fail(node, f"unknown function '{name}'")
        if node.keywords:
            raise self.fail(node, f"named arguments in a call of '{node.func.id}'")
        name = node.func.id
        fdef = FUNCTIONS[name]
        n = len(node.args)
        if not fdef.min_args <= n <= fdef.max_args:
            count = str(fdef.min_args) if fdef.min_args == fdef.max_args else f"{fdef.min_args} to {fdef.max_args}"
            raise self.fail(node, f"'{name}' takes {count} arguments, not {n}")
        ref_kinds = dict(fdef.refs)
        refs: list[str] = []
        args: list[_Evaluator] = []
        for i, arg in enumerate(node.args):
            if i in ref_kinds:
                if not isinstance(arg, ast.Name):
                    raise self.fail(arg, f"argument {i + 1} of '{name}' must be the name of a {ref_kinds[i]}")
                self.refs.add((ref_kinds[i], arg.id))
                refs.append(arg.id)
            else:
                args.append(self.build(arg))
        if fdef.value is not None:
            value = fdef.value
            return lambda ctx: value(*(a(ctx) for a in args))
        return self._model_call(name, refs, args)

    def _model_call(self, name: str, refs: list[str], args: list[_Evaluator]) -> _Evaluator:
        if name == "gp_mort":
            table = refs[0] if refs else None
            self.names.add("model_time")
            if table is None:
                self.refs.add(("table", None))
            return lambda ctx: ctx.gp_mortality(table)
        obj = refs[0]  # the curve or schedule: the first argument of the other model functions
        if name == "surv_prob" or name == "doses":
            clock: _Evaluator
            if not args:  # default clock: model time
                self.names.add("model_time")

                def clock(ctx: EvaluationContext) -> Any:
                    return ctx.value("model_time")
            else:
                clock = args[0]
            if name == "surv_prob":
                return lambda ctx: ctx.curve_event_probability(obj, clock(ctx))
            return lambda ctx: ctx.administrations(obj, clock(ctx))
        years = args[0]
        if name == "surv":
            return lambda ctx: ctx.curve_survival(obj, years(ctx))
        return lambda ctx: ctx.curve_hazard(obj, years(ctx))
