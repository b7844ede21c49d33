"""Rule text made safe for each place in a Markdown page: inline text (paragraphs, table cells,
headings, link labels), Mermaid node labels and fenced code blocks. Nothing a title or a quote
holds can start markup, split a table row or a heading, or close the block it stands in.
"""

from __future__ import annotations

import re

# Line breaks of every kind (and the controls that are not text) become one space in inline text.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_MARKUP = "\\`*_[]|<>#"  # `!` and `(` start nothing once `[` and `]` are escaped
_MERMAID_CODES = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "`": "#96;"}
MERMAID_LABEL_WIDTH = 40


def inline(text: str) -> str:
    """Text for one line of Markdown: breaks collapsed to a space, markup characters escaped."""
    text = _BREAKS.sub(" ", text)
    return "".join("\\" + char if char in _MARKUP else char for char in text)


def mermaid_label(text: str) -> str:
    """A node label inside `["..."]`: one line, at most MERMAID_LABEL_WIDTH characters, with
    quotes, angle brackets and backticks as Mermaid entity codes (`#` first, so the codes
    stay codes).
    """
    shown = _BREAKS.sub(" ", text)
    if len(shown) > MERMAID_LABEL_WIDTH:
        shown = shown[: MERMAID_LABEL_WIDTH - 1] + "…"
    shown = shown.replace("#", "#35;")
    for char, code in _MERMAID_CODES.items():
        shown = shown.replace(char, code)
    return shown


def code_block(lines: list[str], language: str = "") -> str:
    """Lines in a fenced code block whose fence is longer than any run of backticks inside, so no
    line can close it.
    """
    body = "\n".join(_BREAKS.sub(" ", line) for line in lines)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{body}\n{fence}"
