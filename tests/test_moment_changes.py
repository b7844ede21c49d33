"""What changed between two recorded moments (compiler/evaluate/changes.py): obligations issued
and ended and steps raised from the ledger, target statuses and fired triggers from the two
evaluations; no earlier moment and no ledger are plain empty answers, never a new file.
"""

from __future__ import annotations

import datetime as dt

import pytest

from compiler.data.types import Monitoring
from compiler.evaluate.changes import Escalation, MomentChanges, changes_between, moment_changes
from compiler.evaluate.ledger import Ledger
from compiler.evaluate.moment import evaluate
from tests.evaluation_helpers import assume, event, farms, series

OFF_TRACK = {"nh3_landbouw": {"2019": 110.3, "2027": 105.0, "2029": 104.0, "2031": 103.0}}
FILED = (event("FILER", "bedrijfsplan", "filed", dt.date(2028, 1, 10)),)


@pytest.fixture(scope="module")
def policy(bundled_policy):
    return assume(
        bundled_policy,
        nh3_landbouw_2030__waarde="90 kton",
        bedrijfsplan__termijn="6 maanden na monitoring",
    )


def _farms(stubborn_emission: float, violations: int, clean_emission: float = 80):
    return farms(
        [
            ("STUBBORN", "melkvee", "utrecht", stubborn_emission, 100),
            ("FILER", "varkens", "limburg", 130, 100),
            ("CLEAN", "pluimvee", "zeeland", clean_emission, 100),
        ],
        overtredingen_doelsturing=[violations, 0, 0],
    )


def _monitoring(population, values=OFF_TRACK):
    return Monitoring(series(values), population, FILED)


@pytest.fixture(scope="module")
def ledger_path(policy, tmp_path_factory):
    """Moments 2027, 2029, 2031 (the stubborn farm climbs the ladder, the clean farm goes over its
    norm) and 2035 (the stubborn farm meets the norm, its business plan ends).
    """
    path = tmp_path_factory.mktemp("changes") / "ledger.sqlite"
    with Ledger(path) as ledger:
        for year, population in (
            (2027, _farms(120, 0)),
            (2029, _farms(120, 0)),
            (2031, _farms(120, 0, 130)),
            (2035, _farms(90, 1)),
        ):
            moment = dt.date(year, 12, 31)
            result = evaluate(policy, _monitoring(population), moment, ledger.history(moment))
            ledger.record(result, "policy")
    return path


def test_a_raised_step_is_an_escalation(ledger_path):
    changes = changes_between(ledger_path, dt.date(2029, 12, 31), dt.date(2031, 12, 31))
    assert changes.recorded and changes.earlier == dt.date(2029, 12, 31)
    assert Escalation("handhaving_doelsturing", 1, 2, 1) in changes.escalations


def test_the_previous_moment_is_found_and_a_met_norm_ends_the_obligation(ledger_path):
    changes = changes_between(ledger_path, None, dt.date(2035, 12, 31))
    assert changes.earlier == dt.date(2031, 12, 31)
    plan = next(o for o in changes.obligations if o.obligation == "bedrijfsplan")
    assert "STUBBORN" in plan.ended and "STUBBORN" not in plan.issued


def test_obligations_issued_and_ended_between_two_moments(ledger_path):
    issued = changes_between(ledger_path, None, dt.date(2031, 12, 31)).obligations
    assert ("maatregelen_boven_norm", ("CLEAN",), ()) in [
        (o.obligation, o.issued, o.ended) for o in issued
    ]
    filed = changes_between(ledger_path, None, dt.date(2029, 12, 31)).obligations
    assert ("bedrijfsplan", (), ("FILER",)) in [(o.obligation, o.issued, o.ended) for o in filed]


def test_the_first_moment_has_no_previous_one(ledger_path):
    changes = changes_between(ledger_path, None, dt.date(2027, 12, 31))
    assert changes == MomentChanges(dt.date(2027, 12, 31), None, True)


def test_a_moment_not_recorded_has_no_obligation_changes(ledger_path):
    changes = changes_between(ledger_path, None, dt.date(2033, 12, 31))
    assert changes.earlier == dt.date(2031, 12, 31) and not changes.recorded
    assert changes.obligations == () and changes.escalations == ()


def test_a_missing_ledger_is_no_history_and_is_not_created(tmp_path):
    path = tmp_path / "none.sqlite"
    assert changes_between(path, None, dt.date(2027, 12, 31)) == MomentChanges(
        dt.date(2027, 12, 31)
    )
    assert not path.exists()
    assert changes_between(None, None, dt.date(2027, 12, 31)).earlier is None


def test_target_statuses_and_fired_triggers_come_from_both_evaluations(policy, ledger_path):
    """2029 is off track on the 2030 streefwaarde; in 2031 the data says nothing new, in 2035 the
    target's deadline has passed: the status changes and the page lists it from → to.
    """
    moment = dt.date(2035, 12, 31)
    with Ledger(ledger_path, read_only=True) as ledger:
        history = ledger.history(moment)
    later = evaluate(policy, _monitoring(_farms(90, 1)), moment, history)
    changes = moment_changes(policy, _monitoring(_farms(90, 1)), ledger_path, later)
    earlier = evaluate(policy, _monitoring(_farms(90, 1)), dt.date(2031, 12, 31))
    expected = {
        ident
        for ident in earlier.targets.keys() | later.targets.keys()
        if getattr(earlier.targets.get(ident), "status", None)
        != getattr(later.targets.get(ident), "status", None)
    }
    assert expected and {c.declaration for c in changes.targets} == expected
    change = changes.targets[0]
    assert change.before != change.after
    fired = {t for t, o in later.triggers.items() if o.state == "fired"}
    assert {c.declaration for c in changes.fired} == fired
