"""The semantic diff (compiler/diff/): the case folders, guards, impact, rendering and loading
versions.

Most cases are data: tests/fixtures/diff/<case>/ holds a patch over the shared base tree, the
expected Markdown, JSON and exit code, and `expect:` marks for its G-codes in the patched versions
(the format: tests/fixtures/diff/cases.py). `test_case_gives_its_expected_output` runs every case
folder; tests/test_diff_meaning.py states, for some cases, what the expected output means, and the
guard and impact tests here state it for the others.

To rewrite expected.md and expected.json deliberately after a change in output, run
`python3 -m pytest tests/test_diff.py --update-golden` (or set BELEID_UPDATE_GOLDEN=1), then
read the change in `git diff` before committing it. `exit` in case.toml and the marks in the
patches are never rewritten: they are edited by hand.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from compiler.cli.main import main
from compiler.data import datasets
from compiler.diff.compare import diff_policies
from compiler.diff.guards import GUARD_CODES, guard_errors
from compiler.diff.impact import impact_on_data
from compiler.diff.render import render_markdown, to_json, where
from compiler.diff.revisions import load_version
from dsl import codes
from dsl.codes import CITATION_DROPPED, FROZEN_VALUE_CHANGED, SUPERSEDED_EDITED, Severity
from dsl.diagnostics import Diagnostic, Diagnostics
from tests.conftest import FIXTURES, POLICY, ROOT
from tests.expectations import fixture_files, mismatches
from tests.fixtures.diff import cases
from tests.fixtures.diff.cases import Built, compare_case

DIFF = FIXTURES / "diff"
COMPLETE = FIXTURES / "valid" / "complete.policy"


def line_of(path: Path, text: str) -> int:
    """The line on which `text` starts in the file."""
    written = path.read_text(encoding="utf-8")
    return written[: written.index(text)].count("\n") + 1


def codes_of(guards) -> list[str]:
    return [d.code.id for d in guards]


def guard_mismatches(built: Built, guards) -> list[str]:
    """What differs between the `expect:` marks in the case's two versions and `guards`, whose
    locations (`head/basis.policy`) are relative to the case's folder.
    """
    marked = fixture_files(built.root / "base") + fixture_files(built.root / "head")
    return mismatches(marked, [in_folder(guard, built.root) for guard in guards])


def in_folder(diagnostic: Diagnostic, root: Path) -> Diagnostic:
    """The diagnostic with its location's path taken inside `root`."""
    if diagnostic.span is None:
        return diagnostic
    span = dataclasses.replace(diagnostic.span, path=str(root / diagnostic.span.path))
    return dataclasses.replace(diagnostic, span=span)


# ------------------------------------------------------------------------------ the case folders


def updating(update_golden: bool) -> bool:
    return update_golden or os.environ.get("BELEID_UPDATE_GOLDEN") == "1"


