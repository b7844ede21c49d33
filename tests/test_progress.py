"""Progress on long work: shown on stderr when it is a terminal (and the work is large), silent
otherwise, so piped output and logs carry no progress text.
"""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import threading

import pytest

from compiler.evaluate import progress
from tests.conftest import ROOT


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal_is_shown(monkeypatch):
    monkeypatch.delenv(progress.VARIABLE, raising=False)
    stream = _Terminal()
    with progress.bar("counting farms", 4, "rules", size=progress.LARGE, stream=stream) as shown:
        for _ in range(4):
            shown.update()
    assert "beleid: counting farms" in stream.getvalue()


@pytest.mark.parametrize(
    ("stream", "size", "variable"),
    [
        (io.StringIO(), progress.LARGE, None),  # not a terminal
        (_Terminal(), progress.LARGE - 1, None),  # too little work to take seconds
        (_Terminal(), progress.LARGE, "0"),  # turned off
    ],
)
def test_a_bar_is_silent_off_a_terminal_for_small_work_or_when_off(
    monkeypatch, stream, size, variable
):
    if variable is None:
        monkeypatch.delenv(progress.VARIABLE, raising=False)
    else:
        monkeypatch.setenv(progress.VARIABLE, variable)
    with progress.bar("counting farms", 4, "rules", size=size, stream=stream) as shown:
        shown.update()
        shown.note("halfway")
    assert stream.getvalue() == ""
    assert isinstance(shown, progress.Silent)


def _simulate(stderr, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != progress.VARIABLE}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "compiler.cli.main",
            "simulate",
            "monitoring/scenarios/trend.yaml",
            "--ledger",
            str(tmp_path / "ledger.sqlite"),
        ],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=stderr,
        timeout=300,
        check=True,
    )


def test_simulate_shows_progress_on_a_terminal_and_none_in_a_pipe(tmp_path):
    piped = _simulate(subprocess.PIPE, tmp_path / "piped")
    assert piped.stderr == b""
    leader, follower = pty.openpty()
    chunks: list[bytes] = []

    def read() -> None:  # while the run writes: a terminal keeps no output once it is closed
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other end is closed
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        shown = _simulate(follower, tmp_path / "terminal")
    finally:
        os.close(follower)
        reader.join(timeout=30)
        os.close(leader)
    text = b"".join(chunks)
    assert b"beleid: simulating 5 moments" in text
    assert shown.stdout.startswith(b"Scenario: ") and b"beleid:" not in shown.stdout
