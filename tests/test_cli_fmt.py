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


# ------------------------------------------------------------- hostile files (issue 20, item 4)


def test_fmt_non_utf8_file_is_a_located_error(capsys, tmp_path):
    path = tmp_path / "latin1.policy"
    original = 'doel x "Caf\xe9" {\n    indicator nh3_landbouw\n}\n'.encode("latin-1")
    path.write_bytes(original)
    code, _, err = run(capsys, "fmt", path)
    assert code == 1
    assert f"{path}:1:12: error[P004]: byte 0xe9 is not valid UTF-8" in err
    assert path.read_bytes() == original


def test_fmt_has_the_size_limit_of_check(capsys, tmp_path, monkeypatch):
    from dsl import parser

    monkeypatch.setattr(parser, "MAX_FILE_BYTES", 40)
    path = tmp_path / "groot.policy"
    path.write_text(MESSY, encoding="utf-8")
    code, _, err = run(capsys, "fmt", path)
    assert code == 1 and "error[P006]" in err and "over the limit of 40" in err
    assert path.read_text(encoding="utf-8") == MESSY


def test_fmt_keeps_symlink(capsys, tmp_path):
    (tmp_path / "echt").mkdir()
    real = tmp_path / "echt" / "x.policy"
    real.write_text(MESSY, encoding="utf-8")
    link = tmp_path / "link.policy"
    link.symlink_to("echt/x.policy")
    assert run(capsys, "fmt", link)[0] == 0
    assert link.is_symlink() and link.readlink().as_posix() == "echt/x.policy"
    assert real.read_text(encoding="utf-8").startswith('doel x "X" {\n    indicator  nh3_landbouw')
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["echt", "link.policy", "x.policy"]


def test_fmt_keeps_the_file_mode(capsys, tmp_path):
    path = tmp_path / "x.policy"
    path.write_text(MESSY, encoding="utf-8")
    path.chmod(0o664)
    assert run(capsys, "fmt", path)[0] == 0
    assert path.read_text(encoding="utf-8") != MESSY
    assert path.stat().st_mode & 0o7777 == 0o664


def test_output_file_gets_the_umask_mode_not_0600(capsys, tmp_path):
    import os

    from compiler.workflow.atomicwrite import write_text_atomically

    previous = os.umask(0o022)
    try:
        write_text_atomically(tmp_path / "nieuw.txt", "tekst")
    finally:
        os.umask(previous)
    assert (tmp_path / "nieuw.txt").stat().st_mode & 0o777 == 0o644
