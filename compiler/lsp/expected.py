"""What may stand at a cursor in a rule file, from the words before it on its line and the kind of
declaration it is in: a declaration kind at the top level, a field the kind allows at the start of
a line inside it, and after a field keyword only what that field takes (the words of its
vocabulary, ids of the kinds it refers to, a unit after a number, the grammar's next words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from compiler.check import schema
from compiler.check.resolve import CONSEQUENCE_KINDS, FIELD_REFERENCES, FUNCTION_KINDS
from dsl import nodes

_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_CONDITION_FIELDS = ("als", "waar")  # fields, or words, after which a condition stands
_CONDITION_KINDS = ("indicator", "doel", "trigger", "maatregel")
_CONDITION_WORDS = ("is", "en", "of", "niet", *FUNCTION_KINDS, "absoluut")
_PERIODS = ("jaar", "maanden", "weken", "dagen")
_AFTER_COUNT = ("elke",)  # `elke 2 jaar`
_NOT_AMOUNTS = ("stap", "eerste", "uiterlijk", "regel", "regels", "t.o.v.", "in", "per", "vanaf")
_STATE_WORDS = ("gehaald", "niet_gehaald", "op_schema", "achter_op_schema", "actief")
# the grammar's words right after a field keyword (or after a word of one), where they are few
_NEXT_WORDS: dict[str, tuple[str, ...]] = {
    "waarde": ("ten", "open"),
    "reductie": ("open",),
    "uiterlijk": ("open",),
    "termijn": ("uiterlijk", "open"),
    "ten": ("hoogste", "minste"),
    "geldig": ("vanaf", "tot"),
    "cadans": ("jaarlijks", "elke", "ten"),
    "minste": ("elke",),
    "wie": ("elk",),
}


@dataclass(frozen=True)
class Expected:
    """What may be typed at a cursor: declaration kinds, fields of a kind, words, ids of some
    kinds, units, the names of entity kinds.
    """

    kinds: bool = False
    fields_of: str | None = None
    words: tuple[str, ...] = ()
    word_detail: str = ""
    id_kinds: tuple[str, ...] = ()
    units: bool = False
    entity_kinds: bool = False


NOTHING = Expected()


def expected_at(kind: str | None, before: list[str]) -> Expected:
    """What may stand after the words `before` on a line, in a declaration of `kind` (None at the
    top level, '' in a declaration whose kind is not known).
    """
    if kind is None:
        return Expected(kinds=True) if not before else NOTHING
    if not before:
        return Expected(fields_of=kind)
    keyword, last, count = before[0], before[-1], len(before)
    if _NUMBER.fullmatch(last):
        return after_number(before)
    if condition_follows(before):
        return condition_expected(last)
    if count == 1:
        first = first_value(kind, keyword)
        if first is not None:
            return first
    return later_value(keyword, before)


def after_number(before: list[str]) -> Expected:
    """A unit after a number, except after a year, a step's number or a count of periods."""
    previous = before[-2] if len(before) > 1 else ""
    if previous in _AFTER_COUNT or before[0] == "termijn":
        return Expected(words=_PERIODS, word_detail="period")
    if previous == "tussendoel":
        return Expected(words=("waarde", "reductie", "open"))
    if previous in _NOT_AMOUNTS:
        return NOTHING
    return Expected(units=True)


def first_value(kind: str, keyword: str) -> Expected | None:
    """What the first value after a field keyword may be, or None when it depends on more."""
    words = schema.vocabulary(kind, keyword) if kind else None
    if words:
        return Expected(words=tuple(words), word_detail=f"{keyword} of {kind}")
    if keyword == "eenheid":
        return Expected(units=True)
    if keyword == "niveau":
        return Expected(words=("nationaal", "sector"), entity_kinds=True)
    if keyword in ("bron", "passage"):
        return Expected(id_kinds=("document",))
    if keyword == "budget":
        return Expected(id_kinds=("begroting",))
    if keyword == "effect":
        return Expected(id_kinds=("indicator",))
    if keyword == "dan":
        return Expected(words=tuple(CONSEQUENCE_KINDS), word_detail="consequence")
    if keyword == "wie":
        return Expected(words=_NEXT_WORDS["wie"], id_kinds=("actor",))
    if keyword in ("vervangt", "stopt"):
        return Expected(id_kinds=nodes.KINDS)
    if keyword in FIELD_REFERENCES:
        return Expected(id_kinds=FIELD_REFERENCES[keyword][0])
    if keyword in _NEXT_WORDS:
        return Expected(words=_NEXT_WORDS[keyword])
    return None


def later_value(keyword: str, before: list[str]) -> Expected:
    """What may follow the second or a later word of a field."""
    last = before[-1]
    if keyword in FIELD_REFERENCES:  # a list of ids (`betreft a, b`)
        return Expected(id_kinds=FIELD_REFERENCES[keyword][0])
    if keyword in ("bron", "passage") and len(before) == 2:
        return Expected(words=("regel", "regels"))
    if keyword == "dan" and len(before) == 2 and last in CONSEQUENCE_KINDS:
        return Expected(id_kinds=(CONSEQUENCE_KINDS[last],))
    if last == "elk":
        return Expected(entity_kinds=True)
    if last in ("hoogste", "minste") and keyword != "cadans":
        return Expected(id_kinds=("indicator",))
    if last in _NEXT_WORDS:
        return Expected(words=_NEXT_WORDS[last])
    return NOTHING


def condition_follows(before: list[str]) -> bool:
    """Whether the words before the cursor have opened a condition (`als ...`, `... waar ...`)."""
    return any(word in _CONDITION_FIELDS for word in before)


def condition_expected(last: str) -> Expected:
    if last == "is":
        return Expected(words=_STATE_WORDS, word_detail="state")
    return Expected(
        words=_CONDITION_WORDS, word_detail="condition", id_kinds=_CONDITION_KINDS, units=False
    )
