"""Semantic checks on resolved declarations: fields per kind, vocabularies, dates, pending.

Reports P201-P204, P105, P220-P224, P290, P291 and P401. Units, citations, budget tables and
history have their own modules (unitcheck.py, citations.py, budgets.py, history.py).
"""

from __future__ import annotations

import datetime as dt

from compiler.check import character, schema
from compiler.check.resolve import did_you_mean
from dsl import codes, nodes
from dsl.diagnostics import Diagnostics, Related


def check_fields(decl: nodes.Declaration, diags: Diagnostics) -> None:
    """Required, allowed and repeated fields, and the citation requirement."""
    required, optional = schema.FIELDS[decl.kind]
    allowed = required | optional | schema.COMMON
    seen: dict[str, nodes.Field] = {}
    for f in decl.fields:
        if f.keyword == "indicatief":
            diags.add(
                codes.RETIRED_FLAG,
                f.span,
                "`indicatief` is no longer a flag",
                hint="write `karakter indicatief`, or the word the source uses (`karakter opgave`, "
                "`karakter streefwaarde`, ...; see docs/language.md)",
            )
        elif f.keyword not in allowed:
            diags.add(
                codes.FIELD_NOT_ALLOWED,
                f.span,
                f"`{f.keyword}` is not a field of a {decl.kind}",
                hint=f"fields of a {decl.kind}: {', '.join(sorted(allowed))}",
            )
        elif f.keyword in seen and f.keyword not in schema.REPEATABLE:
            diags.add(
                codes.REPEATED_FIELD,
                f.span,
                f"`{f.keyword}` appears twice in `{decl.id.name}`",
                hint="keep one; a field like this holds a single value",
                related=(Related("first written here", seen[f.keyword].span),),
            )
        seen.setdefault(f.keyword, f)
    for keyword in sorted(required - seen.keys()):
        diags.add(
            codes.MISSING_FIELD,
            decl.id.span,
            f"{decl.kind} `{decl.id.name}` has no `{keyword}`",
            hint=_missing_hint(decl.kind, keyword),
        )
    if decl.kind == "doel" and not ({"waarde", "reductie"} & seen.keys()):
        diags.add(
            codes.MISSING_FIELD,
            decl.id.span,
            f"doel `{decl.id.name}` has no `waarde` or `reductie`",
            hint='state the value, e.g. `waarde ten hoogste 100 kton`, or `waarde open "reason"`',
        )
    if _needs_character(decl, seen):
        diags.add(
            codes.CHARACTER_MISSING,
            decl.id.span,
            f"{decl.kind} `{decl.id.name}` is not `bindend` and has no `karakter`",
            hint="write the source's own word for it, e.g. `karakter opgave`, `karakter "
            "streefwaarde` or `karakter ambitie`; `bindend` only where the source binds",
        )
    if decl.kind not in schema.UNCITED_KINDS and "bron" not in seen:
        diags.add(
            codes.MISSING_CITATION,
            decl.id.span,
            f"{decl.kind} `{decl.id.name}` cites no source",
            hint='add `bron DOCUMENT regel N "verbatim quote"`',
        )


def _needs_character(decl: nodes.Declaration, seen: dict[str, nodes.Field]) -> bool:
    """A target the source sets (`soort doelstelling`, the default) that is not `bindend` must say
    what the source calls it; an estimate, option or proposal already says what it is.
    """
    if decl.kind not in character.REQUIRED_IN or {"bindend", "karakter"} & seen.keys():
        return False
    nature = seen.get("soort")
    return nature is None or getattr(nature.value, "name", None) == "doelstelling"


_MISSING_HINTS = {
    "indicator": "name the indicator the target is about: `indicator ID`",
    "uiterlijk": (
        'add a deadline, `uiterlijk 2035`, or `uiterlijk open "reason"` if the source gives none'
    ),
    "wie": "say who must act: `wie ACTOR` or `wie elk bedrijf waar ...`",
    "sleutel": "name the column that identifies each entity in its table: `sleutel code`",
    "termijn": (
        "add a deadline: `termijn 6 maanden na monitoring`, `termijn uiterlijk 2035` or "
        '`termijn open "reason"`'
    ),
}


