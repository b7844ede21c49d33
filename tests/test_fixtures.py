"""Fixture tests: valid fixtures check clean; each invalid fixture yields exactly its `# expect:`
codes.

An offending line carries `# expect: P102` (several codes separated by spaces; the syntax is
described in tests/expectations.py). The diagnostics the checker reports, with the base fixture,
must be exactly those the file declares: code and line, and column or message where written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler import compile_paths
from tests.conftest import BASE, FIXTURES
from tests.expectations import assert_as_expected, expectations

INVALID = sorted((FIXTURES / "invalid").glob("*.policy"))
VALID = sorted((FIXTURES / "valid").glob("*.policy"))


def test_base_fixture_is_clean():
    assert not list(compile_paths([str(BASE)]).diagnostics)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_fixture_has_no_errors(path):
    compilation = compile_paths([str(BASE), str(path)])
    assert not compilation.diagnostics.has_errors, [str(d.message) for d in compilation.diagnostics]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_reports_expected_codes(path):
    assert expectations(path), f"{path.name} declares no `# expect:` line"
    assert_as_expected([path], compile_paths([str(BASE), str(path)]).diagnostics)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_is_named_after_a_code_it_triggers(path):
    code = path.name.split("_")[0]
    assert code in {e.code for e in expectations(path)}


def test_declaration_before_junk_is_still_read():
    junk = FIXTURES / "invalid" / "P001_junk_after_declaration.policy"
    user = FIXTURES / "invalid" / "P102_reference_to_salvaged_declaration.policy"
    compilation = compile_paths([str(BASE), str(junk), str(user)])
    assert [(Path(d.span.path).name, d.span.line, d.code.id) for d in compilation.diagnostics] == [
        (junk.name, 7, "P001")
    ]
