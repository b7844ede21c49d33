"""Where a figure comes from, in the reader's language. The monitoring files describe a publisher
in English by convention ("NRC (news, reporting PBL Monitor RES 2022)"); on Dutch pages the words
that describe, inside the parentheses, are rendered in Dutch from a closed list. Names, dates and
addresses stay as written; a describing word not on the list stays too, so a test over the
bundled data (tests/test_cited_sources.py) finds it.
"""

from __future__ import annotations

import re

# English describing words of the monitoring files → Dutch, longest first (they are tried in order).
_DUTCH = (
    ("reporting the CLO indicator", "met cijfers van de CLO-indicator"),
    ("trade association", "brancheorganisatie"),
    ("unknown publisher", "onbekende uitgever"),
    ("reporting", "met cijfers van"),
    ("study by", "onderzoek van"),
    ("citing", "naar"),
    ("news", "nieuws"),
)
_PATTERN = re.compile("|".join(rf"\b{re.escape(english)}\b" for english, _ in _DUTCH))
_TO_DUTCH = dict(_DUTCH)
_PARENTHESES = re.compile(r"\(([^()]*)\)")


def in_language(citation: str, language: str) -> str:
    """`citation` as a reader of `language` ("nl" or "en") reads it."""
    if language != "nl":
        return citation
    text = _PARENTHESES.sub(lambda m: f"({_dutch(m.group(1))})", citation)
    return text.replace("unknown publisher", _TO_DUTCH["unknown publisher"])


def _dutch(words: str) -> str:
    return _PATTERN.sub(lambda m: _TO_DUTCH[m.group(0)], words)
