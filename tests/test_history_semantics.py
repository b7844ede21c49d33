"""History semantics on the bundled policy (issue 15): what ends with a stopped programme, that
`behoudt` is exact, that an ended duty is never due or overdue, the supersessions the sources
record, and that every recurring duty has a first year and becomes due.
"""

from __future__ import annotations

import datetime as dt

import pytest

from compiler import compile_paths
from compiler.check.timeline import as_of
from compiler.data.types import Monitoring, Series
from compiler.evaluate.duties import DutyStatus
from compiler.evaluate.moment import evaluate
from tests.conftest import POLICY

NPLG_STOP = dt.date(2024, 9, 13)  # regeerprogramma regels 3437-3439: "We stoppen met het NPLG"
# What belongs to the NPLG and is not named by the `behoudt` of
# uitvoeringsgerichte_gebiedsspecifieke_aanpak: it ends with the NPLG.
ENDS_WITH_NPLG = (
    "nplg",
    "nplg_generieke_reductie",  # nplg_wat_blijft: "de 12% generieke reductie ... niet"
    "gebiedsprogrammas_provincies",
    "nplg_vaststelling",
    "nplg_ontwerpprogramma",
    "nplg_ijkmoment_2023",
    "transitiefonds",
    "nplg_middelen",  # the Transitiefonds's budget table
)
KEPT = (
    "nplg_natuurherstel_2030",
    "nplg_nieuw_bos_2030",
    "nplg_nnn_2027",
    "nplg_hydrologie_2027",
    "nplg_krw_2027",
    "nplg_klimaatadaptatie_2050",
    "nplg_veenweide_2030",
    "nplg_veehouderij_akkerbouw_2030",
    "nplg_methaan_2030",
    "nplg_vastlegging_bos_2030",
    "nplg_vastlegging_bodem_2030",
    "nplg_dooradering_2050",
)
RECURRING = (
    "wbs_rapportage_tweede_kamer",
    "staat_van_ons_water",
    "deltaprogramma_jaarlijks",
    "voortgang_grote_waterprojecten",
    "peh_vierjaarlijks",
    "pidi_cyclus",
    "klimaatnota",
)


@pytest.fixture(scope="module")
def compilation():
    return compile_paths([str(POLICY)])


def _nothing() -> Monitoring:
    return Monitoring(Series())


def _states(compilation, on: dt.date) -> dict[str, str]:
    return {s.declaration.id: s.state for s in as_of(compilation.policy, on)}


def _duties(compilation, on: dt.date) -> dict[str, DutyStatus]:
    evaluation = evaluate(compilation.policy, _nothing(), on)
    return {duty.declaration: duty.status for duty in evaluation.duties}


@pytest.mark.parametrize("name", ENDS_WITH_NPLG)
def test_history_everything_of_the_nplg_ends_on_2024_09_13(compilation, name):
    decl = compilation.policy.declarations[name]
    assert decl.valid_to == NPLG_STOP
    assert _states(compilation, NPLG_STOP - dt.timedelta(days=1))[name] == "in force"
    assert _states(compilation, NPLG_STOP)[name] == "ended"


@pytest.mark.parametrize("name", KEPT)
def test_history_what_behoudt_names_stands_after_the_nplg(compilation, name):
    assert compilation.policy.declarations[name].valid_to is None
    assert _states(compilation, dt.date(2027, 1, 1))[name] == "in force"


def test_history_the_12_percent_reduction_is_not_evaluated_after_the_stop(compilation):
    before = evaluate(compilation.policy, _nothing(), dt.date(2024, 1, 1))
    after = evaluate(compilation.policy, _nothing(), dt.date(2025, 1, 1))
    assert "nplg_generieke_reductie" in before.targets
    assert "nplg_generieke_reductie" not in after.targets
    assert "nplg_krw_2027" in after.targets


