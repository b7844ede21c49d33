"""What a reader reads on a report page: the text of an HTML page outside the drafter's view
(`<details class="drafter">`), outside scripts and styles, and outside passages marked in another
language (`lang` different from the page's: quotes, proper names); and the word checks the report
tests apply to it (no identifiers, no file paths, no words of the other language).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A snake_case identifier: lower-case words joined by underscores (nh3_landbouw_2035).
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
POLICY_PATH = re.compile(r"[\w/.-]+\.policy\b")
URL = re.compile(r"https?://\S+")
# A figure of five digits or more without separators: Babel groups every such number.
BARE_FIGURE = re.compile(r"(?<![\w.,/-])(?<!/ )\d{5,}(?![\w.,/])")
# Words that are English and never Dutch (nor a proper name in this policy): on a Dutch page they
# give English away. Kept to function and report words, which every English sentence has.
_ENGLISH = """the and with from which this that these those are were has have been not for by
    every each only than then when where while should must shall would could synthetic
    population farms seed generated rule rules technical target targets observed projected
    measured provisional estimated assumed source sources line lines budgets total
    amount deadline timeline state obligation obligations fired finding findings declaration
    declarations none yes unknown"""
ENGLISH_WORDS = frozenset(_ENGLISH.split())
# Words that are Dutch and never English: on an English page, outside quotes, they give Dutch
# away.
_DUTCH = """de het een en van voor op aan bij uit als dat deze zijn wordt worden niet ook naar om
    tot nog geen elke jaar jaren regel regels bron bronnen doel doelen totaal incidenteel
    structureel gemeten geprojecteerd synthetisch bedrijven uiterlijk middelen aanpak natuur
    landbouw stikstof provincie provincies"""
DUTCH_WORDS = frozenset(_DUTCH.split())
# Not the page's own words: scripts, styles, the head (the landing page's title is in both
# languages) and citations of data sources (publishers and titles, as the data files name them).
# Dutch proper names that English sentences of the bundled policy name as they are.
PROPER_NAMES = ("Nationale Databank Flora en Fauna", "Raad van State")
_SKIP = {"script", "style", "head", "cite"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang = ""
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.page_lang = attributes.get("lang", "")
        if tag in _VOID:
            return
        lang = attributes.get("lang")
        hides = (
            tag in _SKIP
            or tag == "blockquote"  # a quote is the source's words, in whatever language it has
            or (tag == "details" and "drafter" in (attributes.get("class") or "").split())
            or (tag == "pre" and "source" in (attributes.get("class") or "").split())
            or (lang is not None and self.page_lang and lang != self.page_lang)
        )
        self.stack.append((tag, hides))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not any(hides for _, hides in self.stack):
            self.parts.append(data)


def reader_text(html: str) -> tuple[str, str]:
    """The page's language and the text a reader reads on it."""
    reader = _Reader()
    reader.feed(html)
    return reader.page_lang, " ".join(" ".join(reader.parts).split())


def problems(html: str, names: tuple[str, ...] = ()) -> list[str]:
    """What a reader should not see on the page: identifiers, rule file paths, bare figures of
    five digits or more, words of the other language. `names` (titles of declarations, which may
    hold proper names in Dutch) are left out of the word check.
    """
    lang, text = reader_text(html)
    text = URL.sub(" ", text)  # an address is no word of the page's language
    found = [f"identifier {m}" for m in sorted(set(IDENTIFIER.findall(text)))]
    found += [f"path {m}" for m in sorted(set(POLICY_PATH.findall(text)))]
    found += [f"bare figure {m}" for m in sorted(set(BARE_FIGURE.findall(text)))]
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    for name in PROPER_NAMES:
        text = text.replace(name, " ")
    words = set(re.findall(r"[^\W\d_]+", text))
    if lang == "nl":  # an English word at the start of a sentence counts too
        found += [f"word {w!r}" for w in sorted({w.lower() for w in words} & ENGLISH_WORDS)]
    else:  # a capitalised Dutch word may be a name ("De Peel"): lower-case words only
        found += [f"word {w!r}" for w in sorted(words & DUTCH_WORDS)]
    return found
