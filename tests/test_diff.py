"""compiler/diff/compare.py: the semantic diff of two policy versions, its guards, its impact and its rendering.

Golden pairs live under tests/fixtures/diff/<case>/{base,head}/ (copies of tests/fixtures/base, then
edited) with the expected Markdown in expected.md; `pytest --update-golden` rewrites them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.check.pipeline import compile_paths, compile_text
from compiler.data import datasets
from compiler.diff.compare import diff_policies
from compiler.diff.guards import (
    CITATION_DROPPED,
    FROZEN_VALUE_CHANGED,
    GUARD_CODES,
    SUPERSEDED_EDITED,
    guard_errors,
)
from compiler.diff.impact import impact
from compiler.diff.printer import render_value
from compiler.diff.render import render_markdown, to_json, where
from compiler.diff.revisions import DiffError, load_version
from dsl import codes
from dsl.codes import Severity
from dsl.diagnostics import Diagnostics
from dsl.parser import parse_text
from dsl.source import SourceFile
from tests.conftest import BASE, FIXTURES, POLICY, ROOT

DIFF = FIXTURES / "diff"
COMPLETE = FIXTURES / "valid" / "complete.policy"
CASES = (
    "added",
    "removed",
    "renamed",
    "changed_number",
    "changed_unit",
    "changed_deadline",
    "changed_condition",
    "changed_citation",
    "reformat",
)
BEFORE_2035 = dt.date(2025, 6, 1)


def load_case(case: str):
    return (
        load_version(str(DIFF / case / "base"), ROOT).policy,
        load_version(str(DIFF / case / "head"), ROOT).policy,
    )


def check_golden(path: Path, text: str, update: bool) -> None:
    if update:
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"{path.relative_to(ROOT)} rewritten")
    assert text == path.read_text(encoding="utf-8")


def make_pair(root: Path, *extra: Path, policy: Path = BASE) -> tuple[Path, Path]:
    """root/base and root/head: copies of a policy tree (plus extra rule files), to be edited."""
    for version in ("base", "head"):
        shutil.copytree(policy, root / version)
        for path in extra:
            shutil.copy(path, root / version / path.name)
    return root / "base", root / "head"


def edit(path: Path, old: str, new: str) -> int:
    """Replace the one occurrence of `old`; return the line number where it starts."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not written once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return line_of(path, new)


def line_of(path: Path, text: str) -> int:
    return (
        path.read_text(encoding="utf-8")[: path.read_text(encoding="utf-8").index(text)].count("\n")
        + 1
    )


def diff_pair(root: Path, as_of: dt.date = BEFORE_2035):
    base, head = (load_version(v, root).policy for v in ("base", "head"))
    diff = diff_policies(base, head)
    return diff, guard_errors(diff, base, head, as_of)


def codes_of(guards) -> list[str]:
    return [d.code.id for d in guards]


# ------------------------------------------------------------------------------- golden pairs


@pytest.mark.parametrize("case", CASES)
def test_golden_markdown(case, update_golden):
    base, head = load_case(case)
    diff = diff_policies(base, head)
    text = render_markdown(diff, None, guard_errors(diff, base, head, BEFORE_2035))
    check_golden(DIFF / case / "expected.md", text, update_golden)


