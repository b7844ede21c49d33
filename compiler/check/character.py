"""The binding character of a target or rule in the source's own word (`karakter WORD`).

`bindend` says a target is legally binding; `karakter` records what the source calls it: an
`opgave`, a `streefwaarde`, an `ambitie`... Each word has an English rendering for English pages and
a short gloss for docs/language.md. The words are those the five bundled sources use; a word that
says the target is not binding (`NOT_BINDING`) contradicts `bindend` (P223).
"""

from __future__ import annotations

from typing import NamedTuple


class Character(NamedTuple):
    """One word of the vocabulary: the Dutch word, its English rendering, what it means."""

    word: str
    english: str
    gloss: str


CHARACTERS: tuple[Character, ...] = (
    Character("opgave", "task", "a task the source sets for an actor or sector"),
    Character("taakstelling", "assigned quota", "a quantified task handed to an actor"),
    Character("doelstelling", "objective", "an objective the source sets, no legal force stated"),
    Character("reductiedoel", "reduction goal", "a goal to reduce an emission by an amount"),
    Character("streefwaarde", "target value", "a value the source aims for"),
    Character("streefdoel", "aim", "a goal the source strives for"),
    Character("streven", "aspiration", "what the source says it strives for"),
    Character("richtinggevend", "guiding", "a direction that guides, not a hard duty"),
    Character("indicatief", "indicative", "an indication, not a hard duty"),
    Character("ambitie", "ambition", "an ambition the source states"),
    Character("afspraak", "agreement", "a voluntary agreement between parties"),
    Character("toezegging", "pledge", "a promise the government makes, e.g. to parliament"),
    Character("behoefte", "estimated need", "a need the source estimates"),
    Character("raming", "estimate", "an estimate the source gives"),
    Character("verwachting", "expectation", "what the source expects to happen"),
    Character("omgevingswaarde", "environmental value", "a legal value under the Omgevingswet"),
    Character("norm", "standard", "a standard an actor must meet"),
    Character("inspanning", "best effort", "an effort the source commits to, not a result"),
)

WORDS: tuple[str, ...] = tuple(c.word for c in CHARACTERS)
ENGLISH: dict[str, str] = {c.word: c.english for c in CHARACTERS}
# Words that say the target is not binding: with `bindend` they contradict each other (P223).
NOT_BINDING = frozenset(
    {"indicatief", "richtinggevend", "ambitie", "streven", "raming", "verwachting", "behoefte"}
)
# The kinds that carry `karakter`, and the ones that must when not `bindend` (P290).
KINDS = frozenset({"doel", "verbod", "verplichting"})
REQUIRED_IN = frozenset({"doel"})


def rendered(word: str | None, language: str) -> str | None:
    """The word as a page in `language` ("nl" or "en") shows it."""
    if word is None:
        return None
    return ENGLISH.get(word, word) if language == "en" else word
