"""Property-based tests: no rule text, however broken, makes an exception escape the checker."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from compiler import compile_text
from compiler.cli.formats import render
from dsl.parser import bare_parser
from tests.conftest import BASE, FIXTURES

SEED_TEXTS = [
    (BASE / "basis.policy").read_text(encoding="utf-8"),
    (FIXTURES / "valid" / "complete.policy").read_text(encoding="utf-8"),
]
PATH = str(BASE / "mutated.policy")  # so that `bestand "sources/brief.txt"` resolves
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_survives(text: str) -> None:
    compilation = compile_text(text, PATH)
    diagnostics = compilation.diagnostics.sorted()
    for fmt in ("text", "json", "github", "sarif"):
        render(diagnostics, fmt, lines=lambda _: tuple(text.splitlines()))
    for diagnostic in diagnostics:
        assert diagnostic.span is None or diagnostic.span.line >= 0


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(SEED_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start, min(len(text), start + 40)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        if action == "delete":
            text = text[:start] + text[end:]
        elif action == "insert":
            text = text[:start] + draw(st.text(max_size=12)) + text[start:]
        elif action == "duplicate":
            text = text[:end] + text[start:end] + text[end:]
        else:
            text = (
                text[:start]
                + draw(
                    st.sampled_from(
                        [
                            "{",
                            "}",
                            '"',
                            "(",
                            ")",
                            "niet ",
                            "tot",
                            "€ 5 mln",
                            "-1",
                            "9999",
                            "is actief",
                            "\x00",
                            "…",
                        ]
                    )
                )
                + text[end:]
            )
    return text


@SETTINGS
@given(st.text(max_size=300))
def test_random_text_never_raises(text):
    check_survives(text)


@SETTINGS
@given(mutated())
def test_mutated_rule_files_never_raise(text):
    check_survives(text)


@SETTINGS
@given(from_lark(bare_parser(), start="start"))
def test_grammar_generated_text_never_raises(text):
    check_survives(text)


def test_deep_negation_chain_is_reported_not_crashed():
    text = "trigger t { als " + "niet " * 5000 + "x dan besluit y }"
    compilation = compile_text(text, PATH)
    assert "P007" in {d.code.id for d in compilation.diagnostics}


def test_nul_in_a_source_path_is_reported_not_crashed():
    """Regression: found by test_mutated_rule_files_never_raise."""
    compilation = compile_text('document d { datum 2025-01-01 bestand "a\x00b.txt" }', PATH)
    (diagnostic,) = list(compilation.diagnostics)
    assert diagnostic.code.id == "P104" and "\\x00" in diagnostic.message
