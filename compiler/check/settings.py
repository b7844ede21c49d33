"""The configuration of `beleid check`: the `[tool.beleid]` table of the nearest pyproject.toml
above the checked path (up to the repository), read with tomllib into `CheckSettings` (a severity
per code, codes ignored per path pattern). Every fault is a located C001-C005 diagnostic; a file
without `[tool.beleid]` is no configuration at all.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from dsl import codes, files
from dsl.codes import Severity
from dsl.diagnostics import Diagnostic, Diagnostics
from dsl.source import Span

CONFIG_FILE = "pyproject.toml"
SECTION = "[tool.beleid"
MAX_CONFIG_BYTES = 1_000_000
KEYS = ("severity", "ignore")
SEVERITIES = tuple(s.value for s in Severity)
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class CheckSettings:
    """What `[tool.beleid]` says: the folder it applies to, severities, ignores per pattern."""

    root: Path | None = None
    path: Path | None = None
    severities: dict[str, Severity] = field(default_factory=dict)
    ignores: tuple[tuple[str, frozenset[str]], ...] = ()

    def severity_of(self, diagnostic: Diagnostic) -> Severity:
        """The diagnostic's severity as configured (its own when the configuration says none)."""
        return self.severities.get(diagnostic.code.id, diagnostic.severity)

    def ignores_diagnostic(self, diagnostic: Diagnostic) -> bool:
        """Whether a pattern of `[tool.beleid.ignore]` matching the diagnostic's file names its
        code.
        """
        if self.root is None or diagnostic.span is None or not self.ignores:
            return False
        relative = _relative(Path(diagnostic.span.path), self.root)
        if relative is None:
            return False
        return any(
            diagnostic.code.id in ignored and _matches(relative, pattern)
            for pattern, ignored in self.ignores
        )


def rank(severity: Severity) -> int:
    """Errors above warnings above notes: for ordering and for a minimum severity."""
    return _RANK[severity]


def find_settings(start: Path) -> tuple[CheckSettings, Diagnostics]:
    """The settings of the nearest pyproject.toml with `[tool.beleid]` at or above `start`,
    stopping at the repository (the folder holding `.git`); their faults as diagnostics.
    """
    location = start.resolve()
    folder = location if location.is_dir() else location.parent
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_FILE
        if path.is_file():
            text = _read(path)
            if text is None or SECTION in text:
                return read_settings(path, text)
        if (candidate / ".git").exists():
            break
    return CheckSettings(), Diagnostics()


def read_settings(path: Path, text: str | None = None) -> tuple[CheckSettings, Diagnostics]:
    """`[tool.beleid]` of the pyproject.toml at `path`, validated; an empty CheckSettings when it
    has errors, so nothing half-configured is applied.
    """
    diags = Diagnostics()
    text = _read(path) if text is None else text
    if text is None:
        diags.add(
            codes.CONFIG_INVALID,
            Span.point(str(path)),
            f"`{path}` cannot be read as UTF-8 text of at most {MAX_CONFIG_BYTES:,} bytes",
            hint="make pyproject.toml a readable UTF-8 text file",
        )
        return CheckSettings(), diags
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, column = _toml_position(str(error))
        diags.add(
            codes.CONFIG_INVALID,
            Span(str(path), line, column, line, column + 1),
            f"`{path.name}` is not valid TOML: {_TOML_POSITION.sub('', str(error)).strip()}",
            hint="correct the TOML syntax at this place (https://toml.io)",
        )
        return CheckSettings(), diags
    table = document.get("tool", {}).get("beleid", {})
    reader = _Reader(path, text, diags)
    settings = CheckSettings(
        path.parent.resolve(), path, reader.severities(table), reader.ignores(table)
    )
    return (CheckSettings(), diags) if diags.has_errors else (settings, diags)


