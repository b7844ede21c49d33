"""The parser: snippets become the expected syntax nodes (spans are ignored by equality)."""

from __future__ import annotations

import re

import pytest

from dsl import Diagnostics, SourceFile, parse_text
from dsl import nodes as n
from dsl.parser import MAX_NESTING


def parse(text: str) -> tuple[nodes.Declaration, ...]:
    diags = Diagnostics()
    module = parse_text(SourceFile("t.policy", text), diags)
    assert not list(diags), [d.message for d in diags]
    return module.declarations


nodes = n


def test_target_with_range_and_pending_interim():
    (decl,) = parse(
        'doel d "D" { indicator i reductie 42 tot 46 % t.o.v. 2019 uiterlijk 2035 '
        'tussendoel 2030 open "volgt" bindend }'
    )
    assert decl.kind == "doel" and decl.id == n.Ref("d") and decl.title == "D"
    reduction = decl.value("reductie")
    assert reduction == n.Reduction(
        n.Range(n.Quantity("42", n.Unit("%")), n.Quantity("46", n.Unit("%"))), n.When("2019")
    )
    assert decl.value("tussendoel") == n.Interim(n.When("2030"), "open", n.Pending("volgt"))
    assert decl.value("bindend") is True


def test_money_is_a_quantity_in_euro_units():
    (decl,) = parse('begroting b { post p "P" incidenteel: a € 12.5 mln, totaal € 2.6 mld }')
    post = decl.value("post")
    assert post.cells == (
        n.Cell(n.Ref("a"), n.Quantity("12.5", n.Unit("€ mln"))),
        n.Cell(n.Ref("totaal"), n.Quantity("2.6", n.Unit("€ mld"))),
    )


def test_condition_precedence_en_binds_tighter_than_of():
    (decl,) = parse("trigger t { als a > 1 kton of b en niet c dan besluit x }")
    assert decl.value("als") == n.AnyOf(
        (
            n.Comparison(n.Ref("a"), ">", n.Quantity("1", n.Unit("kton"))),
            n.AllOf((n.Flag(n.Ref("b")), n.Not(n.Flag(n.Ref("c"))))),
        )
    )


def test_state_tests_and_functions():
    (decl,) = parse("trigger t { als d is achter_op_schema en x < effect(m) dan maatregel m }")
    condition = decl.value("als")
    assert condition.items[0] == n.StateTest(n.Ref("d"), "achter_op_schema")
    assert condition.items[1] == n.Comparison(n.Ref("x"), "<", n.Call("effect", n.Ref("m")))
    assert decl.value("dan") == n.Consequence("maatregel", n.Ref("m"))


def test_obligation_on_a_selection_with_relative_term():
    (decl,) = parse(
        "verplichting v { wie elk bedrijf waar e > n termijn 6 maanden na monitoring wettelijk }"
    )
    assert decl.value("wie") == n.EntitySubject(
        n.Ref("bedrijf"), n.Comparison(n.Ref("e"), ">", n.Ref("n"))
    )
    assert decl.value("termijn") == n.RelativeTerm(6, "maanden")


def test_citation_with_line_range_and_multiline_quote():
    (decl,) = parse('actor a { soort sector bron doc regels 3-4 "een\n   citaat" }')
    assert decl.value("bron") == n.Citation(n.Ref("doc"), 3, 4, "een\n   citaat")


def test_history_fields():
    (decl,) = parse(
        "borging b { stopt nplg per 2024-09-13 behoudt doel_a, doel_b geldig vanaf 2024 tot 2030 }"
    )
    assert decl.value("stopt") == n.Supersession("stops", n.Ref("nplg"), n.When("2024-09-13"))
    assert decl.value("behoudt") == (n.Ref("doel_a"), n.Ref("doel_b"))
    assert decl.value("geldig") == n.Validity(n.When("2024"), n.When("2030"))


def test_cadence_forms():
    first, second = parse(
        "indicator i { cadans ten minste elke 2 jaar } indicator j { cadans jaarlijks }"
    )
    assert first.value("cadans") == n.Cadence(2, "jaar", True)
    assert second.value("cadans") == n.Cadence(1, "jaar", False)


def test_spans_point_at_the_source():
    (decl,) = parse('\n\nactor  kabinet "K" { soort kabinet }')
    assert (decl.id.span.line, decl.id.span.column) == (3, 8)


@pytest.mark.parametrize(
    "text, code, line, column",
    [
        ("doel d { uiterlijk }", "P001", 1, 20),
        ("doel d {\n  waarde 12,5 kton\n}", "P001", 2, 12),
        ('actor a { naam "open', "P002", 1, 16),
        ("actor a {", "P003", 1, 10),
        ("doel D { }", "P001", 1, 6),
    ],
)
def test_syntax_errors(text, code, line, column):
    diags = Diagnostics()
    module = parse_text(SourceFile("t.policy", text), diags)
    (diagnostic,) = list(diags)
    assert (diagnostic.code.id, diagnostic.span.line, diagnostic.span.column) == (
        code,
        line,
        column,
    )
    assert diagnostic.hint
    assert module.declarations == ()


def test_decimal_comma_gets_a_hint():
    diags = Diagnostics()
    parse_text(SourceFile("t.policy", "doel d { waarde 12,5 kton }"), diags)
    assert "use a point" in next(iter(diags)).hint


