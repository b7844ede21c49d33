"""What a keyword means, for its hover: the meanings docs/language.md gives it, read from the data
file generated from that page (`keywords.json`, by keyworddoc.py), those about the enclosing kind
of declaration first.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

DATA_FILE = Path(__file__).with_name("keywords.json")


@functools.cache
def _meanings() -> dict[str, list[dict]]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))["keywords"]


def is_keyword(word: str) -> bool:
    return word in _meanings()


def meanings_of(keyword: str, kind: str | None) -> list[dict]:
    """The meanings of a keyword in a kind of declaration: those the reference gives for that
    kind, else those for every kind, else those of the first kind it names it in.
    """
    entries = _meanings().get(keyword, [])
    for wanted in (kind, None):
        chosen = [e for e in entries if e["kind"] == wanted]
        if chosen:
            return chosen
    return [e for e in entries if e["kind"] == entries[0]["kind"]] if entries else []


def keyword_markdown(keyword: str, kind: str | None) -> str | None:
    """The hover text of a keyword: its meanings and where in the reference they stand."""
    entries = meanings_of(keyword, kind)
    if not entries:
        return None
    sections = ", ".join(dict.fromkeys(f"'{e['section']}'" for e in entries))
    parts = [f"**{keyword}** (keyword)", *(e["text"] for e in entries)]
    parts.append(f"_docs/language.md, {sections}_")
    return "\n\n".join(parts)
