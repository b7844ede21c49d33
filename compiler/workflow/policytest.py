"""Running policy scenario tests (`beleid test`): YAML files kept with the policy
(`policy/tests/*.yaml`) that give monitoring inputs and moments and state what each moment must
give.

Each case runs its moments in order against a ledger of its own (in memory), so ladder steps build
up as they would in real monitoring; each moment's inputs (data files or inline series) and the
case's assumptions are read here, its evaluation compared by `policytestcompare` and counted by
`policytestcoverage`. Structural problems are diagnostics (T0xx, and D0xx or P012 for the data a
test names, regional tables included); wrong outcomes are failures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from compiler.check.kinds import entity_kinds
from compiler.check.layout import within_repository
from compiler.check.model import Policy
from compiler.check.resolve import did_you_mean
from compiler.data import dataschema
from compiler.data.entities import load_entities
from compiler.data.events import load_events
from compiler.data.regions import load_region_table
from compiler.data.scenario import Assumption, apply_assumptions, parse_value
from compiler.data.series import load_series
from compiler.data.types import Monitoring, Series
from compiler.data.validation import valid_period
from compiler.evaluate.ledger import Ledger, LedgerError
from compiler.evaluate.moment import evaluate
from compiler.workflow.policytestcompare import Failure, compare
from compiler.workflow.policytestcoverage import Coverage
from compiler.workflow.policytestfile import load, without_lines
from dsl import codes
from dsl.diagnostics import Diagnostics
from dsl.source import Span


@dataclass
class Outcome:
    """What running the test files gave: counts, failures and coverage."""

    files: int = 0
    cases: int = 0
    moments: int = 0
    checks: int = 0
    failures: list[Failure] = field(default_factory=list)
    coverage: Coverage | None = None


def run(policy: Policy, files: list[Path], diags: Diagnostics) -> Outcome:
    """Run every case of every file; structural problems go to `diags`, wrong outcomes to
    failures.
    """
    outcome = Outcome(coverage=Coverage.of(policy))
    for path in files:
        data = load(path, diags)
        if data is None:
            continue
        outcome.files += 1
        for case in data["cases"]:
            _run_case(policy, path, case, outcome, diags)
    return outcome


# The data inputs a case or one of its moments may name.
INPUTS = ("series", "farms", "events", "tables")


def _run_case(policy: Policy, path: Path, case: dict, outcome: Outcome, diags: Diagnostics) -> None:
    assumed = _assumptions(policy, path, case, diags)
    if assumed is None:
        return
    outcome.cases += 1
    ledger = Ledger(":memory:")
    inputs = {k: case.get(k) for k in INPUTS}
    named_at = {k: _key_line(case, k) for k in INPUTS if k in case}
    for step in case["moments"]:
        inputs.update({k: step[k] for k in INPUTS if k in step})
        named_at.update({k: _key_line(step, k) for k in INPUTS if k in step})
        lines = {k: named_at.get(k, step["__line__"]) for k in INPUTS}
        monitoring = _monitoring(assumed, path, inputs, lines, diags)
        moment = _moment(step["as_of"])
        if monitoring is None or moment is None:
            if moment is None:
                diags.add(
                    codes.TEST_FILE_INVALID,
                    Span.point(str(path), step["__line__"]),
                    f"`as_of: {step['as_of']}` is not a year or a date",
                    hint="write 2027 or 2027-06-30",
                )
            return
        evaluation = evaluate(assumed, monitoring, moment, ledger.history(moment))
        try:
            ledger.record(evaluation, "policy tests")
        except (
            LedgerError
        ) as error:  # the case's ledger refuses a moment out of order, or one run again
            again = (
                "again with other data"
                if error.code is codes.LEDGER_CONFLICT
                else "before one it already ran"
            )
            diags.add(
                codes.TEST_FILE_INVALID,
                Span.point(str(path), step["__line__"]),
                f"`as_of: {step['as_of']}` runs a moment of case `{case['name']}` {again}",
                hint="list the moments of a case in order, each once",
            )
            return
        outcome.moments += 1
        outcome.coverage.record(evaluation)
        checks, failures = compare(evaluation, step["expect"], monitoring.population)
        outcome.checks += checks
        outcome.failures += [
            Failure(str(path), line, case["name"], moment.isoformat(), what, expected, actual)
            for line, what, expected, actual in failures
        ]
    ledger.close()


def _assumptions(policy: Policy, path: Path, case: dict, diags: Diagnostics) -> Policy | None:
    found = []
    for item in case.get("assumptions", []):
        decl = policy.declarations.get(item["declaration"])
        value = parse_value(item["field"], item["value"], path) if decl else None
        if value is None:
            hint = (
                did_you_mean(item["declaration"], list(policy.declarations))
                if decl is None
                else (
                    'write the value as in a rule file, e.g. "90 kton" or "6 maanden na monitoring"'
                )
            )
            diags.add(
                codes.TEST_DATA_INVALID,
                Span.point(str(path), item["__line__"]),
                f"cannot assume `{item['value']}` for `{item['declaration']}.{item['field']}`",
                hint=hint,
            )
            return None
        found.append(Assumption(decl.id, item["field"], value, item["why"]))
    return apply_assumptions(policy, tuple(found))


def _moment(value) -> dt.date | None:
    try:
        return (
            dt.date(int(value), 12, 31)
            if str(value).isdigit()
            else dt.date.fromisoformat(str(value))
        )
    except ValueError:
        return None


def _key_line(mapping: dict, key: str) -> int:
    """The line `key` is written on in a mapping the loader read, else the mapping's own line."""
    return mapping.get("__lines__", {}).get(key, mapping["__line__"])


