"""The bounded, link-aware reader (`dsl/files.py`) and the readers routed through it: a size limit
judged on the opened descriptor, regular files only (a FIFO, device or folder is refused at once,
never waited on), links out of the tree refused; and the text renderer's excerpts, which use it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from pathlib import Path

import pytest

from compiler.cli import formats
from dsl import codes, files
from dsl.diagnostics import Diagnostic
from dsl.source import Span
from tests.conftest import BASE, POLICY, run_cli


class Blocked(BaseException):
    """Raised into a blocked open or read; not an OSError, so no reader can mistake it for one."""


@contextlib.contextmanager
def _within(seconds: int):
    """Fail instead of hanging: a blocked open or read is interrupted after `seconds`."""

    def expire(*_):
        raise Blocked(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(BASE, repo / "policy")
    return repo


def _diagnostic_at(path: Path) -> Diagnostic:
    return Diagnostic(codes.PATH_OUTSIDE_REPOSITORY, Span(str(path), 1, 1, 1, 3), "here", None)


def _rendered(path: Path) -> str:
    formats._file_lines.cache_clear()
    with _within(10):
        return formats.render_text(_diagnostic_at(path))


# --------------------------------------------------------------------------------- the reader


def test_reader_reads_a_regular_file_within_the_limit(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"abc")
    assert files.read_bytes(tmp_path / "a.txt", 3) == b"abc"


def test_reader_refuses_a_file_over_the_limit_before_reading(tmp_path):
    with open(tmp_path / "sparse", "wb") as handle:
        handle.truncate(8 * 1024**3)  # 8 GB, sparse: reading it would take gigabytes
    with pytest.raises(files.FileRefused) as refused:
        files.read_bytes(tmp_path / "sparse", 1000)
    assert refused.value.reason is files.Refusal.TOO_LARGE
    assert refused.value.size == 8 * 1024**3


def test_reader_refuses_a_fifo_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with _within(10), pytest.raises(files.FileRefused) as refused:
        files.read_bytes(tmp_path / "pipe", 1000)
    assert refused.value.reason is files.Refusal.NOT_REGULAR
    assert "named pipe" in refused.value.message


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null"])
def test_reader_refuses_a_device(path):
    with pytest.raises(files.FileRefused) as refused:
        files.read_bytes(path, 1000)
    assert refused.value.reason is files.Refusal.NOT_REGULAR


def test_reader_refuses_a_folder(tmp_path):
    with pytest.raises(files.FileRefused) as refused:
        files.read_bytes(tmp_path, 1000)
    assert refused.value.reason is files.Refusal.NOT_REGULAR


def test_reader_refuses_a_missing_file(tmp_path):
    with pytest.raises(files.FileRefused) as refused:
        files.read_bytes(tmp_path / "nothing", 1000)
    assert refused.value.reason is files.Refusal.MISSING


def test_reader_follows_links_inside_the_boundary_only(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "in.txt").write_text("binnen", encoding="utf-8")
    (tmp_path / "out.txt").write_text("buiten", encoding="utf-8")
    os.symlink("in.txt", tree / "link-in")
    os.symlink("../out.txt", tree / "link-out")
    assert files.read_bytes(tree / "link-in", 100, boundary=tree) == b"binnen"
    with pytest.raises(files.FileRefused) as refused:
        files.read_bytes(tree / "link-out", 100, boundary=tree)
    assert refused.value.reason is files.Refusal.OUTSIDE


def test_reader_stops_at_the_limit_when_the_size_lies(tmp_path, monkeypatch):
    """A file that grows after `fstat` (or reports a wrong size) is still read only to the limit."""
    (tmp_path / "big").write_bytes(b"x" * 5000)
    real_fstat = os.fstat

    def small(fd):
        info = list(real_fstat(fd))
        info[6] = 10  # st_size
        return os.stat_result(info)

    monkeypatch.setattr(files.os, "fstat", small)
    with pytest.raises(files.FileRefused) as refused:
        files.read_bytes(tmp_path / "big", 100)
    assert refused.value.reason is files.Refusal.TOO_LARGE
    assert refused.value.size == 101


def test_not_regular_names_a_fifo_without_opening_it(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "file").write_text("", encoding="utf-8")
    with _within(10):
        assert files.not_regular(tmp_path / "pipe") == "a named pipe"
    assert files.not_regular(tmp_path / "file") is None
    assert files.not_regular(tmp_path / "missing") is None


# ------------------------------------------------------------------- the renderer's excerpts


def test_renderer_does_not_follow_link_out_of_tree(tmp_path, capsys):
    repo = _repository(tmp_path)
    (tmp_path / "geheim.txt").write_text("GEHEIM wachtwoord\n", encoding="utf-8")
    os.symlink(tmp_path / "geheim.txt", repo / "policy" / "buiten.policy")
    code, out, _ = run_cli(capsys, "check", repo / "policy")
    assert code == 1 and "error[P012]" in out
    assert "GEHEIM" not in out
    assert "GEHEIM" not in _rendered(repo / "policy" / "buiten.policy")


def test_renderer_does_not_read_a_link_to_dev_zero(tmp_path):
    repo = _repository(tmp_path)
    os.symlink("/dev/zero", repo / "policy" / "nul.policy")
    text = _rendered(repo / "policy" / "nul.policy")
    assert text.startswith(f"{repo / 'policy' / 'nul.policy'}:1:1: error[P012]: here")
    assert "|" not in text  # no excerpt


def test_renderer_does_not_hang_on_fifo(tmp_path):
    os.mkfifo(tmp_path / "pijp.policy")
    text = _rendered(tmp_path / "pijp.policy")
    assert text.endswith("here")


def test_renderer_does_not_read_a_file_over_the_limit(tmp_path):
    big = tmp_path / "groot.policy"
    with open(big, "wb") as handle:
        handle.write(b"GEHEIM eerste regel\n")
        handle.truncate(formats.EXCERPT_MAX_BYTES + 1)
    assert "GEHEIM" not in _rendered(big)


def test_renderer_shows_the_excerpt_of_a_readable_file(tmp_path):
    (tmp_path / "a.policy").write_text("actor a {\n", encoding="utf-8")
    assert "1 | actor a {" in _rendered(tmp_path / "a.policy")


# ------------------------------------------------------- FIFOs given to evaluate and simulate


def test_fifo_as_series_does_not_hang_evaluate(tmp_path, capsys):
    os.mkfifo(tmp_path / "series.csv")
    with _within(60):
        code, out, err = run_cli(
            capsys, "evaluate", "--policy", POLICY, "--series", tmp_path / "series.csv",
            "--as-of", "2027", "--no-ledger",
        )  # fmt: skip
    assert code == 1
    assert "error[D001]" in err and "named pipe" in err


def test_fifo_as_ledger_does_not_hang_evaluate(tmp_path, capsys):
    os.mkfifo(tmp_path / "ledger.sqlite")
    with _within(60):
        code, out, err = run_cli(
            capsys, "evaluate", "--policy", POLICY, "--ledger", tmp_path / "ledger.sqlite",
            "--as-of", "2027",
        )  # fmt: skip
    assert code == 1
    assert "L002" in out + err and "named pipe" in out + err


def test_fifo_as_scenario_does_not_hang_simulate(tmp_path, capsys):
    os.mkfifo(tmp_path / "scenario.yaml")
    with _within(60):
        code, out, err = run_cli(capsys, "simulate", tmp_path / "scenario.yaml", "--policy", POLICY)
    assert code == 1
    assert "error[S001]" in out + err and "named pipe" in out + err


def test_fifo_as_scenario_data_does_not_hang_simulate(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(POLICY, repo / "policy", ignore=shutil.ignore_patterns("tests"))
    os.mkfifo(repo / "trend.csv")
    scenario = repo / "scenario.yaml"
    scenario.write_text("name: pijp\nmoments: [2027]\nseries: [trend.csv]\n", encoding="utf-8")
    with _within(60):
        code, out, err = run_cli(capsys, "simulate", scenario, "--policy", repo / "policy")
    assert code == 1
    assert "D001" in out + err and "named pipe" in out + err


def test_fifo_as_ledger_of_simulate_does_not_hang(tmp_path, capsys):
    os.mkfifo(tmp_path / "ledger.sqlite")
    scenario = POLICY.parent / "monitoring" / "scenarios" / "trend.yaml"
    with _within(60):
        code, out, err = run_cli(
            capsys, "simulate", scenario, "--policy", POLICY, "--ledger", tmp_path / "ledger.sqlite"
        )
    assert code == 1
    assert "L002" in out + err and "named pipe" in out + err


def test_a_fifo_as_baseline_config_receipt_or_new_source_never_blocks(tmp_path):
    """The readers added after the bounded reader (check's baseline and pyproject, the receipt's
    hashes, add-source's input, the calibration tables) go through it too: a FIFO is refused.
    """
    from compiler.check import baseline, settings
    from compiler.data import calibration
    from compiler.evaluate import receipt
    from compiler.workflow import sourceadd

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with _within(5):
        assert baseline._read(pipe)[0] is None and "not a regular file" in baseline._read(pipe)[1]
        assert settings._read(pipe) is None
        assert receipt.file_hash(pipe) == receipt.MISSING
        with pytest.raises(Exception, match="not a regular file"):
            sourceadd._read_input(pipe)
        with pytest.raises(calibration.CalibrationError, match="pipe"):
            list(calibration._rows(pipe))
