"""Diagnostics point where the fault is written (issue 20, item 10): the caret covers the whole
span when it ends its line, S002 names the line and column of the assumption it is about, and a
policy test's P012 stands on the line that names the data, not on the moment.
"""

from __future__ import annotations

import shutil

from compiler.cli.formats import render_text
from compiler.data.scenario import load_scenario
from dsl import codes
from dsl.diagnostics import Diagnostic
from dsl.source import Span
from tests.conftest import BASE, POLICY
from tests.conftest import run_cli as run


def test_the_caret_covers_a_span_that_ends_its_line():
    line = "    indicator nh3_landbow"
    span = Span("x.policy", 1, 15, 1, len(line) + 1)
    text = render_text(
        Diagnostic(codes.UNKNOWN_REFERENCE, span, "unknown"), lines=lambda _: (line,)
    )
    caret_line = text.splitlines()[-1]
    assert caret_line.endswith(" " * 14 + "^" * len("nh3_landbow"))


def test_the_caret_of_an_unknown_name_at_the_end_of_a_line(capsys, tmp_path):
    shutil.copytree(BASE, tmp_path / "base")
    (tmp_path / "extra.policy").write_text(
        'doel d "D" {\n    uiterlijk 2030\n    indicator nh3_landbow\n}\n', encoding="utf-8"
    )
    code, out, _ = run(capsys, "check", tmp_path)
    assert code == 1
    excerpt = out.split("error[P102]")[1].splitlines()
    assert excerpt[3].endswith("| " + " " * 14 + "^" * len("nh3_landbow"))


def _scenario(tmp_path, text: str):
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_s002_points_at_the_assumption_it_is_about(tmp_path, bundled_policy):
    path = _scenario(
        tmp_path,
        "moments: [2027]\nassumptions:\n"
        "  - declaration: nh3_landbouw_2030\n    field: waarde\n    value: '80 kton'\n    why: x\n"
        "  - declaration: nh3_landbouw_2035\n    field: reductie\n    value: '30 %'\n    why: x\n",
    )
    diags = codes_and_places(path, bundled_policy)
    assert diags == [("S002", 7, 18)]


def test_s002_in_a_flow_mapping_is_not_at_1_1(tmp_path, bundled_policy):
    path = _scenario(
        tmp_path,
        "moments: [2027]\n"
        "assumptions: [{declaration: nh3_landbouw_2035, field: reductie, value: '30 %', why: x}]\n",
    )
    assert codes_and_places(path, bundled_policy) == [("S002", 2, 29)]


def codes_and_places(path, policy) -> list[tuple[str, int, int]]:
    from dsl.diagnostics import Diagnostics

    diags = Diagnostics()
    load_scenario(path, policy, diags)
    return [(d.code.id, d.span.line, d.span.column) for d in diags]


def test_a_policy_test_p012_points_at_the_farms_line(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(POLICY, repo / "policy", ignore=shutil.ignore_patterns("tests"))
    tests = repo / "policy" / "tests"
    tests.mkdir()
    (tmp_path / "elders.csv").write_text("id,sector\nB1,melkvee\n", encoding="utf-8")
    (tests / "lek.yaml").write_text(
        "name: lek\ncases:\n  - name: buiten\n    moments:\n      - as_of: 2027\n"
        "        expect: {}\n      - as_of: 2029\n        farms: ../../../elders.csv\n"
        "        expect: {}\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "test", tests / "lek.yaml", "--policy", repo / "policy")
    assert code == 1
    assert "lek.yaml:8:1: error[P012]" in out + err
