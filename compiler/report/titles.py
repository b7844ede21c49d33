"""A declaration's title in the report's language, the one place the report looks titles up.

Dutch pages show the title as written (the text after the id). English pages show `titel_en`;
where a declaration has none, they show the Dutch title marked as such: in italics with "(no
English title)" in HTML and Markdown, with the note in parentheses in plain text (page titles,
pictures, sentences). A name that is no declaration is shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from compiler.check.englishtitles import ENGLISH_TITLE
from compiler.check.model import Policy

SOURCE_LANGUAGE = "nl"  # the language titles are written in
MISSING_NOTE = "(no English title)"


@dataclass(frozen=True)
class ShownTitle:
    """A title as one language shows it: `missing` when it is the Dutch title standing in for
    an English one the declaration lacks.
    """

    text: str
    missing: bool = False

    @property
    def plain(self) -> str:
        return f"{self.text} {MISSING_NOTE}" if self.missing else self.text

    def html(self) -> Markup:
        if not self.missing:
            return Markup(escape(self.text, quote=False))
        return Markup(
            f'<em lang="{SOURCE_LANGUAGE}">{escape(self.text, quote=False)}</em> '
            f'<span class="missing-translation">{MISSING_NOTE}</span>'
        )

    def markdown(self, escape_markdown) -> str:
        text = escape_markdown(self.text)
        return f"*{text}* {MISSING_NOTE}" if self.missing else text


def title_for(policy: Policy, name: str, language: str) -> ShownTitle:
    """The title of declaration `name` as `language` shows it."""
    decl = policy.declarations.get(name)
    if decl is None:
        return ShownTitle(name)
    if language == SOURCE_LANGUAGE or decl.node.title is None:
        return ShownTitle(decl.title)
    english = decl.node.value(ENGLISH_TITLE)
    return ShownTitle(english) if english else ShownTitle(decl.title, missing=True)