def test_history_nplg_commitments_are_not_overdue_in_2027(compilation):
    duties = _duties(compilation, dt.date(2027, 6, 1))
    for name in ("nplg_vaststelling", "nplg_ontwerpprogramma", "nplg_ijkmoment_2023"):
        assert name not in duties
    assert _duties(compilation, dt.date(2024, 6, 1))["nplg_vaststelling"] == DutyStatus.OVERDUE


def test_history_check_as_of_says_what_a_declaration_ended_with(compilation):
    from compiler.check.timeline import render_text

    text = render_text(as_of(compilation.policy, dt.date(2025, 1, 1)), dt.date(2025, 1, 1))
    line = next(line for line in text.splitlines() if " nplg_vaststelling " in line)
    assert line.endswith("(with nplg)")


def test_history_the_kdw_goal_gives_way_to_the_spoedwet_emission_targets(compilation):
    # vervolgpakket regels 425-428, 443-445; regeerprogramma regels 3880-3883
    on = dt.date(2025, 9, 16)
    assert compilation.policy.declarations["nplg_kdw_2030"].valid_to == on
    assert _states(compilation, on - dt.timedelta(days=1))["nplg_kdw_2030"] == "in force"
    after = _states(compilation, on)
    assert after["nplg_kdw_2030"] == "ended"
    assert after["reductieopgave_2035_vastgelegd"] == "in force"
    assert "nplg_kdw_2030" not in evaluate(compilation.policy, _nothing(), on).targets


def test_history_the_nmp_timetable_of_2022_gives_way_to_the_2023_letter(compilation):
    # nmp_voortgang regels 656-660: "een ander tijdpad ... dan ik u eerder heb gemeld"
    letter = dt.date(2023, 7, 14)
    assert _duties(compilation, letter - dt.timedelta(days=1))["nmp_planning_2022"] == "due"
    assert _states(compilation, letter)["nmp_planning_2022"] == "ended"
    assert "nmp_planning_2022" not in _duties(compilation, dt.date(2024, 6, 1))


MOMENTS = [dt.date(year, month, 1) for year in range(2023, 2036) for month in (1, 4, 7, 10)]


def test_history_no_ended_commitment_is_ever_due_or_overdue(compilation):
    """Over every duty at every quarter 2023-2035: a duty listed is in force at that moment."""
    declarations = compilation.policy.declarations
    for moment in MOMENTS:
        for duty in evaluate(compilation.policy, _nothing(), moment).duties:
            decl = declarations[duty.declaration]
            assert decl.valid_to is None or moment < decl.valid_to, (moment, duty)
            assert decl.valid_from is None or decl.valid_from <= moment, (moment, duty)


def test_history_every_recurring_duty_has_a_first_year(compilation):
    for decl in compilation.policy.of_kind("borging"):
        if decl.node.value("cadans") is not None:
            assert decl.node.value("eerste") is not None, decl.id


@pytest.mark.parametrize("name", RECURRING)
def test_history_the_seven_recurring_duties_become_due(compilation, name):
    statuses = {_duties(compilation, moment).get(name) for moment in MOMENTS}
    assert statuses & {DutyStatus.DUE, DutyStatus.OVERDUE}, statuses


def test_history_the_first_years_chosen(compilation):
    first = {
        name: int(compilation.policy.declarations[name].node.value("eerste").text)
        for name in RECURRING
    }
    assert first == {
        "wbs_rapportage_tweede_kamer": 2023,  # bevinding wbs_rapportage_eerste_jaar
        "staat_van_ons_water": 2023,  # bevinding nwp_rapportages_eerste_jaar
        "deltaprogramma_jaarlijks": 2023,
        "voortgang_grote_waterprojecten": 2023,
        "peh_vierjaarlijks": 2027,  # bevinding peh_eerste_actualisatie
        "pidi_cyclus": 2022,  # programmas_2022 regels 1317-1318 "December 2022: MIEK-brief"
        "klimaatnota": 2024,  # bevinding klimaatnota_eerste_jaar
    }
