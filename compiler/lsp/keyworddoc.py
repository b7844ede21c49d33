"""Generates `compiler/lsp/keywords.json`, what each keyword of the language means, from
docs/language.md, so keyword hovers say what the language reference says and the docs, which
are not part of the installed package, need not be shipped (`python -m compiler.lsp.keyworddoc`;
a test fails when the file is out of date).

The keywords are the words the grammar (dsl/policy.lark) writes in quotes. A bullet, paragraph or
table row of the reference that opens with a keyword in backticks (a bullet on `uiterlijk 2035`, a
paragraph opening with `soort`, a row of the table of kinds) is a meaning of that keyword, recorded
with the kind of declaration its section is about: the kind its heading names in backticks, or else
the kind its first example declares; none for sections about every kind, and none for the kinds
themselves. A section's first paragraph explains the keywords its heading names in backticks
(Citations: `bron`), and a bold-led paragraph (Pending values ... `open`) the keyword it first
writes in backticks.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from dsl import nodes

ROOT = Path(__file__).resolve().parents[2]
LANGUAGE_DOC = ROOT / "docs" / "language.md"
GRAMMAR = ROOT / "dsl" / "policy.lark"
DATA_FILE = Path(__file__).with_name("keywords.json")

_QUOTED_WORD = re.compile(r'"([a-z_][a-z0-9_.]*)"')
_BACKTICKED = re.compile(r"`([^`]+)`")
_WORD = re.compile(r"[a-z_][a-z0-9_.]*")
_BOLD_LEAD = re.compile(r"\*\*[^*]+\*\*\s*")


@dataclass(frozen=True)
class Section:
    """A `##` section of the reference: its heading, the kind it is about, and its lines."""

    heading: str
    kind: str | None
    lines: list[str]


def grammar_keywords(grammar: str) -> frozenset[str]:
    """The words the grammar writes in quotes."""
    return frozenset(_QUOTED_WORD.findall(grammar))


def sections(doc: str) -> list[Section]:
    """The `##` sections of the reference, each with the kind it is about."""
    found: list[tuple[str, list[str]]] = []
    for line in doc.split("\n"):
        if line.startswith("## "):
            found.append((line[3:].strip(), []))
        elif found:
            found[-1][1].append(line)
    return [Section(heading, section_kind(heading, lines), lines) for heading, lines in found]


def section_kind(heading: str, lines: list[str]) -> str | None:
    """The kind a heading names in backticks, else the kind the section's first example declares."""
    for name in _BACKTICKED.findall(heading):
        if name in nodes.KINDS:
            return name
    in_code = False
    for line in lines:
        if line.startswith("```"):
            in_code = not in_code
        elif in_code and line.strip() and not line.lstrip().startswith("#"):
            first = line.split()[0]
            return first if first in nodes.KINDS else None
    return None


def blocks(lines: list[str]) -> list[str]:
    """The bullets, paragraphs and table rows of a section outside code, each as one line."""
    found: list[str] = []
    current: list[str] = []
    in_code = False

    def close() -> None:
        if current:
            found.append(" ".join(part.strip() for part in current))
            current.clear()

    for line in lines:
        stripped = line.strip()
        if stripped.startswith("```"):
            close()
            in_code = not in_code
        elif in_code:
            continue
        elif not stripped or line.startswith("#"):
            close()
        elif line.startswith("|"):
            close()
            found.append(stripped)
        elif line.startswith("- "):
            close()
            current.append(line[2:])
        else:
            current.append(line)
    close()
    return found


def opening_keyword(block: str, keywords: frozenset[str]) -> tuple[str, str] | None:
    """The keyword a block opens with, and the block's text as a meaning; None for other blocks."""
    if block.startswith("|"):
        cells = [cell.strip() for cell in block.strip("|").split("|")]
        if len(cells) < 2 or set(cells[0]) <= set("-: "):
            return None
        words = [w for span in _BACKTICKED.findall(cells[0]) for w in _WORD.findall(span)]
        keyword = next((w for w in words if w in keywords), None)
        if keyword is None:
            return None
        text = f"{cells[0]}: {cells[1]}"
        if len(cells) > 2 and cells[2]:
            text += f"; required fields: {cells[2]}"
        return keyword, text
    bold = _BOLD_LEAD.match(block)
    if bold is not None:
        first = _BACKTICKED.search(block, bold.end())
        words = _WORD.findall(first.group(1)) if first else []
        return (words[0], block) if words and words[0] in keywords else None
    if not block.startswith("`"):
        return None
    first = _BACKTICKED.match(block)
    words = _WORD.findall(first.group(1)) if first else []
    if not words or words[0] not in keywords or not first.group(1).startswith(words[0]):
        return None
    return words[0], block


def meanings(doc: str, grammar: str) -> dict[str, list[dict[str, str | None]]]:
    """For each keyword, its meanings in the reference, in the order the reference gives them."""
    keywords = grammar_keywords(grammar)
    found: dict[str, list[dict[str, str | None]]] = {}
    for section in sections(doc):
        found_blocks = blocks(section.lines)
        for keyword in heading_keywords(section.heading, keywords):
            if found_blocks and not found_blocks[0].startswith("|"):
                add(found, keyword, None, section.heading, found_blocks[0])
        for block in found_blocks:
            opened = opening_keyword(block, keywords)
            if opened is not None:
                keyword, text = opened
                kind = None if keyword in nodes.KINDS else section.kind
                add(found, keyword, kind, section.heading, text)
    return dict(sorted(found.items()))


def heading_keywords(heading: str, keywords: frozenset[str]) -> list[str]:
    """The keywords a heading names in backticks: the section's first paragraph explains them."""
    return [name for name in _BACKTICKED.findall(heading) if name in keywords]


def add(
    found: dict[str, list[dict[str, str | None]]],
    keyword: str,
    kind: str | None,
    heading: str,
    text: str,
) -> None:
    entry = {"kind": kind, "section": heading, "text": text}
    if entry not in found.setdefault(keyword, []):
        found[keyword].append(entry)


def render(doc: str, grammar: str) -> str:
    """The data file's text."""
    data = {
        "generated_from": "docs/language.md",
        "generator": "python -m compiler.lsp.keyworddoc",
        "keywords": meanings(doc, grammar),
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def current() -> str:
    """The data file's text as docs/language.md and the grammar give it now."""
    return render(LANGUAGE_DOC.read_text(encoding="utf-8"), GRAMMAR.read_text(encoding="utf-8"))


def main() -> int:
    DATA_FILE.write_text(current(), encoding="utf-8")
    print(f"wrote {DATA_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
