"""The house is one-way (docs/architecture.md, issue 12):

    core ← org ← duties ← cases ← {appraisal, workflows, notifications} ← {web, demo} ← config

An app imports only from the layers below its own (siblings do not import each other); nothing
imports inside a function to dodge that (only ``AppConfig.ready`` may, to register hooks); and
the modules' import graph has no cycle. Tests, migrations, ``bench/`` and ``scripts/`` are not
part of the house: tests may use any fixture, migrations are history.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "core": 0,
    "org": 1,
    "rulebooks": 2,
    "duties": 3,
    "cases": 4,
    "appraisal": 5,
    "workflows": 5,
    "notifications": 5,
    "web": 6,
    "demo": 6,
    "config": 7,
}


def _modules() -> dict[str, Path]:
    found = {}
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if {"tests", "migrations"} & set(rel.parts):
                continue
            name = ".".join(rel.with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path, module: str) -> list[tuple[str, int, bool, str]]:
    """(imported module, line, at module level?, enclosing function) for first-party imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []

    def visit(node: ast.AST, func: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = func
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            if isinstance(child, ast.Import):
                targets = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - child.level + 1] + ([base] if base else []))
                targets = [base] + [f"{base}.{a.name}" for a in child.names]
            else:
                visit(child, inner)
                continue
            for target in targets:
                if target.split(".")[0] in LAYERS:
                    out.append((target, child.lineno, func == "", func))

    visit(tree, "")
    return out


MODULES = _modules()


def _resolve(target: str) -> str | None:
    """The first-party module a dotted import name refers to (a name inside a module → the module)."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def test_the_house_has_the_apps_it_says():
    assert {m.split(".")[0] for m in MODULES} == set(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    app = module.split(".")[0]
    wrong = []
    for target, line, top, func in _imports(MODULES[module], module):
        other = target.split(".")[0]
        if other == app:
            if not top and not (module.endswith(".apps") and func == "ready"):
                wrong.append(f"line {line}: function-local import of {target} in {func}()")
            continue
        if LAYERS[other] >= LAYERS[app] and app != "config":
            wrong.append(f"line {line}: {app} (layer {LAYERS[app]}) imports {target} (layer {LAYERS[other]})")
        elif not top and not (module.endswith(".apps") and func == "ready"):
            wrong.append(f"line {line}: function-local import of {target} in {func}()")
    assert not wrong, f"{module}:\n" + "\n".join(wrong)


def test_no_import_cycle():
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        deps = set()
        for target, _line, top, _func in _imports(path, module):
            resolved = _resolve(target)
            if top and resolved and resolved != module:
                deps.add(resolved)
        graph[module] = deps
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return stack[stack.index(dep) :] + [dep]
            if dep not in state and (cycle := walk(dep)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := walk(module)):
            raise AssertionError("import cycle: " + " → ".join(cycle))


def test_the_check_catches_an_upward_and_a_local_import(tmp_path):
    """The checker itself: an upward import and a function-local one are both seen."""
    path = tmp_path / "mod.py"
    path.write_text("from cases.models import Case\n\ndef f():\n    from duties.models import Obligation\n")
    found = _imports(path, "org.mod")
    assert ("cases.models", 1, True, "") in found
    assert ("duties.models", 4, False, "f") in found
