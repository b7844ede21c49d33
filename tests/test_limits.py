"""Explicit limits: each one gives its own diagnostic, and the run completes (exit 1, not a crash).

File size (P006), nesting depth (P007), number of declarations (P010), link cycles (P011) and
paths that lead out of the repository (P012), for rule files, policy tests and scenarios.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from compiler.check import pipeline
from compiler.check.pipeline import compile_paths, compile_text
from dsl import parser
from tests.conftest import BASE, POLICY, codes_in, run_cli

ACTOR = (
    'actor a{n} "Actor {n}" {{\n    soort sector\n'
    '    bron brief regel 4 "De landbouw realiseert"\n}}\n'
)


def _repository(tmp_path: Path) -> Path:
    """A scratch repository (it has `.git`) holding a copy of the base fixture as its policy
    tree.
    """
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(BASE, repo / "policy")
    return repo


# ------------------------------------------------------------------------------------ nesting depth


def _condition(depth: int) -> str:
    return "(" * depth + "nh3_landbouw > 1 kton" + ")" * depth


def test_deep_brackets_are_a_located_limit():
    text = (
        f'trigger t "T" {{\n    als {_condition(parser.MAX_NESTING + 1)}\n    dan besluit b\n}}\n'
    )
    compilation = compile_text(text)
    (nesting,) = [d for d in compilation.diagnostics if d.code.id == "P007"]
    assert (nesting.span.line, nesting.span.column) == (2, 9 + parser.MAX_NESTING)
    assert f"{parser.MAX_NESTING + 1} levels" in nesting.message


def test_brackets_at_the_limit_are_accepted():
    text = f'trigger t "T" {{\n    als {_condition(parser.MAX_NESTING)}\n    dan besluit b\n}}\n'
    assert "P007" not in codes_in(compile_text(text))


@pytest.mark.parametrize(
    "filler",
    [
        "# " + "(" * 200 + "\n",  # brackets in a comment
        "# " + "niet " * 200 + "\n",  # the word niet in a comment
        'actor x "' + "(" * 200 + '" {\n    soort sector\n}\n',  # brackets in a quoted title
        'actor y "' + "niet " * 200 + '" {\n    soort sector\n}\n',
    ],
)
def test_brackets_and_niet_in_comments_and_quotes_do_not_count(filler):
    compilation = compile_text(filler + 'actor z "Z" {\n    soort sector\n}\n')
    assert "P007" not in codes_in(compilation)
    assert "z" in compilation.policy.declarations


def test_a_hash_inside_quotes_does_not_hide_real_nesting():
    text = (
        f'trigger t "kanaal #1" {{\n    als {_condition(parser.MAX_NESTING + 1)}\n'
        "    dan besluit b\n}\n"
    )
    assert "P007" in codes_in(compile_text(text))


# ---------------------------------------------------------------------------------------- file size


def test_an_oversized_file_is_skipped_and_the_rest_is_checked(tmp_path, capsys, monkeypatch):
    repo = _repository(tmp_path)
    monkeypatch.setattr(parser, "MAX_FILE_BYTES", 200)
    big = repo / "policy" / "groot.policy"
    big.write_text("# " + "x" * 300 + "\n" + ACTOR.format(n=1), encoding="utf-8")
    shutil.copy(BASE / "basis.policy", repo / "policy" / "basis.policy")  # larger than 200 too
    code, out, _ = run_cli(capsys, "check", repo / "policy", "--format", "json")
    assert code == 1
    assert out.count('"P006"') == 2
    assert "over the limit of 200" in out


# --------------------------------------------------------------------------- number of declarations


def test_too_many_declarations_stops_before_checking(tmp_path, capsys, monkeypatch):
    repo = _repository(tmp_path)
    monkeypatch.setattr(pipeline, "MAX_DECLARATIONS", 10)
    many = repo / "policy" / "veel.policy"
    many.write_text("".join(ACTOR.format(n=n) for n in range(8)), encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", repo / "policy")
    assert code == 1
    assert "P010" in out and "over the limit of 10" in out
    assert "P102" not in out and "P205" not in out  # nothing else was checked
    compilation = compile_paths([str(repo / "policy")])
    assert codes_in(compilation) == ["P010"]
    assert compilation.policy.declarations == {}


def test_the_bundled_policy_is_far_below_the_declaration_limit():
    assert len(compile_paths([str(POLICY)]).policy.declarations) * 20 < pipeline.MAX_DECLARATIONS


# ---------------------------------------------------------------------------------- symbolic links


def test_a_link_cycle_is_reported_once_and_not_followed(tmp_path, capsys):
    repo = _repository(tmp_path)
    theme = repo / "policy" / "thema"
    theme.mkdir()
    (theme / "actor.policy").write_text(ACTOR.format(n=1), encoding="utf-8")
    os.symlink("..", theme / "terug")
    code, out, _ = run_cli(capsys, "check", repo / "policy", "--format", "json")
    assert code == 1
    assert out.count('"P011"') == 1
    assert "terug" in out
    assert "P101" not in out  # nothing was read twice


def test_a_link_inside_the_repository_is_followed_once(tmp_path):
    repo = _repository(tmp_path)
    shared = repo / "gedeeld"
    shared.mkdir()
    (shared / "actor.policy").write_text(ACTOR.format(n=1), encoding="utf-8")
    os.symlink(shared, repo / "policy" / "gedeeld")
    os.symlink(shared, repo / "policy" / "nog_eens")
    compilation = compile_paths([str(repo / "policy")])
    assert "a1" in compilation.policy.declarations
    assert "P101" not in codes_in(compilation)


@pytest.mark.parametrize("link_name", ["buiten", "buiten.policy"])
def test_links_out_of_the_repository_are_refused(tmp_path, capsys, link_name):
    repo = _repository(tmp_path)
    outside = tmp_path / "elders"
    outside.mkdir()
    (outside / "geheim.policy").write_text(ACTOR.format(n=9), encoding="utf-8")
    target = outside if link_name == "buiten" else outside / "geheim.policy"
    os.symlink(target, repo / "policy" / link_name)
    code, out, _ = run_cli(capsys, "check", repo / "policy", "--format", "json")
    assert code == 1
    assert out.count('"P012"') == 1
    compilation = compile_paths([str(repo / "policy")])
    assert "a9" not in compilation.policy.declarations
    assert "kabinet" in compilation.policy.declarations  # the rest was checked


# ------------------------------------------------------------- paths named in tests and scenarios


def test_a_policy_test_may_not_read_data_outside_the_repository(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(POLICY, repo / "policy", ignore=shutil.ignore_patterns("tests"))
    tests = repo / "policy" / "tests"
    tests.mkdir()
    (tmp_path / "elders.csv").write_text("id,sector\nB1,melkvee\n", encoding="utf-8")
    (tests / "lek.yaml").write_text(
        "name: lek\ncases:\n  - name: buiten\n    farms: ../../../elders.csv\n    moments:\n"
        "      - as_of: 2027\n        expect: {}\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(capsys, "test", tests / "lek.yaml", "--policy", repo / "policy")
    assert code == 1
    assert "P012" in out + err and "lek.yaml:4:" in out + err  # the `farms:` line
    assert "B1" not in out + err


def test_a_scenario_may_not_read_data_outside_the_repository(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(POLICY, repo / "policy", ignore=shutil.ignore_patterns("tests"))
    scenario = repo / "scenario.yaml"
    scenario.write_text("name: lek\nmoments: [2027]\nseries:\n  - /etc/passwd\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "simulate", scenario, "--policy", repo / "policy")
    assert code == 1
    assert "P012" in out + err and "scenario.yaml:3" in out + err
    assert "root:" not in out + err


# ----------------------------------------------------------------------------------- YAML nesting


def _deep(levels: int) -> str:
    return "[" * levels + "1" + "]" * levels


@pytest.mark.parametrize("kind", ["series", "scenario", "test"])
def test_deeply_nested_yaml_is_a_located_error(tmp_path, capsys, kind):
    from compiler.data.yamlsafe import MAX_YAML_DEPTH

    deep = _deep(MAX_YAML_DEPTH * 20)  # deep enough to exhaust Python's recursion without the limit
    if kind == "series":
        path = tmp_path / "reeks.yaml"
        path.write_text(f"- indicator: {deep}\n", encoding="utf-8")
        argv = ["evaluate", "--policy", POLICY, "--series", path, "--as-of", "2027", "--no-ledger"]
        expected = "D002"
    elif kind == "scenario":
        path = tmp_path / "scenario.yaml"
        path.write_text(f"name: diep\nmoments: [2027]\nseries: {deep}\n", encoding="utf-8")
        argv = ["simulate", path, "--policy", POLICY]
        expected = "S001"
    else:
        path = tmp_path / "diep.yaml"
        path.write_text(f"name: diep\ncases: {deep}\n", encoding="utf-8")
        argv = ["test", path, "--policy", POLICY]
        expected = "T001"
    code, out, err = run_cli(capsys, *argv)
    assert code == 1
    line = 1 if kind == "series" else (3 if kind == "scenario" else 2)
    assert f"{path.name}:{line}:" in out + err
    assert f"error[{expected}]" in out + err and f"more than {MAX_YAML_DEPTH} levels" in out + err


def test_yaml_at_the_depth_limit_still_loads(tmp_path):
    from compiler.data.yamlsafe import MAX_YAML_DEPTH, TextDateLoader, read_yaml_file
    from dsl import codes
    from dsl.diagnostics import Diagnostics

    path = tmp_path / "diep.yaml"
    path.write_text(_deep(MAX_YAML_DEPTH), encoding="utf-8")
    diags = Diagnostics()
    data = read_yaml_file(path, diags, codes.DATA_SYNTAX, "", TextDateLoader)
    assert len(diags) == 0
    for _ in range(MAX_YAML_DEPTH):
        (data,) = data
    assert data == 1


# ------------------------------------------------------------------ links in a git revision (diff)


def test_a_link_out_of_a_revision_is_refused_by_diff(tmp_path, capsys, monkeypatch):
    import subprocess

    repo = _repository(tmp_path)
    shutil.rmtree(repo / ".git")
    os.symlink("/etc/hostname", repo / "policy" / "buiten.policy")
    git = ["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "links"], check=True)
    monkeypatch.chdir(repo)
    code, out, err = run_cli(capsys, "diff", "HEAD", "policy", "--no-impact")
    assert code == 1
    assert (
        "HEAD:policy/buiten.policy:1:1: error[P012]" in out + err
    )  # the revision, never extracted
    code, out, _ = run_cli(capsys, "check", "policy")
    assert code == 1 and "policy/buiten.policy:1:1: error[P012]" in out  # the working tree


# ----------------------------------------------------------------------------------- source texts


def test_an_oversized_source_text_is_a_limit(tmp_path, capsys, monkeypatch):
    from compiler.check import citations

    repo = _repository(tmp_path)
    monkeypatch.setattr(citations, "MAX_SOURCE_BYTES", 100)
    code, out, _ = run_cli(capsys, "check", repo / "policy")
    assert code == 1
    assert "error[P006]" in out and "over the limit of 100" in out and "basis.policy:8:" in out


def test_a_source_that_is_a_pipe_is_refused_without_blocking(tmp_path, capsys):
    repo = _repository(tmp_path)
    source = repo / "policy" / "sources" / "brief.txt"
    source.unlink()
    os.mkfifo(source)  # reading it would wait forever for a writer
    code, out, _ = run_cli(capsys, "check", repo / "policy")
    assert code == 1
    assert "error[P104]" in out and "not a regular file" in out


def test_unsaved_text_over_the_size_limit_is_refused_like_a_file(monkeypatch):
    """Text that never was a file (an editor's buffer in the language server) has the same limit."""
    from dsl.diagnostics import Diagnostics

    monkeypatch.setattr(parser, "MAX_FILE_BYTES", 50)
    diags = Diagnostics()
    assert parser.decode_source(ACTOR.format(n=1).encode(), "buffer.policy", diags) is None
    assert [d.code.id for d in diags] == ["P006"]


def test_a_link_to_itself_is_a_cycle_not_a_path_out(tmp_path, capsys):
    repo = _repository(tmp_path)
    os.symlink("zelf.policy", repo / "policy" / "zelf.policy")
    os.symlink("b", repo / "policy" / "a")
    os.symlink("a", repo / "policy" / "b")
    code, out, _ = run_cli(capsys, "check", repo / "policy", "--format", "json")
    assert code == 1
    assert out.count('"P011"') == 3 and '"P012"' not in out
