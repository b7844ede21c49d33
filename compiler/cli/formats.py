"""Diagnostics rendered for people and machines: text (with source line and caret), json, github,
sarif.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from compiler.check.citations import MAX_SOURCE_BYTES
from compiler.check.layout import repository_root
from dsl import codes, files
from dsl.codes import Severity
from dsl.diagnostics import Diagnostic
from dsl.printable import escape_controls

FORMATS = ("text", "json", "github", "sarif")
TOOL_URI = "https://github.com/beleid/beleid"

_COLOURS = {
    Severity.ERROR: "\033[1;31m",
    Severity.WARNING: "\033[1;33m",
    Severity.INFO: "\033[1;34m",
}
_BOLD, _BLUE, _RESET = "\033[1m", "\033[34m", "\033[0m"


# The excerpt under a diagnostic is read through the bounded reader: at most this many bytes, a
# regular file only, never through a link out of the repository; otherwise no excerpt is shown.
EXCERPT_MAX_BYTES = MAX_SOURCE_BYTES


@functools.lru_cache(maxsize=256)
def _file_lines(path: str) -> tuple[str, ...]:
    try:
        boundary = repository_root(Path(os.path.abspath(path)).parent)
        text = files.read_bytes(path, EXCERPT_MAX_BYTES, boundary=boundary).decode("utf-8")
    except (files.FileRefused, OSError, UnicodeDecodeError, ValueError):
        return ()
    return tuple(text.splitlines())


def render(
    diagnostics: list[Diagnostic],
    fmt: str,
    *,
    colour: bool = False,
    lines: Callable[[str], tuple[str, ...]] = _file_lines,
) -> str:
    """Render sorted diagnostics in one of FORMATS."""
    if fmt == "json":
        return json.dumps(
            [to_dict(d) for d in diagnostics], indent=2, sort_keys=True, ensure_ascii=False
        )
    if fmt == "github":
        return "\n".join(github_line(d) for d in diagnostics)
    if fmt == "sarif":
        return json.dumps(to_sarif(diagnostics), indent=2, ensure_ascii=False)
    return "\n".join(render_text(d, colour=colour, lines=lines) for d in diagnostics)


def summary(diagnostics: Iterable[Diagnostic], files: int, *, triage=None) -> str:
    """One line: files checked, errors and warnings (and notes when there are any); with a
    `triage`, also what the baseline accepted, the configuration ignored and was not shown.
    """
    items = list(diagnostics)
    errors = sum(1 for d in items if d.severity is Severity.ERROR)
    warnings = sum(1 for d in items if d.severity is Severity.WARNING)
    notes = sum(1 for d in items if d.severity is Severity.INFO)
    line = (
        f"checked {files} file{'s' * (files != 1)}: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )
    if notes:
        line += f", {notes} note{'s' * (notes != 1)}"
    if triage is None:
        return line
    dropped = [
        (triage.accepted, "accepted by the baseline"),
        (triage.ignored, "ignored by pyproject.toml"),
        (triage.hidden, f"below {triage.min_severity.value} not shown"),
    ]
    said = [f"{count} {what}" for count, what in dropped if count]
    return line + ("; " + ", ".join(said) if said else "")


# text ------------------------------------------------------------------------------------------


def render_text(
    d: Diagnostic, *, colour: bool = False, lines: Callable[[str], tuple[str, ...]] = _file_lines
) -> str:
    paint = (lambda code, text: f"{code}{text}{_RESET}") if colour else (lambda code, text: text)
    safe = escape_controls  # what came from a file is escaped; only our own colours reach the tty
    where = safe(f"{d.span}: ") if d.span else ""
    head = (
        paint(_BOLD, where)
        + paint(_COLOURS[d.severity], f"{d.severity.value}[{d.code.id}]")
        + paint(_BOLD, f": {safe(d.message)}")
    )
    out = [head]
    if d.span is not None:
        out.extend(_excerpt(d, lines(d.span.path), paint))
    if d.hint:
        out.append(paint(_BLUE, "   = ") + f"hint: {safe(d.hint)}")
    for related in d.related:
        out.append(paint(_BLUE, "   = ") + safe(f"note: {related.span}: {related.message}"))
    return "\n".join(out)


EXCERPT_WIDTH = 110  # characters of a source line shown under a diagnostic


def _excerpt(d: Diagnostic, file_lines: tuple[str, ...], paint) -> list[str]:
    span = d.span
    if not 0 < span.line <= len(file_lines):
        return []
    text = file_lines[span.line - 1].expandtabs(1)
    if len(text) > max(EXCERPT_WIDTH, span.column + 10):
        text = text[: max(EXCERPT_WIDTH, span.column + 10)] + " …"
    width = len(str(span.line))
    gutter = paint(_BLUE, " " * width + " |")
    end = span.end_column if span.end_line == span.line else len(text) + 1
    carets = "^" * max(1, min(end, len(text) + 1) - span.column)
    return [
        gutter,
        paint(_BLUE, f"{span.line} |") + f" {escape_controls(text)}",
        gutter + " " + " " * (span.column - 1) + paint(_COLOURS[d.severity], carets),
    ]


# json ------------------------------------------------------------------------------------------


def to_dict(d: Diagnostic) -> dict:
    return {
        "code": d.code.id,
        "slug": d.code.slug,
        "severity": d.severity.value,
        "message": d.message,
        "hint": d.hint,
        "span": _span_dict(d.span),
        "related": [{"message": r.message, "span": _span_dict(r.span)} for r in d.related],
    }


def _span_dict(span) -> dict | None:
    if span is None:
        return None
    return {
        "path": span.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


# github ----------------------------------------------------------------------------------------


def github_line(d: Diagnostic) -> str:
    """A GitHub Actions workflow command, shown as an annotation on the pull request."""
    level = {"error": "error", "warning": "warning"}.get(d.severity.value, "notice")
    props = {"title": f"{d.code.id} {d.code.slug}"}
    if d.span is not None:
        props = {
            "file": d.span.path,
            "line": str(max(d.span.line, 1)),
            "col": str(max(d.span.column, 1)),
            "endLine": str(max(d.span.end_line, d.span.line, 1)),
            **props,
        }
    rendered = ",".join(f"{k}={_escape_property(v)}" for k, v in props.items())
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return f"::{level} {rendered}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


# sarif -----------------------------------------------------------------------------------------

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def to_sarif(diagnostics: list[Diagnostic]) -> dict:
    """A SARIF 2.1.0 log with one run; every registered code is a rule."""
    rule_index = {code.id: i for i, code in enumerate(codes.ALL_CODES)}
    rules = [
        {
            "id": code.id,
            "name": code.slug,
            "shortDescription": {"text": code.summary},
            "defaultConfiguration": {"level": _SARIF_LEVEL[code.severity]},
            "helpUri": f"{TOOL_URI}/blob/main/docs/diagnostics.md#{code.id.lower()}",
        }
        for code in codes.ALL_CODES
    ]
    results = [_sarif_result(d, rule_index[d.code.id]) for d in diagnostics]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "beleid", "informationUri": TOOL_URI, "rules": rules}},
                "results": results,
            }
        ],
    }


def _sarif_result(d: Diagnostic, index: int) -> dict:
    text = d.message + (f" (hint: {d.hint})" if d.hint else "")
    result = {
        "ruleId": d.code.id,
        "ruleIndex": index,
        "level": _SARIF_LEVEL[d.severity],
        "message": {"text": text},
    }
    if d.span is not None:
        result["locations"] = [{"physicalLocation": _sarif_location(d.span)}]
    if d.related:
        result["relatedLocations"] = [
            {"id": i, "message": {"text": r.message}, "physicalLocation": _sarif_location(r.span)}
            for i, r in enumerate(d.related)
        ]
    return result


def _sarif_location(span) -> dict:
    line = max(span.line, 1)
    return {
        "artifactLocation": {"uri": Path(span.path).as_posix()},
        "region": {
            "startLine": line,
            "startColumn": max(span.column, 1),
            "endLine": max(span.end_line, line),
            "endColumn": max(span.end_column, 1),
        },
    }
