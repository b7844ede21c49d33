"""Validity on a date (`check --as-of`) and source coverage (`beleid sources`)."""

from __future__ import annotations

import datetime as dt
import json

from compiler import compile_paths
from compiler.check.timeline import as_of
from compiler.cli.main import main
from compiler.workflow.coverage import coverage
from tests.conftest import BASE, FIXTURES

VALID = FIXTURES / "valid" / "complete.policy"


def states(on: str) -> dict[str, str]:
    policy = compile_paths([str(BASE), str(VALID)]).policy
    return {s.declaration.id: s.state for s in as_of(policy, dt.date.fromisoformat(on))}


def test_supersession_ends_the_old_declaration_on_its_date():
    before, after = states("2024-12-31"), states("2025-01-01")
    assert before["oude_regeling"] == "in force" and before["nieuwe_regeling"] == "not yet"
    assert after["oude_regeling"] == "ended" and after["nieuwe_regeling"] == "in force"


def test_validity_defaults_to_the_cited_documents_date():
    assert states("2024-12-31")["nh3_2035"] == "not yet"
    assert states("2025-01-01")["nh3_2035"] == "in force"


def test_explicit_end_of_validity():
    assert states("2035-12-30")["nieuwe_regeling"] == "in force"
    assert states("2035-12-31")["nieuwe_regeling"] == "ended"


def test_check_as_of_lists_what_ended_and_by_what(capsys):
    assert main(["check", str(BASE), str(VALID), "--as-of", "2025-06-01"]) == 0
    out = capsys.readouterr().out
    assert "oude_regeling" in out and "(by nieuwe_regeling)" in out


def test_check_as_of_json(capsys):
    main(["check", str(BASE), str(VALID), "--as-of", "2025-06-01", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2025-06-01"
    assert {d["code"] for d in data["diagnostics"]} == {"P401"}
    by_id = {d["id"]: d for d in data["declarations"]}
    assert by_id["oude_regeling"]["state"] == "ended"


def test_check_as_of_rejects_a_bad_date(capsys):
    assert main(["check", str(BASE), "--as-of", "2025-02-30"]) == 2
    assert "is not a date" in capsys.readouterr().err


def test_coverage_counts_cited_text_lines():
    report = {d.document: d for d in coverage(compile_paths([str(BASE)]).policy)}
    brief = report["brief"]
    assert brief.lines == 18  # 19 lines, one blank
    cited = {4, 5, 7, 8, 9, 10, 11, 14, 15, 17}
    assert brief.cited == len(cited)
    uncited = {(p.first_line, p.last_line) for p in brief.unaddressed}
    assert (1, 2) in uncited and (16, 16) in uncited  # dates and years count as quantified


def test_sources_command(capsys):
    assert main(["sources", str(BASE), "--document", "brief", "--format", "json"]) == 0
    (doc,) = json.loads(capsys.readouterr().out)
    assert doc["document"] == "brief" and 0 < doc["coverage"] < 1


def test_sources_fail_under_and_unknown_document(capsys):
    assert main(["sources", str(BASE), "--fail-under", "99", "--summary"]) == 1
    assert "below 99" in capsys.readouterr().err
    assert main(["sources", str(BASE), "--document", "brif"]) == 2
    assert "did you mean `brief`?" in capsys.readouterr().err
