"""Every HTML page of the bundled report, read as a reader reads it: every link resolves, no
identifier, rule file path or bare figure in the reader's text (the drafter's `<details>` aside),
no English word on a Dutch page and no Dutch word on an English one outside quotes and names,
every budget table complete, and every quantified commitment of the policy stated in both
languages. The same pages in a real browser: tests/test_report_pages_browser.py.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from compiler.report import budgettables, handbook
from compiler.report.phrases import Phrases
from compiler.report.titles import title_for
from dsl import nodes
from tests.conftest import ROOT
from tests.report_reading import problems, reader_text

LABELS = yaml.safe_load(
    (ROOT / "compiler" / "report" / "templates" / "labels.yaml").read_text(encoding="utf-8")
)


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def _anchors(page: Path) -> _Anchors:
    parser = _Anchors()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_every_link_of_every_page_resolves(bundled_report):
    pages = sorted(bundled_report.rglob("*.html"))
    assert len(pages) > 150
    parsed = {page: _anchors(page) for page in pages}
    broken = []
    for page, found in parsed.items():
        for href in found.links:
            url = urlsplit(href)
            if url.scheme in ("http", "https", "mailto"):
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if not target.exists():
                broken.append(f"{page.relative_to(bundled_report)} -> {href}")
                continue
            if url.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _anchors(target).ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{page.relative_to(bundled_report)} -> {href} (no anchor)")
    assert not broken, "\n".join(broken[:20])


def _names(policy) -> tuple[str, ...]:
    """Titles of declarations in both languages: they may hold Dutch proper names."""
    titles = {title_for(policy, i, lang).text for i in policy.declarations for lang in ("nl", "en")}
    return tuple(sorted(t for t in titles if t))


def test_reader_text_has_no_internals_and_no_words_of_the_other_language(
    bundled_report, bundled_policy
):
    names = _names(bundled_policy)
    found = {}
    for page in sorted(bundled_report.rglob("*.html")):
        wrong = problems(page.read_text(encoding="utf-8"), names)
        if wrong:
            found[str(page.relative_to(bundled_report))] = wrong
    assert not found, "\n".join(f"{page}: {wrong}" for page, wrong in list(found.items())[:15])


@pytest.mark.parametrize(
    ("page", "wrong"),
    [
        ('<html lang="nl"><p>Doel <code>nh3_landbouw_2035</code></p></html>', "identifier"),
        ('<html lang="nl"><h2>policy/stikstof/doelen.policy</h2></html>', "path"),
        ('<html lang="nl"><p>synthetic population: 50000 farms</p></html>', "bare figure"),
        ('<html lang="nl"><p>technische toelichting: the rule has no data</p></html>', "word"),
        ('<html lang="en"><p>the total of the incidenteel section</p></html>', "word"),
    ],
)
def test_the_reader_check_finds_what_it_looks_for(page, wrong):
    assert any(p.startswith(wrong) for p in problems(page))


def test_the_drafter_view_and_quotes_are_left_to_the_drafter_and_the_source():
    page = (
        '<html lang="en"><p>A target.</p><blockquote lang="nl">de natuur van het land</blockquote>'
        '<details class="drafter"><summary>For drafters</summary><code>nh3_landbouw</code> '
        "policy/stikstof/doelen.policy</details></html>"
    )
    assert problems(page) == []
    assert reader_text(page) == ("en", "A target.")


def test_every_budget_line_has_an_english_title(bundled_policy):
    book = handbook.build(bundled_policy)
    assert budgettables.missing_titles(book.budgets, LABELS["en"]) == []
    names = LABELS["en"]["budget_lines"]
    assert set(names) <= set(book.budgets), "labels for a table the policy does not have"


def test_every_budget_table_shows_every_post_and_every_section_total(
    bundled_report, bundled_policy
):
    book = handbook.build(bundled_policy)
    for language in ("nl", "en"):
        page = (bundled_report / language / "budgets.html").read_text(encoding="utf-8")
        for ident, table in book.budgets.items():
            section = page[page.index(f'id="budget-{ident}"') :]
            section = section[: section.index("</section>")]
            body = section[section.index("<table") : section.index("</table>")]
            rows = body.count('<th scope="row">') - body.count('<tr class="total">')
            assert rows == len(table.rows), (language, ident, rows)
            sections = budgettables.sections(table)
            assert body.count('<tr class="total">') == len(sections) >= 1, (language, ident)
            for part in sections:
                assert part.rows, (ident, part.name)
                if not part.stated:  # a computed total is the sum of its posts
                    for column, amount in part.total.items():
                        assert amount == sum(r.cells.get(column, Decimal(0)) for r in part.rows)


def test_a_section_without_a_total_line_gets_the_sum_of_its_posts(bundled_policy):
    book = handbook.build(bundled_policy)
    table = book.budgets["nvhs_middelen"]
    stripped = dataclasses.replace(table, totals={})
    (incidental, structural) = budgettables.sections(stripped)
    assert not incidental.stated and incidental.total["startpakket"] == Decimal("3000000000")
    assert structural.total["totaal"] == Decimal("500000000")
    stated = budgettables.sections(table)
    assert [s.stated for s in stated] == [True, True]


# ----------------------------------------------------------------------- quantified commitments


def _quantities(value):
    """Every amount a field holds: ranges whole, quantities alone; budget cells are the table's."""
    if isinstance(value, nodes.Range | nodes.Quantity):
        yield value
    elif isinstance(value, nodes.Cell | nodes.Post | nodes.Total | nodes.SubAllocation):
        return
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _quantities(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name != "span":
                yield from _quantities(getattr(value, f.name))


def _article(page: str, ident: str) -> str:
    start = page.index(f'id="{ident}"')
    text = page[start : page.index("</article>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", text).replace("&nbsp;", " ").split())


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_quantified_commitment_is_stated_in_both_languages(
    bundled_report, bundled_policy, language
):
    """Built from the compiled model: each amount of every declaration, as the language writes
    it, is in that declaration's entry in the handbook; each budget cell is in its table.
    """
    book = handbook.build(bundled_policy)
    phrases = Phrases(language, str)
    pages: dict[str, str] = {}
    missing, checked = [], 0
    for entry in book.entries.values():
        if entry.kind in ("document", "actor", "bevinding"):
            continue
        page = pages.setdefault(
            entry.theme,
            (bundled_report / language / f"theme-{entry.theme}.html").read_text(encoding="utf-8"),
        )
        article = _article(page, entry.id)
        for field in entry.declaration.node.fields:
            if field.keyword in ("bron", "titel_en"):
                continue
            for amount in _quantities(field.value):
                if isinstance(amount, nodes.Quantity) and not amount.unit.text:
                    written = phrases.number(amount.number)
                else:
                    written = phrases.amount(amount)
                checked += 1
                if written not in article:
                    missing.append(f"{entry.id}.{field.keyword}: {written}")
        if entry.kind == "begroting":
            for row in book.budgets[entry.id].rows:
                for amount in row.cells.values():
                    written = _millions(phrases, amount, language)
                    checked += 1
                    if written not in article:
                        missing.append(f"{entry.id}.{row.id}: {written}")
    assert checked > 100
    assert not missing, "\n".join(missing[:20])


def _millions(phrases: Phrases, amount: Decimal, language: str) -> str:
    millions = format((amount / Decimal(1_000_000)).normalize(), "f")
    return LABELS[language]["million"].format(amount=phrases.number(millions))


def test_a_quote_is_shown_clean_and_kept_as_written_for_the_drafter(bundled_report):
    for language in ("nl", "en"):
        page = (bundled_report / language / "theme-stikstof.html").read_text(encoding="utf-8")
        article = page[page.index('id="nvhs_middelen"') :]
        article = article[: article.index("</article>")]
        assert "“Natuur 100 400 500”" in article
        assert "Natuur 100 4008 500" in article[article.index('<details class="drafter">') :]
        assert "source-vervolgpakket.html#L139" in article


def test_a_source_page_links_back_to_the_rules_that_cite_it(bundled_report):
    page = (bundled_report / "nl" / "source-vervolgpakket.html").read_text(encoding="utf-8")
    cited = page[
        page.index('id="cited-by"') : page.index("</section>", page.index('id="cited-by"'))
    ]
    assert '<a href="#L139">regel 139</a>' in cited
    assert 'href="theme-stikstof.html#nvhs_middelen"' in cited
    assert cited.count("<li>") > 50
