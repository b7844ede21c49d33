"""Hover: on a declaration's id, the report's sentences (Dutch, then English) and its quotes; on a
unit, its dimension and the units it converts to exactly; on a keyword, what it means (from
docs/language.md, via keywords.py). Texts come from the latest check of the
tree (`compiler.report.handbook` and the report's templates), headings alone while none is done.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from compiler.check.pipeline import Compilation
from compiler.check.units import UNITS
from compiler.lsp.completion import enclosing_kind
from compiler.lsp.convert import Positions
from compiler.lsp.keywords import is_keyword, keyword_markdown
from compiler.lsp.workspace import ID_PATTERN, Cursor, Parsed, cursor_at, scope_for
from compiler.report import handbook as handbook_data
from compiler.report.sentences import Sentences, environment
from dsl import nodes

if TYPE_CHECKING:
    from compiler.lsp.server import PolicyServer


async def hover(ls: PolicyServer, params: lsp.HoverParams) -> lsp.Hover | None:
    """The hover text of the unit or declaration id under the cursor, or None."""
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    parsed = ls.modules.from_text(cursor.document.name, cursor.document.text)
    where = Positions(ls, {cursor.document.name: parsed.text})
    unit = unit_at(parsed.module, cursor.offset)
    if unit is not None:
        return markdown_hover(unit_markdown(unit.text), where.range(unit.span))
    found = cursor.word()
    if found is None:
        return None
    word, start, end = found
    word_range = lsp.Range(
        start=where.position(cursor.document.name, cursor.line + 1, start + 1),
        end=where.position(cursor.document.name, cursor.line + 1, end + 1),
    )
    scope = scope_for(cursor.document.uri)
    declarations = ls.declarations(scope, word) if ID_PATTERN.fullmatch(word) else []
    if not declarations:
        if word in UNITS:
            return markdown_hover(unit_markdown(word), word_range)
        return keyword_hover(parsed, cursor, word, word_range)
    compilation = await ls.checks.settled(scope)
    if compilation is None:
        return markdown_hover(declaration_heading(declarations[0]), word_range)
    return markdown_hover(ls.explainer(scope, compilation).markdown(declarations[0]), word_range)


def keyword_hover(
    parsed: Parsed, cursor: Cursor, word: str, word_range: lsp.Range
) -> lsp.Hover | None:
    """What a keyword means, from docs/language.md; nothing in texts and comments."""
    line = cursor.lines[cursor.line]
    if not is_keyword(word) or in_text_or_comment(line, cursor.column):
        return None
    kind = enclosing_kind(parsed.module, parsed.text, cursor.offset)
    text = keyword_markdown(word, kind or None)
    return markdown_hover(text, word_range) if text else None


def in_text_or_comment(line: str, column: int) -> bool:
    """Whether a column of a line stands in a quoted text or a comment."""
    in_text = False
    for char in line[:column]:
        if char == '"':
            in_text = not in_text
        elif char == "#" and not in_text:
            return True
    return in_text


def markdown_hover(text: str, where: lsp.Range) -> lsp.Hover:
    """Markdown text shown over a range."""
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text), range=where
    )


@functools.cache
def _report_environment():
    return environment()


def markdown_text(text: str) -> str:
    """Text safe inside Markdown: characters that would start markup are escaped."""
    for char in "\\`*_[]|<>#":
        text = text.replace(char, "\\" + char)
    return text


class Explainer:
    """Hover texts for one compilation: the report's sentences (Dutch, then English) and quotes."""

    def __init__(self, compilation: Compilation, log_failure: Callable[[str], None]) -> None:
        self.handbook = handbook_data.build(compilation.policy)
        self._sentences: dict[str, Sentences] = {}
        self._log_failure = log_failure

    def sentence(self, entry: handbook_data.Entry, language: str) -> str | None:
        """The report's sentence, or None (logged) when the templates fail on this declaration."""
        try:
            if language not in self._sentences:
                self._sentences[language] = Sentences(
                    _report_environment(), language, self.handbook
                )
            return self._sentences[language].of(entry)
        except Exception:
            self._log_failure(f"the {language} sentence of `{entry.id}`")
            return None

    def markdown(self, declaration: nodes.Declaration) -> str:
        entry = self.handbook.entries.get(declaration.id.name)
        same = (
            entry is not None
            and entry.declaration.span.path == declaration.span.path
            and entry.declaration.span.start == declaration.span.start
        )
        parts = [declaration_heading(declaration)]
        if same:
            dutch, english = self.sentence(entry, "nl"), self.sentence(entry, "en")
            if dutch is not None:
                parts.append(markdown_text(dutch))
            if english is not None:
                parts.append("_" + markdown_text(english) + "_")
            summary = entry.fields.get("samenvatting")
            if isinstance(summary, str):
                parts.append(f"Samenvatting (met de hand geschreven): {markdown_text(summary)}")
        quotes = entry.quotes if same else quotes_of(declaration)
        parts.extend(quote_markdown(q, self.handbook.title(q.document)) for q in quotes)
        return "\n\n".join(parts)


def declaration_heading(declaration: nodes.Declaration) -> str:
    title = f" · {markdown_text(declaration.title)}" if declaration.title else ""
    return f"**{declaration.kind}** `{declaration.id.name}`{title}"


def quotes_of(declaration: nodes.Declaration) -> tuple[handbook_data.Quote, ...]:
    """The citations of a declaration as the handbook collects them."""
    return tuple(
        handbook_data.Quote(c.document.name, c.first_line, c.last_line, c.quote)
        for c in (f.value for f in declaration.all("bron"))
    )


def quote_markdown(quote: handbook_data.Quote, document_title: str) -> str:
    lines = (
        f"regel {quote.first_line}"
        if quote.first_line == quote.last_line
        else f"regels {quote.first_line}-{quote.last_line}"
    )
    quoted = "\n".join(f"> {markdown_text(line)}" for line in quote.text.split("\n"))
    return f"{quoted}\n>\n> — {markdown_text(document_title)} (`{quote.document}`), {lines}"


def unit_markdown(name: str) -> str:
    unit = UNITS[name]
    others = ", ".join(
        f"`{u.name}`" for u in UNITS.values() if u.dimension == unit.dimension and u.name != name
    )
    text = f"**{name}**: unit of {unit.dimension}"
    return text + (f"; converts exactly to {others}" if others else "")


def units_in(value: object) -> Iterator[nodes.Unit]:
    """Every unit written in a syntax node, walked without recursion (conditions nest deeply)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, nodes.Unit):
            yield item
        elif isinstance(item, (tuple, list)):
            stack.extend(item)
        elif is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in fields(item) if f.name != "span")


def unit_at(module: nodes.Module, offset: int) -> nodes.Unit | None:
    for declaration in module.declarations:
        if declaration.span.start <= offset <= declaration.span.end:
            for unit in units_in(declaration.fields):
                if unit.text in UNITS and unit.span.start <= offset <= unit.span.end:
                    return unit
    return None
