"""English titles (`titel_en`, issue 16): the formatter lays the field out, `beleid diff` shows a
change of it as a field change that no freeze forbids, the English report shows it and marks a
title without one, and the bundled policy gives every titled declaration one that states the same
numbers as its Dutch title. The P410 warning has its fixture under tests/fixtures/invalid.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil

from compiler.diff.compare import diff_policies
from compiler.diff.guards import guard_errors
from compiler.diff.revisions import load_version
from compiler.report import handbook, site
from compiler.report.titles import MISSING_NOTE, title_for
from compiler.workflow.fmt import format_text
from dsl import codes
from tests.conftest import POLICY, compile_with_base

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

TWO_MEASURES = """\
maatregel vertaald "Extensivering rond Natura 2000-gebieden" {
    titel_en  "Extensification around Natura 2000 sites"
    eigenaar  kabinet
    bron brief regel 4 "De landbouw realiseert"
}

maatregel onvertaald "Innovatie in stallen" {
    eigenaar  kabinet
    bron brief regel 4 "De landbouw realiseert"
}
"""


def test_fmt_lays_out_the_english_title_in_the_value_column():
    messy = 'doel g "Doel" {\n  titel_en    "Goal"\n indicator i uiterlijk 2030 }\n'
    assert format_text(messy) == (
        'doel g "Doel" {\n    titel_en   "Goal"\n    indicator  i\n    uiterlijk  2030\n}\n'
    )
    trigger = 'trigger t "T" { titel_en "Trigger" als x > 1 dan besluit m }\n'
    assert format_text(trigger).splitlines()[1] == '    titel_en "Trigger"'


def test_a_missing_english_title_is_warned_only_in_a_file_that_gives_them(tmp_path):
    warned = compile_with_base(tmp_path / "bilingual", TWO_MEASURES).diagnostics
    p410 = [d for d in warned if d.code is codes.ENGLISH_TITLE_MISSING]
    assert [(d.span.line, d.span.column) for d in p410] == [(7, 22)]
    assert "onvertaald" in p410[0].message and "titel_en" in p410[0].hint
    english_line = '    titel_en  "Extensification around Natura 2000 sites"\n'
    dutch_only = TWO_MEASURES.replace(english_line, "")
    quiet = compile_with_base(tmp_path / "dutch", dutch_only).diagnostics
    assert not [d for d in quiet if d.code is codes.ENGLISH_TITLE_MISSING]


def test_a_changed_english_title_is_a_field_change_and_no_frozen_value(tmp_path):
    """`bedrijfsnorm_2035` is frozen until 2035 by a `borging`; its English title is reader
    text, so rewording it is shown as a change of `titel_en` and no guard objects.
    """
    for version in ("base", "head"):
        shutil.copytree(POLICY, tmp_path / version)
    head = tmp_path / "head" / "stikstof" / "doelen.policy"
    old = '"Every livestock farm meets its farm-specific standard in 2035"'
    new = '"Each livestock farm meets its own farm-specific standard in 2035"'
    text = head.read_text(encoding="utf-8")
    assert text.count(old) == 1
    head.write_text(text.replace(old, new), encoding="utf-8")
    base, changed = (load_version(v, tmp_path).policy for v in ("base", "head"))
    diff = diff_policies(base, changed)
    assert [(c.declaration, c.field, c.before, c.after) for c in diff.changed] == [
        ("bedrijfsnorm_2035", "titel_en", old, new)
    ]
    assert guard_errors(diff, base, changed, dt.date(2025, 10, 1)) == []


def test_the_english_report_keeps_every_title_in_dutch(tmp_path):
    """The reproducer of issue 16: English pages showed every title in Dutch. Now they show the
    English title, and the Dutch one, marked, where there is none; Dutch pages are unchanged.
    """
    compilation = compile_with_base(tmp_path, TWO_MEASURES)
    book = handbook.build(compilation.policy)
    written = {page.path: page.text for page in site.pages(book, None, dt.date(2027, 1, 1))}
    english, dutch = written["en/theme-algemeen.html"], written["nl/theme-algemeen.html"]
    assert "Extensification around Natura 2000 sites" in english
    assert '<em lang="nl">Innovatie in stallen</em>' in english and MISSING_NOTE in english
    assert "Extensivering rond Natura 2000-gebieden" not in english
    assert "Extensivering rond Natura 2000-gebieden" in dutch
    assert "Extensification" not in dutch and MISSING_NOTE not in dutch
    markdown = written["markdown/en/theme-algemeen.md"]
    assert f"*Innovatie in stallen* {MISSING_NOTE}" in markdown
    assert "Extensification around Natura 2000 sites" in markdown


def test_every_declaration_of_the_bundled_policy_has_an_english_title(bundled_policy):
    """Every kind shows its title on reader pages (the handbook lists every declaration), so
    every titled declaration of every kind has one.
    """
    missing = [
        d.id
        for d in bundled_policy.declarations.values()
        if d.node.title is not None and not d.node.value("titel_en")
    ]
    assert not missing, missing
    assert all(
        not title_for(bundled_policy, d.id, "en").missing
        for d in bundled_policy.declarations.values()
    )


def test_every_quantified_commitment_is_stated_in_both_languages(bundled_policy):
    """Every number in a declaration's Dutch title (targets and every other kind) appears, as
    written, in its English title: the figures a ministry publishes say the same in both.
    """
    different = {}
    for decl in bundled_policy.declarations.values():
        if decl.node.title is None:
            continue
        dutch = sorted(_NUMBER.findall(decl.node.title))
        english = sorted(_NUMBER.findall(decl.node.value("titel_en") or ""))
        if dutch != english:
            different[decl.id] = (dutch, english)
    assert not different, different
    targets = [d for d in bundled_policy.declarations.values() if d.kind == "doel"]
    assert sum(1 for d in targets if _NUMBER.search(d.node.title or "")) > 40
