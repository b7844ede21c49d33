"""Quotes cleaned for display (compiler/report/quotes.py), on real quotes of the bundled policy:
footnote markers, line-end hyphens and page furniture go only where the source proves them; every
other quote, and every figure in it, is shown as written.
"""

from __future__ import annotations

import re

import pytest

from compiler.report import quotes


def _source(policy, document):
    return policy.sources[document].lines


@pytest.mark.parametrize(
    ("document", "first", "last", "quote", "shown", "removed"),
    [
        # Table 1 of the Vervolgpakket: footnote 8 glued to 400, footnote 9 to VJN (lines 164, 166)
        ("vervolgpakket", 139, 139, "Natuur 100 4008 500", "Natuur 100 400 500", ("footnote 8",)),
        (
            "vervolgpakket",
            145,
            145,
            "Overige besluitvorming VJN9 473 473",
            "Overige besluitvorming VJN 473 473",
            ("footnote 9",),
        ),
        (
            "vervolgpakket",
            131,
            134,
            "Brede vrijwillige beëindigings- regeling 750 375 1.125",
            "Brede vrijwillige beëindigingsregeling 750 375 1.125",
            ("hyphen",),
        ),
        # a real hyphen broken at a line end: kept, the space dropped
        (
            "vervolgpakket",
            272,
            274,
            "voorrang gegeven aan veehouderijlocaties binnen 1.000 meter rondom overbelaste "
            "stikstofgevoelige Natura- 2000 gebieden",
            "voorrang gegeven aan veehouderijlocaties binnen 1.000 meter rondom overbelaste "
            "stikstofgevoelige Natura-2000 gebieden",
            ("hyphen",),
        ),
        # nothing to prove: the figures stay as written
        ("vervolgpakket", 143, 143, "Doelsturing 200 842 1.042", "Doelsturing 200 842 1.042", ()),
        ("vervolgpakket", 138, 138, "Mest 250   250", "Mest 250 250", ()),
        (
            "vervolgpakket",
            152,
            152,
            "Totaal incidenteel 3.000 2.600 5.600",
            "Totaal incidenteel 3.000 2.600 5.600",
            (),
        ),
    ],
)
def test_real_quotes_are_cleaned_only_where_the_source_proves_it(
    bundled_policy, document, first, last, quote, shown, removed
):
    result = quotes.display(quote, _source(bundled_policy, document), first, last)
    assert result == quotes.Shown(shown, removed)


def test_the_footnote_is_in_the_source_as_a_footnote_line(bundled_policy):
    lines = _source(bundled_policy, "vervolgpakket")
    assert lines[163].startswith("8 Waarvan €50 miljoen") and lines[165].startswith("9 Dit zijn")
    notes = quotes._footnotes(lines)
    assert notes[8] == 164 and notes[9] == 166
    assert 750 not in notes  # the row "750 375 1.125" is no footnote


def test_a_glued_digit_without_its_footnote_line_is_left_alone():
    lines = ("Natuur 100 4008 500", "", "7 Een andere voetnoot.")
    assert quotes.display("Natuur 100 4008 500", lines, 1, 1).text == "Natuur 100 4008 500"
    # no footnote line at all: "CO2" and years are never markers
    lines = ("De uitstoot van CO2 daalt in 2028 met 12 Mton.",)
    text = "De uitstoot van CO2 daalt in 2028 met 12 Mton."
    assert quotes.display(text, lines, 1, 1) == quotes.Shown(text)


def test_a_year_or_a_short_code_is_never_split_even_with_a_footnote_below():
    lines = (
        "In 2022 daalt de uitstoot van CO2 met 100 200 3001 ton.",
        "",
        "1 Een voetnoot.",
        "2 Nog een voetnoot.",
    )
    shown = quotes.display(lines[0], lines, 1, 1)
    assert "2022" in shown.text and "CO2" in shown.text
    assert "300 ton" in shown.text and shown.removed == ("footnote 1",)


def test_conjunctions_keep_their_hyphen():
    lines = ("betaalbare huur-", "en koopwoningen")
    shown = quotes.display("betaalbare huur- en koopwoningen", lines, 1, 2)
    assert shown == quotes.Shown("betaalbare huur- en koopwoningen")


def test_page_furniture_inside_a_quote_is_left_out():
    header = "Vervolgpakket Nederland van het slot"
    lines = (
        header,
        "",
        "de eerste zin loopt",
        "",
        "12",
        "",
        header,
        "",
        "door op de volgende pagina",
    )
    lines += ("", header, "")
    quote = f"de eerste zin loopt 12 {header} door op de volgende pagina"
    shown = quotes.display(quote, lines, 3, 9)
    assert shown.text == "de eerste zin loopt door op de volgende pagina"
    assert set(shown.removed) == {"page furniture"}


def test_a_quote_that_does_not_align_is_shown_as_written():
    lines = ("Het areaal groeit naar 1000 hectare.",)
    assert quotes.display("Hetareaal groeit", lines, 1, 1) == quotes.Shown("Hetareaal groeit")


def test_every_bundled_quote_keeps_its_figures_except_proven_footnotes(bundled_policy):
    """Over all quotes of the bundled policy: the text shown differs from the quote only by
    what `removed` names, and every figure left is a figure of the quote.
    """
    changed = 0
    for decl in bundled_policy.declarations.values():
        for field in decl.node.all("bron"):
            citation = field.value
            source = bundled_policy.sources.get(citation.document.name)
            if source is None:
                continue
            shown = quotes.display(
                citation.quote, source.lines, citation.first_line, citation.last_line
            )
            written = " ".join(citation.quote.split())
            if not shown.removed:
                assert shown.text == written, decl.id
                continue
            changed += 1
            figures = re.findall(r"\d[\d.,]*\d|\d", written)
            for figure in re.findall(r"\d[\d.,]*\d|\d", shown.text):
                assert any(f.startswith(figure) for f in figures), (decl.id, figure)
    assert 5 <= changed <= 30  # measured: 10 of 492 quotes
