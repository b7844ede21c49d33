"""The driver: rule files -> parse -> resolve -> check -> graph, collecting diagnostics throughout.

Every stage runs even when an earlier one found errors, so a drafter sees all problems in one run;
each stage tolerates names that did not resolve.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from dataclasses import dataclass
from pathlib import Path

from compiler import budgets, check
from compiler.citations import CitationChecker, load_source
from compiler.consistency import check_consistency
from compiler.graph import PolicyGraph
from compiler.layout import RULE_SUFFIX, policy_root
from compiler.model import Policy
from compiler.numbers import check_numbers
from compiler.resolve import build_symbols, resolve
from compiler.unitcheck import UnitChecker
from dsl import codes, nodes
from dsl.diagnostics import Diagnostics
from dsl.parser import parse_file, parse_text
from dsl.source import SourceFile, Span


@dataclass
class Compilation:
    """The result of checking a policy tree: the model, its graph and every diagnostic."""

    policy: Policy
    graph: PolicyGraph
    diagnostics: Diagnostics
    files: list[str]


def discover(paths: list[str], diags: Diagnostics) -> list[Path]:
    """Rule files under the given paths (directories are searched recursively), sorted."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob(f"*{RULE_SUFFIX}") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            diags.add(codes.UNREADABLE_FILE, Span.point(given), f"no such file or directory: `{given}`",
                      hint="give the policy folder, e.g. `beleid check policy/`")
    return sorted(set(found))


def compile_paths(paths: list[str]) -> Compilation:
    """Check every rule file under `paths` as one policy.

    A single file inside a policy tree (a folder with a `sources/` folder) is checked in the
    context of the whole tree, so its references resolve, but only its own diagnostics are kept.
    """
    diags = Diagnostics()
    files = discover(paths, diags)
    requested = {f.resolve() for f in files}
    context = [f for f in _context_files(paths) if f.resolve() not in requested]
    with _no_cyclic_gc():
        modules = [parse_file(path, str(path), diags) for path in files + context]
        compilation = compile_modules(modules, diags, [str(f) for f in files])
    if context:
        compilation.diagnostics = _only_for(compilation.diagnostics, {str(f) for f in files})
    return compilation


def _context_files(paths: list[str]) -> list[Path]:
    found: set[Path] = set()
    for given in paths:
        path = Path(given)
        root = policy_root(path) if path.is_file() else None
        if root is not None:
            found.update(_display_path(p) for p in root.rglob(f"*{RULE_SUFFIX}") if p.is_file())
    return sorted(found)


def _display_path(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _only_for(diags: Diagnostics, files: set[str]) -> Diagnostics:
    kept = Diagnostics()
    for d in diags:
        if d.span is None or d.span.path in files:
            kept.add(d.code, d.span, d.message, hint=d.hint, related=d.related)
    return kept


@contextlib.contextmanager
def _no_cyclic_gc():
    """Pause the cyclic garbage collector while building many small, long-lived objects.

    Parsing creates a few hundred thousand tree nodes and tokens that live until the run ends;
    the collector would scan them again and again for cycles they do not have. Reference
    counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compile_text(text: str, path: str = "<text>") -> Compilation:
    """Check one rule text on its own (tests, the language server)."""
    diags = Diagnostics()
    module = parse_text(SourceFile(path, text), diags)
    return compile_modules([module], diags, [path])


def compile_modules(modules: list[nodes.Module], diags: Diagnostics, files: list[str]) -> Compilation:
    symbols = build_symbols(modules, diags)
    for decl in symbols.values():
        check.check_fields(decl, diags)
        check.check_vocabulary(decl, diags)
        check.check_values(decl, diags)
    references = resolve(symbols, diags)
    sources = _load_sources(symbols, diags)
    citations = CitationChecker(sources, diags)
    for decl in symbols.values():
        citations.check(decl)
        check_numbers(decl, diags)
    UnitChecker(symbols, diags).check()
    _check_budgets(symbols, diags)
    check_consistency(symbols, diags)
    periods = check.validity(symbols)
    check.check_history(symbols, periods, references, diags)
    policy = Policy(check.build_declarations(symbols, periods), tuple(references), sources)
    graph = PolicyGraph.build(policy)
    graph.check_cycles(diags)
    return Compilation(policy, graph, diags, files)


def _load_sources(symbols: dict[str, nodes.Declaration], diags: Diagnostics):
    sources = {}
    for name, decl in symbols.items():
        if decl.kind == "document":
            text = load_source(decl, Path(decl.span.path), diags)
            if text is not None:
                sources[name] = text
    return sources


def _check_budgets(symbols: dict[str, nodes.Declaration], diags: Diagnostics) -> None:
    tables = {name: d for name, d in symbols.items() if d.kind == "begroting"}
    for table in tables.values():
        budgets.check_table(table, diags)
    for decl in symbols.values():
        budgets.check_budget_reference(decl, tables, diags)


def policy_digest(files: list[str]) -> str:
    """A fingerprint of the rule files' content, for the ledger."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(Path(name).read_bytes())
    return digest.hexdigest()
