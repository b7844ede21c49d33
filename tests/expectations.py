"""Expected diagnostics written in fixtures, one syntax for every code family (P, D, L, S, T, G),
and the comparison of those expectations with the diagnostics a run produced.

A file with comments (rule files, YAML) marks the line a diagnostic points to with a comment:

    eigenaar voor_de_rommel # expect: P102

A patch that writes a fixture (the diff cases, tests/fixtures/diff/cases.py) carries the mark on
the line it adds, so the mark stands in the version it writes.

A file that cannot hold comments (CSV, plain text, binary data) gets a sidecar `<file>.expect`
with one line per marked line, the line number first:

    3: expect: D008@19 "is not a number"

After `expect:` come one or more items separated by spaces, each a code, optionally `@COLUMN`
(the column must match too) and optionally a fragment in double quotes that must occur in the
diagnostic's message or hint. `# ignore: CODE` in a file leaves that code out of the comparison.
The comparison is exact both ways: every expectation needs its own diagnostic, and every
diagnostic (in any file, or without a place) needs an expectation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dsl.diagnostics import Diagnostic

SIDECAR_SUFFIX = ".expect"
_MARK = re.compile(r"(?:^|\s)# expect:(.*)$")
_SIDECAR_LINE = re.compile(r"^(\d+): expect:(.*)$")
_ITEM = re.compile(r'\s*([A-Z]\d{3})(?:@(\d+))?(?:\s+"([^"]*)")?')
_IGNORE = re.compile(r"# ignore: ([A-Z]\d{3})")


@dataclass(frozen=True)
class Expectation:
    """One expected diagnostic: where it points, its code, and what else is known about it."""

    path: Path
    line: int
    code: str
    column: int | None = None
    fragment: str | None = None

    def matches(self, diagnostic: Diagnostic) -> bool:
        span = diagnostic.span
        if span is None or diagnostic.code.id != self.code or span.line != self.line:
            return False
        if Path(span.path).resolve() != self.path.resolve():
            return False
        if self.column is not None and span.column != self.column:
            return False
        return self.fragment is None or self.fragment in _text(diagnostic)

    def __str__(self) -> str:
        column = f":{self.column}" if self.column is not None else ""
        fragment = f' containing "{self.fragment}"' if self.fragment is not None else ""
        return f"{self.path.name}:{self.line}{column} {self.code}{fragment}"


def expectations(path: Path) -> list[Expectation]:
    """The expectations written in `path` (as comments) and in its sidecar, if it has one."""
    found = []
    for number, line in enumerate(_lines(path), start=1):
        mark = _MARK.search(line)
        if mark:
            found += _items(path, number, mark.group(1))
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if sidecar.is_file():
        found += _sidecar(path, sidecar)
    return found


def ignored_codes(path: Path) -> set[str]:
    """Codes the fixture declares irrelevant with `# ignore: CODE` (e.g. P250 for made-up
    numbers).
    """
    return set(_IGNORE.findall("\n".join(_lines(path))))


def fixture_files(folder: Path) -> list[Path]:
    """Every fixture file under `folder`, without the sidecars."""
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(SIDECAR_SUFFIX)
    )


def mismatches(paths: Iterable[Path], diagnostics: Iterable[Diagnostic]) -> list[str]:
    """What differs between the expectations in `paths` and `diagnostics`; empty when they agree."""
    paths = list(paths)
    wanted = [e for p in paths for e in expectations(p)]
    ignored = set().union(*(ignored_codes(p) for p in paths)) if paths else set()
    left = [d for d in diagnostics if d.code.id not in ignored]
    problems = []
    # The most specific expectations choose first, so a bare code cannot take another's diagnostic.
    for expectation in sorted(wanted, key=lambda e: (e.column is None, e.fragment is None)):
        match = next((d for d in left if expectation.matches(d)), None)
        if match is None:
            problems.append(f"expected, not reported: {expectation}")
        else:
            left.remove(match)
    problems += [f"reported, not expected: {_describe(d)}" for d in left]
    return problems


def assert_as_expected(paths: Iterable[Path], diagnostics: Iterable[Diagnostic]) -> None:
    """Fail with every difference when the diagnostics are not exactly the expected ones."""
    problems = mismatches(paths, diagnostics)
    assert not problems, "\n".join(problems)


def _lines(path: Path) -> list[str]:
    # latin-1 maps every byte to one character, so binary and non-UTF-8 fixtures can be marked too.
    return path.read_bytes().decode("latin-1").split("\n")


def _sidecar(path: Path, sidecar: Path) -> list[Expectation]:
    found = []
    for text in sidecar.read_text(encoding="utf-8").splitlines():
        if not text.strip() or text.startswith("#"):
            continue
        line = _SIDECAR_LINE.match(text)
        if line is None:
            raise ValueError(f"{sidecar}: `{text}` is not `LINE: expect: CODE[@COLUMN]`")
        found += _items(path, int(line.group(1)), line.group(2))
    return found


def _items(path: Path, line: int, text: str) -> list[Expectation]:
    items, position = [], 0
    for item in _ITEM.finditer(text):
        if item.start() != position:
            break
        code, column, fragment = item.groups()
        items.append(Expectation(path, line, code, int(column) if column else None, fragment))
        position = item.end()
    if not items or text[position:].strip():
        raise ValueError(f"{path}:{line}: cannot read the expectation `expect:{text}`")
    return items


def _text(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.message}\n{diagnostic.hint or ''}"


def _describe(diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    where = f"{Path(span.path).name}:{span.line}:{span.column}" if span else "(no place)"
    return f"{where} {diagnostic.code.id}: {diagnostic.message}"
