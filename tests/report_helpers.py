"""Writing the report of the small fixture policy (tests/fixtures/base + valid/complete.policy) with
the fixture monitoring data, as the golden and browser tests need it.
"""

from __future__ import annotations

from pathlib import Path

from compiler.cli.main import main
from tests.conftest import FIXTURES, ROOT

REPORT_DATA = FIXTURES / "report"
FIXTURE_POLICY = ("tests/fixtures/base", "tests/fixtures/valid/complete.policy")


def fixture_arguments(policy: tuple[str, ...] = FIXTURE_POLICY) -> list[str]:
    """`beleid report` arguments for the fixture policy and data; paths relative to the
    repository.
    """
    out = []
    for path in policy:
        out += ["--policy", path]
    data = REPORT_DATA.relative_to(ROOT)
    return out + [
        "--series",
        f"{data}/series.csv",
        "--farms",
        f"{data}/farms.csv",
        "--events",
        f"{data}/events.csv",
        "--as-of",
        "2027",
        "--no-ledger",
        "--quiet",
    ]


def write_fixture_report(out: Path, monkeypatch, *extra: str) -> int:
    monkeypatch.chdir(ROOT)
    return main(["report", *fixture_arguments(), "-o", str(out), *extra])


def write_bundled_report(out: Path, monkeypatch) -> int:
    """The report of the bundled policy and data (a small synthetic population keeps it quick)."""
    monkeypatch.chdir(ROOT)
    return main(
        [
            "report",
            "--as-of",
            "2027",
            "--no-ledger",
            "--farm-count",
            "2000",
            "--quiet",
            "-o",
            str(out),
        ]
    )


def text_files(folder: Path) -> dict[str, str]:
    """Every text file of a report. The workbook is binary and written only where XlsxWriter is
    installed: it and the lines linking it are left out (tests/test_report_extras.py checks them).
    """
    return {
        str(p.relative_to(folder)): _without_workbook(p.read_text(encoding="utf-8"))
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".xlsx"
    }


def _without_workbook(text: str) -> str:
    return "".join(line for line in text.splitlines(True) if "monitoring.xlsx" not in line)
