"""Records checked against the JSON Schema of compiler/data/dataschema.py with jsonschema: each
fault becomes a diagnostic naming file, line (the row) and field with a D0xx code and a hint, and
`valid_period` checks the real dates the schema's pattern cannot (`2027-02-30`).
"""

from __future__ import annotations

import datetime as dt
import math
import re

import jsonschema

from compiler.check.resolve import did_you_mean
from compiler.data import numbers
from compiler.data.tables import DataFile, Row
from dsl import codes


class RecordValidator:
    """Validates records of one type against the schema: the jsonschema errors of each, by field.

    Rows whose fields fall in the same classes (same enum words, same sign, same type) validate the
    same way, so each class is validated once and its result reused: 50,000 farm rows cost a few
    dozen jsonschema validations instead of 50,000.
    """

    def __init__(self, schema: dict, record_type: str) -> None:
        definition = schema["$defs"][record_type]
        self.properties = definition["properties"]
        # Rules that tie fields together (a unit allowed for this indicator) defeat per-field
        # classes.
        self.memoise = "allOf" not in definition
        self.validator = jsonschema.Draft202012Validator(
            {"$ref": f"#/$defs/{record_type}", **schema}
        )
        self.cache: dict[tuple, list[jsonschema.ValidationError]] = {}

    def errors(self, record: dict) -> list[jsonschema.ValidationError]:
        if not self.memoise:
            return sorted(self.validator.iter_errors(record), key=lambda e: list(e.path))
        key = tuple(sorted((name, self._classify(name, value)) for name, value in record.items()))
        if key not in self.cache:
            self.cache[key] = sorted(self.validator.iter_errors(record), key=lambda e: list(e.path))
        return self.cache[key]

    def _classify(self, name: str, value) -> object:
        if isinstance(value, (list, dict)):  # a YAML record can hold collections: each a class
            return ("c", repr(value))
        prop = self.properties.get(name)
        if prop is None or "enum" in prop or "const" in prop or "allOf" in prop:
            return ("v", type(value).__name__, value)
        if isinstance(value, bool) or value is None:
            return ("v", type(value).__name__, value)
        if isinstance(value, (int, float)):
            return ("n", value >= prop.get("minimum", -math.inf))
        if isinstance(value, str):
            pattern = prop.get("pattern")
            return (
                "s",
                bool(value) and len(value) >= prop.get("minLength", 0),
                bool(re.search(pattern, value)) if pattern else True,
            )
        return ("o", type(value).__name__)


def report_error(
    error: jsonschema.ValidationError,
    row: Row,
    record: dict,
    ctx: DataFile,
    field_codes: dict[str, codes.Code],
) -> None:
    """One schema error of a record as a located diagnostic; `field_codes` gives the code for an
    enum a field of this record type is checked against (an unknown indicator is D005).
    """
    name = str(error.path[0]) if error.path else None
    where = f"row {row.line - 1}" if ctx.header is not None else f"record on line {row.line}"
    if error.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        name = missing[0] if missing else None
        ctx.diags.add(
            codes.MISSING_VALUE,
            ctx.span(row),
            f"{where}: field `{name}` is missing",
            hint=f"every record needs {_required_list(error)}",
        )
        return
    if error.validator == "additionalProperties":
        extra = [k for k in record if k not in error.schema.get("properties", {})]
        for key in extra:
            known = list(error.schema.get("properties", {}))
            ctx.diags.add(
                codes.UNKNOWN_COLUMN,
                ctx.span(row, key),
                f"{where}: unknown field `{key}`",
                hint=did_you_mean(key, known) or f"fields: {', '.join(known)}",
            )
        return
    value = record.get(name)
    if value is None or value == "":
        ctx.diags.add(
            codes.MISSING_VALUE,
            ctx.span(row, name),
            f"{where}: field `{name}` is empty",
            hint="fill in a value, or leave the whole row out",
        )
        return
    code, hint = _classify_error(error, name, value, field_codes)
    ctx.diags.add(
        code,
        ctx.span(row, name),
        f"{where}, field `{name}`: {_describe(error, name, value, record)}",
        hint=hint,
    )


def _required_list(error: jsonschema.ValidationError) -> str:
    return ", ".join(f"`{n}`" for n in error.validator_value)


def _classify_error(
    error, name: str, value, field_codes: dict[str, codes.Code]
) -> tuple[codes.Code, str]:
    if error.validator == "type" and error.validator_value == "number":
        refused = numbers.fault(value) if isinstance(value, str) else None
        if refused is not None:
            return refused.code, refused.hint
        hint = (
            "write decimals with a point (1.5, not 1,5)"
            if isinstance(value, str) and "," in value
            else "write a plain number without a unit; units go in the `unit` column or the header"
        )
        return codes.NOT_A_NUMBER, hint
    if error.validator == "pattern" and name == "url":
        return (
            codes.NO_SOURCE,
            "give the page's address (https://...), or say in `source` where it is",
        )
    if error.validator == "pattern" and name == "published":
        return (
            codes.INVALID_PERIOD,
            "write the date as the page states it: 2024, 2024-07 or 2024-07-15",
        )
    if error.validator == "pattern":
        return codes.INVALID_PERIOD, "write a year (2027), a month (2027-06) or a date (2027-06-30)"
    if error.validator == "minimum":
        return (
            codes.VALUE_OUT_OF_RANGE,
            f"`{name}` cannot be negative: its indicator does not say `negatief_toegestaan`",
        )
    if error.validator == "enum":
        choices = [str(c) for c in error.validator_value]
        code = field_codes.get(name, codes.INVALID_CHOICE)
        if set(choices) == {"0", "1"}:
            return codes.VALUE_OUT_OF_RANGE, "a yes/no column holds 0 (nee) or 1 (ja)"
        hint = did_you_mean(str(value), choices) or _choice_hint(choices)
        return code, hint
    return codes.INVALID_CHOICE, error.message


def _choice_hint(choices: list[str]) -> str:
    shown = ", ".join(f"`{c}`" for c in choices[:12])
    return f"choose one of {shown}" + (", ..." if len(choices) > 12 else "")


_ENUM_PHRASES = {
    "indicator": "the policy declares no indicator `{value}`",
    "unit": "`{value}` is not a unit of `{indicator}`",
    "obligation": "the policy has no obligation, decision or duty `{value}`",
}


def _describe(error: jsonschema.ValidationError, name: str, value, record: dict) -> str:
    if error.validator == "enum" and name in _ENUM_PHRASES:
        return _ENUM_PHRASES[name].format(value=value, indicator=record.get("indicator"))
    if error.validator == "type":
        refused = numbers.fault(value) if isinstance(value, str) else None
        return refused.description if refused else f"`{value}` is not a number"
    if error.validator == "pattern" and name == "url":
        return f"`{value}` is not a web address"
    if error.validator == "pattern":
        return f"`{value}` is not a year, a month or a date"
    if error.validator == "minimum":
        return f"{value} is below {error.validator_value}"
    if error.validator == "enum":
        return f"`{value}` is not allowed here"
    return error.message


def valid_period(period: str) -> bool:
    """A real date, a real month, or a year that has one (`0000` has none)."""
    try:
        if len(period) == 7:
            dt.date.fromisoformat(period + "-01")
        elif len(period) > 4:
            dt.date.fromisoformat(period)
        else:
            dt.date(int(period), 12, 31)
        return True
    except ValueError:
        return False
