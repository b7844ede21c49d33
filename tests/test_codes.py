"""The code registry stays honest: every code is documented, and triggered by a fixture or a
generated input.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler import compile_paths
from compiler.workflow.docgen import diagnostics_markdown
from dsl import codes
from dsl.parser import MAX_FILE_BYTES
from tests.conftest import FIXTURES, ROOT
from tests.expectations import expectations, fixture_files


def _generate_too_large(tmp_path: Path) -> list[str]:
    path = tmp_path / "huge.policy"
    path.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1), encoding="utf-8")
    return [str(path)]


def _generate_missing_path(tmp_path: Path) -> list[str]:
    return [str(tmp_path / "does-not-exist")]


# Codes whose input cannot sit in a fixture file: the test builds the input instead.
GENERATED = {"P006": _generate_too_large, "P008": _generate_missing_path}


# Fixture folders whose files mark their diagnostics with `expect:` (tests/expectations.py), each
# run by a test that compares the marks with what the code reports (the diff cases' marks stand in
# their patches: tests/test_diff.py::test_case_gives_its_expected_output).
MARKED_FIXTURES = ("invalid", "data/bad", "policytest", "scenarios", "ledger", "diff")


def _fixture_codes() -> set[str]:
    return {
        e.code
        for folder in MARKED_FIXTURES
        for path in fixture_files(FIXTURES / folder)
        for e in expectations(path)
    }


# Codes no fixture file can hold are triggered by tests that name them here.
TESTED_ELSEWHERE = {
    "P010": "tests/test_limits.py::test_too_many_declarations_stops_before_checking",
    "P011": "tests/test_limits.py::test_a_link_cycle_is_reported_once_and_not_followed",
    "P012": "tests/test_limits.py::test_links_out_of_the_repository_are_refused",
    "D016": "tests/test_monitoring_data.py::test_too_many_rows_is_a_limit",
    "D028": "tests/test_columnar_tables.py::test_only_the_first_hundred_faulty_rows_are_reported",
    "L001": "tests/test_ledger.py::test_other_inputs_for_a_recorded_moment_conflict",
    "L003": "tests/test_ledger.py::test_moments_are_recorded_in_order",
    "L004": "tests/test_ledger_failures.py::"
    "test_a_full_disk_is_L004_and_leaves_the_ledger_as_it_was",
    "L005": "tests/test_ledger_failures.py::test_a_ledger_opened_read_only_is_L005_when_written",
    "L006": "tests/test_ledger_failures.py::"
    "test_a_ledger_locked_by_another_process_is_L006_after_the_timeout",
    "L007": "tests/test_ledger_failures.py::test_a_ledger_path_through_a_file_is_L007",
    "L008": "tests/test_receipts.py::test_a_changed_byte_in_a_data_file_is_refused_naming_the_file",
    "S010": "tests/test_add_source.py::test_a_file_that_is_not_a_pdf_is_S010",
    "S011": "tests/test_add_source.py::test_an_encrypted_pdf_is_S011",
    "S012": "tests/test_add_source.py::test_a_pdf_without_a_text_layer_is_S012",
    "S013": "tests/test_add_source.py::test_an_id_already_declared_is_S013",
    "S014": "tests/test_add_source.py::test_a_text_file_that_cannot_be_a_source_is_S014",
    "C001": "tests/test_check_triage.py::test_bad_toml_and_unknown_keys_are_C001",
    "C002": "tests/test_check_triage.py::test_codes_beleid_check_never_reports_are_C002",
    "C003": "tests/test_check_triage.py::test_an_unknown_severity_is_C003",
    "C004": "tests/test_check_triage.py::test_a_bad_path_pattern_is_C004",
    "C005": "tests/test_check_triage.py::test_lowering_or_ignoring_an_error_is_C005",
    "C006": "tests/test_check_triage.py::test_a_bad_baseline_is_a_located_error",
}


@pytest.mark.parametrize("code", codes.ALL_CODES, ids=lambda c: c.id)
def test_code_is_triggered(code):
    triggered = _fixture_codes() | set(GENERATED) | set(TESTED_ELSEWHERE)
    assert code.id in triggered, f"no fixture triggers {code.id}"


@pytest.mark.parametrize("code_id, test", sorted(TESTED_ELSEWHERE.items()))
def test_the_named_test_exists_and_names_the_code(code_id, test):
    path, name = test.split("::")
    text = (ROOT / path).read_text(encoding="utf-8")
    assert f"def {name}(" in text
    body = text.split(f"def {name}(")[1].split("\ndef ")[0]
    assert code_id in body


@pytest.mark.parametrize("code_id", sorted(GENERATED))
def test_generated_input_triggers_code(code_id, tmp_path):
    compilation = compile_paths(GENERATED[code_id](tmp_path))
    assert [d.code.id for d in compilation.diagnostics] == [code_id]


def test_codes_are_unique_and_well_formed():
    ids = [c.id for c in codes.ALL_CODES]
    assert len(ids) == len(set(ids))
    assert len({c.slug for c in codes.ALL_CODES}) == len(ids)
    for code in codes.ALL_CODES:
        assert code.summary and not code.summary[0].isupper(), code.id
        assert code.slug == code.slug.lower() and " " not in code.slug


def test_diagnostics_doc_is_in_sync():
    on_disk = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert on_disk == diagnostics_markdown(), (
        "run: python -m compiler.workflow.docgen diagnostics > docs/diagnostics.md"
    )
