"""Write the reports: the policy handbook and the monitoring report, in Dutch and English, as a
static HTML site (offline: one style sheet, inline pictures, no script but the search box's) and
as Markdown, into a folder that compiler/report/folder.py swaps into place whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from html import escape
from importlib import resources
from pathlib import Path

import yaml

from compiler.check import timeline, views
from compiler.report import budgettables, extras, folder, markdown, readers
from compiler.report.charts import dependencies
from compiler.report.charts.gallery import Gallery
from compiler.report.folder import MARKER, Page, ReportError
from compiler.report.handbook import Entry, Handbook
from compiler.report.phrases import LANGUAGES, Phrases
from compiler.report.provinces import PROVINCE_NAMES, TILES
from compiler.report.sentences import Sentences, environment
from compiler.report.state import MonitoringState
from compiler.report.titles import title_for

FORMATS = ("html", "md")
__all__ = ["MARKER", "Page", "ReportError", "pages", "write"]


def write(
    handbook: Handbook,
    state: MonitoringState | None,
    out: Path,
    moment: dt.date,
    progress: Callable[[str], None] = lambda message: None,
) -> int:
    """Write every page under `out` (compiler/report/folder.py); returns the number of files."""
    return folder.replace(out, lambda: pages(handbook, state, moment, progress))


def pages(
    handbook: Handbook,
    state: MonitoringState | None,
    moment: dt.date,
    progress: Callable[[str], None] = lambda message: None,
) -> Iterator[Page]:
    env = environment()
    env.filters["md"] = markdown.inline
    env.filters["md_code_block"] = markdown.code_block
    labels = yaml.safe_load(
        resources.files("compiler.report").joinpath("templates/labels.yaml").read_text("utf-8")
    )
    labels = extras.prepare(env, labels)  # what changed, downloads, search
    yield Page(
        "assets/style.css",
        resources.files("compiler.report").joinpath("templates/style.css").read_text("utf-8"),
    )
    yield Page(
        "index.html",
        env.get_template("html/landing.html.j2").render(
            labels=labels,
            languages=LANGUAGES,
            state=state,
            moment=moment,
            dates={language: Phrases(language, str).date(moment) for language in LANGUAGES},
        ),
    )
    steps = [(language, form) for language in LANGUAGES for form in FORMATS]
    galleries = {}  # one per language: the HTML and the Markdown pages share its charts
    for number, (language, form) in enumerate(steps, 1):
        site = _Site(env, labels, language, form, handbook, state, moment, galleries)
        written = list(site.pages())
        progress(f"[{number}/{len(steps)}] {language} {form}: {len(written)} files")
        yield from written


class _Site:
    """The pages of one language in one format."""

    def __init__(
        self,
        env,
        labels: dict,
        language: str,
        form: str,
        handbook: Handbook,
        state: MonitoringState | None,
        moment: dt.date,
        galleries: dict[str, Gallery] | None = None,
    ) -> None:
        self.env, self.form, self.language = env, form, language
        self.hb, self.state, self.moment = handbook, state, moment
        self.labels = labels[language]
        self.budgets = budgettables.localized(handbook.budgets, language, self.labels)
        self.sentences = Sentences(env, language, handbook, self.budgets, html=form == "html")
        self.phrases = self.sentences.phrases
        galleries = {} if galleries is None else galleries
        if language not in galleries:
            galleries[language] = Gallery(
                handbook,
                state,
                moment,
                self.labels,
                self.phrases.figure,
                self.plain_title,
                self.budgets,
            )
        self.charts = galleries[language]
        self.folder = language if form == "html" else f"markdown/{language}"
        self.suffix = ".html" if form == "html" else ".md"

    def pages(self) -> Iterator[Page]:
        yield self._page(
            "index",
            self.labels["site_title"],
            documents=self._documents(),
            intro=self._intro(),
            theme_sizes={t.name: sum(len(c.entries) for c in t.chapters) for t in self.hb.themes},
        )
        yield self._page("themes", self.labels["themes"])
        for theme in self.hb.themes:
            yield self._page(
                "theme",
                self.labels["theme_names"].get(theme.name, theme.name),
                name=f"theme-{theme.name}",
                theme=theme,
            )
        yield self._page("actors", self.labels["actors"])
        yield self._page("timeline", self.labels["timeline"])
        yield self._page("history", self.labels["history"], **self._history())
        yield self._page("budgets", self.labels["budgets"])
        yield self._page("findings", self.labels["findings"])
        for document in self._documents():
            yield from self._source(document)
        if self.state is not None:
            yield self._page("monitoring", self.labels["monitoring"])
            for target in self.state.targets:
                yield self._page(
                    "target",
                    self.plain_title(target["id"]),
                    name=f"target-{target['id']}",
                    target=target,
                )
        yield from extras.pages(self)
        if self.form == "md":
            yield from self._plot_files()

    # pages --------------------------------------------------------------------------------------

    def _page(self, template: str, title: str, name: str | None = None, **extra) -> Page:
        name = name or template
        filename = name + self.suffix
        text = self.env.get_template(f"{self.form}/{template}.{self.form}.j2").render(
            **self._context(), page_title=title, filename=filename, **extra
        )
        return Page(f"{self.folder}/{filename}", text)

    def _context(self) -> dict:
        return {
            "L": self.labels,
            "lang": self.language,
            "other": next(x for x in LANGUAGES if x != self.language),
            "hb": self.hb,
            "s": self.sentences,
            "p": self.phrases,
            "state": self.state,
            "moment": self.moment,
            "href": self.href,
            "title": self.title,
            "picture": self.picture,
            "plot": self.plot,
            "charts": self.charts,
            "euros": self.euros,
            "source_href": self.source_href,
            "first_source": self.first_source,
            "state_sentence": self.state_sentence,
            "farms_sentence": self.farms_sentence,
            "day": self.day,
            "tiles": TILES,
            "province_names": PROVINCE_NAMES,
            "budgets": self.budgets,
            "budget_sections": budgettables.sections,
            "chapter_title": lambda chapter: readers.chapter_title(chapter, self.labels),
            "shown_quote": lambda quote: readers.shown_quote(self.hb, quote),
            "citations": lambda document: readers.citations(self.hb, document),
        }

    def _intro(self) -> str:
        counts = {}
        for entry in self.hb.entries.values():
            counts[entry.kind] = counts.get(entry.kind, 0) + 1
        kinds = ", ".join(
            f"{n} × {self.labels['kinds'][k].lower()}" for k, n in sorted(counts.items())
        )
        return (
            f"{self.labels['handbook']}: {len(self.hb.entries)} "
            f"{self.labels['declarations']} ({kinds})."
        )

    def _documents(self) -> list[Entry]:
        return sorted(
            (e for e in self.hb.entries.values() if e.kind == "document"), key=lambda e: e.id
        )

    def _history(self) -> dict:
        by_state: dict[str, list[Entry]] = {
            "ended": [],
            "not_yet": [],
            "in_force": [],
            "undated": [],
        }
        for status in timeline.as_of(self.hb.policy, self.moment):
            by_state[status.state.replace(" ", "_")].append(self.hb.entries[status.declaration.id])
        return {"history": by_state, "history_counts": {k: len(v) for k, v in by_state.items()}}

    def _source(self, document: Entry) -> Iterator[Page]:
        text = self.hb.policy.sources.get(document.id)
        if text is None or self.form != "html":
            return
        cited = {
            line
            for entry in self.hb.entries.values()
            for q in entry.quotes
            if q.document == document.id
            for line in range(q.first_line, q.last_line + 1)
        }
        scoped = [
            (scope, passage)
            for scope in self.hb.policy.views(views.OutOfScope)
            for passage in scope.passages
            if passage.document == document.id
        ]
        yield self._page(
            "source",
            self.plain_title(document.id),
            name=f"source-{document.id}",
            document=document,
            lines=text.lines,
            cited=cited,
            out_of_scope=sorted(scoped, key=lambda item: (item[1].first, item[0].id)),
            unscoped={n for _, x in scoped for n in range(x.first, x.last + 1)},
            source_path=document.fields.get("bestand", ""),
        )

    def _plot_files(self) -> Iterator[Page]:
        for name, picture in self.charts.files():
            if picture:
                yield Page(f"{self.folder}/plots/{name}", picture)

    # helpers the templates call -----------------------------------------------------------------

    def title(self, ident: str):
        """A declaration's title in this site's language, as HTML or as Markdown."""
        shown = title_for(self.hb.policy, ident, self.language)
        return shown.html() if self.form == "html" else shown.markdown(markdown.inline)

    def plain_title(self, ident: str) -> str:
        """A declaration's title in this site's language, as plain text."""
        return title_for(self.hb.policy, ident, self.language).plain

    def href(self, ident: str) -> str:
        entry = self.hb.entries.get(ident)
        if entry is None:
            return f"actors{self.suffix}#actor-{ident}"
        return f"theme-{entry.theme}{self.suffix}#{ident}"

    def source_href(self, document: str, line: int) -> str:
        prefix = "" if self.form == "html" else f"../../{self.language}/"
        return f"{prefix}source-{document}.html#L{line}"

    def first_source(self, ident: str) -> str:
        entry = self.hb.entries.get(ident)
        if entry is None or not entry.quotes:
            return ""
        q = entry.quotes[0]
        lines = f"{q.first_line}" + (f"–{q.last_line}" if q.last_line != q.first_line else "")
        text = (
            f"{self.plain_title(q.document)}, "
            f"{self.labels['line' if q.first_line == q.last_line else 'lines']} {lines}"
        )
        link = self.source_href(q.document, q.first_line)
        return (
            f'<a href="{escape(link)}">{escape(text)}</a>'
            if self.form == "html"
            else f"[{markdown.inline(text)}]({link})"
        )

    def picture(self, entry: Entry) -> str:
        items = (
            [(i, self.plain_title(i)) for i in entry.uses],
            [(i, self.plain_title(i)) for i in entry.used_by],
        )
        if self.form == "md":
            return _mermaid((entry.id, self.plain_title(entry.id)), *items)
        return dependencies.neighbourhood(
            (entry.id, self.plain_title(entry.id)),
            *items,
            self.href,
            {"uses": self.labels["uses"], "used_by": self.labels["used_by"]},
        )

    def plot(self, target: dict) -> str:
        """The trajectory chart of a target (compiler/report/charts/trajectory.py)."""
        return self.charts.target(target)

    def day(self, iso: str | None) -> str:
        """An ISO date from the evaluation, written out in the language; a label when there is
        none.
        """
        return self.phrases.date(dt.date.fromisoformat(iso)) if iso else self.labels["no_term"]

    def euros(self, amount: Decimal | None) -> str:
        if amount is None:
            return ""
        millions = amount / Decimal(1_000_000)
        return self.labels["million"].format(amount=self.phrases.number(_plain(millions)))

    def state_sentence(self, target: dict) -> str:
        return self.sentences.finish(
            self.sentences.module.target_state(
                target, self.phrases, self.labels, self.state.synthetic
            )
        )

    def farms_sentence(self, obligation: dict) -> str:
        return self.sentences.finish(
            self.sentences.module.farms_sentence(
                obligation, self.phrases, self.labels, self.state.synthetic
            )
        )


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _mermaid(
    entry: tuple[str, str], uses: list[tuple[str, str]], used_by: list[tuple[str, str]]
) -> str:
    def node(ident: str, title: str) -> str:
        return f'{ident}["{markdown.mermaid_label(title)}"]'

    ident = entry[0]
    lines = [f"  {node(*entry)}"]
    lines += [f"  {node(i, t)} --> {ident}" for i, t in uses[:8]]
    lines += [f"  {ident} --> {node(i, t)}" for i, t in used_by[:8]]
    return markdown.code_block(["flowchart LR", *lines], "mermaid")