def check_golden(path: Path, text: str, update: bool) -> None:
    """Compare `text` with the expected file; on a difference fail with a unified diff."""
    if update:
        path.write_text(text, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8") if path.is_file() else ""
    if text != expected:
        shown = "".join(
            difflib.unified_diff(
                expected.splitlines(True), text.splitlines(True), str(path), "actual output"
            )
        )
        pytest.fail(
            f"{_shown(path)} differs from the output (rewrite it deliberately with "
            f"--update-golden or BELEID_UPDATE_GOLDEN=1):\n{shown}",
            pytrace=False,
        )


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def case_impact(built: Built, case: str):
    """The impact the case's case.toml asks for, else None."""
    wanted = cases.settings(case).get("impact")
    if wanted is None or built.diff.is_empty:
        return None
    data = DIFF / wanted["data"]
    diags = Diagnostics()
    monitoring = datasets.load(
        built.head,
        datasets.DataChoice(series=(data / "series.csv",), farms=data / "farms.csv"),
        diags,
    )
    assert not list(diags)
    return impact_on_data(built.diff, built.base, built.head, monitoring, wanted["moment"])


def cli_exit_code(root: Path, as_of: dt.date) -> int:
    """The exit code of `beleid diff base head --as-of AS_OF --no-impact` run in `root`."""
    here = Path.cwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return main(["diff", "base", "head", "--as-of", as_of.isoformat(), "--no-impact"])
    finally:
        os.chdir(here)


@pytest.mark.parametrize("case", cases.CASES)
def test_case_gives_its_expected_output(case, tmp_path, update_golden):
    expected = cases.settings(case)
    built = compare_case(case, tmp_path)
    guards = built.guards(expected["as_of"])
    effect = case_impact(built, case)
    update = updating(update_golden)
    check_golden(DIFF / case / "expected.md", render_markdown(built.diff, effect, guards), update)
    written = json.dumps(to_json(built.diff, effect, guards), indent=2, ensure_ascii=False)
    check_golden(DIFF / case / "expected.json", written + "\n", update)
    problems = guard_mismatches(built, guards)
    assert not problems, f"{case}: guard errors\n" + "\n".join(problems)
    assert cli_exit_code(tmp_path, expected["as_of"]) == expected["exit"], f"{case}: exit code"


def test_the_case_folders_are_found_and_the_patches_change_something(tmp_path):
    assert len(cases.CASES) >= 23
    for case in cases.CASES:
        assert (DIFF / case / "head.patch").read_text(encoding="utf-8").strip(), case


def test_a_missing_or_an_extra_guard_error_fails_the_case(tmp_path):
    built = compare_case("freeze_loosened", tmp_path)
    guards = built.guards()
    assert guard_mismatches(built, guards) == []
    assert guard_mismatches(built, []) == ["expected, not reported: bevriezing.policy:6 G001"]
    [extra] = guard_mismatches(built, guards * 2)
    assert extra.startswith("reported, not expected: bevriezing.policy:6:5 G001")


def test_a_patch_that_does_not_apply_fails_readably(tmp_path):
    (tmp_path / "basis.policy").write_text("nothing like the base\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="does not apply"):
        cases.apply_patch(DIFF / "changed_number" / "head.patch", tmp_path)


def test_a_differing_output_fails_with_a_unified_diff(tmp_path):
    golden = tmp_path / "expected.md"
    golden.write_text("## Policy diff\n\nNo change in meaning.\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception) as failed:
        check_golden(golden, "## Policy diff\n\n1 field change in 1 declaration.\n", False)
    assert "-No change in meaning." in str(failed.value)
    assert "+1 field change in 1 declaration." in str(failed.value)


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
    """G001 on the bundled policy: the farm norms are frozen until 2035 by a `borging`. The policy
    changes as it grows, so this case edits a copy of it rather than patching a fixed tree.
    """
    for version in ("base", "head"):
        shutil.copytree(POLICY, tmp_path / version)
    head = tmp_path / "head" / "stikstof" / "doelen.policy"
    text = head.read_text(encoding="utf-8")
    block = text.index("doel bedrijfsnorm_2035 ")
    at = text.index("    uiterlijk  2035\n", block)
    head.write_text(
        text[:at] + "    uiterlijk  2036\n" + text[at + len("    uiterlijk  2035\n") :],
        encoding="utf-8",
    )
    line = text[:at].count("\n") + 1
    base, head = (load_version(v, tmp_path).policy for v in ("base", "head"))
    diff = diff_policies(base, head)
    guards = guard_errors(diff, base, head, dt.date(2025, 10, 1))
    assert [(c.declaration, c.field, c.before, c.after) for c in diff.changed] == [
        ("bedrijfsnorm_2035", "uiterlijk", "2035", "2036")
    ]
    assert codes_of(guards) == ["G001"]
    guard = guards[0]
    assert guard.code is FROZEN_VALUE_CHANGED
    assert where(guard.span) == f"head/stikstof/doelen.policy:{line}"
    borging = line_of(POLICY / "stikstof" / "borging.policy", "vast_tot 2035")
    assert [where(r.span) for r in guard.related] == [
        f"base/stikstof/doelen.policy:{line}",
        f"base/stikstof/borging.policy:{borging}",
    ]
    assert "doelsturingsnormen_bevroren" in guard.message
    # `vast_tot 2035` lasts through 2035: still frozen on its last day, free the day after
    assert codes_of(guard_errors(diff, base, head, dt.date(2035, 12, 31))) == ["G001"]
    assert guard_errors(diff, base, head, dt.date(2036, 1, 1)) == []


def test_loosening_the_freeze_itself_is_caught_G001(tmp_path):
    built = compare_case("freeze_loosened", tmp_path)
    guards = built.guards()
    line = line_of(built.file("head", "bevriezing.policy"), "vast_tot 2030")
    assert codes_of(guards) == ["G001"]
    assert where(guards[0].span) == f"head/bevriezing.policy:{line}"
    assert where(guards[0].related[0].span) == f"base/bevriezing.policy:{line}"


NH3_2035 = 'doel nh3_2035 "Landbouw 40% minder NH3 in 2035" {'


def test_removing_a_frozen_declaration_is_caught_G001(tmp_path):
    built = compare_case("frozen_removed", tmp_path)
    guards = built.guards()
    assert NH3_2035 not in built.file("head", "basis.policy").read_text(encoding="utf-8")
    assert [e.id for e in built.diff.removed] == ["nh3_2035"]
    assert codes_of(guards) == ["G001"]
    # no head location: the diagnostic stands at the base location
    base_line = line_of(built.file("base", "basis.policy"), NH3_2035)
    assert (
        where(guards[0].span)
        == where(guards[0].related[0].span)
        == f"base/basis.policy:{base_line}"
    )


def test_superseding_a_frozen_declaration_is_caught_G001(tmp_path):
    built = compare_case("frozen_superseded", tmp_path)
    guards = built.guards()
    head = built.file("head", "basis.policy")
    assert [e.id for e in built.diff.added] == ["nh3_2035_nieuw"] and built.diff.changed == ()
    assert codes_of(guards) == ["G001"]
    assert where(guards[0].span) == f"head/basis.policy:{line_of(head, 'vervangt  nh3_2035')}"
    assert where(guards[0].related[0].span) == f"base/basis.policy:{line_of(head, NH3_2035)}"


def test_a_corrected_quote_is_no_frozen_value_G001(tmp_path):
    built = compare_case("frozen_quote_corrected", tmp_path)
    assert [c.field for c in built.diff.changed] == ["bron"] and built.guards() == []
    assert "borging nh3_2035_bevroren" in built.file("head", "bevriezing.policy").read_text(
        encoding="utf-8"
    )


def test_superseded_edit_is_caught_G002(tmp_path):
    built = compare_case("superseded_edited", tmp_path)
    guards = built.guards()
    line = line_of(built.file("head", "complete.policy"), "    status   uitgevoerd")
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
    built = compare_case("replacement_edited", tmp_path)
    assert [c.field for c in built.diff.changed] == ["geldig"] and built.guards() == []


def test_before_the_replacement_takes_effect_editing_is_allowed_G002(tmp_path):
    built = compare_case("superseded_edited", tmp_path)
    assert built.guards(dt.date(2024, 12, 31)) == []


def test_citation_dropped_is_caught_G003(tmp_path):
    guards = compare_case("changed_citation", tmp_path).guards()
    assert codes_of(guards) == ["G003"]
    guard = guards[0]
    assert guard.code is CITATION_DROPPED
    assert where(guard.span) == "head/basis.policy:66"
    assert where(guard.related[0].span) == "base/basis.policy:72"
    assert "regels 10-11" in guard.message


def test_dropping_every_citation_of_a_document_is_caught_G003(tmp_path):
    built = compare_case("document_dropped", tmp_path)
    assert [(c.field, c.change) for c in built.diff.changed] == [
        ("bron", "removed"),
        ("bron", "added"),
    ]
    assert codes_of(built.guards()) == ["G003"]


def test_a_removed_declaration_drops_no_citation_G003(tmp_path):
    assert compare_case("removed", tmp_path).guards() == []


# ---------------------------------------------------------------------------------------- impact


def test_a_changed_selection_threshold_changes_which_farms_are_affected(tmp_path):
    built = compare_case("impact", tmp_path)
    result = case_impact(built, "impact")
    assert [c.field for c in built.diff.changed] == ["wie"] and built.guards() == []
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


def test_a_changed_target_changes_trigger_target_and_farms(tmp_path):
    built = compare_case("target_changed", tmp_path)
    result = case_impact(built, "target_changed")
    assert [(c.id, c.before, c.after) for c in result.targets] == [("nh3_2035", "off_track", "met")]
    assert [(c.id, c.before, c.after) for c in result.triggers] == [
        ("achterstand_landbouw", "fired", "not_fired")
    ]
    [farms] = result.obligations
    assert (farms.before, farms.after, farms.newly, farms.no_longer) == (4, 0, 0, 4)
    text = render_markdown(built.diff, result, [])
    assert "| `achterstand_landbouw` | fired | not fired |" in text
    assert "| `bedrijfsplan` | 4 | 0 | 0 | 4 |" in text


def test_json_holds_everything_and_serialises(tmp_path):
    built = compare_case("impact", tmp_path / "impact")
    result = case_impact(built, "impact")
    data = json.loads(json.dumps(to_json(built.diff, result, built.guards())))
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
    built = compare_case("changed_citation", tmp_path / "citation")
    data = json.loads(json.dumps(to_json(built.diff, None, built.guards())))
    assert data["guards"][0]["code"] == "G003"
    assert data["guards"][0]["related"][0]["at"] == "base/basis.policy:72"
