"""What changed between two recorded moments (`Ledger.changes`): statuses and trigger states,
triggers fired, obligations issued, fulfilled, ended and closed with the reason recorded, steps
escalated, lowered and left; and a clear refusal for a moment not recorded.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from compiler.data.types import Monitoring, Population, Series
from compiler.evaluate.conditions import Trace
from compiler.evaluate.entities import EntityObligation, LadderOutcome
from compiler.evaluate.ledger import Ledger
from compiler.evaluate.ledgerchanges import NotRecorded, labels_of
from compiler.evaluate.moment import Evaluation, History, TriggerOutcome, TriggerState
from compiler.evaluate.targets import TargetState, TargetStatus

FARMS = ("B0000001", "B0000002", "B0000003", "B0000004", "NL-lange-naam-5")
FIRST, SECOND, THIRD = (dt.date(y, 12, 31) for y in (2027, 2028, 2029))


def _mask(*farms: str) -> np.ndarray:
    return np.array([f in farms for f in FARMS])


def _evaluation(moment, selected, fulfilled, ended, steps, trigger, target) -> Evaluation:
    size = len(FARMS)
    population = Population(
        size, np.zeros(size, np.int8), np.zeros(size, np.int8), {}, "test", np.array(FARMS)
    )
    obligation = EntityObligation(
        "o_plan", "standing", _mask(*selected), 0, _mask(*fulfilled), _mask(*ended),
        FIRST.toordinal(), 0, np.zeros(size, bool), "", "l_handhaving",
    )  # fmt: skip
    ladder = LadderOutcome("l_handhaving", np.array(steps, np.int8), np.zeros(size, np.int8), ())
    return Evaluation(
        moment,
        (),
        {"t_doel": TargetStatus("t_doel", "i", "kton", target, "")},
        {"t_alarm": TriggerOutcome("t_alarm", trigger, Trace("t", None), ())},
        (),
        {"o_plan": obligation},
        {"l_handhaving": ladder},
        Monitoring(Series(), population, ()),
        History(),
    )


@pytest.fixture
def ledger():
    with Ledger(":memory:") as opened:
        opened.record(
            _evaluation(
                FIRST,
                ("B0000001", "B0000002", "B0000003", "NL-lange-naam-5"),
                (),
                (),
                [1, 0, 2, 0, 1],
                TriggerState.NOT_FIRED,
                TargetState.ON_TRACK,
            ),
            "p",
        )
        opened.record(
            _evaluation(
                SECOND,
                ("B0000001", "B0000004"),
                ("B0000002",),
                ("B0000003",),
                [2, 1, 1, 0, 0],
                TriggerState.FIRED,
                TargetState.OFF_TRACK,
            ),
            "p",
        )
        yield opened


def test_the_changes_between_two_moments_name_every_kind_of_change(ledger):
    changes = ledger.changes(FIRST, SECOND)
    assert [(t.name, t.before, t.after) for t in changes.targets] == [
        ("t_doel", "on_track", "off_track")
    ]
    assert [(t.name, t.before, t.after) for t in changes.triggers] == [
        ("t_alarm", "not_fired", "fired")
    ]
    assert changes.fired == ("t_alarm",)
    (plan,) = changes.obligations
    assert plan.counts() == {"issued": 1, "redated": 0, "fulfilled": 1, "ended": 1, "closed": 1}
    assert labels_of(plan.issued) == ["B0000004"]
    assert labels_of(plan.fulfilled) == ["B0000002"]
    assert labels_of(plan.ended) == ["B0000003"]
    assert labels_of(plan.closed) == ["NL-lange-naam-5"]  # neither fulfilled nor ended: closed
    (ladder,) = changes.ladders
    assert sorted(labels_of(ladder.escalated)) == ["B0000001", "B0000002"]
    assert labels_of(ladder.lowered) == ["B0000003"]
    assert labels_of(ladder.left) == ["NL-lange-naam-5"]


def test_changes_over_several_moments_are_net_with_the_last_reason(ledger):
    ledger.record(
        _evaluation(
            THIRD,
            ("B0000002", "B0000004"),
            (),
            ("B0000001",),
            [2, 1, 1, 0, 0],
            TriggerState.FIRED,
            TargetState.OFF_TRACK,
        ),
        "p",
    )
    changes = ledger.changes(FIRST, THIRD)
    (plan,) = changes.obligations
    # B0000002 was fulfilled in 2028 and open again in 2029 with the same dates: no net change
    assert plan.counts() == {"issued": 1, "redated": 0, "fulfilled": 0, "ended": 2, "closed": 1}
    assert labels_of(plan.issued) == ["B0000004"]
    assert labels_of(plan.ended) == ["B0000001", "B0000003"]
    assert changes.fired == ("t_alarm",)
    assert ledger.changes_since_previous(THIRD).triggers == ()  # fired at both moments
    assert ledger.changes_since_previous(FIRST) is None


def test_a_moment_not_recorded_is_refused_by_name(ledger):
    with pytest.raises(NotRecorded, match="2030-12-31 is not recorded"):
        ledger.changes(FIRST, dt.date(2030, 12, 31))
