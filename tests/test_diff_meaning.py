"""What the expected output of some diff cases means (the cases: tests/fixtures/diff/): each kind
of change found field by field, both locations of a change, ladder steps and budget posts by their
number and id, numbers compared by value and name lists as sets, renames told from additions.
tests/test_diff.py checks every case's output against its expected files; these tests say why
that output is right.
"""

from __future__ import annotations

import pytest

from compiler.diff.render import render_markdown, to_json, where
from tests.fixtures.diff.cases import compare_case

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
                "nh3_2035 is achter_op_schema en (areaal_natuur < 1000 ha "
                "of achterstand(nh3_2035) > 1 kton)",
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


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_kind_of_change_is_found_field_by_field(case, tmp_path):
    diff = compare_case(case, tmp_path).diff
    added, removed, renamed, changed = EXPECTED[case]
    assert [e.id for e in diff.added] == added
    assert [e.id for e in diff.removed] == removed
    assert diff.renamed == renamed
    assert [(c.declaration, c.field, c.before, c.after) for c in diff.changed] == changed
    assert diff.is_empty == (case == "reformat")


def test_the_reformat_really_changes_the_text(tmp_path):
    built = compare_case("reformat", tmp_path)
    base = built.file("base", "basis.policy").read_text(encoding="utf-8")
    head = built.file("head", "basis.policy").read_text(encoding="utf-8")
    assert base != head and built.file("head", "middelen.policy").is_file()
    assert not built.file("base", "middelen.policy").exists()


def test_an_empty_diff_says_so(tmp_path):
    diff = compare_case("reformat", tmp_path).diff
    assert render_markdown(diff, None, []) == "## Policy diff\n\nNo change in meaning.\n"
    assert to_json(diff)["empty"] is True


def test_changes_carry_both_locations(tmp_path):
    change = compare_case("changed_number", tmp_path).diff.changed[0]
    assert where(change.base_span) == "base/basis.policy:60"
    assert where(change.head_span) == "head/basis.policy:60"
    assert change.kind == "doel" and change.change == "changed"


def test_a_changed_ladder_step_is_reported_by_its_number(tmp_path):
    diff = compare_case("ladder_step", tmp_path).diff
    assert [(c.field, c.before, c.after) for c in diff.changed] == [
        (
            "stap",
            '2 "boete" als herhaald en nh3_bedrijf > 1000 kg',
            '2 "boete" als herhaald en nh3_bedrijf > 2000 kg',
        )
    ]


def test_a_budget_post_is_reported_by_its_id(tmp_path):
    diff = compare_case("budget_post", tmp_path).diff
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
    built = compare_case("same_meaning", tmp_path)
    head = built.file("head", "complete.policy").read_text(encoding="utf-8")
    assert "betreft nh3_2035, nh3_landbouw" in head and "> 0.50 kton" in head
    assert built.diff.is_empty


def test_references_to_a_renamed_declaration_are_no_change(tmp_path):
    diff = compare_case("renamed_references", tmp_path).diff
    assert diff.renamed == {"bedrijfsplan": "bedrijfsplan_opstellen"}
    # the trigger's `dan verplichting bedrijfsplan_opstellen` is the same rule
    assert diff.changed == ()


def test_an_ambiguous_rename_is_an_addition_and_a_removal(tmp_path):
    diff = compare_case("ambiguous_rename", tmp_path).diff
    # both cite the same line with the same quote, and have the same fields: no unique pairing
    assert diff.renamed == {}
    assert [e.id for e in diff.added] == ["bedrijfsnorm", "nh3_per_bedrijf"]
    assert [e.id for e in diff.removed] == ["nh3_bedrijf", "norm_bedrijf"]
