"""Generates docs/diagnostics.md from the code registry (dsl/codes.py); a test keeps the file in sync.

Run `python -m compiler.codedocs > docs/diagnostics.md` after adding or changing a code.
"""

from __future__ import annotations

from pathlib import Path

from dsl import codes

_FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "invalid"

_FAMILIES = {
    "P0": "Reading files and syntax",
    "P1": "Names",
    "P2": "Semantics",
    "P3": "Dependency graph",
    "P4": "Warnings that never block",
    "P5": "Consistency between source documents",
}


def render_markdown() -> str:
    lines = [
        "# Diagnostics",
        "",
        "Generated from `dsl/codes.py` by `python -m compiler.codedocs`; do not edit by hand.",
        "",
        "Every diagnostic has a stable code (never renumbered or reused), a severity, a place",
        "(file:line:column), a one-line message and a hint. Errors make `beleid check` exit 1;",
        "warnings do not. Each code has a fixture under `tests/fixtures/invalid/` whose offending",
        "lines are marked `# expect: CODE`.",
        "",
        "| code | name | severity | meaning |",
        "|---|---|---|---|",
    ]
    lines += [f"| [{c.id}](#{c.id.lower()}) | `{c.slug}` | {c.severity.value} | {c.summary} |"
              for c in codes.ALL_CODES]
    family = None
    for code in codes.ALL_CODES:
        if code.id[:2] != family:
            family = code.id[:2]
            lines += ["", f"## {family}xx: {_FAMILIES[family]}"]
        lines += ["", f"### {code.id}", "", f"`{code.slug}` ({code.severity.value}): {code.summary}."]
        example = _example(code)
        if example:
            lines += ["", f"Example (`tests/fixtures/invalid/{example.name}`):", "", "```",
                      example.read_text(encoding="utf-8", errors="replace").rstrip(), "```"]
    return "\n".join(lines) + "\n"


def _example(code: codes.Code) -> Path | None:
    for path in sorted(_FIXTURES.glob(f"{code.id}_*.policy")):
        data = path.read_bytes()
        if b"\x00" not in data and len(data) < 2000:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                return None
            return path
    return None


if __name__ == "__main__":
    print(render_markdown(), end="")