# case -> (added, removed, renamed, [(declaration, field, before, after)])
EXPECTED = {
    "added": (["areaal_bos"], [], {}, []),
    "removed": ([], ["herhaald"], {}, []),
    "renamed": (
        [],
        [],
        {"areaal_natuur": "natuurareaal", "nh3_2035": "nh3_landbouw_2035"},
        [
            (
                "nh3_landbouw_2035",
                "title",
                '"Landbouw 40% minder NH3 in 2035"',
                '"Landbouw: 40% minder ammoniak in 2035"',
            ),
            ("nh3_landbouw_2035", "traject", None, "lineair"),
        ],
    ),
    "changed_number": (
        [],
        [],
        {},
        [("nh3_2035", "reductie", "40 % t.o.v. 2019", "35 % t.o.v. 2019")],
    ),
    "changed_unit": (
        [],
        [],
        {},
        [
            (
                "beeindiging",
                "effect",
                "nh3_landbouw -1.5 kton in 2030",
                "nh3_landbouw -1.5 ton in 2030",
            )
        ],
    ),
    "changed_deadline": ([], [], {}, [("nh3_2035", "uiterlijk", "2035", "2030")]),
    "changed_condition": (
        [],
        [],
        {},
        [
            (
                "landbouw_achter",
                "als",
                "nh3_2035 is achter_op_schema of achterstand(nh3_2035) > 0.5 kton",
                "nh3_2035 is achter_op_schema en (areaal_natuur < 1000 ha of achterstand(nh3_2035) > 1 kton)",
            )
        ],
    ),
    "changed_citation": (
        [],
        [],
        {},
        [
            (
                "beeindiging",
                "bron",
                'brief regels 10-11 "De beëindigingsregeling geeft voorrang aan locaties '
                'binnen 1.000 meter."',
                None,
            ),
            (
                "beeindiging",
                "bron",
                'brief regel 17 "De beëindigingsregeling levert 1,5 kton reductie op in 2030."',
                'brief regel 17 "levert 1,5 kton reductie op in 2030"',
            ),
        ],
    ),
    "reformat": ([], [], {}, []),
}


@pytest.mark.parametrize("case", CASES)
def test_each_kind_of_change_is_found_field_by_field(case):
    diff = diff_policies(*load_case(case))
    added, removed, renamed, changed = EXPECTED[case]
    assert [e.id for e in diff.added] == added
    assert [e.id for e in diff.removed] == removed
    assert diff.renamed == renamed
    assert [(c.declaration, c.field, c.before, c.after) for c in diff.changed] == changed
    assert diff.is_empty == (case == "reformat")


def test_the_reformat_really_changes_the_text():
    base = (DIFF / "reformat" / "base" / "basis.policy").read_text(encoding="utf-8")
    head = (DIFF / "reformat" / "head" / "basis.policy").read_text(encoding="utf-8")
    assert base != head and (DIFF / "reformat" / "head" / "middelen.policy").is_file()


def test_an_empty_diff_says_so():
    base, head = load_case("reformat")
    diff = diff_policies(base, head)
    assert render_markdown(diff, None, []) == "## Policy diff\n\nNo change in meaning.\n"
    assert to_json(diff)["empty"] is True


def test_changes_carry_both_locations():
    diff = diff_policies(*load_case("changed_number"))
    change = diff.changed[0]
    assert where(change.base_span) == "tests/fixtures/diff/changed_number/base/basis.policy:60"
    assert where(change.head_span) == "tests/fixtures/diff/changed_number/head/basis.policy:60"
    assert change.kind == "doel" and change.change == "changed"


def test_a_changed_ladder_step_is_reported_by_its_number(tmp_path):
    make_pair(tmp_path, COMPLETE)
    edit(
        tmp_path / "head" / "complete.policy",
        'stap 2 "boete" als herhaald en nh3_bedrijf > 1000 kg',
        'stap 2 "boete" als herhaald en nh3_bedrijf > 2000 kg',
    )
    diff, _ = diff_pair(tmp_path)
    assert [(c.field, c.before, c.after) for c in diff.changed] == [
        (
            "stap",
            '2 "boete" als herhaald en nh3_bedrijf > 1000 kg',
            '2 "boete" als herhaald en nh3_bedrijf > 2000 kg',
        )
    ]


def test_a_budget_post_is_reported_by_its_id(tmp_path):
    make_pair(tmp_path)
    head = tmp_path / "head" / "basis.policy"
    edit(
        head,
        'post mest "Mest" incidenteel: basis € 50 mln, totaal € 50 mln',
        'post mest "Mest en water" incidenteel: basis € 50 mln, totaal € 50 mln',
    )
    edit(head, '    deelpost veluwe "Veluwe" van natuur.basis: € 20 mln\n', "")
    diff, _ = diff_pair(tmp_path)
    assert [(c.field, c.change, c.before, c.after) for c in diff.changed] == [
        (
            "post",
            "changed",
            'mest "Mest" incidenteel: basis € 50 mln, totaal € 50 mln',
            'mest "Mest en water" incidenteel: basis € 50 mln, totaal € 50 mln',
        ),
        ("deelpost", "removed", 'veluwe "Veluwe" van natuur.basis: € 20 mln', None),
    ]


