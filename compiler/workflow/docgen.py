"""Generated docs: docs/diagnostics.md from the code registry, docs/source-findings.md from the
policy's `bevinding` declarations. Tests keep both files in sync.

Regenerate them with:

    python -m compiler.workflow.docgen diagnostics > docs/diagnostics.md
    python -m compiler.workflow.docgen findings > docs/source-findings.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from compiler.check.model import Policy
from dsl import codes

_FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "invalid"
_DATA_FIXTURES = _FIXTURES.parent / "data" / "bad"

_FAMILIES = {
    "P0": "Reading files and syntax",
    "P1": "Names",
    "P2": "Semantics",
    "P3": "Dependency graph",
    "P4": "Warnings that never block",
    "P5": "Consistency between source documents",
    "D0": "Monitoring data",
    "L0": "The ledger",
    "S0": "Scenario files",
    "T0": "Policy test files (`beleid test`)",
    "G0": "Commitment guards of `beleid diff`",
    "C0": "Configuration and baseline of `beleid check`",
}


def diagnostics_markdown() -> str:
    lines = [
        "# Diagnostics",
        "",
        "Generated from `dsl/codes.py` by `python -m compiler.workflow.docgen diagnostics`; "
        "do not edit by hand.",
        "",
        "Every diagnostic has a stable code (never renumbered or reused), a severity, a place",
        "(file:line:column), a one-line message and a hint. Errors make `beleid check` exit 1;",
        "warnings do not.",
        "",
        "Tests state the diagnostics they expect in the fixture itself, one syntax for every",
        "family: the line a diagnostic points to carries `# expect: CODE` in the file's own",
        "comment syntax (rule files, YAML). A file without comments (CSV, plain text, binary) "
        "has a",
        "sidecar `<file>.expect` with one line per marked line, `LINE: expect: CODE`. After",
        "`expect:` come one or more codes separated by spaces; a code may add `@COLUMN` and a",
        '`"fragment"` of the message or hint, e.g. `3: expect: D008@19 "is not a number"`.',
        "`# ignore: CODE` leaves a code out. The fixture must yield exactly the expected",
        "diagnostics (`tests/expectations.py` compares them). Fixtures live under",
        "`tests/fixtures/invalid/` (P), `tests/fixtures/data/bad/` (D), `tests/fixtures/ledger/`",
        "(L), `tests/fixtures/scenarios/` (S) and `tests/fixtures/policytest/` (T).",
        "",
        "| code | name | severity | meaning |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| [{c.id}](#{c.id.lower()}) | `{c.slug}` | {c.severity.value} | {c.summary} |"
        for c in codes.ALL_CODES
    ]
    family = None
    for code in codes.ALL_CODES:
        if code.id[:2] != family:
            family = code.id[:2]
            lines += ["", f"## {family}xx: {_FAMILIES[family]}"]
        lines += [
            "",
            f"### {code.id}",
            "",
            f"`{code.slug}` ({code.severity.value}): {code.summary}.",
        ]
        example = _example(code)
        if example:
            where = example.relative_to(_FIXTURES.parent.parent.parent).as_posix()
            lines += [
                "",
                f"Example (`{where}`):",
                "",
                "```",
                example.read_text(encoding="utf-8", errors="replace").rstrip(),
                "```",
            ]
    return "\n".join(lines) + "\n"


def _example(code: codes.Code) -> Path | None:
    candidates = sorted(_FIXTURES.glob(f"{code.id}_*.policy")) + sorted(
        p for p in _DATA_FIXTURES.rglob(f"{code.id}_*.*") if p.suffix != ".expect"
    )
    for path in candidates:
        data = path.read_bytes()
        if b"\x00" not in data and len(data) < 2000:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                return None
            return path
    return None


def findings_markdown(policy: Policy, root: Path | None = None) -> str:
    """Every `bevinding` with what it concerns and the quoted passages on each side.

    File paths are shown relative to `root` (default: the working directory).
    """
    root = (root or Path.cwd()).resolve()
    findings = policy.of_kind("bevinding")
    lines = [
        "# Findings about the sources",
        "",
        "Generated from the `bevinding` declarations under `policy/` by",
        "`python -m compiler.workflow.docgen findings`; do not edit by hand. A finding records "
        "where a source",
        "is unclear or where documents disagree, instead of silently choosing one reading.",
        "",
        f"{len(findings)} finding{'s' * (len(findings) != 1)}.",
    ]
    for decl in sorted(findings, key=lambda d: (d.span.path, d.span.line)):
        where = _relative(decl.span.path, root)
        lines += ["", f"## {decl.title}", "", f"`{decl.id}` ({where})", "", decl.node.value("wat")]
        concerns = decl.node.value("betreft") or ()
        if concerns:
            lines += ["", "Concerns: " + ", ".join(f"`{ref.name}`" for ref in concerns) + "."]
        for f in decl.node.all("bron"):
            c = f.value
            where = (
                f"line {c.first_line}"
                if c.first_line == c.last_line
                else f"lines {c.first_line}-{c.last_line}"
            )
            lines += [
                "",
                f"> {' '.join(c.quote.split())}",
                ">",
                f"> (`{c.document.name}`, {where})",
            ]
    return "\n".join(lines) + "\n"


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return path


def main(argv: list[str]) -> int:
    if argv == ["diagnostics"]:
        print(diagnostics_markdown(), end="")
    elif argv[:1] == ["findings"]:
        from compiler.check.pipeline import compile_paths

        print(findings_markdown(compile_paths(argv[1:] or ["policy"]).policy), end="")
    else:
        print(
            "usage: python -m compiler.workflow.docgen diagnostics | findings [PATH ...]",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
