"""Plain-language sentences for declarations, from the Jinja2 templates `sentences.<lang>.j2`.

One macro per kind of declaration turns its fields into sentences; this module loads the
templates, gives them the type tests and filters they need, and collapses the whitespace that
template logic leaves behind. Jinja2 keeps the wording in templates a drafter can read, apart
from the code (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable

import jinja2

from compiler.report.handbook import Entry, Handbook
from compiler.report.phrases import Phrases
from compiler.report.templatecache import bytecode_cache
from compiler.report.titles import title_for
from dsl import nodes

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
    env.filters["map_macro"] = lambda items, macro, *args: [
        str(macro(item, *args)) for item in items or []
    ]
    return env


class Sentences:
    """Renders the sentence of a declaration, and its history, in one language."""

    def __init__(self, env: jinja2.Environment, language: str, handbook: Handbook) -> None:
        def title(name: str) -> str:
            return title_for(handbook.policy, name, language).plain

        self.phrases = Phrases(language, title, _budget_titles(handbook, title))
        self.module = env.get_template(f"sentences.{language}.j2").module

    def of(self, entry: Entry) -> str:
        macro: Callable = getattr(self.module, entry.kind)
        said = str(macro(entry, entry.fields, self.phrases))
        return _collapse(said + str(self.module.rests_on(entry, self.phrases)))

    def history(self, entry: Entry) -> str:
        return _collapse(self.module.history(entry, self.phrases))


def _collapse(text: object) -> str:
    return " ".join(str(text).split())


def _budget_titles(
    handbook: Handbook, title: Callable[[str], str]
) -> Callable[[nodes.BudgetRef], tuple[str, str, str | None]]:
    def titles(ref: nodes.BudgetRef) -> tuple[str, str, str | None]:
        table = handbook.budgets.get(ref.table.name)
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