def test_numbers_compare_by_value_and_name_lists_as_sets(tmp_path):
    make_pair(tmp_path, COMPLETE)
    head = tmp_path / "head" / "complete.policy"
    edit(head, "betreft nh3_landbouw, nh3_2035", "betreft nh3_2035, nh3_landbouw")
    edit(head, "achterstand(nh3_2035) > 0.5 kton", "achterstand(nh3_2035) > 0.50 kton")
    diff, _ = diff_pair(tmp_path)
    assert diff.is_empty


def test_references_to_a_renamed_declaration_are_no_change(tmp_path):
    make_pair(tmp_path, COMPLETE)
    head = tmp_path / "head" / "complete.policy"
    edit(
        head,
        'verplichting bedrijfsplan "Bedrijfsplan" {',
        'verplichting bedrijfsplan_opstellen "Bedrijfsplan" {',
    )
    edit(head, "dan  verplichting bedrijfsplan\n", "dan  verplichting bedrijfsplan_opstellen\n")
    diff, _ = diff_pair(tmp_path)
    assert diff.renamed == {"bedrijfsplan": "bedrijfsplan_opstellen"}
    assert (
        diff.changed == ()
    )  # the trigger's `dan verplichting bedrijfsplan_opstellen` is the same rule


def test_an_ambiguous_rename_is_an_addition_and_a_removal(tmp_path):
    make_pair(tmp_path)
    head = tmp_path / "head" / "basis.policy"
    edit(
        head,
        'indicator nh3_bedrijf "Ammoniakemissie per bedrijf" {',
        'indicator nh3_per_bedrijf "Ammoniakemissie per bedrijf" {',
    )
    edit(head, 'indicator norm_bedrijf "Bedrijfsnorm" {', 'indicator bedrijfsnorm "Bedrijfsnorm" {')
    diff, _ = diff_pair(tmp_path)
    # both cite the same line with the same quote, and have the same fields: no unique pairing
    assert diff.renamed == {}
    assert [e.id for e in diff.added] == ["bedrijfsnorm", "nh3_per_bedrijf"]
    assert [e.id for e in diff.removed] == ["nh3_bedrijf", "norm_bedrijf"]


# ------------------------------------------------------------------------ rendering round trip


def _roundtrip(decl) -> object:
    node = decl.node
    title = f' "{" ".join(node.title.split())}"' if node.title is not None else ""
    body = "\n".join(
        f"    {f.keyword} {render_value(f.keyword, f.value)}".rstrip() for f in node.fields
    )
    diags = Diagnostics()
    module = parse_text(
        SourceFile("<roundtrip>", f"{node.kind} {node.id.name}{title} {{\n{body}\n}}\n"), diags
    )
    assert not list(diags), [d.message for d in diags]
    return module.declarations[0]


