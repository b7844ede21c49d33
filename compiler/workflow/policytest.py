"""Policy scenario tests (`beleid test`): YAML files kept with the policy (`policy/tests/*.yaml`)
that give monitoring inputs and moments and state the expected target statuses, trigger states,
obligations (which farms, which due dates), duties and enforcement steps.

Each case runs its moments in order against a ledger of its own (in memory), so ladder steps build
up as they would in real monitoring. Failures say file, line, case, moment, expected and actual.
Coverage counts what the cases exercised: each trigger firing and not firing, each consequence and
per-farm obligation issued and not issued, each ladder step reached, each target decided.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import numpy as np

from compiler.check import views
from compiler.check.layout import within_repository
from compiler.check.model import Policy
from compiler.check.resolve import did_you_mean
from compiler.data import dataschema
from compiler.data.entities import load_entities
from compiler.data.events import load_events
from compiler.data.scenario import ASSUMABLE, Assumption, apply_assumptions, parse_value
from compiler.data.series import load_series
from compiler.data.types import Monitoring, Population, Series
from compiler.data.validation import valid_period
from compiler.data.yamlsafe import UNREADABLE, LineLoader, read_yaml_file
from compiler.evaluate.duties import DutyStatus
from compiler.evaluate.ledger import Ledger, LedgerError
from compiler.evaluate.moment import Evaluation, TriggerState, evaluate
from compiler.evaluate.targets import STATUSES, TargetState
from dsl import codes
from dsl.diagnostics import Diagnostics
from dsl.source import Span


def _words(statuses) -> list[str]:
    """The words of a status enum as plain strings (the schema's messages quote them)."""
    return [s.value for s in statuses]


_FILES = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
# Series: data files, or values written in the test: {indicator: {year or period: number}}
_SERIES = {
    "oneOf": [
        _FILES["oneOf"][0],
        _FILES["oneOf"][1],
        {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "number"},
            },
        },
    ]
}
_EXPECT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "targets": {"type": "object", "additionalProperties": {"enum": _words(STATUSES)}},
        "triggers": {
            "type": "object",
            "additionalProperties": {"enum": _words(TriggerState)},
        },
        "duties": {
            "type": "object",
            "additionalProperties": {"enum": [*_words(DutyStatus), "none"]},
        },
        "obligations": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "farms": {"type": "array", "items": {"type": "string"}},
                    "entities": {"type": "array", "items": {"type": "string"}},
                    "count": {"type": "integer", "minimum": 0},
                    "due": {"type": ["string", "null"]},
                    "overdue": {"type": "integer", "minimum": 0},
                },
            },
        },
        "steps": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
        },
    },
}
_MOMENT = {
    "type": "object",
    "required": ["as_of", "expect"],
    "additionalProperties": False,
    "properties": {
        "as_of": {"type": ["integer", "string"]},
        "series": _SERIES,
        "farms": {"type": "string"},
        "events": _FILES,
        "expect": _EXPECT,
    },
}
TEST_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "beleid policy test file",
    "type": "object",
    "required": ["cases"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "cases": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "moments"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "series": _SERIES,
                    "farms": {"type": "string"},
                    "events": _FILES,
                    "assumptions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["declaration", "field", "value", "why"],
                            "additionalProperties": False,
                            "properties": {
                                "declaration": {"type": "string"},
                                "field": {"enum": sorted(ASSUMABLE)},
                                "value": {"type": "string"},
                                "why": {"type": "string", "minLength": 1},
                            },
                        },
                    },
                    "moments": {"type": "array", "minItems": 1, "items": _MOMENT},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Failure:
    path: str
    line: int
    case: str
    moment: str
    what: str  # e.g. "trigger landbouw_achter_op_streefwaarde"
    expected: str
    actual: str


