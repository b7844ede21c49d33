"""Plain-language sentences for declarations, from the Jinja2 templates `sentences.<lang>.j2`.

One macro per kind of declaration turns its fields into sentences; this module loads the
templates, gives them the type tests and filters they need, and collapses the whitespace that
template logic leaves behind. Jinja2 keeps the wording in templates a drafter can read, apart
from the code (docs/architecture.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import jinja2
from markupsafe import Markup, escape

from compiler.report.handbook import BudgetTable, Entry, Handbook
from compiler.report.phrases import DUTCH_CLOSE, DUTCH_OPEN, Phrases
from compiler.report.templatecache import bytecode_cache
from compiler.report.titles import title_for
from dsl import nodes

_UNMARK = {ord(DUTCH_OPEN): None, ord(DUTCH_CLOSE): None}
# An id with an underscore in free text, in backticks or not.
_IDENTIFIER = re.compile(r"`?\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b`?")

_TESTS = {
    "when": lambda v: isinstance(v, nodes.When),
    "pending": lambda v: isinstance(v, nodes.Pending),
    "entity_subject": lambda v: isinstance(v, nodes.EntitySubject),
}


def environment() -> jinja2.Environment:
    """The environment of every report template. HTML templates escape what they insert; sentences
    and Markdown are plain text (Markdown escapes with the `md` filter).
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("compiler.report", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=False
        ),
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(),
    )
    env.tests.update(_TESTS)
    env.filters["capitalize_first"] = lambda text: str(text)[:1].upper() + str(text)[1:]
    env.filters["dutch"] = lambda text: f"{DUTCH_OPEN}{text}{DUTCH_CLOSE}"
    env.filters["map_macro"] = lambda items, macro, *args: [
        str(macro(item, *args)) for item in items or []
    ]
    return env


class Sentences:
    """Renders the sentence of a declaration, and its history, in one language."""

    def __init__(
        self,
        env: jinja2.Environment,
        language: str,
        handbook: Handbook,
        budgets: dict[str, BudgetTable] | None = None,
        html: bool = False,
    ) -> None:
        def title(name: str) -> str:
            return title_for(handbook.policy, name, language).plain

        tables = handbook.budgets if budgets is None else budgets
        self.phrases = Phrases(language, title, _budget_titles(tables, title))
        self.module = env.get_template(f"sentences.{language}.j2").module
        self.html = html
        self._names = {
            ident: title(ident) for ident in handbook.entries if _IDENTIFIER.fullmatch(ident)
        }

    def of(self, entry: Entry) -> str:
        """The sentence; with html, Markup in which Dutch text in an English sentence is marked."""
        macro: Callable = getattr(self.module, entry.kind)
        said = str(macro(entry, entry.fields, self.phrases))
        return self._finish(said + str(self.module.rests_on(entry, self.phrases)))

    def history(self, entry: Entry) -> str:
        return self._finish(self.module.history(entry, self.phrases))

    def finish(self, text: object) -> str:
        """Any text of the sentence templates as `of` returns it (whitespace collapsed, ids named,
        Dutch marked in HTML).
        """
        return self._finish(text)

    def _finish(self, text: object) -> str:
        collapsed = _IDENTIFIER.sub(self._named, " ".join(str(text).split()))
        if not self.html:
            return collapsed.translate(_UNMARK)
        return Markup(
            str(escape(collapsed))
            .replace(DUTCH_OPEN, '<span lang="nl">')
            .replace(DUTCH_CLOSE, "</span>")
        )

    def _named(self, match: re.Match) -> str:
        """A declaration a drafter named by its id in free text (`nox_industrie`), by its title."""
        title = self._names.get(match.group(1))
        return f"«{title}»" if title else match.group(0)


def _budget_titles(
    tables: dict[str, BudgetTable], title: Callable[[str], str]
) -> Callable[[nodes.BudgetRef], tuple[str, str, str | None]]:
    """(table, line, package) titles of a budget reference, in the language of `tables`."""

    def titles(ref: nodes.BudgetRef) -> tuple[str, str, str | None]:
        table = tables.get(ref.table.name)
        rows = {r.id: r.title for r in table.rows} if table else {}
        subs = {s[0]: s[1] for s in table.suballocations} if table else {}
        post = rows.get(ref.post.name) or subs.get(ref.post.name) or ref.post.name
        package = (
            table.column_titles.get(ref.package.name, ref.package.name)
            if table and ref.package
            else None
        )
        return title(ref.table.name), post, package

    return titles
