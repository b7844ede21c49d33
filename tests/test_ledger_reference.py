"""The change-record ledger (schema 3) answers every history question exactly as the ledger that
stored a copy of every open obligation per moment (schema 2, kept in tests/ledgerv2/) does: over
random sequences of moments, recordings (plain, replacing, new runs, with conflicts and moments
out of order), populations that gain and lose farms, obligations issued, re-dated, fulfilled and
ended, actors' duties, ladder steps and events. A v2 ledger migrated to v3 answers the same too.
"""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.data.types import Event, Monitoring, Population, Series
from compiler.evaluate.conditions import Trace
from compiler.evaluate.duties import ActorDuty, DutyStatus
from compiler.evaluate.entities import EntityObligation, LadderOutcome
from compiler.evaluate.ledger import Ledger, LedgerError
from compiler.evaluate.moment import Evaluation, History, TriggerOutcome, TriggerState
from dsl.source import Span
from tests.ledgerv2.ledger import Ledger as ReferenceLedger
from tests.ledgerv2.ledger import LedgerError as ReferenceError

# Short, long (more than eight bytes) and non-ASCII labels, so both ways of matching are used.
LABELS = ("B0000001", "B0000002", "B7", "NL-0000123-A", "boerderij_één", "B0000003", "X")
ACTORS = ("minister_lnv", "gs_gelderland")
OBLIGATIONS = ("o_plan", "o_meting")
LADDER = "l_handhaving"
YEARS = (2026, 2027, 2028, 2029)
DAYS = [dt.date(2026, 1, 1).toordinal() + 200 * i for i in range(5)]


@st.composite
def evaluations(draw, moment: dt.date) -> Evaluation:
    everyone = st.just(list(LABELS))  # often the same farms, so that moments can change nothing
    labels = draw(
        st.one_of(everyone, st.lists(st.sampled_from(LABELS), unique=True, max_size=len(LABELS)))
    )
    size = len(labels)
    population = Population(
        size=size,
        sector=np.zeros(size, np.int8),
        province=np.zeros(size, np.int8),
        columns={"variant": np.full(size, float(draw(st.integers(0, 2))))},
        origin="test",
        labels=np.array(labels, dtype=str),
    )
    masks = st.lists(st.booleans(), min_size=size, max_size=size).map(lambda m: np.array(m, bool))
    dates = st.lists(st.sampled_from(DAYS), min_size=size, max_size=size).map(np.array)
    obligations = {}
    for name in draw(st.lists(st.sampled_from(OBLIGATIONS), unique=True)):
        selected = draw(masks)
        issued = draw(st.one_of(st.sampled_from(DAYS), dates))
        due = draw(st.one_of(st.sampled_from([0, *DAYS]), dates))
        obligations[name] = EntityObligation(
            name, "standing", selected, 0, draw(masks) & ~selected, draw(masks) & ~selected,
            issued, due, np.zeros(size, bool), "", LADDER,
        )  # fmt: skip
    some_steps = st.lists(st.integers(0, 3), min_size=size, max_size=size)
    steps = np.array(draw(st.one_of(st.just([1] * size), some_steps)), np.int8)
    ladders = (
        {LADDER: LadderOutcome(LADDER, steps, steps, ("a", "b", "c"))}
        if draw(st.booleans())
        else {}
    )
    duties = tuple(
        ActorDuty(name, "verplichting", actor, "standing", status, due, "")
        for name, actor, status, due in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(("o_plan", "d_besluit")),
                    st.sampled_from(ACTORS),
                    st.sampled_from(list(DutyStatus)),
                    st.sampled_from([None, dt.date(2030, 1, 1)]),
                ),
                unique_by=lambda t: t[:2],
                max_size=3,
            )
        )
    )
    events = tuple(
        Event(s, o, e, dt.date(y, 6, 1), Span.point("test"))
        for s, o, e, y in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(LABELS),
                    st.sampled_from(OBLIGATIONS),
                    st.sampled_from(("filed", "complied", "late")),
                    st.sampled_from(YEARS),
                ),
                max_size=3,
            )
        )
    )
    state = draw(st.sampled_from(list(TriggerState)))
    triggers = {"t_alarm": TriggerOutcome("t_alarm", state, Trace("t", None), ())}
    monitoring = Monitoring(Series(), population, events)
    return Evaluation(moment, (), {}, triggers, duties, obligations, ladders, monitoring, History())


@st.composite
def operations(draw):
    found = []
    for _ in range(draw(st.integers(1, 6))):
        moment = dt.date(draw(st.sampled_from(YEARS)), 12, 31)
        mode = draw(st.sampled_from(("plain", "plain", "replace", "new_run")))
        found.append((draw(evaluations(moment)), draw(st.sampled_from(("p1", "p2"))), mode))
    return found


def _outcome(ledger, evaluation, digest, mode, error_type):
    try:
        done = ledger.record(
            evaluation, digest, replace=mode == "replace", new_run=mode == "new_run"
        )
    except error_type as error:
        return error.code.id
    return (done.changed, done.obligations, done.steps, done.run)


def _answers(ledger) -> dict:
    """Every history question the ledger answers, as plain values."""
    moments = ledger.moments()
    asked = sorted({*moments, *(dt.date(y, 12, 31) for y in (*YEARS, 2030))})
    answers: dict = {"moments": moments}
    for moment in asked:
        history = ledger.history(moment)
        answers[moment] = (
            history.previous,
            {o: dict(s) for o, s in history.open_obligations.items()},
            {lad: dict(s) for lad, s in history.steps.items()},
            sorted((e.subject, e.obligation, e.event, e.date) for e in history.events),
        )
        recorded = ledger.recorded(moment)
        answers[moment, "run"] = None if recorded is None else recorded.run
    for subject in (*LABELS, *ACTORS):
        answers[subject] = ledger.steps_of(LADDER, subject)
    return answers


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations())
def test_the_change_record_answers_every_history_question_as_the_copy_did(steps):
    with Ledger(":memory:") as ledger, ReferenceLedger(":memory:") as reference:
        for evaluation, digest, mode in steps:
            ours = _outcome(ledger, evaluation, digest, mode, LedgerError)
            theirs = _outcome(reference, evaluation, digest, mode, ReferenceError)
            assert ours == theirs
            assert _answers(ledger) == _answers(reference)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations())
def test_a_version_2_ledger_migrated_answers_as_before(tmp_path_factory, steps):
    folder = tmp_path_factory.mktemp("migrate")
    path = folder / "v2.sqlite"
    with ReferenceLedger(path) as reference:
        for evaluation, digest, mode in steps:
            _outcome(reference, evaluation, digest, mode, ReferenceError)
        expected = _answers(reference)
    shutil.copy(path, folder / "copy.sqlite")
    with Ledger(folder / "copy.sqlite", read_only=True) as read:
        assert _answers(read) == expected
    with Ledger(path) as migrated:
        assert migrated.db.execute("PRAGMA user_version").fetchone()[0] == 3
        assert _answers(migrated) == expected
