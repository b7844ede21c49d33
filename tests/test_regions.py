"""Provinces computed from farms: aggregates against a hand computation, unknown farm values, and
the bundled provincial obligation evaluated for all twelve provinces.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from compiler import compile_paths
from compiler.data.regions import known_table
from compiler.data.types import Monitoring, Population, Series
from compiler.evaluate.moment import evaluate
from tests.conftest import BASE, ROOT

RULES = ROOT / "tests" / "cases" / "evaluation" / "regions" / "rules.policy"


def _farms(emission, norm, provinces) -> Population:
    codes = {"utrecht": 6, "zeeland": 9, "limburg": 11}
    return Population(
        size=len(emission),
        sector=np.zeros(len(emission), dtype=np.int8),
        province=np.array([codes[p] for p in provinces], dtype=np.int8),
        columns={"nh3_bedrijf": np.array(emission, float), "norm_bedrijf": np.array(norm, float)},
        origin="test",
        labels=np.array([f"F{i}" for i in range(len(emission))]),
    )


def _provinces(farms: Population) -> Population:
    policy = compile_paths([str(BASE), str(RULES)]).policy
    monitoring = Monitoring(Series(), farms)
    return evaluate(policy, monitoring, dt.date(2027, 12, 31)).regional_tables["provincie"]


def test_aggregates_match_a_hand_computation():
    farms = _farms(
        [3000, 2500, 4000, 1500], [2000, 3000, 1000, 2000], ["utrecht"] * 2 + ["zeeland"] * 2
    )
    table = _provinces(farms)
    row = {label: i for i, label in enumerate(table.labels)}
    utrecht, zeeland, limburg = row["utrecht"], row["zeeland"], row["limburg"]
    assert table.columns["nh3_provincie"][[utrecht, zeeland, limburg]].tolist() == [5500, 5500, 0]
    assert table.columns["nh3_provincie_ton"][utrecht] == 5.5
    assert table.columns["boven_norm_provincie"][[utrecht, zeeland]].tolist() == [1, 1]
    assert table.columns["aandeel_boven_norm_provincie"][[utrecht, zeeland]].tolist() == [50, 50]
    assert np.isnan(table.columns["aandeel_boven_norm_provincie"][limburg])  # no farms, no share


def test_an_empty_farm_value_makes_only_its_province_unknown():
    farms = _farms([3000, np.nan, 4000], [2000, 3000, 1000], ["utrecht", "utrecht", "zeeland"])
    table = _provinces(farms)
    row = {label: i for i, label in enumerate(table.labels)}
    assert np.isnan(table.columns["nh3_provincie"][row["utrecht"]])
    assert np.isnan(table.columns["boven_norm_provincie"][row["utrecht"]])
    assert table.columns["nh3_provincie"][row["zeeland"]] == 4000


def test_the_twelve_provinces_are_the_entities_of_kind_provincie():
    assert len(known_table("provincie").labels) == 12


def test_the_bundled_provincial_obligation_covers_all_twelve_provinces(bundled_policy):
    from compiler.data.synthetic import generate_farms

    monitoring = Monitoring(Series(), generate_farms(2000, 1))
    evaluation = evaluate(bundled_policy, monitoring, dt.date(2027, 12, 31))
    obligation = evaluation.regional_obligations["gebiedsgericht_maatwerk"]
    assert obligation.kind == "provincie" and obligation.selected.size == 12
    assert "gebiedsgericht_maatwerk" not in evaluation.entity_obligations


ENTITY_RULES = ROOT / "tests" / "cases" / "evaluation" / "entity_targets" / "rules.policy"
TABLE_ROWS = ["groningen,Groningen,6000{}", "fryslan,Fryslân,100{}"]


def _read_table(tmp_path, header: str, sources: tuple[str, str]):
    from compiler.check.kinds import entity_kinds
    from compiler.data.dataschema import data_schema
    from compiler.data.regions import load_region_table
    from dsl.diagnostics import Diagnostics

    policy = compile_paths([str(BASE), str(ENTITY_RULES)]).policy
    path = tmp_path / "provincies.csv"
    rows = [row.format(source) for row, source in zip(TABLE_ROWS, sources, strict=True)]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    diags = Diagnostics()
    kind = entity_kinds(policy)["provincie"]
    table = load_region_table(path, kind, policy, diags, data_schema(policy))
    return table, list(diags)


def test_a_regional_value_without_a_source_is_located_and_nothing_is_kept(tmp_path):
    header = "code,naam,plafond_provincie,url,quote"
    table, diags = _read_table(tmp_path, header, (",https://x.nl,Groningen 6000", ",,"))
    assert table is None
    assert [(d.code.id, d.span.line, d.span.column) for d in diags] == [("D018", 3, 17)]
    assert "row 2" in diags[0].message and "neither where it was published" in diags[0].message
    assert "`url` and `quote`" in diags[0].hint


def test_a_regional_url_without_its_quote_points_at_the_url(tmp_path):
    header = "code,naam,plafond_provincie,url,quote"
    table, diags = _read_table(tmp_path, header, (",https://x.nl,Groningen 6000", ",https://x.nl,"))
    assert table is None
    assert [(d.code.id, d.span.line, d.span.column) for d in diags] == [("D018", 3, 21)]
    assert "without the quote" in diags[0].message


def test_a_regional_table_with_sources_is_read(tmp_path):
    table, diags = _read_table(tmp_path, "code,naam,plafond_provincie,source", (",made", ",made"))
    assert not diags and table.columns["plafond_provincie"].tolist() == [6000.0, 100.0]