def _squash(value):
    """A copy of a syntax node with runs of whitespace in its texts collapsed."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, tuple):
        return tuple(_squash(v) for v in value)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(
            value,
            **{
                f.name: _squash(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.compare
            },
        )
    return value


def test_values_render_back_in_the_rule_language(bundled_policy):
    fixture = compile_paths([str(BASE), str(COMPLETE)]).policy
    declarations = [*bundled_policy.declarations.values(), *fixture.declarations.values()]
    for decl in declarations:
        assert _squash(_roundtrip(decl)) == _squash(decl.node), decl.id
    exact = sum(1 for d in declarations if _roundtrip(d) == d.node)
    assert exact >= len(declarations) - 5  # the rest differ only in whitespace inside a quote


# ------------------------------------------------------------------------- hypothesis: layout


BASIS = (BASE / "basis.policy").read_text(encoding="utf-8")


def _blocks(text: str) -> list[tuple[str, list[str]]]:
    """(header, field lines) per declaration of a file whose fields sit one per line."""
    return [
        (m.group(1), m.group(2).strip("\n").split("\n"))
        for m in re.finditer(r"^(\w+ \w+(?: \"[^\"]*\")? \{)\n(.*?)^\}", text, re.M | re.S)
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.randoms(use_true_random=False),
    st.sampled_from(["\n", "\n\n", " ", "\t", "\n  # a comment\n"]),
)
def test_layout_and_field_order_never_change_the_meaning(rnd: random.Random, gap: str):
    blocks = _blocks(BASIS)
    rnd.shuffle(blocks)
    out = []
    for header, lines in blocks:
        fields = [" ".join(line.split()) for line in lines]
        rnd.shuffle(fields)
        out.append(header + gap + gap.join(fields) + gap + "}")
    base = compile_text(BASIS).policy
    head = compile_text("\n# reshuffled\n".join(out)).policy
    assert diff_policies(base, head).is_empty


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(re.findall(r"(?<=[ \-])\d+(?:\.\d+)?(?= (?:kton|%|mln))", BASIS)),
    st.integers(min_value=1, max_value=9),
)
def test_one_changed_number_is_one_field_change(number: str, step: int):
    first = BASIS.index(f" {number} ") if f" {number} " in BASIS else BASIS.index(f"-{number} ")
    start = first + 1
    changed = str(float(number) + step).removesuffix(".0")
    head_text = BASIS[:start] + changed + BASIS[start + len(number) :]
    diff = diff_policies(compile_text(BASIS).policy, compile_text(head_text).policy)
    assert len(diff.changed) == 1 and not diff.added and not diff.removed
    assert changed in diff.changed[0].after


# ---------------------------------------------------------------------------------------- guards


def test_guard_codes_are_in_the_registry():
    assert [c.id for c in GUARD_CODES] == ["G001", "G002", "G003"]
    assert [c.slug for c in GUARD_CODES] == [
        "frozen-value-changed",
        "superseded-edited",
        "citation-dropped",
    ]
    assert all(c.severity is Severity.ERROR and c.summary for c in GUARD_CODES)
    assert all(codes.BY_ID[c.id] is c for c in GUARD_CODES)


def test_frozen_value_change_is_caught(tmp_path):
    """G001 on the bundled policy: the farm norms are frozen until 2035 by a `borging`."""
    make_pair(tmp_path, policy=POLICY)
    head = tmp_path / "head" / "stikstof" / "doelen.policy"
    text = head.read_text(encoding="utf-8")
    block = text.index("doel bedrijfsnorm_2035 ")
    at = text.index("    uiterlijk  2035\n", block)
    head.write_text(
        text[:at] + "    uiterlijk  2036\n" + text[at + len("    uiterlijk  2035\n") :],
        encoding="utf-8",
    )
    line = text[:at].count("\n") + 1
    diff, guards = diff_pair(tmp_path, dt.date(2025, 10, 1))
    assert [(c.declaration, c.field, c.before, c.after) for c in diff.changed] == [
        ("bedrijfsnorm_2035", "uiterlijk", "2035", "2036")
    ]
    assert codes_of(guards) == ["G001"]
    guard = guards[0]
    assert guard.code is FROZEN_VALUE_CHANGED
    assert where(guard.span) == f"head/stikstof/doelen.policy:{line}"
    assert [where(r.span) for r in guard.related] == [
        f"base/stikstof/doelen.policy:{line}",
        f"base/stikstof/borging.policy:{line_of(POLICY / 'stikstof' / 'borging.policy', 'vast_tot 2035')}",
    ]
    assert "doelsturingsnormen_bevroren" in guard.message
    _, later = diff_pair(tmp_path, dt.date(2035, 1, 1))
    assert later == []


FREEZE = """
borging nh3_2035_bevroren "Het doel ligt vast tot 2035" {
    soort    bevriezing
    betreft  nh3_2035
    door     kabinet
    vast_tot 2035
    bron brief regels 4-5 "De landbouw realiseert in 2035 een emissiereductie van 40% ten opzichte van 2019."
}
"""


@pytest.fixture
def frozen_pair(tmp_path):
    extra = tmp_path / "bevriezing.policy"
    extra.write_text(FREEZE, encoding="utf-8")
    make_pair(tmp_path / "tree", extra)
    return tmp_path / "tree"


def test_loosening_the_freeze_itself_is_caught_G001(frozen_pair):
    line = edit(frozen_pair / "head" / "bevriezing.policy", "vast_tot 2035", "vast_tot 2030")
    diff, guards = diff_pair(frozen_pair)
    assert codes_of(guards) == ["G001"]
    assert where(guards[0].span) == f"head/bevriezing.policy:{line}"
    assert where(guards[0].related[0].span) == f"base/bevriezing.policy:{line}"


NH3_2035 = """doel nh3_2035 "Landbouw 40% minder NH3 in 2035" {
    indicator nh3_landbouw
    reductie  40 % t.o.v. 2019
    uiterlijk 2035
    bindend
    bron brief regels 4-5 "De landbouw realiseert in 2035 een emissiereductie van 40% ten opzichte van 2019."
}
"""


def test_removing_a_frozen_declaration_is_caught_G001(frozen_pair):
    base_line = line_of(frozen_pair / "base" / "basis.policy", NH3_2035)
    edit(frozen_pair / "head" / "basis.policy", NH3_2035, "")
    diff, guards = diff_pair(frozen_pair)
    assert [e.id for e in diff.removed] == ["nh3_2035"]
    assert codes_of(guards) == ["G001"]
    # no head location: the diagnostic stands at the base location
    assert (
        where(guards[0].span)
        == where(guards[0].related[0].span)
        == f"base/basis.policy:{base_line}"
    )


def test_superseding_a_frozen_declaration_is_caught_G001(frozen_pair):
    head = frozen_pair / "head" / "basis.policy"
    replacement = NH3_2035.replace("doel nh3_2035 ", "doel nh3_2035_nieuw ").replace(
        "    bindend\n", "    bindend\n    vervangt  nh3_2035 per 2026-01-01\n"
    )
    head.write_text(head.read_text(encoding="utf-8") + "\n" + replacement, encoding="utf-8")
    diff, guards = diff_pair(frozen_pair)
    assert [e.id for e in diff.added] == ["nh3_2035_nieuw"] and diff.changed == ()
    assert codes_of(guards) == ["G001"]
    assert where(guards[0].span) == f"head/basis.policy:{line_of(head, 'vervangt  nh3_2035')}"
    assert where(guards[0].related[0].span) == f"base/basis.policy:{line_of(head, NH3_2035)}"


def test_a_corrected_quote_is_no_frozen_value_G001(frozen_pair):
    edit(
        frozen_pair / "head" / "basis.policy",
        '"De landbouw realiseert in 2035 een emissiereductie van 40% ten opzichte van 2019."',
        '"De landbouw realiseert in 2035 een emissiereductie van 40% ten opzichte van 2019"',
    )
    diff, guards = diff_pair(frozen_pair)
    assert [c.field for c in diff.changed] == ["bron"] and guards == []


def test_superseded_edit_is_caught_G002(tmp_path):
    make_pair(tmp_path, COMPLETE)
    line = edit(
        tmp_path / "head" / "complete.policy", "    status   gestopt\n", "    status   uitgevoerd\n"
    )
    diff, guards = diff_pair(tmp_path)
    assert codes_of(guards) == ["G002"]
    guard = guards[0]
    assert guard.code is SUPERSEDED_EDITED
    assert where(guard.span) == f"head/complete.policy:{line}"
    assert where(guard.related[0].span) == f"base/complete.policy:{line}"
    assert (
        where(guard.related[1].span)
        == f"base/complete.policy:{line_of(COMPLETE, 'vervangt oude_regeling')}"
    )
    assert "nieuwe_regeling" in guard.message


def test_editing_the_replacement_is_allowed_G002(tmp_path):
    make_pair(tmp_path, COMPLETE)
    edit(
        tmp_path / "head" / "complete.policy",
        "geldig vanaf 2025-01-01 tot 2035-12-31",
        "geldig vanaf 2025-01-01 tot 2036-12-31",
    )
    _, guards = diff_pair(tmp_path)
    assert guards == []


def test_before_the_replacement_takes_effect_editing_is_allowed_G002(tmp_path):
    make_pair(tmp_path, COMPLETE)
    edit(
        tmp_path / "head" / "complete.policy", "    status   gestopt\n", "    status   uitgevoerd\n"
    )
    _, guards = diff_pair(tmp_path, dt.date(2024, 12, 31))
    assert guards == []


def test_citation_dropped_is_caught_G003():
    base, head = load_case("changed_citation")
    guards = guard_errors(diff_policies(base, head), base, head, BEFORE_2035)
    assert codes_of(guards) == ["G003"]
    guard = guards[0]
    assert guard.code is CITATION_DROPPED
    assert where(guard.span) == "tests/fixtures/diff/changed_citation/head/basis.policy:66"
    assert (
        where(guard.related[0].span) == "tests/fixtures/diff/changed_citation/base/basis.policy:72"
    )
    assert "regels 10-11" in guard.message


def test_dropping_every_citation_of_a_document_is_caught_G003(tmp_path):
    make_pair(tmp_path, COMPLETE)
    edit(
        tmp_path / "head" / "complete.policy",
        'bron brief regels 10-13 "De beëindigings-regeling ... Natura-2000 gebieden"',
        'bron oude_brief regels 10-13 "De beëindigings-regeling ... Natura-2000 gebieden"',
    )
    diff, guards = diff_pair(tmp_path)
    assert [(c.field, c.change) for c in diff.changed] == [("bron", "removed"), ("bron", "added")]
    assert codes_of(guards) == ["G003"]


def test_a_removed_declaration_drops_no_citation_G003():
    base, head = load_case("removed")
    assert guard_errors(diff_policies(base, head), base, head, BEFORE_2035) == []


# ------------------------------------------------------------------------------ loading versions


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_load_version_from_a_git_revision_of_this_repository():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    revision = _git(ROOT, "rev-parse", "HEAD").strip()
    committed = load_version(revision, ROOT)
    working = load_version("policy", ROOT)
    assert all(
        where(d.span).startswith(f"{revision}:policy/")
        for d in committed.policy.declarations.values()
    )
    diff = diff_policies(committed.policy, working.policy)
    uncommitted = {
        line[3:].strip()
        for line in _git(ROOT, "status", "--porcelain", "--", "policy").splitlines()
    }
    if not uncommitted:
        assert diff.is_empty
    touched = {where(c.head_span).split(":")[0] for c in diff.changed}
    touched |= {where(e.span).split(":")[0] for e in diff.added}
    assert touched <= uncommitted


def test_load_version_from_a_throwaway_repository(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo / "policy")
    _git(tmp_path, "init", "-q", str(repo))
    _git(repo, "add", "policy")
    _git(repo, "commit", "-q", "-m", "first")
    edit(
        repo / "policy" / "basis.policy", "reductie  40 % t.o.v. 2019", "reductie  35 % t.o.v. 2019"
    )
    _git(repo, "commit", "-q", "-am", "second")
    base, head = load_version("HEAD~1", repo), load_version("HEAD", repo)
    diff = diff_policies(base.policy, head.policy)
    assert [(c.before, c.after) for c in diff.changed] == [("40 % t.o.v. 2019", "35 % t.o.v. 2019")]
    assert where(diff.changed[0].base_span) == "HEAD~1:policy/basis.policy:60"
    assert where(diff.changed[0].head_span) == "HEAD:policy/basis.policy:60"
    assert not base.diagnostics.has_errors  # the sources came out of the archive too
    assert diff_policies(head.policy, load_version("policy", repo).policy).is_empty


def test_a_spec_that_is_neither_folder_nor_revision_is_an_error(tmp_path):
    with pytest.raises(DiffError) as caught:
        load_version("no-such-thing", ROOT)
    assert "neither a folder nor a git revision" in caught.value.message
    assert "HEAD~1" in caught.value.hint
    with pytest.raises(DiffError):
        load_version("--output=/tmp/x", ROOT)
    with pytest.raises(DiffError):
        load_version("HEAD", tmp_path)  # not a repository at all


def test_a_revision_without_a_policy_folder_is_an_error(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README").write_text("nothing here\n", encoding="utf-8")
    _git(tmp_path, "init", "-q", str(repo))
    _git(repo, "add", "README")
    _git(repo, "commit", "-q", "-m", "first")
    with pytest.raises(DiffError, match="has no `policy/` folder"):
        load_version("HEAD", repo)


# ---------------------------------------------------------------------------------------- impact


IMPACT = DIFF / "impact"
THRESHOLD = "wie      elk bedrijf waar nh3_bedrijf > norm_bedrijf en niet herhaald"


def _impact(root: Path, moment=dt.date(2027, 1, 1)):
    base, head = (load_version(v, root).policy for v in ("base", "head"))
    diff = diff_policies(base, head)
    diags = Diagnostics()
    monitoring = datasets.load(
        head,
        datasets.DataChoice(series=(IMPACT / "series.csv",), farms=IMPACT / "farms.csv"),
        diags,
    )
    assert not list(diags)
    return (
        diff,
        impact(diff, base, head, monitoring, moment),
        guard_errors(diff, base, head, BEFORE_2035),
    )


def test_a_changed_selection_threshold_changes_which_farms_are_affected(tmp_path, update_golden):
    make_pair(tmp_path, COMPLETE)
    edit(
        tmp_path / "head" / "complete.policy",
        THRESHOLD,
        THRESHOLD.replace("> norm_bedrijf", "> 1400 kg"),
    )
    diff, result, guards = _impact(tmp_path)
    assert [c.field for c in diff.changed] == ["wie"] and guards == []
    assert result.triggers == () and result.targets == ()
    [farms] = result.obligations
    # F2 (melkvee, fryslan) and F7 (melkvee, drenthe) exceed their norm but not 1400 kg;
    # F4 (varkens, limburg) and F6 (pluimvee, gelderland) exceed 1400 kg but not their norm.
    assert (farms.obligation, farms.before, farms.after, farms.newly, farms.no_longer) == (
        "bedrijfsplan",
        4,
        4,
        2,
        2,
    )
    assert {k: v for k, v in farms.newly_by_sector.items() if v} == {"varkens": 1, "pluimvee": 1}
    assert {k: v for k, v in farms.no_longer_by_sector.items() if v} == {"melkvee": 2}
    assert {k: v for k, v in farms.newly_by_province.items() if v} == {
        "limburg": 1,
        "gelderland": 1,
    }
    assert {k: v for k, v in farms.no_longer_by_province.items() if v} == {
        "fryslan": 1,
        "drenthe": 1,
    }
    check_golden(IMPACT / "expected.md", render_markdown(diff, result, guards), update_golden)


def test_a_changed_target_changes_trigger_target_and_farms(tmp_path):
    make_pair(tmp_path, COMPLETE)
    edit(
        tmp_path / "head" / "basis.policy",
        "reductie  40 % t.o.v. 2019",
        "reductie  5 % t.o.v. 2019",
    )
    diff, result, _ = _impact(tmp_path)
    assert [(c.id, c.before, c.after) for c in result.targets] == [("nh3_2035", "off_track", "met")]
    assert [(c.id, c.before, c.after) for c in result.triggers] == [
        ("achterstand_landbouw", "fired", "undecided")
    ]
    [farms] = result.obligations
    assert (farms.before, farms.after, farms.newly, farms.no_longer) == (4, 0, 0, 4)
    text = render_markdown(diff, result, [])
    assert "| `achterstand_landbouw` | fired | undecided |" in text
    assert "| `bedrijfsplan` | 4 | 0 | 0 | 4 |" in text


def test_json_holds_everything_and_serialises(tmp_path):
    make_pair(tmp_path, COMPLETE)
    edit(
        tmp_path / "head" / "complete.policy",
        THRESHOLD,
        THRESHOLD.replace("> norm_bedrijf", "> 1400 kg"),
    )
    diff, result, guards = _impact(tmp_path)
    data = json.loads(json.dumps(to_json(diff, result, guards)))
    assert data["changed"][0] == {
        "declaration": "bedrijfsplan",
        "kind": "verplichting",
        "field": "wie",
        "change": "changed",
        "before": "elk bedrijf waar nh3_bedrijf > norm_bedrijf en niet herhaald",
        "after": "elk bedrijf waar nh3_bedrijf > 1400 kg en niet herhaald",
        "base": "base/complete.policy:12",
        "head": "head/complete.policy:12",
    }
    assert data["impact"]["obligations"][0]["newly"] == 2
    base, head = load_case("changed_citation")
    diff = diff_policies(base, head)
    data = json.loads(json.dumps(to_json(diff, None, guard_errors(diff, base, head, BEFORE_2035))))
    assert data["guards"][0]["code"] == "G003"
    assert (
        data["guards"][0]["related"][0]["at"]
        == "tests/fixtures/diff/changed_citation/base/basis.policy:72"
    )
