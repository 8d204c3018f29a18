"""The project's import graph, read from the source (every import counts, also inside functions).

    .venv/bin/python -m testkit.imports          # the graph between mpp's top-level modules

tests/unit/test_import_graph.py holds the rules: no cycle between mpp's top-level
modules nor between any two modules, the core imports nothing of the adapters or Rasa,
and tests and benchmarks share code only through testkit.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from mpp.config import PROJECT_ROOT

PACKAGES = ("mpp", "nlu", "actions", "bot", "console", "benchmarks", "testkit", "tests", "scripts")


def module_name(path: Path, root: Path = PROJECT_ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            found[module_name(path, root)] = path
    return found


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(root: Path = PROJECT_ROOT) -> dict[str, set[str]]:
    """For each first-party module: the modules (and names) it imports, as dotted paths."""
    sources = _sources(root)
    graph: dict[str, set[str]] = {}
    for module, path in sources.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module, path.name == "__init__.py", node)
                for alias in node.names:
                    child = f"{base}.{alias.name}"
                    targets.add(child if child in sources else base)
                    if child not in sources and alias.name.startswith("_") and not alias.name.startswith("__"):
                        targets.add(f"{base}:{alias.name}")  # a private name imported from another module
        graph[module] = targets
    return graph


def first_party(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Only the edges between the project's own modules (a name import counts as its module)."""
    own = set(graph)

    def owner(target: str) -> str | None:
        target = target.split(":")[0]
        while target and target not in own:
            target = target.rpartition(".")[0]
        return target or None

    return {m: {o for t in targets if (o := owner(t)) and o != m} for m, targets in graph.items()}


def top_level(graph: dict[str, set[str]], package: str = "mpp") -> dict[str, set[str]]:
    """The graph between ``package``'s top-level modules (``mpp.booking``, ``mpp.faq``, …)."""

    def node(module: str) -> str | None:
        parts = module.split(".")
        return ".".join(parts[:2]) if parts[0] == package and len(parts) > 1 else None

    out: dict[str, set[str]] = {}
    for module, targets in first_party(graph).items():
        source = node(module)
        if source is None:
            continue
        out.setdefault(source, set()).update(t for target in targets if (t := node(target)) and t != source)
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def show(graph: dict[str, set[str]]) -> Iterable[str]:
    for node in sorted(graph):
        yield f"{node} -> {', '.join(sorted(graph[node])) or '(nothing of its own)'}"


if __name__ == "__main__":
    for line in show(top_level(imports())):
        print(line)
