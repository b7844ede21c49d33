"""The stages import only downwards: read every module's imports with `ast` and compare the layers.

The order is the one `docs/architecture.md` draws: `dsl` at the bottom, then `check`, `data`,
`evaluate`, the workflow tools (`diff`, `workflow`, `report`) side by side, the language server
above them and the command line on top (`beleid lsp` starts the server). A stage may import its
own modules and any stage below it; siblings on one layer do not import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

LAYERS = {
    "dsl": 0,
    "compiler.check": 1,
    "compiler.data": 2,
    "compiler.evaluate": 3,
    "compiler.diff": 4,
    "compiler.workflow": 4,
    "compiler.report": 4,
    "compiler.lsp": 5,
    "compiler.cli": 6,
}
# The package root re-exports the checker's entry points (`from compiler import compile_paths`).
ROOT_PACKAGE = "compiler"


def stage_of(module: str) -> str | None:
    """The stage a dotted module name belongs to, or None for a module outside the packages."""
    for stage in sorted(LAYERS, key=len, reverse=True):
        if module == stage or module.startswith(stage + "."):
            return stage
    return ROOT_PACKAGE if module == ROOT_PACKAGE else None


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(tree: ast.AST) -> list[tuple[str, int]]:
    """Every module an `import` or `from … import` names, with its line (relative ones resolved
    by the caller never occur: the project uses absolute imports only, which this also checks).
    """
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"line {node.lineno}: relative import"
            found.append((node.module or "", node.lineno))
            # `from compiler import units` names the module compiler.units
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def violations(root: Path) -> list[str]:
    """Each import that goes up or sideways between stages, as 'module:line imports target'."""
    found: dict[tuple[str, int], str] = {}
    for path in sorted([*root.glob("dsl/**/*.py"), *root.glob("compiler/**/*.py")]):
        importer = module_name(path, root)
        mine = stage_of(importer)
        if mine is None or mine == ROOT_PACKAGE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target, line in imported_modules(tree):
            theirs = stage_of(target)
            if theirs is None or theirs == mine:
                continue
            if theirs == ROOT_PACKAGE:
                theirs = "compiler.check"  # the root package is the checker's front door
            if LAYERS[theirs] >= LAYERS[mine]:
                message = f"{importer}:{line} imports {target} ({theirs} is not below {mine})"
                found.setdefault((importer, line), message)
    return list(found.values())


def test_every_module_belongs_to_a_stage():
    loose = [p.name for p in (ROOT / "compiler").glob("*.py") if p.name != "__init__.py"]
    assert loose == [], "modules directly under compiler/ belong in a stage folder"
    folders = {p.name for p in (ROOT / "compiler").iterdir() if (p / "__init__.py").exists()}
    assert {f"compiler.{f}" for f in folders} == {s for s in LAYERS if s.startswith("compiler.")}


def test_stages_import_only_downwards():
    assert violations(ROOT) == []


@pytest.mark.parametrize(
    "module, text, expected",
    [
        ("compiler/check/extra.py", "from compiler.evaluate import moment\n", "compiler.evaluate"),
        ("compiler/data/extra.py", "import compiler.cli.main\n", "compiler.cli"),
        ("dsl/extra.py", "from compiler import compile_paths\n", "compiler.check"),
        ("compiler/report/extra.py", "from compiler.diff import compare\n", "compiler.diff"),
        ("compiler/evaluate/extra.py", "def f():\n    from compiler.lsp import server\n", "lsp"),
    ],
)
def test_an_upward_import_is_caught(tmp_path, module, text, expected):
    """The test above can fail: a copy of the tree with one import going up is reported."""
    for package in ("dsl", "compiler"):
        for path in (ROOT / package).rglob("*.py"):
            copy = tmp_path / path.relative_to(ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / module).write_text(text, encoding="utf-8")
    found = violations(tmp_path)
    assert len(found) == 1 and expected in found[0], found
