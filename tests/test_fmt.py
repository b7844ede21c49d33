"""The formatter (compiler/workflow/fmt.py): meaning and comments survive; the layout is
canonical.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.workflow.fmt import FormatError, format_text, is_formatted
from dsl import Diagnostics, Severity, SourceFile, nodes, parse_text
from dsl.nodes import Module
from dsl.parser import bare_parser

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "policy").glob("**/*.policy"))
FIXTURES = [
    ROOT / "tests" / "fixtures" / "valid" / "complete.policy",
    ROOT / "tests" / "fixtures" / "base" / "basis.policy",
]

# Constructs the fixtures do not use, so that the generated files below meet every one of them.
EVERY_CONSTRUCT = """\
document d "D" { titel "Titel" datum 2025-01-01 uitgever kabinet kenmerk "K 1" bestand "b.txt" }
indicator i "I" { eenheid Mton CO2-eq niveau nationaal cadans jaarlijks eerste 2027 naam "N" }
indicator j { eenheid l/persoon/dag niveau bedrijf cadans elke 3 maanden }
doel g "G" {
    indicator i reductie 42 tot 46 % t.o.v. 2019 uiterlijk 2030-12-31 traject stapsgewijs
    tussendoel 2027 waarde ten hoogste 3.5 Mton CO2-eq tussendoel 2028 reductie 10 % tot 20 %
    tussendoel 2029 open "volgt" sector landbouw eigenaar kabinet
    samenvatting "Een tekst
  over twee regels   "
}
doel h { indicator i waarde 1 tot 2 kton uiterlijk open reductie open "nog niet" }
maatregel m "M" {
    eigenaar kabinet instrument "Vbr" status besloten uiterlijk 2027
    effect i -1.2 kton effect i 5 % in 2030 budget t.p.q budget t.p draagt_bij_aan g, h
    stopt n per 2025-01-01 stopt o behoudt g, h vervangt p geldig tot 2030 wettelijk
}
trigger t { als niet (a != 1 aantal of b <= effect(m)) en (c is actief) of d
            dan maatregel m dan verplichting v }
trigger u { als absoluut(-x + 2 * (y - 3 kton) / z) >= achterstand_procent(g) - 1.5 % en x-y*z<5 }
verplichting v { wie kabinet termijn uiterlijk 2030 door kabinet }
verplichting w { wie elk bedrijf termijn open }
borging b { soort bevriezing betreft g vast_tot 2030-01-01 aan parlement budget t.p }
begroting t "T" {
    pakket p "P" pakket q "Q"
    post a "A" structureel: p € 2.6 mld, q €500, totaal € 1 miljard
    totaal structureel: p € -1 mln
    deelpost s "S" van a.p: € 12.5 miljoen
}
bevinding f { wat "w" betreft g, h bron d regel 1 "q" }
"""


def parse(text: str, path: str = "t.policy") -> Module:
    diags = Diagnostics()
    module = parse_text(SourceFile(path, text), diags)
    assert not diags.has_errors, [str(d.span) + " " + d.message for d in diags]
    return module


_STRING_OR_COMMENT = re.compile(r'"[^"]*"|#[^\n]*')


def comments(text: str) -> list[str]:
    """Every `#` comment outside quotes, without trailing whitespace, in order."""
    return [m.group().rstrip() for m in _STRING_OR_COMMENT.finditer(text) if m.group()[0] == "#"]


def assert_canonical(source: str, formatted: str, path: str = "t.policy") -> None:
    assert parse(formatted, path) == parse(source, path)
    assert format_text(formatted, path) == formatted
    assert comments(formatted) == comments(source)
    outside_quotes = re.sub(r'"[^"]*"', '""', formatted)
    assert not re.search(r"[ \t]\n", outside_quotes)
    assert formatted == "" or (formatted.endswith("\n") and not formatted.endswith("\n\n"))


# Bundled policy ---------------------------------------------------------------


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT)))
def test_bundled_file_keeps_meaning_and_comments_and_is_stable(path: Path):
    text = path.read_text(encoding="utf-8")
    assert_canonical(text, format_text(text, str(path)), str(path))


def test_bundled_policy_is_found():
    assert len(BUNDLED) > 30


@pytest.mark.parametrize(
    "name", ["stikstof/doelen.policy", "stikstof/begroting.policy", "stikstof/indicatoren.policy"]
)
def test_layout_rule_matches_the_bundled_style(name: str):
    text = (ROOT / "policy" / name).read_text(encoding="utf-8")
    assert is_formatted(text, name)


# Exact layouts -------------------------------------------------------------------


def test_comments_stay_where_they_were():
    source = (
        "# leading comment\n"
        'doel d "D" {\n'
        "  indicator i   # trailing comment   \n"
        "# between fields\n"
        "  uiterlijk 2035\n"
        "}\n"
        "# end of file\n"
    )
    assert format_text(source) == (
        "# leading comment\n"
        'doel d "D" {\n'
        "    indicator  i  # trailing comment\n"
        "    # between fields\n"
        "    uiterlijk  2035\n"
        "}\n"
        "\n"
        "# end of file\n"
    )


BADLY_LAID_OUT = (
    "   # Targets\n"
    'doel   nh3_2035   "Landbouw"{\n'
    "indicator nh3_landbouw\n\n\n"
    "        reductie 40    %   t.o.v.    2019\n"
    "  uiterlijk\t2035   bindend\n"
    'bron brief regels 4 - 5 "De landbouw   realiseert"   }\n\n\n\n'
    'begroting middelen "Middelen" { pakket basis "Basis" pakket extra_pakket "Extra"\n'
    'post natuur "Natuur" incidenteel : basis € 100 mln ,\n'
    "extra_pakket €50 mln, totaal € 150 mln\n"
    "   }   trigger t { als ( a > 1 kton of b ) en niet achterstand ( d ) <= 0.5 kton\n"
    "dan besluit x\n"
    '\t\tstap 1 "één"  als  a   }'
)

CANONICAL = """\
# Targets
doel nh3_2035 "Landbouw" {
    indicator  nh3_landbouw

    reductie   40 % t.o.v. 2019
    uiterlijk  2035
    bindend
    bron brief regels 4-5 "De landbouw   realiseert"
}

