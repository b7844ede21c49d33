"""The number grammar of monitoring data, and why a text is not a number in it.

A data value (a CSV cell, a YAML scalar) is a number only when written as ASCII digits with an
optional sign, a point as the decimal mark with a digit on each side, and an optional exponent:
`107.9`, `-12`, `+3`, `1.2e3`. Python's `float()` reads much more (`10_7.9`, Arabic-Indic and
full-width digits, `nan`, `inf`) and PyYAML more again (`0x1F`, `1:30`, `.nan`); none of it is a
number here. A number is also finite: `1e999` is refused instead of read as infinity. `fault`
says why a text is refused, as a code, a description and a hint, for the located diagnostic.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from dsl import codes

PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
INTEGER = re.compile(r"[+-]?[0-9]+")
# What other readers take for a number (Python's float, YAML 1.1 ints and floats): digit groups,
# a bare decimal mark, other bases, sexagesimal.
NUMBER_LIKE = re.compile(
    r"[+-]?(?:0[xob][0-9a-fA-F_]*|[0-9_]*\.?[0-9_]+(?:[:.][0-9_]+)*(?:[eE][+-]?[0-9_]*)?|"
    r"[0-9_]+\.)",
)
NOT_FINITE_WORDS = frozenset({"nan", "inf", "infinity", ".nan", ".inf"})
PLAIN_HINT = (
    "write ASCII digits 0-9 with an optional sign and a point for decimals, a digit on each side"
    " of it: 107.9, -12, 0.5, 1.2e3 (no digit groups, no other scripts' digits)"
)


@dataclass(frozen=True, slots=True)
class NumberFault:
    """Why a text is not a number of the data grammar: the code, what it is, and a true hint."""

    code: codes.Code
    description: str
    hint: str


def read_number(text: str) -> int | float | None:
    """The finite number `text` writes in the data grammar (surrounding blanks allowed), an `int`
    when written without a point or exponent; None when it writes none.
    """
    stripped = text.strip()
    if not PLAIN_NUMBER.fullmatch(stripped):
        return None
    value = float(stripped)
    if not math.isfinite(value):
        return None
    return int(stripped) if INTEGER.fullmatch(stripped) else value


def is_finite_number(value: object) -> bool:
    """Whether `value` is an int or float (not a bool) with a finite value."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value)


def fault(text: str) -> NumberFault | None:
    """Why `text` is not a finite number of the grammar; None for a number of the grammar and for
    a text that does not look like a number at all (a word, a decimal comma, a unit after the
    number: the caller's D008).
    """
    if read_number(text) is not None:
        return None
    stripped = text.strip()
    words = stripped.lower().lstrip("+-")
    if words in NOT_FINITE_WORDS:
        return NumberFault(
            codes.NOT_FINITE,
            f"`{stripped}` is not a finite number",
            "give the value as a number; leave the row out when the value is not known",
        )
    if PLAIN_NUMBER.fullmatch(stripped):
        return NumberFault(
            codes.NOT_FINITE,
            f"`{stripped}` is too large to be read as a number (it would be infinite)",
            "check the exponent or the number of digits; a value this large is a typing error",
        )
    if _reads_as_number_elsewhere(stripped):
        return NumberFault(
            codes.NUMBER_SYNTAX, f"`{stripped}` is not written as a plain number", PLAIN_HINT
        )
    return None


def _reads_as_number_elsewhere(text: str) -> bool:
    """Whether Python or YAML would take `text` for a number, or it holds a non-ASCII digit."""
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text):
        return True
    if NUMBER_LIKE.fullmatch(text):
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def finite_product(value: float, factor: float) -> float | None:
    """`value * factor` (a unit conversion), or None when it overflows to infinity."""
    result = value * factor
    return result if math.isfinite(result) else None


OVERFLOW_HINT = "the value is too large for its unit once converted; check the number and the unit"