@dataclass
class Coverage:
    """Every coverage item of the policy, and the ones some case exercised."""

    items: dict[str, set[str]] = field(default_factory=dict)  # category -> all items
    hit: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, policy: Policy) -> Coverage:
        triggers = policy.views(views.Trigger)
        consequences = {c.target.name for t in triggers for c in t.consequences}
        farm_duties = {o.id for o in policy.views(views.Obligation) if o.selection is not None}
        items = {
            "targets": {t.id for t in policy.views(views.Target)},
            "triggers": {f"{t.id}: {b}" for t in triggers for b in ("fired", "not fired")},
            "obligations": {
                f"{name}: {b}"
                for name in sorted(consequences | farm_duties)
                for b in ("issued", "not issued")
            },
            "ladder steps": {
                f"{ladder.id}: step {step.number}"
                for ladder in policy.views(views.Ladder)
                for step in ladder.steps
            },
        }
        return cls(items, {category: set() for category in items})

    def record(self, evaluation: Evaluation) -> None:
        self._add(
            "targets",
            {
                t.target
                for t in evaluation.targets.values()
                if t.status not in (TargetState.NO_DATA, TargetState.CANNOT_DECIDE)
            },
        )
        self._add(
            "triggers",
            {
                f"{t.trigger}: {'fired' if t.state == TriggerState.FIRED else 'not fired'}"
                for t in evaluation.triggers.values()
                if t.state != TriggerState.UNDECIDED
            },
        )
        issued = {d.declaration for d in evaluation.duties} | {
            o.obligation
            for o in (
                *evaluation.entity_obligations.values(),
                *evaluation.regional_obligations.values(),
            )
            if o.count
        }
        in_force = set(evaluation.in_force)
        self._add(
            "obligations",
            {f"{name}: issued" for name in issued}
            | {f"{name}: not issued" for name in in_force - issued},
        )
        self._add(
            "ladder steps",
            {
                f"{ladder.ladder}: step {int(s)}"
                for ladder in evaluation.ladders.values()
                for s in np.unique(ladder.steps)
                if s > 0
            },
        )

    def _add(self, category: str, found: set[str]) -> None:
        self.hit[category] |= found & self.items[category]

    def percent(self, category: str | None = None) -> float:
        categories = [category] if category else list(self.items)
        total = sum(len(self.items[c]) for c in categories)
        return 100.0 * sum(len(self.hit[c]) for c in categories) / total if total else 100.0

    def missed(self, category: str) -> list[str]:
        return sorted(self.items[category] - self.hit[category])


@dataclass
class Outcome:
    files: int = 0
    cases: int = 0
    moments: int = 0
    checks: int = 0
    failures: list[Failure] = field(default_factory=list)
    coverage: Coverage | None = None


