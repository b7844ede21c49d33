"""Encoded facts, read through the compiled model (not by grepping files): numbers with their units
and years from all five source documents. A changed number in a rule file fails here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from compiler import compile_paths
from dsl import nodes
from tests.conftest import POLICY


@pytest.fixture(scope="module")
def policy():
    compilation = compile_paths([str(POLICY)])
    assert not compilation.diagnostics.has_errors
    return compilation.policy


def _target(policy, name):
    decl = policy.declarations[name].node
    reduction, value = decl.value("reductie"), decl.value("waarde")
    deadline = decl.value("uiterlijk")
    amount = reduction.amount if reduction else value
    numbers = tuple(Decimal(q.number) for q in nodes.quantities_in(amount))
    unit = nodes.quantities_in(amount)[0].unit.text
    baseline = reduction.baseline.text if reduction and reduction.baseline else None
    when = deadline.text if isinstance(deadline, nodes.When) else None  # None: pending
    return numbers, unit, when, baseline, decl.value("bron").document.name


TARGETS = [
    # seed 000: Vervolgpakket Nederland van het slot
    ("nh3_landbouw_2035", (42, 46), "%", "2035", "2019", "vervolgpakket"),
    ("nh3_industrie_2035", (50,), "%", "2035", "2019", "vervolgpakket"),
    ("nox_mobiliteit_2035", (50,), "%", "2035", "2019", "vervolgpakket"),
    ("nh3_melkvee_2030_motie_grinwis", (30,), "%", "2030", None, "vervolgpakket"),
    ("agrarisch_natuurbeheer_280000_ha", (280000,), "ha", None, None, "vervolgpakket"),
    # seed 003: the 2022 annex
    ("wbs_sk04_drinkwater_2035", (100,), "l/persoon/dag", "2035", None, "programmas_2022"),
    ("wbs_sk04_grootverbruikers", (20,), "%", None, None, "programmas_2022"),
    ("wbs_sk13_diepe_polders", (5, 10), "%", None, None, "programmas_2022"),
    ("wbs_sk25_grondwaterstand_veen", (20, 40), "cm", None, None, "programmas_2022"),
    ("wbs_sk31_grondwaterpeil", (10, 50), "cm", None, None, "programmas_2022"),
    ("wbs_sk08_zoetwaterbuffer", (50,), "cm", "2026", None, "programmas_2022"),
    ("wbs_sk08_winterpeil", (30,), "cm", None, None, "programmas_2022"),
    ("nplg_kdw_2030", (74,), "%", "2030", None, "programmas_2022"),
    ("nplg_nieuw_bos_2030", (37400,), "ha", "2030", None, "programmas_2022"),
    ("nplg_nnn_2027", (40571,), "ha", "2027", None, "programmas_2022"),
    ("nplg_veenweide_2030", (1,), "Mton CO2-eq", "2030", None, "programmas_2022"),
    ("nplg_veehouderij_akkerbouw_2030", (5,), "Mton CO2-eq", "2030", None, "programmas_2022"),
    ("nplg_methaan_2030", (Decimal("3.82"),), "Mton CO2-eq", "2030", None, "programmas_2022"),
    (
        "nplg_vastlegging_bos_2030",
        (Decimal("0.4"), Decimal("0.8")),
        "Mton CO2-eq",
        "2030",
        None,
        "programmas_2022",
    ),
    (
        "nplg_vastlegging_bodem_2030",
        (Decimal("0.5"),),
        "Mton CO2-eq",
        "2030",
        None,
        "programmas_2022",
    ),
    ("nplg_dooradering_2050", (10,), "%", "2050", None, "programmas_2022"),
    ("nplg_natuurherstel_2030", (30,), "%", "2030", None, "programmas_2022"),
    ("nplg_generieke_reductie", (12,), "%", None, None, "programmas_2022"),
    ("woningbouw_900000_2030", (900000,), "woningen", "2030-12-31", None, "programmas_2022"),
    ("bouwproductie_100000_per_jaar", (100000,), "woningen", "2024", None, "programmas_2022"),
    ("sociale_huur_250000_2030", (250000,), "woningen", "2030-12-31", None, "programmas_2022"),
    ("industrie_co2_2030", (Decimal("14.3"),), "Mton CO2-eq", "2030", "1990", "programmas_2022"),
    ("res_35_twh_2030", (35,), "TWh", "2030", None, "programmas_2022"),
    ("circulair_2030", (50,), "%", "2030", None, "programmas_2022"),
    ("waterstoftankstations_2025", (50,), "aantal", "2025", None, "programmas_2022"),
    ("schone_lucht_akkoord_2030", (50,), "%", "2030", None, "programmas_2022"),
    ("transportgeluid_2030", (30,), "%", "2030", None, "programmas_2022"),
    # seed 001: Regeerprogramma
    ("broeikasgas_2030", (55,), "%", "2030", "1990", "regeerprogramma"),
]


@pytest.mark.parametrize(
    "name, numbers, unit, deadline, baseline, document", TARGETS, ids=lambda v: str(v)
)
def test_target(policy, name, numbers, unit, deadline, baseline, document):
    found_numbers, found_unit, found_deadline, found_baseline, found_document = _target(
        policy, name
    )
    assert found_numbers == tuple(Decimal(n) for n in numbers)
    assert found_unit == unit
    assert found_deadline == deadline
    assert found_baseline == baseline
    assert found_document == document


def _cells(policy, table, post):
    node = policy.declarations[table].node
    row = next(f.value for f in node.all("post") if f.value.id.name == post)
    return {c.column.name: (Decimal(c.amount.number), c.amount.unit.text) for c in row.cells}


def test_table_1_of_seed_000(policy):
    assert _cells(policy, "nvhs_middelen", "doelsturing") == {
        "startpakket": (200, "€ mln"),
        "vervolgpakket": (842, "€ mln"),
        "totaal": (1042, "€ mln"),
    }
    assert _cells(policy, "nvhs_middelen", "natuurmonitoring")["totaal"] == (25, "€ mln")


def test_money_in_seed_001_and_003(policy):
    assert _cells(policy, "rp_middelen_landbouw", "agrarisch_natuurbeheer")["totaal"] == (
        500,
        "€ mln",
    )
    assert _cells(policy, "rp_middelen_landbouw", "eenmalige_investering")["totaal"] == (5, "€ mld")
    assert _cells(policy, "nplg_middelen", "transitiefonds")["totaal"] == (Decimal("24.3"), "€ mld")


@pytest.mark.parametrize(
    "name, when, document",
    [
        ("gebiedsprogrammas_provincies", "2023-07-01", "programmas_2022"),  # seed 003
        ("rolverdeling_uitwerken", "2025-03-31", "bespreeknotitie_blg"),  # seed 002
        ("res_vergunbaar_2025", "2025-01-01", "programmas_2022"),
    ],
)
def test_obligation_deadlines(policy, name, when, document):
    node = policy.declarations[name].node
    assert node.value("termijn").when.text == when
    assert node.value("bron").document.name == document


def test_dates_of_seeds_002_and_004(policy):
    assert (
        policy.declarations["kamerbrief_contouren_december"].node.value("uiterlijk").text
        == "2024-12-04"
    )
    # "medio 2024" (nmp_voortgang regel 662) is the middle of the year, not its end
    assert policy.declarations["nmp_naar_kamer"].node.value("uiterlijk").text == "2024-06-30"
    assert policy.declarations["nmp_ambitie_2050"].node.value("uiterlijk").text == "2050"
    assert str(policy.declarations["nmp_voortgang"].valid_from) == "2023-07-14"


def test_the_spuiwater_effect_and_its_fallback(policy):
    effect = policy.declarations["spuiwater_ureum"].node.value("effect")
    assert (Decimal(effect.change.number), effect.change.unit.text, effect.year.text) == (
        Decimal("-1.2"),
        "kton",
        "2027",
    )
    condition = policy.declarations["spuiwater_ureum_effect_niet_gerealiseerd"].node.value("als")
    assert (condition.operator, Decimal(condition.right.number), condition.right.unit.text) == (
        "<",
        Decimal("1.2"),
        "kton",
    )