begroting middelen "Middelen" {
    pakket basis        "Basis"
    pakket extra_pakket "Extra"
    post natuur "Natuur" incidenteel:
        basis € 100 mln, extra_pakket €50 mln, totaal € 150 mln
}

trigger t {
    als  (a > 1 kton of b) en niet achterstand(d) <= 0.5 kton
    dan  besluit x
    stap 1 "één"
        als a
}
"""


def test_badly_laid_out_file_gets_the_canonical_layout():
    assert format_text(BADLY_LAID_OUT) == CANONICAL
    assert is_formatted(CANONICAL) and not is_formatted(BADLY_LAID_OUT)
    assert_canonical(BADLY_LAID_OUT, CANONICAL)


CALCULATIONS = """\
trigger t "T" {
    als - x>absoluut( a-2*b )/3 kton+1 en a - - 5 < -(b+c)-achterstand_procent ( d ) en e>- -5
    bron brief regels 4-5 "q"
}
"""
CALCULATIONS_CANONICAL = (
    'trigger t "T" {\n'
    "    als  -x > absoluut(a - 2 * b) / 3 kton + 1 en a - - 5 < -(b + c) - achterstand_procent(d) "
    "en e > - -5\n"
    '    bron brief regels 4-5 "q"\n'
    "}\n"
)


def test_calculations_get_spaces_around_operators_and_keep_their_meaning():
    """`+ - * /` have a space on either side, a unary `-` none after it unless a number follows
    (`- 5` is minus five as a calculation, `-5` a number), and the `-` of a line range stays tight.
    """
    assert format_text(CALCULATIONS) == CALCULATIONS_CANONICAL
    assert_canonical(CALCULATIONS, CALCULATIONS_CANONICAL)
    (condition,) = [f.value for f in parse(CALCULATIONS_CANONICAL).declarations[0].all("als")]
    left = condition.items[1].left
    assert isinstance(left, nodes.Arithmetic) and isinstance(left.right, nodes.Negative)


def test_comments_inside_a_header_or_a_field_break_the_line():
    source = 'doel d # id\n"D" { waarde # kw\n 5\n# own line\n kton }\n'
    formatted = format_text(source)
    assert formatted == (
        "doel d  # id\n"
        '        "D" {\n'
        "    waarde  # kw\n"
        "        5\n"
        "        # own line\n"
        "        kton\n"
        "}\n"
    )
    assert_canonical(source, formatted)


def test_empty_and_comment_only_files():
    assert format_text("") == ""
    assert format_text(" \n\n") == ""
    assert format_text("\n\n# a   \n\n\n# b\n\n") == "# a\n\n# b\n"


def test_line_ends_and_byte_order_mark_are_normalised():
    source = '\ufeffactor a "A" {\r\n  soort kabinet # c\r\n}\r\n'
    assert format_text(source) == 'actor a "A" {\n    soort kabinet  # c\n}\n'


def test_text_in_quotes_is_never_changed():
    source = 'bevinding b { wat "  twee\n   regels  " betreft x }'
    assert '"  twee\n   regels  "' in format_text(source)


# Syntax errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line", "column"),
    [
        ('doel d "D" {\n    indicator 12\n}\n', 2, 15),
        ('doel d "D" {\n    indicator i\n', 3, 1),
        ("actor a {\n  soort @\n}\n", 2, 9),
        ("actor a { soort kabinet }\nwhat is this\n", 2, 1),
    ],
)
def test_syntax_error_raises_with_line_and_column(source: str, line: int, column: int):
    with pytest.raises(FormatError, match=rf"^bad\.policy:{line}:{column}: ") as caught:
        format_text(source, "bad.policy")
    error = caught.value
    assert (error.path, error.line, error.column) == ("bad.policy", line, column)


def test_syntax_error_position_agrees_with_the_checker():
    source = "actor a {\n  soort kabinet\n}\n\ndoel d { indicator 1 }\n"
    diags = Diagnostics()
    parse_text(SourceFile("x.policy", source), diags)
    (error,) = [d for d in diags if d.severity is Severity.ERROR]
    with pytest.raises(FormatError) as caught:
        format_text(source, "x.policy")
    assert str(caught.value).startswith(f"{error.span}: ")


# Generated files -------------------------------------------------------------------


def _seeds() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in FIXTURES] + [EVERY_CONSTRUCT]


SEEDS = _seeds()
_PUNCTUATION = frozenset({"COMMA", "DOT", "COLON", "LPAR", "RPAR", "LBRACE", "RBRACE", "MINUS"})
# No `(` in comments: the parser's nesting guard counts brackets anywhere in the text.
_comment_text = st.text(
    st.characters(blacklist_characters="\n\r(", blacklist_categories=("Cs",)), max_size=12
)
_separator = st.one_of(
    st.sampled_from([" ", "  ", "\t", "\n", "\n\n\n", "  \n \t", "\r\n", "\n    \n        "]),
    _comment_text.map(lambda text: f"#{text}\n"),
    _comment_text.map(lambda text: f"   # {text}\n"),
    _comment_text.map(lambda text: f"\n\n  #{text}\n\n\t"),
)


def _relaid(seed: str, separators: list[str], start: str, end: str) -> str:
    """The seed's tokens, in order, with the given separators cycled between them."""
    tokens = list(bare_parser().parse_interactive(seed).iter_parse())
    pieces = [start]
    for index, token in enumerate(tokens):
        pieces.append(str(token))
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        separator = separators[index % len(separators)]
        glued = (
            separator == "!"
            and following is not None
            and (token.type in _PUNCTUATION or following.type in _PUNCTUATION)
        )
        pieces.append("" if glued else separator.replace("!", " "))
    return "".join(pieces) + end


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    separators=st.lists(st.one_of(_separator, st.just("!")), min_size=1, max_size=40),
    start=st.sampled_from(["", "\n\n", "# head\n", "# head\n\n"]),
    end=st.sampled_from(["", "\n", "\n\n# tail  \n", "# tail"]),
)
def test_generated_layouts_format_to_the_same_meaning(seed, separators, start, end):
    source = _relaid(seed, separators, start, end)
    formatted = format_text(source)
    assert parse(source) == parse(seed)
    assert_canonical(source, formatted)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    separators=st.lists(st.sampled_from([" ", "  ", "\t", " \t ", "!"]), min_size=1, max_size=20),
)
def test_layout_does_not_depend_on_spacing_within_lines(seed, separators):
    without_comments = _relaid(seed, [" "], "", "")
    assert format_text(_relaid(seed, separators, "", "")) == format_text(without_comments)
