"""Where a figure comes from, in the reader's language (compiler/report/citedsources.py): on Dutch
pages no English describing word is left in any citation of the bundled monitoring data; names,
dates and addresses stay as written; English pages keep the citation as the data has it.
"""

from __future__ import annotations

import re

import pytest

from compiler.report.citedsources import in_language

ENGLISH = re.compile(
    r"\b(?:reporting|citing|news|trade|association|study|by|the|of|and|unknown|publisher)\b"
)


def _citations(site, language: str) -> set[str]:
    found: set[str] = set()
    for page in (site / language).rglob("*.html"):
        found |= set(re.findall(r"<cite>([^<]*)</cite>", page.read_text(encoding="utf-8")))
    return found


def test_no_english_describing_word_is_left_on_dutch_pages(bundled_report):
    dutch = _citations(bundled_report, "nl")
    assert len(dutch) > 20  # the bundled data's sources are shown
    assert [c for c in sorted(dutch) if ENGLISH.search(_described(c))] == []
    english = _citations(bundled_report, "en")
    assert any("reporting" in c for c in english)  # English pages keep the data's words


def test_names_dates_and_addresses_stay_as_written():
    citation = "NRC (news, reporting PBL Monitor RES 2022) (2022-12-08), https://www.nrc.nl/news-x"
    assert in_language(citation, "nl") == (
        "NRC (nieuws, met cijfers van PBL Monitor RES 2022) (2022-12-08), https://www.nrc.nl/news-x"
    )
    assert in_language(citation, "en") == citation


@pytest.mark.parametrize(
    ("english", "dutch"),
    [
        ("KNB (trade association, reporting CBS)", "KNB (brancheorganisatie, met cijfers van CBS)"),
        ("X (news, reporting the CLO indicator)", "X (nieuws, met cijfers van de CLO-indicator)"),
        ("Y (study by CBS)", "Y (onderzoek van CBS)"),
        ("Z (citing Emissieregistratie 2015)", "Z (naar Emissieregistratie 2015)"),
        ("unknown publisher (2020), https://a.nl", "onbekende uitgever (2020), https://a.nl"),
        ("Newsroom (Rijksoverheid)", "Newsroom (Rijksoverheid)"),  # a name is no describing word
    ],
)
def test_each_describing_word(english, dutch):
    assert in_language(english, "nl") == dutch


def _described(citation: str) -> str:
    """The describing parts: what stands in parentheses, and a fallback publisher."""
    parts = re.findall(r"\(([^()]*)\)", citation)
    return " ".join(parts) + (" unknown publisher" if "unknown publisher" in citation else "")