def _missing_hint(kind: str, keyword: str) -> str:
    return _MISSING_HINTS.get(keyword, f"add a `{keyword}` field; see docs/language.md, `{kind}`")


def check_vocabulary(decl: nodes.Declaration, diags: Diagnostics) -> None:
    """Words from fixed lists: kinds of actor and commitment, statuses, budget sections. Levels and
    entity kinds depend on the kinds a policy declares: compiler/check/kinds.py checks those.
    """
    for f in decl.fields:
        words = schema.vocabulary(decl.kind, f.keyword)
        if f.keyword == "niveau":
            continue
        if words is not None and isinstance(f.value, nodes.Ref):
            check_word(f.value, words, f.keyword, diags)
        elif f.keyword == "post" or f.keyword == "totaal":
            check_word(f.value.section, schema.BUDGET_SECTIONS, "section", diags)


def check_word(ref: nodes.Ref, words: tuple[str, ...], what: str, diags: Diagnostics) -> None:
    if ref.name in words:
        return
    diags.add(
        codes.UNKNOWN_WORD,
        ref.span,
        f"unknown {what} `{ref.name}`",
        hint=did_you_mean(ref.name, list(words)) or f"use one of: {', '.join(words)}",
    )


def check_values(decl: nodes.Declaration, diags: Diagnostics) -> None:
    """Flags, numbers, dates and pending values inside one declaration."""
    word = decl.get("karakter")
    if (
        decl.get("bindend")
        and word is not None
        and isinstance(word.value, nodes.Ref)
        and word.value.name in character.NOT_BINDING
    ):
        diags.add(
            codes.CONTRADICTORY_FLAGS,
            word.span,
            f"`{decl.id.name}` is `bindend` but its `karakter` is `{word.value.name}`",
            hint="keep `bindend` only where the source makes the target legally binding",
        )
    for when in _dates_in(decl):
        parse_when(when, diags)
    for f in decl.fields:
        _check_numbers(f, diags)
        _warn_pending(decl, f, diags)
    _check_steps(decl, diags)
    _check_date_order(decl, diags)


def _dates_in(decl: nodes.Declaration):
    for f in decl.fields:
        value = f.value
        if isinstance(value, nodes.When):
            yield value
        elif isinstance(value, nodes.Reduction) and value.baseline is not None:
            yield value.baseline
        elif isinstance(value, (nodes.Interim, nodes.Effect)) and value.year is not None:
            yield value.year
        elif isinstance(value, nodes.Validity):
            yield from (w for w in (value.start, value.end) if w is not None)
        elif (
            isinstance(value, nodes.Supersession)
            and value.when is not None
            or isinstance(value, nodes.FixedTerm)
        ):
            yield value.when


def parse_when(
    when: nodes.When, diags: Diagnostics | None = None, *, end: bool = False
) -> dt.date | None:
    """The date a `When` stands for; a bare year is 1 January (or 31 December with `end`)."""
    try:
        if when.is_year:
            year = int(when.text)
            if not 1800 <= year <= 2300:
                raise ValueError
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        return dt.date.fromisoformat(when.text)
    except ValueError:
        if diags is not None:
            diags.add(
                codes.INVALID_DATE,
                when.span,
                f"`{when.text}` is not a valid date or year",
                hint="write a year (2035) or a date as YYYY-MM-DD (2025-09-16)",
            )
        return None


def _year(when: nodes.When) -> int | None:
    date = parse_when(when)
    return date.year if date else None