def test_kinds_match_the_grammar():
    from pathlib import Path

    grammar = (Path(n.__file__).parent / "policy.lark").read_text(encoding="utf-8")
    kind_rule = grammar[grammar.index("KIND:") : grammar.index("// ----", grammar.index("KIND:"))]
    assert sorted(re.findall(r'"([a-z_]+)"', kind_rule)) == sorted(n.KINDS)


@pytest.mark.parametrize(
    ("text", "line"),
    [("\u00a0", 1), ("\x1d\n", 1), ('actor a "A" {\n    soort sector\n}\n\u00a0\n', 4)],
)
def test_characters_python_calls_space_are_not_blank_to_the_lexer(text, line):
    """Only the grammar's whitespace is blank: a lone U+00A0 is a P002, never an empty file
    (P009).
    """
    diags = Diagnostics()
    parse_text(SourceFile("x.policy", text), diags)
    assert [(d.code.id, d.span.line, d.span.column) for d in diags] == [("P002", line, 1)]


# ------------------------------------------------------------------------------------- calculations


def condition_of(text: str):
    (decl,) = parse(f"trigger t {{ als {text} }}")
    return decl.value("als")


def test_multiplication_binds_tighter_than_addition():
    a, b, c = n.Ref("a"), n.Ref("b"), n.Ref("c")
    two = n.Quantity("2", n.Unit(""))
    assert condition_of("a + b * c > 2").left == n.Arithmetic(a, "+", n.Arithmetic(b, "*", c))
    assert condition_of("a / b - c > 2").left == n.Arithmetic(n.Arithmetic(a, "/", b), "-", c)
    assert condition_of("(a + b) * c > 2").left == n.Arithmetic(n.Arithmetic(a, "+", b), "*", c)
    assert condition_of("2 > a").left == two


def test_operators_of_one_rank_are_left_associative():
    a, b, c = n.Ref("a"), n.Ref("b"), n.Ref("c")
    assert condition_of("a - b - c > 0").left == n.Arithmetic(n.Arithmetic(a, "-", b), "-", c)
    assert condition_of("a / b / c > 0").left == n.Arithmetic(n.Arithmetic(a, "/", b), "/", c)
    assert condition_of("a - (b - c) > 0").left == n.Arithmetic(a, "-", n.Arithmetic(b, "-", c))


def test_unary_minus_absoluut_and_the_relative_gap():
    condition = condition_of("-absoluut(a - 5 kton) < achterstand_procent(d) en - 5 < -5")
    left, right = condition.items
    assert left.left == n.Negative(
        n.Absolute(n.Arithmetic(n.Ref("a"), "-", n.Quantity("5", n.Unit("kton"))))
    )
    assert left.right == n.Call("achterstand_procent", n.Ref("d"))
    # `- 5` is a calculation (minus five), `-5` the number minus five: both mean the same.
    assert right.left == n.Negative(n.Quantity("5", n.Unit("")))
    assert right.right == n.Quantity("-5", n.Unit(""))
    # `a -5` subtracts: after an operand a `-` is an operator, never the sign of a number.
    assert condition_of("a -5 > 0").left == n.Arithmetic(
        n.Ref("a"), "-", n.Quantity("5", n.Unit(""))
    )


def test_a_name_in_brackets_stays_a_condition():
    assert condition_of("(a) en (b > c)") == n.AllOf(
        (n.Flag(n.Ref("a")), n.Comparison(n.Ref("b"), ">", n.Ref("c")))
    )


def test_calculation_spans_point_at_the_source():
    comparison = condition_of("a  +  b * 3 kton > 1")
    assert (comparison.left.span.column, comparison.left.span.end_column) == (17, 33)
    assert (comparison.left.right.span.column, comparison.left.right.span.end_column) == (23, 33)


def test_a_dangling_operator_is_a_located_syntax_error():
    diags = Diagnostics()
    module = parse_text(SourceFile("t.policy", "trigger t {\n    als a + * b > 1\n}"), diags)
    (diagnostic,) = list(diags)
    assert (diagnostic.code.id, diagnostic.span.line, diagnostic.span.column) == ("P001", 2, 13)
    assert diagnostic.message == "unexpected `*`" and "`(`" in diagnostic.hint
    assert module.declarations == ()


def test_calculations_nesting_deeper_than_the_limit_are_refused():
    def depth_of(count: int) -> list:
        diags = Diagnostics()
        parse_text(SourceFile("t.policy", f"trigger t {{ als a{' + a' * count} > 1 }}"), diags)
        return [d.code.id for d in diags]

    assert depth_of(MAX_NESTING) == []
    assert depth_of(MAX_NESTING + 1) == ["P007"]


@pytest.mark.parametrize(("typeset", "ascii_"), [("×", "*"), ("÷", "/"), ("−", "-")])
def test_typeset_operators_are_refused_with_their_ascii_spelling(typeset, ascii_):
    diags = Diagnostics()
    parse_text(SourceFile("t.policy", f"trigger t {{ als a {typeset} 2 > b }}"), diags)
    (diagnostic,) = list(diags)
    assert (diagnostic.code.id, diagnostic.span.column) == ("P002", 19)
    assert f"write `{ascii_}`" in diagnostic.hint
