"""The package's shape: imports flow one way (no cycle among dscost's modules), the report
modules of different commands do not import each other, and no module grows past ~600 lines."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

MAX_LINES = 600
REPORT_SHARED = {"dscost.report", "dscost.report.document", "dscost.report.jsontext", "dscost.report.counts", "dscost.report.columns", "dscost.report.html",
                 "dscost.report.memory"}


def _module(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, root: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports anywhere (top level, in functions, under TYPE_CHECKING)."""
    me = _module(path, root)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != me and not me.startswith(name + "."):  # a package's own face is no edge back
                out.add(name)
    return out


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    root = package_dir.parent
    files = {_module(p, root): p for p in package_dir.rglob("*.py")}
    return {m: _imports(p, root, set(files)) for m, p in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                return stack[stack.index(d) :] + [d]
            if d not in state and (found := visit(d)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_cycle():
    cycle = find_cycle(import_graph(ROOT / "dscost"))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_a_cycle_is_found(tmp_path):
    """The walker can fail: a function-level import back into a module is a cycle."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg import b\n")
    (pkg / "b.py").write_text("def f():\n    from .a import x\n")
    (pkg / "c.py").write_text("import pkg.a\n")
    graph = import_graph(pkg)
    assert graph["pkg.a"] == {"pkg.b"} and graph["pkg.b"] == {"pkg.a"} and graph["pkg.c"] == {"pkg.a"}
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.a"]


def test_report_command_modules_do_not_import_each_other():
    graph = import_graph(ROOT / "dscost")
    commands = {m for m in graph if m.startswith("dscost.report.") and m not in REPORT_SHARED}
    assert {"dscost.report.analyze", "dscost.report.compare", "dscost.report.check", "dscost.report.diff"} <= commands
    for m in sorted(commands):
        assert not graph[m] & commands, f"{m} imports {sorted(graph[m] & commands)}"


def test_no_module_is_too_long():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "dscost").rglob("*.py") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules above {MAX_LINES} lines: {long}"
