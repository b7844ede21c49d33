"""Passages marked out of scope (`buiten_scope`): the syntax, the checks (P102, P207, P222, P260,
P261), the view, the formatter, source coverage, the diff and the report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from compiler import compile_paths
from compiler.check import views
from compiler.diff.compare import diff_policies
from compiler.diff.render import render_markdown
from compiler.lsp.completion import fields_of_kind, kind_items
from compiler.lsp.keywords import keyword_markdown
from compiler.report import handbook
from compiler.report.site import pages
from compiler.workflow.coverage import coverage
from compiler.workflow.fmt import format_text
from dsl import codes
from tests.conftest import BASE

# Line 16 of the fixture letter ("Deze brief vervangt de regeling van 2020.") is a quantified
# passage no fixture declaration cites; line 18 is cited by nothing either.
SCOPED = """\
buiten_scope brief_regeling_2020 "De oude regeling" {
    passage brief regel 16
    reden   "Noemt alleen de regeling die vervangen wordt; geen eigen doel."
}
"""


def compiled(tmp_path: Path, text: str, name: str = "scope.policy"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return compile_paths([str(BASE), str(path)])


def found(compilation, code: codes.Code) -> list:
    return [d for d in compilation.diagnostics if d.code is code]


def test_a_passage_out_of_scope_becomes_a_view_with_its_reason_and_lines(tmp_path):
    compilation = compiled(tmp_path, SCOPED)
    assert not compilation.diagnostics.has_errors
    (view,) = compilation.policy.views(views.OutOfScope)
    assert view == views.OutOfScope(
        "brief_regeling_2020",
        "Noemt alleen de regeling die vervangen wordt; geen eigen doel.",
        (views.LineRange("brief", 16, 16),),
    )


def test_the_example_of_the_issue_is_in_canonical_layout():
    text = (
        'buiten_scope rp_h4_onderwijs "Onderwijs valt buiten het beleidsdomein" {\n'
        "    passage regeerprogramma regels 1200-1215\n"
        '    reden   "Gaat over onderwijs, niet over landbouw, natuur, water, bodem, klimaat of '
        'energie."\n'
        "}\n"
    )
    assert format_text(text) == text
    assert format_text(text.replace("    reden   ", "reden ")) == text


@pytest.mark.parametrize(
    ("body", "code", "where"),
    [
        ('passage brif regel 16\n    reden "x"', codes.UNKNOWN_REFERENCE, (2, 13)),
        ('passage brief regels 18-40\n    reden "x"', codes.LINES_OUT_OF_RANGE, (2, 5)),
        ('passage brief regels 0-2\n    reden "x"', codes.LINES_OUT_OF_RANGE, (2, 5)),
        ('passage brief regels 18-16\n    reden "x"', codes.RANGE_REVERSED, (2, 5)),
        ("passage brief regel 16", codes.SCOPE_WITHOUT_REASON, (1, 14)),
        ('passage brief regel 16\n    reden "  "', codes.SCOPE_WITHOUT_REASON, (3, 5)),
        ('reden "x"', codes.MISSING_FIELD, (1, 14)),
        ('passage kabinet regel 1\n    reden "x"', codes.WRONG_KIND, (2, 13)),
    ],
)
def test_each_fault_is_one_located_diagnostic(tmp_path, body, code, where):
    compilation = compiled(tmp_path, f'buiten_scope fout "Fout" {{\n    {body}\n}}\n')
    (diagnostic,) = [d for d in compilation.diagnostics if d.span.path.endswith("scope.policy")]
    assert diagnostic.code is code
    assert (diagnostic.span.line, diagnostic.span.column) == where
    assert diagnostic.hint


def test_a_passage_holding_cited_lines_is_warned_about_with_the_citation(tmp_path):
    compilation = compiled(tmp_path, SCOPED.replace("regel 16", "regels 14-16"))
    (warning,) = found(compilation, codes.SCOPE_OVERLAPS_CITATION)
    assert warning.severity is codes.Severity.WARNING
    assert "line 14 of `brief`" in warning.message
    (related,) = warning.related
    assert related.span.path.endswith("basis.policy") or related.span.path.endswith(".policy")
    assert not found(compiled(tmp_path, SCOPED), codes.SCOPE_OVERLAPS_CITATION)


def test_a_marked_passage_is_no_longer_unaddressed(tmp_path):
    def brief(policy):
        return next(d for d in coverage(policy) if d.document == "brief")

    before = brief(compile_paths([str(BASE)]).policy)
    after = brief(compiled(tmp_path, SCOPED).policy)
    assert (16, 16) in {(p.first_line, p.last_line) for p in before.unaddressed}
    assert (16, 16) not in {(p.first_line, p.last_line) for p in after.unaddressed}
    assert len(after.unaddressed) == len(before.unaddressed) - 1
    assert (before.out_of_scope, after.out_of_scope) == (0, 1)
    assert after.cited == before.cited


def test_the_diff_shows_a_changed_reason_and_a_passage_added(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    base = compiled(tmp_path / "a", SCOPED)
    changed = SCOPED.replace("geen eigen doel", "geen doel").replace(
        "    reden", "    passage brief regel 18\n    reden"
    )
    head = compiled(tmp_path / "b", changed)
    diff = diff_policies(base.policy, head.policy)
    by_field = {c.field: c for c in diff.changed}
    assert set(by_field) == {"reden", "passage"}
    assert by_field["passage"].after == "brief regel 18"
    text = render_markdown(diff)
    assert "passage out of scope `brief_regeling_2020`" in text


def test_the_report_says_what_is_out_of_scope_and_why(tmp_path):
    book = handbook.build(compiled(tmp_path, SCOPED).policy)
    written = {p.path: p.text for p in pages(book, None, dt.date(2027, 1, 1))}
    source_nl, source_en = written["nl/source-brief.html"], written["en/source-brief.html"]
    assert "Noemt alleen de regeling die vervangen wordt" in source_nl
    assert '<a href="#L16">16</a>' in source_nl and '<a href="#L16">16</a>' in source_en
    assert 'id="L16" class="out-of-scope"' in source_nl
    assert "Outside the scope of this policy" in source_en
    theme_nl = next(t for p, t in written.items() if "brief_regeling_2020" in t and "theme" in p)
    assert "Valt buiten het bereik van dit beleid: «Voorbeeldbrief», regel 16." in theme_nl
    theme_en = next(
        t for p, t in written.items() if p.startswith("en/theme") and "brief_regeling_2020" in t
    )
    # the fixture document has no English title, so the English page marks it
    assert "Left outside this policy on purpose: «Voorbeeldbrief (no English title)», line 16." in (
        theme_en
    )
    assert (
        'Reason (in Dutch, as the drafters recorded it): <span lang="nl">Noemt alleen' in theme_en
    )


def test_the_editor_knows_the_kind_and_its_fields():
    assert "buiten_scope" in [item.label for item in kind_items()]
    assert {"passage", "reden"} <= set(fields_of_kind("buiten_scope"))
    assert "without a quote" in keyword_markdown("passage", "buiten_scope")
    assert "P261" in keyword_markdown("reden", "buiten_scope")
