"""Control characters from rule and data files never reach the terminal raw (issue 20, item 7):
every text renderer escapes them with the one helper, `dsl/printable.py`.
"""

from __future__ import annotations

import pytest

from compiler.cli import formats
from compiler.evaluate import explain, outcomes, simulate
from compiler.workflow import coverage, policytestreport
from dsl import codes
from dsl.diagnostics import Diagnostic
from dsl.printable import escape_controls
from dsl.source import Span
from tests.conftest import run_cli

FARMS_HEADER = (
    "id,sector,province,nh3_emissie_bedrijf,bedrijfsnorm_nh3,afstand_overbelast_natura2000,"
    "overtredingen_doelsturing,structureel_verwijtbaar\n"
)


def test_d011_message_with_escape_does_not_clear_the_screen(capsys, tmp_path):
    farms = tmp_path / "farms.csv"
    farms.write_text(FARMS_HEADER + "F1,\x1b[2Jmelkvee,utrecht,2100,1900,800,0,0\n", "utf-8")
    code, out, err = run_cli(capsys, "evaluate", "--as-of", "2027", "--farms", farms, "--no-ledger")
    assert code == 1 and "error[D011]" in err
    assert "\x1b" not in err
    assert "`\\x1b[2Jmelkvee` is not allowed here" in err
    assert "2 | F1,\\x1b[2Jmelkvee" in err  # the excerpt too


def test_escape_controls_keeps_newlines_and_tabs_and_escapes_c0_del_c1():
    assert escape_controls("a\tb\nc") == "a\tb\nc"
    assert escape_controls("\x1b[2J\x07\x7f\x9b\r") == "\\x1b[2J\\x07\\x7f\\x9b\\x0d"
    assert escape_controls("Café € ✓") == "Café € ✓"


def test_diagnostic_text_escapes_every_field_but_keeps_its_own_colours():
    d = Diagnostic(
        codes.INVALID_CHOICE,
        Span("x\x1b]0;titel\x07.csv", 1, 1, 1, 2),
        "bericht \x1b[2J",
        "hint \x9b31m",
    )
    text = formats.render_text(d, colour=True, lines=lambda _: ("regel \x1bc",))
    assert "\x1b]" not in text and "\x1b[2J" not in text and "\x9b" not in text
    assert "\x1bc" not in text and "regel \\x1bc" in text
    assert "\x1b[1;31merror[D011]" in text  # the renderer's own colour


@pytest.mark.parametrize(
    "renderer",
    [
        outcomes.render_text,
        explain.explain,
        simulate.render_timeline,
        policytestreport.render_text,
        coverage.render_text,
    ],
)
def test_every_text_renderer_escapes_control_characters(renderer):
    """Each text renderer of evaluate, explain, simulate, test and sources uses the helper."""
    assert renderer.__wrapped__ is not None
    assert renderer.__qualname__ != "escaped.<locals>.safe"


def test_warnings_on_stderr_are_escaped(capsys):
    from compiler.cli.output import warn

    warn("would reformat x\x1b[2J.policy")
    assert capsys.readouterr().err == "would reformat x\\x1b[2J.policy\n"
