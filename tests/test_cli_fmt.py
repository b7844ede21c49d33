"""`beleid fmt` as a user runs it: rewrite, --check, --diff, and a file with a syntax error left as
it was.
"""

from __future__ import annotations

import shutil

from compiler import compile_paths
from compiler.workflow.fmtfiles import format_files
from tests.conftest import POLICY
from tests.conftest import run_cli as run

MESSY = 'doel   x "X" {\n  indicator nh3_landbouw\n      uiterlijk 2035   # deadline\n\n\n}\n'


def test_the_bundled_policy_is_formatted(capsys):
    code, _, err = run(capsys, "fmt", "--check", POLICY)
    assert code == 0, err


def test_check_reports_and_changes_nothing_then_fmt_rewrites(capsys, tmp_path):
    path = tmp_path / "x.policy"
    path.write_text(MESSY, encoding="utf-8")
    code, _, err = run(capsys, "fmt", "--check", path)
    assert code == 1 and f"would reformat {path}" in err
    assert path.read_text(encoding="utf-8") == MESSY
    code, out, _ = run(capsys, "fmt", "--diff", path)
    assert code == 1 and "+    indicator  nh3_landbouw" in out
    assert run(capsys, "fmt", path)[0] == 0
    assert (
        path.read_text(encoding="utf-8")
        == 'doel x "X" {\n    indicator  nh3_landbouw\n    uiterlijk  2035  # deadline\n}\n'
    )
    assert run(capsys, "fmt", "--check", path)[0] == 0


def test_a_file_with_a_syntax_error_is_named_and_left_alone(capsys, tmp_path):
    path = tmp_path / "kapot.policy"
    path.write_text("doel kapot { uiterlijk }\n", encoding="utf-8")
    code, _, err = run(capsys, "fmt", path)
    assert code == 1 and f"{path}:1:" in err and "not changed" in err
    assert path.read_text(encoding="utf-8") == "doel kapot { uiterlijk }\n"


def test_formatting_a_copy_of_the_policy_keeps_its_meaning(capsys, tmp_path):
    copy = tmp_path / "policy"
    shutil.copytree(POLICY, copy)
    for path in copy.rglob("*.policy"):
        path.write_text(
            path.read_text(encoding="utf-8").replace("\n    ", "\n  "), encoding="utf-8"
        )
    assert run(capsys, "fmt", "--check", copy)[0] == 1
    assert run(capsys, "fmt", copy)[0] == 0
    before, after = compile_paths([str(POLICY)]).policy, compile_paths([str(copy)]).policy
    assert {k: d.node for k, d in before.declarations.items()} == {
        k: d.node for k, d in after.declarations.items()
    }


def test_no_rule_files_is_a_usage_error(capsys, tmp_path):
    assert run(capsys, "fmt", tmp_path)[0] == 2
    assert run(capsys, "fmt", tmp_path / "missing")[0] == 2


def test_rewriting_leaves_only_the_rule_files_and_check_mode_writes_nothing(tmp_path):
    path = tmp_path / "x.policy"
    path.write_text(MESSY, encoding="utf-8")
    described = format_files([str(tmp_path)], write=False)
    assert [f.path for f in described.unformatted] == [path]
    assert path.read_text(encoding="utf-8") == MESSY
    assert "+    indicator  nh3_landbouw\n" in described.files[0].unified_diff()
    written = format_files([str(tmp_path)], write=True)
    assert path.read_text(encoding="utf-8") == written.files[0].formatted != MESSY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.policy"]  # no temporary file left
