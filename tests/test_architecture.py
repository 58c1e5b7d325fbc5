"""The package's layers (README, Layout): every import points down, and no import circle.

The import graph is read from the source with :mod:`ast` (every ``import`` statement,
including those inside functions and under ``TYPE_CHECKING``), so a circle hidden behind a
lazy import fails as well. ``from hecon.x import y`` counts as an import of the module
``hecon.x.y`` when that is a module, else of ``hecon.x``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "hecon"

#: Bottom to top. A module may import modules of its own layer and of the layers below.
LAYERS: list[tuple[str, ...]] = [
    ("hecon.version", "hecon.folders"),
    ("hecon.model",),
    ("hecon.methods",),
    ("hecon.evidence",),
    ("hecon.engine",),
    ("hecon.analysis",),
    ("hecon.workbook",),
    ("hecon.report",),
    ("hecon.examples",),
    ("hecon.cli", "hecon.__main__", "hecon"),
]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the hecon modules it imports (anywhere in its source)."""
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.split(".")[0] == root.name}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.split(".")[0] != root.name:
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    deps.add(sub if sub in files else target)
        graph[name] = {d for d in deps if d != name}
    return graph


def layer_of(module: str) -> int:
    """Index in LAYERS of the most specific prefix of ``module``."""
    best, depth = -1, -1
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and prefix.count(".") > depth:
                best, depth = i, prefix.count(".")
    return best


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{m} (layer {layer_of(m)}) imports {d} (layer {layer_of(d)})"
        for m, deps in graph.items()
        for d in deps
        if layer_of(d) > layer_of(m)
    )


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(PACKAGE)


def test_every_module_belongs_to_a_layer(graph):
    assert [m for m in graph if layer_of(m) < 0] == []


def test_no_upward_import(graph):
    assert upward_imports(graph) == []


def test_no_import_circle(graph):
    assert circles(graph) == []


def test_the_checks_find_a_planted_upward_import_and_circle(tmp_path):
    """The checker itself: a model module importing the report, and two modules importing
    each other (one of them lazily, inside a function), are both found."""
    root = tmp_path / "hecon"
    for folder in ("model", "report"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "model" / "spec.py").write_text("from hecon.report import tables\n")
    (root / "report" / "tables.py").write_text("def f():\n    from hecon.report.figures import g\n")
    (root / "report" / "figures.py").write_text("from . import tables\n")
    found = import_graph(root)
    assert upward_imports(found) == ["hecon.model.spec (layer 1) imports hecon.report.tables (layer 7)"]
    assert circles(found) == [["hecon.report.figures", "hecon.report.tables"]]
