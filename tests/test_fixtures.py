"""Fixture tests: valid fixtures check clean; each invalid fixture yields exactly its `# expect:` codes.

An offending line carries `# expect: P102` (several codes separated by spaces). The test compares the
set of (line, code) pairs the checker reports for that file with the set the file declares.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler import compile_paths
from tests.conftest import BASE, FIXTURES

EXPECT = re.compile(rb"# expect: ((?:P\d{3} ?)+)")
IGNORE = re.compile(rb"^# ignore: (P\d{3})", re.M)
INVALID = sorted((FIXTURES / "invalid").glob("*.policy"))
VALID = sorted((FIXTURES / "valid").glob("*.policy"))


def expected_pairs(path: Path) -> set[tuple[int, str]]:
    pairs = set()
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        match = EXPECT.search(line)
        if match:
            pairs.update((number, code.decode()) for code in match.group(1).split())
    return pairs


def ignored_codes(path: Path) -> set[str]:
    """Codes a fixture declares irrelevant with `# ignore: CODE` (e.g. P250 for made-up numbers)."""
    return {code.decode() for code in IGNORE.findall(path.read_bytes())}


def reported_pairs(path: Path) -> set[tuple[int, str]]:
    compilation = compile_paths([str(BASE), str(path)])
    ignored = ignored_codes(path)
    return {
        (d.span.line, d.code.id)
        for d in compilation.diagnostics
        if d.span is not None
        and Path(d.span.path).resolve() == path.resolve()
        and d.code.id not in ignored
    }


def test_base_fixture_is_clean():
    assert not list(compile_paths([str(BASE)]).diagnostics)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_fixture_has_no_errors(path):
    compilation = compile_paths([str(BASE), str(path)])
    assert not compilation.diagnostics.has_errors, [str(d.message) for d in compilation.diagnostics]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_reports_expected_codes(path):
    expected = expected_pairs(path)
    assert expected, f"{path.name} declares no `# expect:` line"
    assert reported_pairs(path) == expected


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_is_named_after_a_code_it_triggers(path):
    code = path.name.split("_")[0]
    assert code in {c for _, c in expected_pairs(path)}


def test_declaration_before_junk_is_still_read():
    junk = FIXTURES / "invalid" / "P001_junk_after_declaration.policy"
    user = FIXTURES / "invalid" / "P102_reference_to_salvaged_declaration.policy"
    compilation = compile_paths([str(BASE), str(junk), str(user)])
    assert [(Path(d.span.path).name, d.span.line, d.code.id) for d in compilation.diagnostics] == [
        (junk.name, 7, "P001")
    ]