def _check_numbers(f: nodes.Field, diags: Diagnostics) -> None:
    value = f.value
    if isinstance(value, nodes.Reduction):
        for quantity in nodes.quantities_in(value.amount):
            if quantity.unit.text == "%" and not 0 <= float(quantity.number) <= 100:
                diags.add(
                    codes.INVALID_NUMBER,
                    quantity.span,
                    f"a reduction of {quantity.number} % is outside 0-100 %",
                    hint="a reduction is a share of the baseline between 0 and 100 %",
                )
    elif isinstance(value, nodes.Cadence) and value.every < 1:
        diags.add(
            codes.INVALID_NUMBER,
            value.span,
            "a cadence must be at least every 1 period",
            hint="write `jaarlijks` or `elke 2 jaar`",
        )
    elif isinstance(value, nodes.Citation) and value.last_line < value.first_line:
        diags.add(
            codes.RANGE_REVERSED,
            value.span,
            f"line range {value.first_line}-{value.last_line} runs backwards",
            hint=f"write `regels {value.last_line}-{value.first_line}`",
        )


def _warn_pending(decl: nodes.Declaration, f: nodes.Field, diags: Diagnostics) -> None:
    value = f.value
    pending = value if isinstance(value, nodes.Pending) else None
    if isinstance(value, (nodes.Interim, nodes.Reduction)) and isinstance(
        value.amount, nodes.Pending
    ):
        pending = value.amount
    if isinstance(value, nodes.Reduction) and value.baseline is None and pending is None:
        diags.add(
            codes.PENDING_VALUE,
            value.span,
            f"the baseline year of `{decl.id.name}` is pending",
            hint="the source names no baseline; add `t.o.v. JAAR` once a source fixes it",
        )
        return
    if pending is None:
        return
    reason = f": {pending.reason}" if pending.reason else ""
    diags.add(
        codes.PENDING_VALUE,
        pending.span,
        f"`{f.keyword}` of `{decl.id.name}` is pending{reason}",
        hint="fill in the value once a source fixes it; until then evaluation treats it as unknown",
    )


def _check_steps(decl: nodes.Declaration, diags: Diagnostics) -> None:
    for expected, f in enumerate(decl.all("stap"), start=1):
        if f.value.number != expected:
            diags.add(
                codes.INVALID_NUMBER,
                f.span,
                f"step {f.value.number} of `{decl.id.name}` should be step {expected}",
                hint="number the steps of a ladder 1, 2, 3, ... in order",
            )


def _check_date_order(decl: nodes.Declaration, diags: Diagnostics) -> None:
    deadline = decl.value("uiterlijk")
    deadline_year = _year(deadline) if isinstance(deadline, nodes.When) else None
    reduction = decl.value("reductie")
    if isinstance(reduction, nodes.Reduction) and reduction.baseline and deadline_year is not None:
        baseline = _year(reduction.baseline)
        if baseline is not None and baseline >= deadline_year:
            _out_of_order(
                diags,
                reduction.baseline,
                f"baseline year {baseline}",
                f"deadline {deadline_year}",
                deadline.span,
            )
    for f in decl.all("tussendoel"):
        year = _year(f.value.year)
        if year is not None and deadline_year is not None and year > deadline_year:
            _out_of_order(
                diags,
                f.value.year,
                f"interim year {year}",
                f"deadline {deadline_year}",
                deadline.span,
            )
    validity = decl.value("geldig")
    if isinstance(validity, nodes.Validity) and validity.start and validity.end:
        start, stop = parse_when(validity.start), parse_when(validity.end)
        if start and stop and start >= stop:
            _out_of_order(
                diags,
                validity.end,
                f"end of validity {validity.end.text}",
                f"its start {validity.start.text}",
                validity.start.span,
                after=True,
            )


def _out_of_order(diags, when, what, other, other_span, *, after=False) -> None:
    relation = "comes before" if after else "is not before"
    diags.add(
        codes.DATES_OUT_OF_ORDER,
        when.span,
        f"{what} {relation} {other}",
        hint="check both dates against the source",
        related=(Related(f"{other} is set here", other_span),),
    )
