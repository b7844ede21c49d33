"""The fuzz campaign in CI: every target of fuzz/targets.py runs under atheris for a bounded time,
executes inputs, and lets nothing escape. The harness itself is checked too, so a green run means
something: a toy target that raises is reported as a finding (exit 1, input and traceback kept), and
one that hangs is reported from libFuzzer's timeout artefact.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fuzz.targets import DEFAULT_TARGETS
from tests.conftest import ROOT

SECONDS = 8  # per target; two run at once on two cores, so all eight take about 55 s

if importlib.util.find_spec("atheris") is None:
    if os.environ.get("BELEID_REQUIRE_FUZZ"):
        pytest.fail(
            "atheris is not installed; CI needs it (pip install -e '.[test]')", pytrace=False
        )
    pytest.skip("atheris is not installed", allow_module_level=True)


def campaign(
    keep: Path, *args: str, timeout: int = 300
) -> tuple[subprocess.CompletedProcess, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "fuzz.campaign", "--json", "--keep", str(keep), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.stdout, done.stderr
    return done, json.loads(done.stdout)


def test_every_target_executes_and_nothing_escapes(tmp_path, show_fuzz_report):
    done, report = campaign(tmp_path, "--seconds", str(SECONDS))
    show_fuzz_report(report)
    assert [t["target"] for t in report["targets"]] == list(DEFAULT_TARGETS)
    for target in report["targets"]:
        assert target["executions"] > 0 and target["error"] is None, (
            target["target"],
            target["error"],
        )
        assert target["corpus"] >= 1
        assert target["escaped"] == 0, "\n\n".join(
            f"{target['target']}: {f['signature']}\n{f['traceback']}" for f in target["findings"]
        )
    assert done.returncode == 0 and report["ok"]
    assert not any(tmp_path.iterdir()), "nothing is kept when nothing escaped"
    assert not Path(report["temporary_folder"]).exists(), (
        "the campaign removes its temporary folder"
    )


def test_a_target_that_raises_is_a_finding(tmp_path):
    done, report = campaign(tmp_path, "--target", "selftest", "--seconds", "3")
    assert done.returncode == 1 and not report["ok"]
    (target,) = report["targets"]
    assert target["executions"] > 0
    (finding,) = target["findings"]
    assert finding["kind"] == "exception"
    assert finding["signature"].startswith("RuntimeError at fuzz/targets.py:")
    assert "deliberate crash" in finding["traceback"]
    kept = Path(finding["kept"])
    assert kept.parent == tmp_path / "selftest" and b"!" in kept.read_bytes()
    assert "deliberate crash" in kept.with_suffix(".txt").read_text(encoding="utf-8")
    replay = subprocess.run(
        [sys.executable, "-m", "fuzz.campaign", "--replay", "selftest", str(kept)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert replay.returncode == 1 and "deliberate crash" in replay.stdout


def test_a_target_that_hangs_is_a_finding(tmp_path):
    done, report = campaign(
        tmp_path, "--target", "selfhang", "--seconds", "3", "--input-timeout", "2"
    )
    assert done.returncode == 1
    (target,) = report["targets"]
    (finding,) = target["findings"]
    assert finding["kind"] == "timeout"
    assert "run_selfhang" in finding["traceback"]
    assert b"~" in Path(finding["kept"]).read_bytes()


def test_an_unknown_target_is_a_usage_error(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "fuzz.campaign", "--target", "nonsense", "--keep", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "unknown target" in done.stderr
