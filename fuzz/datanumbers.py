"""The fuzz target of the data number grammar (`numbers`, registered in fuzz/targets.py).

Byte 0 picks the unit a value is given in (and so the conversion to the indicator's kton); the rest
is the text of one value. The text goes through `compiler.data.numbers` itself and through a real
series file, once as a CSV cell and once as a YAML scalar, loaded against the bundled policy.
Properties: the grammar reads only finite numbers written in ASCII digits, a sign, a point and an
exponent, as Python reads those; a loaded value is exactly the grammar's reading converted to the
indicator's unit, never negative and never infinite; a refused value is one located data diagnostic
with a hint, and nothing is loaded.
"""

from __future__ import annotations

import csv
import io
import math
from decimal import Decimal

from compiler.check import units
from compiler.data import numbers
from compiler.data.series import load_series
from dsl.diagnostics import Diagnostics

INDICATOR = "nh3_landbouw"  # a national series in kton, not `negatief_toegestaan`
UNITS = ("kton", "ton", "kg", "Mton", "g")
HEADER = ("indicator", "period", "value", "unit", "status", "source")
REFUSALS = {"D007", "D008", "D013", "D023", "D024", "D025"}  # what a bad value may be refused as


def numbers_input(unit: str, text: str) -> bytes:
    """The target input for a value `text` given in `unit` (one of UNITS)."""
    return bytes([UNITS.index(unit)]) + text.encode("utf-8")


def run_numbers(data: bytes, policy, folder) -> None:
    """One value through the grammar, a CSV series and a YAML series (see the module docstring)."""
    if not data:
        return
    unit = UNITS[data[0] % len(UNITS)]
    text = data[1:].decode("utf-8", errors="replace").replace("\x00", "")
    value = numbers.read_number(text)
    _check_grammar(text, value)
    expected = _expected(value, unit)
    csv_value = _load(folder / "series.csv", _csv_text(text, unit), policy)
    assert csv_value == expected, f"CSV `{text}` {unit}: loaded {csv_value}, expected {expected}"
    yaml_value = _load(folder / "series.yaml", _yaml_text(text, unit), policy, strict=False)
    if yaml_value is not None:
        assert math.isfinite(yaml_value) and yaml_value >= 0, f"YAML loaded {yaml_value}"
    if _plain_yaml_scalar(text):  # YAML reads it as written: the same value as the CSV cell
        assert yaml_value == expected, f"YAML `{text}` {unit}: {yaml_value} != {expected}"


def _check_grammar(text: str, value) -> None:
    """What the grammar reads is finite, written in its alphabet, and what Python reads."""
    if value is None:
        refused = numbers.fault(text)
        assert refused is None or refused.code.id in ("D023", "D024"), refused
        return
    stripped = text.strip()
    assert numbers.PLAIN_NUMBER.fullmatch(stripped), f"`{text}` read outside the grammar"
    assert math.isfinite(value) and value == float(stripped), (text, value)
    assert numbers.fault(text) is None, f"`{text}` both read and refused"
    assert isinstance(value, int) == bool(numbers.INTEGER.fullmatch(stripped))


def _expected(value, unit: str) -> float | None:
    """The value a series loads for the grammar's reading: converted exactly to kton, or None
    when it is refused (no number, negative, or infinite once converted).
    """
    if value is None or value < 0:
        return None
    converted = float(units.convert(Decimal(str(value)), units.lookup(unit), units.lookup("kton")))
    return converted if math.isfinite(converted) else None


def _csv_text(text: str, unit: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER)
    writer.writerow((INDICATOR, "2021", text, unit, "measured", "fuzz"))
    return out.getvalue()


def _yaml_text(text: str, unit: str) -> str:
    return (
        f"- indicator: {INDICATOR}\n  period: '2021'\n  value: {text}\n  unit: {unit}\n"
        "  status: measured\n  source: fuzz\n"
    )


def _plain_yaml_scalar(text: str) -> bool:
    """Whether YAML reads `text` after `value: ` as one plain scalar of exactly that text."""
    return (
        bool(text)
        and text == text.strip()
        and all(ch.isascii() and (ch.isalnum() or ch in "+-._") for ch in text)
    )


def _load(path, content: str, policy, strict: bool = True) -> float | None:
    """The value of nh3_landbouw in 2021 a series file loads, or None after its diagnostics."""
    path.write_text(content, encoding="utf-8")
    diags = Diagnostics()
    series = load_series([path], policy, diags)
    observations = series.of(INDICATOR)
    for d in diags:
        assert d.span is not None and d.span.path == str(path) and d.hint, d
        if strict:
            assert d.code.id in REFUSALS, f"{d.code.id}: {d.message}"
    if observations:
        assert not diags.has_errors and len(observations) == 1
        return observations[0].value
    assert diags.has_errors, "a value neither loaded nor refused"
    return None


def numbers_seeds() -> list[tuple[str, bytes]]:
    values = [
        ("kton", "107.9"),
        ("ton", "107900"),
        ("kton", "10_7.9"),
        ("kton", "١٠٧.٩"),
        ("kton", "１０７.９"),
        ("kton", "nan"),
        ("kton", ".inf"),
        ("kton", "1e999"),
        ("Mton", "1e306"),
        ("kton", "-5"),
        ("kton", "+3"),
        ("g", "0.5"),
        ("kton", ".5"),
        ("kton", "0x1F"),
        ("kton", "1_000"),
        ("kton", "107,9"),
        ("kg", "1.2e3"),
        ("kton", "veel"),
    ]
    return [(f"{unit}-{i}", numbers_input(unit, text)) for i, (unit, text) in enumerate(values)]


def numbers_dictionary() -> list[bytes]:
    words = {"0", "1", "9", ".", "-", "+", "e", "E", "e+", "e-", "_", ",", " ", "nan", "inf"}
    words |= {".nan", ".inf", "Infinity", "0x", "0o", ":", "1e308", "1e999", "٠", "٩", "０", "９"}
    words |= {"'", '"', "\n", "[", "{", "#", "!!float ", "!!int ", "~"}
    return sorted(w.encode() for w in words)