class _Reader:
    """Validates the values of `[tool.beleid]`, reporting each fault at its line."""

    def __init__(self, path: Path, text: str, diags: Diagnostics) -> None:
        self.path, self.lines, self.diags = path, text.splitlines(), diags

    def severities(self, table) -> dict[str, Severity]:
        if not isinstance(table, dict):
            self._fault(codes.CONFIG_INVALID, "tool.beleid", "`tool.beleid` is not a table", "")
            return {}
        for key in sorted(set(table) - set(KEYS)):
            self._fault(
                codes.CONFIG_INVALID,
                key,
                f"unknown key `{key}` in `[tool.beleid]`",
                f"the keys are {', '.join(f'`{k}`' for k in KEYS)}",
            )
        given = table.get("severity", {})
        if not isinstance(given, dict):
            hint = 'write it as a table, e.g. severity = {P401 = "info"}'
            self._fault(codes.CONFIG_INVALID, "severity", "`severity` is not a table", hint)
            return {}
        chosen = {}
        for code_id, value in given.items():
            code = self._code(code_id)
            severity = self._severity(code_id, value)
            if code is None or severity is None:
                continue
            if rank(severity) < rank(code.severity) and code.severity is Severity.ERROR:
                self._lowers_error(code, f"sets {code_id} to `{value}`")
                continue
            chosen[code_id] = severity
        return chosen

    def ignores(self, table) -> tuple[tuple[str, frozenset[str]], ...]:
        given = table.get("ignore", {}) if isinstance(table, dict) else {}
        if not isinstance(given, dict):
            hint = 'write it as a table: [tool.beleid.ignore] then "policy/legacy/*" = ["P401"]'
            self._fault(codes.CONFIG_INVALID, "ignore", "`ignore` is not a table", hint)
            return ()
        patterns = []
        for pattern, code_ids in given.items():
            if not isinstance(code_ids, list) or not all(isinstance(c, str) for c in code_ids):
                self._fault(
                    codes.CONFIG_INVALID,
                    pattern,
                    f"the codes ignored under `{pattern}` are not a list of code strings",
                    f'write e.g. "{pattern}" = ["P401"]',
                )
                continue
            if not self._pattern_is_sound(pattern):
                continue
            kept = {c for c in code_ids if self._ignorable(c)}
            patterns.append((pattern, frozenset(kept)))
        return tuple(patterns)

    def _ignorable(self, code_id: str) -> bool:
        code = self._code(code_id)
        if code is not None and code.severity is Severity.ERROR:
            self._lowers_error(code, f"ignores {code_id}")
            return False
        return code is not None

    def _code(self, code_id: str) -> codes.Code | None:
        code = codes.BY_ID.get(code_id)
        if code is not None and code.id.startswith("P"):
            return code
        why = "is no diagnostic code" if code is None else "is not a finding of `beleid check`"
        self._fault(
            codes.CONFIG_UNKNOWN_CODE,
            code_id,
            f"`{code_id}` {why}; only P codes can be configured",
            "name a P code from docs/diagnostics.md, e.g. P401",
        )
        return None

    def _severity(self, code_id: str, value) -> Severity | None:
        if isinstance(value, str) and value in SEVERITIES:
            return Severity(value)
        self._fault(
            codes.CONFIG_UNKNOWN_SEVERITY,
            code_id,
            f"`{value}` is not a severity (for {code_id})",
            f"write one of {', '.join(f'`{s}`' for s in SEVERITIES)}",
        )
        return None

    def _lowers_error(self, code: codes.Code, what: str) -> None:
        self._fault(
            codes.CONFIG_LOWERS_ERROR,
            code.id,
            f"the configuration {what}, but {code.id} is an error",
            "fix the finding, or accept it for now with `beleid check --write-baseline FILE` "
            "and `--baseline FILE`; evaluate and report refuse a policy with errors anyway",
        )

    def _pattern_is_sound(self, pattern: str) -> bool:
        problem = _pattern_problem(pattern)
        if problem:
            self._fault(
                codes.CONFIG_BAD_GLOB,
                pattern,
                f"the path pattern `{pattern}` {problem}",
                'write a pattern relative to the folder of pyproject.toml, e.g. "policy/legacy/*"',
            )
        return not problem

    def _fault(self, code: codes.Code, token: str, message: str, hint: str) -> None:
        line = self._line_of(token) or 1
        text = self.lines[line - 1] if line <= len(self.lines) else ""
        found = _token_at(text, token)
        start, end = (found.start() + 1, found.end() + 1) if found else (1, len(text) + 1)
        span = Span(str(self.path), line, start, line, end)
        self.diags.add(code, span, message, hint=hint or None)

    def _line_of(self, token: str) -> int:
        """The first line inside a `[tool.beleid...]` section that writes `token`; else the first
        line of the section (0 without one).
        """
        in_section = False
        for number, line in enumerate(self.lines, start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                in_section = stripped.startswith(SECTION)
                if in_section and token in stripped:
                    return number
            elif in_section and _token_at(line, token):
                return number
        starts = (n for n, line in enumerate(self.lines, 1) if line.strip().startswith(SECTION))
        return next(starts, 0)


def _token_at(line: str, token: str) -> re.Match | None:
    """Where `token` stands in `line` as a whole word (or a whole quoted key)."""
    return re.search(rf"(?<![\w.]){re.escape(token)}(?![\w])", line)


def _pattern_problem(pattern: str) -> str:
    """Why a path pattern cannot be used ('' when it can)."""
    if not pattern.strip():
        return "is empty"
    if pattern.startswith("/") or re.match(r"^[A-Za-z]:", pattern) or "\\" in pattern:
        return "is absolute or uses backslashes; patterns are relative, with `/`"
    if ".." in PurePosixPath(pattern).parts:
        return "leaves the folder of pyproject.toml (`..`)"
    if pattern.count("[") != pattern.count("]"):
        return "has an unclosed `[` or `]`"
    return ""


def _matches(relative: str, pattern: str) -> bool:
    """Whether the file, or a folder it lies in, matches the pattern (`*` also crosses `/`)."""
    parts = relative.split("/")
    candidates = ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]
    return any(fnmatch.fnmatchcase(candidate, pattern.rstrip("/")) for candidate in candidates)


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return None


def _read(path: Path) -> str | None:
    try:  # the bounded reader: regular files only, never more than the limit (dsl/files.py)
        return files.read_bytes(path, MAX_CONFIG_BYTES).decode("utf-8")
    except (files.FileRefused, UnicodeDecodeError):
        return None


def _toml_position(message: str) -> tuple[int, int]:
    found = _TOML_POSITION.search(message)
    return (int(found.group(1)), int(found.group(2))) if found else (1, 1)
