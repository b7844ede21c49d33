"""The driver: rule files -> parse -> resolve -> check -> typed views -> graph, collecting
diagnostics throughout; the `Compilation` it returns is built complete and not changed after.

Every stage runs even when an earlier one found errors, so a drafter sees all problems in one run;
each stage tolerates names that did not resolve.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
from dataclasses import dataclass
from pathlib import Path

from compiler.check import budgets, fields, history, viewbuilder
from compiler.check.citations import CitationChecker, load_source
from compiler.check.consistency import check_consistency
from compiler.check.englishtitles import check_english_titles
from compiler.check.graph import PolicyGraph
from compiler.check.identity import check_identity
from compiler.check.kinds import check_kinds
from compiler.check.layout import RULE_SUFFIX, escapes, policy_root, repository_root
from compiler.check.model import Policy
from compiler.check.numbers import check_numbers, recorded_choices
from compiler.check.resolve import build_symbols, resolve
from compiler.check.scope import check_scope
from compiler.check.unitcheck import UnitChecker
from dsl import codes, files, nodes
from dsl.diagnostics import Diagnostics
from dsl.parser import MAX_FILE_BYTES, parse_file, parse_text
from dsl.source import SourceFile, Span

# Far above any real policy (the bundled tree has a few hundred; benchmarks/check.py checks 100
# times that); it bounds the work and memory an oversized or generated tree can ask for.
MAX_DECLARATIONS = 50_000


@dataclass(frozen=True)
class Compilation:
    """The result of checking a policy tree: the model, its graph and every diagnostic.

    Built complete, once; `files` are the rule files checked (not the context files read along).
    """

    policy: Policy
    graph: PolicyGraph
    diagnostics: Diagnostics
    files: tuple[str, ...]


def discover(paths: list[str], diags: Diagnostics) -> list[Path]:
    """Rule files under the given paths (directories are searched recursively), sorted.

    Symbolic links are followed while they stay inside the repository; a link that leads out of
    it (P012) or back into a folder it lies in (P011) is reported and not followed.
    """
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(_rule_files_in(path, diags))
        elif path.is_file():
            found.append(path)
        else:
            diags.add(
                codes.UNREADABLE_FILE,
                Span.point(given),
                f"no such file or directory: `{given}`",
                hint="give the policy folder, e.g. `beleid check policy/`",
            )
    return _unique_files(found)


def _rule_files_in(folder: Path, diags: Diagnostics) -> list[Path]:
    boundary = repository_root(folder)
    found: list[Path] = []
    pending = [(folder, (folder.resolve(),))]
    while pending:
        current, chain = pending.pop()
        for path in _entries(current, diags):
            if path.is_symlink() and not _link_allowed(path, chain, boundary, diags):
                continue
            if path.is_dir():
                pending.append((path, (*chain, path.resolve())))
            elif path.suffix == RULE_SUFFIX and path.is_file():
                found.append(path)
    return found


def _entries(folder: Path, diags: Diagnostics) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError as error:
        diags.add(
            codes.UNREADABLE_FILE,
            Span.point(str(folder)),
            f"cannot read folder: {error.strerror}",
            hint="check that the folder exists and is readable",
        )
        return []


def _link_allowed(link: Path, chain: tuple[Path, ...], boundary: Path, diags: Diagnostics) -> bool:
    """A symbolic link is followed only inside the repository and never back into its own
    folders.
    """
    try:
        link.stat()
    except OSError as error:  # ELOOP: a link to itself, or links that lead to each other
        if error.errno == errno.ELOOP:
            diags.add(
                codes.LINK_CYCLE,
                Span.point(str(link)),
                f"`{link}` is a link that leads back to itself",
                hint="remove the link, or point it at a real file or folder",
            )
        return False  # otherwise a link to nothing: there is nothing to read
    if escapes(link, boundary):
        if link.is_dir() or link.suffix == RULE_SUFFIX:
            diags.add(
                codes.PATH_OUTSIDE_REPOSITORY,
                Span.point(str(link)),
                f"`{link}` is a link to `{_link_target(link)}`, "
                f"outside the repository `{boundary}`",
                hint="copy the rule files into the repository instead of linking to them",
            )
        return False
    if link.is_dir() and link.resolve() in chain:
        diags.add(
            codes.LINK_CYCLE,
            Span.point(str(link)),
            f"`{link}` links back to `{link.resolve()}`, a folder it lies in",
            hint="remove the link; a folder cannot contain itself",
        )
        return False
    return True


def _link_target(link: Path) -> str:
    try:
        return str(link.readlink())
    except OSError:
        return "?"


def _unique_files(found: list[Path]) -> list[Path]:
    """Sorted, each real file once (under the first name it was found by), so a linked folder
    inside the tree does not declare everything twice.
    """
    by_real: dict[Path, Path] = {}
    for path in sorted(set(found)):
        by_real.setdefault(path.resolve(), path)
    return sorted(by_real.values())


def compile_paths(paths: list[str]) -> Compilation:
    """Check every rule file under `paths` as one policy.

    A single file inside a policy tree (a folder with a `sources/` folder) is checked in the
    context of the whole tree, so its references resolve, but only its own diagnostics are kept.
    """
    diags = Diagnostics()
    files = discover(paths, diags)
    requested = {f.resolve() for f in files}
    context = [f for f in _context_files(paths) if f.resolve() not in requested]
    names = [str(f) for f in files]
    with _no_cyclic_gc():
        modules = [parse_file(path, str(path), diags) for path in files + context]
        policy, graph = check_modules(modules, diags)
    return Compilation(
        policy, graph, _only_for(diags, set(names)) if context else diags, tuple(names)
    )


def _context_files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        root = policy_root(path) if path.is_file() else None
        if root is not None:
            found.extend(_display_path(p) for p in _rule_files_in(root, Diagnostics()))
    return _unique_files(found)


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


def compile_modules(
    modules: list[nodes.Module], diags: Diagnostics, files: list[str]
) -> Compilation:
    """Resolve, check and graph parsed modules as one policy (nothing at all past the limit)."""
    policy, graph = check_modules(modules, diags)
    return Compilation(policy, graph, diags, tuple(files))


def check_modules(modules: list[nodes.Module], diags: Diagnostics) -> tuple[Policy, PolicyGraph]:
    """The checked model of parsed modules and its graph; every problem goes to `diags`."""
    if _over_declaration_limit(modules, diags):
        modules = []
    symbols = build_symbols(modules, diags)
    check_english_titles(modules, diags)
    for decl in symbols.values():
        fields.check_fields(decl, diags)
        fields.check_vocabulary(decl, diags)
        fields.check_values(decl, diags)
        if decl.kind == "document":
            check_identity(decl, diags)
    references = resolve(symbols, diags)
    check_kinds(symbols, diags)
    sources = _load_sources(symbols, diags)
    citations = CitationChecker(sources, diags)
    choices = recorded_choices(symbols)
    for decl in symbols.values():
        citations.check(decl)
        check_numbers(decl, diags, choices.get(decl.id.name, ""))
    check_scope(symbols, sources, diags)
    UnitChecker(symbols, diags).check()
    _check_budgets(symbols, diags)
    check_consistency(symbols, diags)
    periods = history.validity(symbols)
    history.check_history(symbols, periods, references, diags)
    policy = Policy(viewbuilder.build_declarations(symbols, periods), tuple(references), sources)
    graph = PolicyGraph.build(policy)
    graph.check_cycles(diags)
    return policy, graph


def _over_declaration_limit(modules: list[nodes.Module], diags: Diagnostics) -> bool:
    declarations = [decl for module in modules for decl in module.declarations]
    if len(declarations) <= MAX_DECLARATIONS:
        return False
    diags.add(
        codes.TOO_MANY_DECLARATIONS,
        declarations[MAX_DECLARATIONS].span,
        f"the policy holds {len(declarations):,} declarations, "
        f"over the limit of {MAX_DECLARATIONS:,}; "
        "this one is the first past it, and nothing was checked",
        hint="check a part of the tree (a theme folder) at a time, or split the repository",
    )
    return True


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


def policy_digest(paths: list[str]) -> str:
    """A fingerprint of the rule files' content, for the ledger (read within the rule-file
    limit, as the checker read them).
    """
    digest = hashlib.sha256()
    for name in sorted(paths):
        digest.update(files.read_bytes(name, MAX_FILE_BYTES))
    return digest.hexdigest()