def discover(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        found += (
            sorted(path.rglob("*.yaml")) + sorted(path.rglob("*.yml")) if path.is_dir() else [path]
        )
    return found


def run(policy: Policy, files: list[Path], diags: Diagnostics) -> Outcome:
    """Run every case of every file; structural problems go to `diags`, wrong outcomes to failures."""
    outcome = Outcome(coverage=Coverage.of(policy))
    for path in files:
        data = _load(path, diags)
        if data is None:
            continue
        outcome.files += 1
        for case in data["cases"]:
            _run_case(policy, path, case, outcome, diags)
    return outcome


def _load(path: Path, diags: Diagnostics) -> dict | None:
    data = read_yaml_file(
        path, diags, codes.TEST_FILE_INVALID, "policy/tests/doelsturing.yaml", LineLoader
    )
    if data is UNREADABLE:
        return None
    errors = list(jsonschema.Draft202012Validator(TEST_SCHEMA).iter_errors(_without_lines(data)))
    for error in errors[:10]:
        where = "/".join(map(str, error.path)) or "(top level)"
        diags.add(
            codes.TEST_FILE_INVALID,
            Span.point(str(path), _line(data, error.path)),
            f"`{where}`: {error.message}",
            hint="see docs/pull-requests.md, 'Policy tests', for the format",
        )
    return None if errors else data


def _without_lines(data):
    """The data without the `__line__` and `__columns__` keys the loader adds (for validation)."""
    if isinstance(data, dict):
        return {k: _without_lines(v) for k, v in data.items() if not str(k).startswith("__")}
    if isinstance(data, list):
        return [_without_lines(v) for v in data]
    return data.isoformat() if isinstance(data, dt.date) else data


def _line(data, where) -> int:
    """The line of the deepest mapping on an error's path."""
    line, node = 1, data
    for key in where:
        if isinstance(node, dict):
            line = node.get("__line__", line)
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return node.get("__line__", line) if isinstance(node, dict) else line


def _run_case(policy: Policy, path: Path, case: dict, outcome: Outcome, diags: Diagnostics) -> None:
    assumed = _assumptions(policy, path, case, diags)
    if assumed is None:
        return
    outcome.cases += 1
    ledger = Ledger(":memory:")
    inputs = {
        "series": case.get("series"),
        "farms": case.get("farms"),
        "events": case.get("events"),
    }
    for step in case["moments"]:
        inputs.update({k: step[k] for k in ("series", "farms", "events") if k in step})
        monitoring = _monitoring(assumed, path, inputs, step["__line__"], diags)
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
        checks, failures = _compare(evaluation, step["expect"], monitoring.population)
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
                else 'write the value as in a rule file, e.g. "90 kton" or "6 maanden na monitoring"'
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


def _monitoring(
    policy: Policy, path: Path, inputs: dict, line: int, diags: Diagnostics
) -> Monitoring | None:
    schema = dataschema.data_schema(policy)
    before = len(diags)
    given = inputs["series"]
    if isinstance(given, dict):
        series = _inline_series(
            policy, path, _without_lines(given), given.get("__line__", line), diags
        )
    else:
        series = load_series(_paths(path, given, line, diags), policy, diags, schema)
    farms = _paths(path, inputs["farms"], line, diags)
    population = load_entities(farms[0], policy, diags, schema) if farms else None
    events = load_events(
        _paths(path, inputs["events"], line, diags), policy, population, diags, schema
    )
    if len(diags) > before and diags.has_errors:
        return None
    return Monitoring(series, population, events)


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
    if wrong:
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


# ---------------------------------------------------------------------------------------- comparing


def _compare(evaluation: Evaluation, expect: dict, population: Population | None):
    checks, failures = 0, []
    for kind, compare in (
        ("targets", _targets),
        ("triggers", _triggers),
        ("duties", _duties),
        ("obligations", _obligations),
        ("steps", _steps),
    ):
        for name, wanted in _items(expect.get(kind, {})):
            line = expect[kind].get("__line__", expect["__line__"])
            for what, expected, actual in compare(evaluation, name, wanted, population):
                checks += 1
                if expected != actual:
                    failures.append((line, what, expected, actual))
    return checks, failures


def _items(mapping: dict):
    return [(k, v) for k, v in mapping.items() if not str(k).startswith("__")]


def _targets(evaluation, name, wanted, _population):
    status = evaluation.targets.get(name)
    actual = status.status if status else "not in force"
    why = f" ({status.reason})" if status and actual != wanted else ""
    yield f"target {name}", wanted, actual + why


def _triggers(evaluation, name, wanted, _population):
    outcome = evaluation.triggers.get(name)
    yield f"trigger {name}", wanted, outcome.state if outcome else "not in force"


def _duties(evaluation, name, wanted, _population):
    found = sorted({d.status for d in evaluation.duties if d.declaration == name})
    yield f"duty {name}", wanted, ", ".join(found) or "none"


def _obligations(evaluation, name, wanted, population):
    obligation = evaluation.entity_obligations.get(name)
    if obligation is None and name in evaluation.regional_obligations:
        obligation = evaluation.regional_obligations[name]
        population = evaluation.regional_tables[obligation.kind]
    if obligation is None:
        yield f"obligation {name}", "issued to farms", "not issued to any farm"
        return
    rows = np.flatnonzero(obligation.selected)
    if "entities" in wanted:  # of any kind: farms, provinces, ...
        labels = sorted(population.label(int(i)) for i in rows)
        yield (
            f"obligation {name}: {obligation.kind} entities",
            ", ".join(sorted(wanted["entities"])) or "none",
            ", ".join(labels) or "none",
        )
    if "farms" in wanted:
        labels = sorted(population.label(int(i)) for i in rows) if population is not None else []
        yield (
            f"obligation {name}: farms",
            ", ".join(sorted(wanted["farms"])) or "none",
            ", ".join(labels) or "none",
        )
    if "count" in wanted:
        yield f"obligation {name}: count", str(wanted["count"]), str(len(rows))
    if "overdue" in wanted:
        yield (
            f"obligation {name}: overdue",
            str(wanted["overdue"]),
            str(int(np.count_nonzero(obligation.overdue))),
        )
    if "due" in wanted:
        days = sorted({int(d) for d in obligation.due_of(rows)})
        actual = (
            ", ".join(dt.date.fromordinal(d).isoformat() if d else "none" for d in days) or "none"
        )
        yield f"obligation {name}: due", str(wanted["due"] or "none"), actual


def _steps(evaluation, name, wanted, population):
    ladder = evaluation.ladders.get(name)
    for farm, step in _items(wanted):
        index = int(population.index_of([farm])[0]) if population is not None else -1
        actual = "no such farm" if index < 0 or ladder is None else str(int(ladder.steps[index]))
        yield f"ladder {name}: farm {farm}", str(step), actual


# ---------------------------------------------------------------------------------------- output


def render_text(outcome: Outcome) -> str:
    out = []
    for f in outcome.failures:
        out += [
            f"{f.path}:{f.line}: FAIL {f.case} @ {f.moment}: {f.what}",
            f"    expected: {f.expected}",
            f"    actual:   {f.actual}",
        ]
    coverage = outcome.coverage
    out.append(
        f"{outcome.files} files, {outcome.cases} cases, {outcome.moments} moments, {outcome.checks} checks: "
        f"{outcome.checks - len(outcome.failures)} passed, {len(outcome.failures)} failed"
    )
    out.append(f"coverage {coverage.percent():.1f}%")
    for category in coverage.items:
        missed = coverage.missed(category)
        out.append(
            f"  {category:<13} {len(coverage.hit[category]):>3}/{len(coverage.items[category]):<3} "
            f"{coverage.percent(category):5.1f}%"
        )
        if missed and category != "targets":
            out += [f"      not exercised: {m}" for m in missed]
    return "\n".join(out)


def to_json(outcome: Outcome) -> dict:
    coverage = outcome.coverage
    return {
        "files": outcome.files,
        "cases": outcome.cases,
        "moments": outcome.moments,
        "checks": outcome.checks,
        "failures": [f.__dict__ for f in outcome.failures],
        "coverage": {
            "percent": round(coverage.percent(), 2),
            "categories": {
                c: {
                    "covered": sorted(coverage.hit[c]),
                    "missed": coverage.missed(c),
                    "percent": round(coverage.percent(c), 2),
                }
                for c in coverage.items
            },
        },
    }