def _monitoring(
    policy: Policy, path: Path, inputs: dict, lines: dict[str, int], diags: Diagnostics
) -> Monitoring | None:
    """The monitoring data a moment's inputs name; `lines` says where each input is named, for
    the diagnostics about it (a path out of the repository, a missing file).
    """
    schema = dataschema.data_schema(policy)
    before = len(diags)
    given = inputs["series"]
    if isinstance(given, dict):
        series = _inline_series(
            policy, path, without_lines(given), given.get("__line__", lines["series"]), diags
        )
    else:
        series = load_series(_paths(path, given, lines["series"], diags), policy, diags, schema)
    farms = _paths(path, inputs["farms"], lines["farms"], diags)
    population = load_entities(farms[0], policy, diags, schema) if farms else None
    events = load_events(
        _paths(path, inputs["events"], lines["events"], diags), policy, population, diags, schema
    )
    tables = _tables(policy, path, inputs.get("tables"), lines["tables"], diags, schema)
    if len(diags) > before and diags.has_errors:
        return None
    return Monitoring(series, population, events, tables=tables)


def _tables(
    policy: Policy, path: Path, given: dict | None, line: int, diags: Diagnostics, schema: dict
) -> dict:
    """The regional tables a test names, {kind: file}, each read as monitoring reads its own."""
    kinds, tables = entity_kinds(policy), {}
    for kind, name in sorted(without_lines(given or {}).items()):
        if kind not in kinds or kind == "bedrijf":
            diags.add(
                codes.TEST_DATA_INVALID,
                Span.point(str(path), line),
                f"`tables` names `{kind}`, which is not an entity kind with a table",
                hint=did_you_mean(kind, sorted(set(kinds) - {"bedrijf"}))
                or "farms go under `farms`",
            )
            continue
        for found in _paths(path, name, line, diags):
            table = load_region_table(found, kinds[kind], policy, diags, schema)
            if table is not None:
                tables[kind] = table
    return tables


def _inline_series(
    policy: Policy, path: Path, values: dict, line: int, diags: Diagnostics
) -> Series:
    known = {d.id for d in dataschema.series_indicators(policy)}
    for name in sorted(set(values) - known):
        diags.add(
            codes.TEST_DATA_INVALID,
            Span.point(str(path), line),
            f"`{name}` is not a series indicator",
            hint=did_you_mean(name, sorted(known))
            or "name an indicator declared with a national, sector, province or area level",
        )
    wrong = sorted(
        {
            str(period)
            for name, by_period in values.items()
            if name in known
            for period in by_period
            if not (
                re.fullmatch(dataschema.PERIOD_PATTERN, str(period)) and valid_period(str(period))
            )
        }
    )
    for period in wrong:
        diags.add(
            codes.TEST_FILE_INVALID,
            Span.point(str(path), line),
            f"`{period}` is not a year or a date",
            hint="write a year (2027) or a date as YYYY-MM-DD (2027-06-30)",
        )
    negative = _negative_values(policy, values, known)
    for name, period in negative:
        diags.add(
            codes.TEST_DATA_INVALID,
            Span.point(str(path), line),
            f"`{name}` in {period} is negative",
            hint=f"`{name}` cannot be negative: its indicator does not say `negatief_toegestaan`",
        )
    if wrong or negative:
        return Series()
    return Series.from_values(
        {
            name: {str(period): v for period, v in by_period.items()}
            for name, by_period in values.items()
            if name in known
        },
        "measured",
        path.name,
    )


def _negative_values(policy: Policy, values: dict, known: set[str]) -> list[tuple[str, str]]:
    """(indicator, period) of each negative value of an indicator not `negatief_toegestaan`."""
    return [
        (name, str(period))
        for name, by_period in sorted(values.items())
        if name in known and not policy.declarations[name].view.may_be_negative
        for period, value in by_period.items()
        if value < 0
    ]


def _paths(path: Path, given, line: int, diags: Diagnostics) -> list[Path]:
    names = [given] if isinstance(given, str) else list(given or [])
    paths = within_repository([path.parent / name for name in names], path, line, diags)
    for missing in (p for p in paths if not p.is_file()):
        diags.add(
            codes.TEST_DATA_INVALID,
            Span.point(str(path), line),
            f"no data file `{missing}`",
            hint="data paths are relative to the test file",
        )
    return [p for p in paths if p.is_file()]
