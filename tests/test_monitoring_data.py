"""Monitoring data in: every kind of bad file gives one located diagnostic (file, line, column,
field) and a hint, never a traceback; good files load with units converted.

Each bad file states its diagnostic with the expectation syntax of tests/expectations.py: a
`# expect: D002@4` comment in YAML, a sidecar `<file>.expect` for CSV and other files.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from compiler.check.kinds import entity_kinds
from compiler.data import tables
from compiler.data.dataschema import data_schema
from compiler.data.entities import load_entities
from compiler.data.events import load_events
from compiler.data.regions import load_region_table
from compiler.data.series import load_series
from compiler.data.types import Series
from compiler.data.validation import RecordValidator
from dsl.diagnostics import Diagnostics
from tests.conftest import FIXTURES
from tests.expectations import assert_as_expected, expectations, fixture_files

DATA = FIXTURES / "data"
BAD = [p for p in fixture_files(DATA / "bad") if p.name.startswith("D")]


def _load(path: Path, policy, diags: Diagnostics):
    kind = path.parent.name
    if kind == "series":
        return load_series([path], policy, diags)
    if kind == "farms":
        return load_entities(path, policy, diags)
    if kind == "regions":  # the table of provinces, or of the kind the file name names
        entity = "natura2000_gebied" if "natura2000" in path.name else "provincie"
        table_kind = entity_kinds(policy)[entity]
        return load_region_table(path, table_kind, policy, diags, data_schema(policy))
    farms = load_entities(DATA / "good" / "farms.csv", policy, Diagnostics())
    return load_events([path], policy, farms, diags)


def test_the_corpus_has_twenty_kinds_of_fault():
    assert len(BAD) >= 20
    assert len({p.name.split("_")[0] for p in BAD}) >= 15


@pytest.mark.parametrize("path", BAD, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bad_file_gives_the_located_diagnostic_it_expects(path, bundled_policy):
    """Each bad file gives exactly one diagnostic, at the line and column its expectation names."""
    diags = Diagnostics()
    _load(path, bundled_policy, diags)
    marked = expectations(path)
    assert len(marked) == 1 and marked[0].code == path.name.split("_")[0]
    assert marked[0].column is not None, "a data fixture names the column too"
    assert_as_expected([path], diags)
    assert all(d.hint for d in diags)


def test_good_series_convert_units_and_read_yaml(bundled_policy):
    diags = Diagnostics()
    series = load_series(
        [DATA / "good" / "series.csv", DATA / "good" / "series.yaml"], bundled_policy, diags
    )
    assert not len(diags)
    assert [o.value for o in series.of("nh3_landbouw")] == [
        110.3,
        pytest.approx(107.9),
    ]  # 107900 ton
    assert series.of("nh3_reductie_spuiwater_ureum")[0].status == "provisional"


def test_good_farms_convert_a_header_unit(bundled_policy):
    farms = load_entities(DATA / "good" / "farms.csv", bundled_policy, Diagnostics())
    assert farms.columns["nh3_emissie_bedrijf"].tolist() == [
        2100.0,
        1500.0,
        900.0,
    ]  # written in ton
    assert farms.labels.tolist() == ["F1", "F2", "F3"]
    assert farms.index_of(["F3", "nope"]).tolist() == [2, -1]


def test_invalid_rows_are_dropped_only_when_asked(bundled_policy, tmp_path):
    path = DATA / "bad" / "farms" / "D011_unknown_sector.csv"
    assert load_entities(path, bundled_policy, Diagnostics()) is None
    kept = load_entities(path, bundled_policy, Diagnostics(), keep_valid_rows=True)
    assert kept.size == 1 and kept.labels.tolist() == ["F1"]


def test_too_many_rows_is_a_limit(bundled_policy, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 1)
    diags = Diagnostics()
    load_series([DATA / "good" / "series.csv"], bundled_policy, diags)
    assert [d.code.id for d in diags] == ["D016"]


def test_a_missing_file_is_reported(bundled_policy, tmp_path):
    diags = Diagnostics()
    load_series([tmp_path / "nope.csv"], bundled_policy, diags)
    assert [d.code.id for d in diags] == ["D001"]


def test_yaml_is_loaded_safely(bundled_policy, tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("- !!python/object/apply:os.system ['echo owned']\n", encoding="utf-8")
    diags = Diagnostics()
    load_series([path], bundled_policy, diags)
    assert [d.code.id for d in diags] == ["D002"]


def test_schema_is_valid_and_follows_the_policy(bundled_policy):
    schema = data_schema(bundled_policy)
    jsonschema.Draft202012Validator.check_schema(schema)
    observation = schema["$defs"]["observation"]
    assert "nh3_landbouw" in observation["properties"]["indicator"]["enum"]
    assert "nh3_emissie_bedrijf" not in observation["properties"]["indicator"]["enum"]
    farm = schema["$defs"]["farm"]["properties"]
    assert farm["structureel_verwijtbaar"] == {
        "enum": [0, 1],
        "description": farm["structureel_verwijtbaar"]["description"],
    }
    json.dumps(schema)


def test_memoised_validation_agrees_with_plain_jsonschema(bundled_policy):
    """The per-class cache must never accept a row plain jsonschema rejects (or the reverse)."""
    schema = data_schema(bundled_policy)
    plain = jsonschema.Draft202012Validator({"$ref": "#/$defs/farm", **schema})
    cached = RecordValidator(schema, "farm")
    rows = [
        {"id": "A", "sector": "melkvee", "province": "utrecht", "nh3_emissie_bedrijf": v}
        for v in (1, 0, -1, 2.5, "x", None, True)
    ]
    rows += [
        {"id": "", "sector": "melkvee", "province": "utrecht"},
        {"id": "B", "sector": "geit", "province": "utrecht"},
    ]
    for row in rows:
        assert bool(cached.errors(row)) == (not plain.is_valid(row)), row


VINTAGE_HEADER = "indicator,period,value,unit,status,url,publisher,published,quote\n"
NEC = "https://emissieregistratie.example/nec"


def _vintages(tmp_path, policy, *rows: str):
    path = tmp_path / "series.csv"
    path.write_text(VINTAGE_HEADER + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    diags = Diagnostics()
    return load_series([path], policy, diags), diags


def test_the_latest_publication_wins_and_keeps_the_others(bundled_policy, tmp_path):
    series, diags = _vintages(
        tmp_path,
        bundled_policy,
        f"nh3_landbouw,2019,110.0,kton,measured,{NEC}/2019,ER,2019-07,Landbouw 110",
        f"nh3_landbouw,2019,112.8,kton,measured,{NEC}/2022,ER,2022-01,Landbouw 112.8",
        f"nh3_landbouw,2019,111.0,kton,measured,{NEC}/2022b,ER,2022,Landbouw 111",
        f"nh3_landbouw,2019,109.0,kton,measured,{NEC}/undated,ER,,Landbouw 109",
    )
    assert not len(diags)
    (winner,) = series.of("nh3_landbouw")
    assert (winner.value, winner.published) == (112.8, "2022-01")
    # newest first; a bare year counts as older than a month in it, no date as the oldest
    assert [o.published for o in winner.superseded] == ["2022", "2019-07", ""]
    assert all(not o.superseded for o in winner.superseded)


def test_a_measured_value_wins_over_a_provisional_one_of_the_same_date(bundled_policy, tmp_path):
    series, diags = _vintages(
        tmp_path,
        bundled_policy,
        f"nh3_landbouw,2021,105.2,kton,provisional,{NEC}/a,CBS,2022-01,Landbouw 105.2",
        f"nh3_landbouw,2021,107.9,kton,measured,{NEC}/b,CBS,2022-01,Landbouw 107.9",
    )
    assert not len(diags)
    (winner,) = series.of("nh3_landbouw")
    assert (winner.value, winner.status) == (107.9, "measured")
    assert [(o.value, o.status) for o in winner.superseded] == [(105.2, "provisional")]


def test_a_newer_provisional_value_wins_over_an_older_measured_one(bundled_policy, tmp_path):
    series, _ = _vintages(
        tmp_path,
        bundled_policy,
        f"nh3_landbouw,2021,107.9,kton,measured,{NEC}/a,CBS,2022-01,Landbouw 107.9",
        f"nh3_landbouw,2021,105.2,kton,provisional,{NEC}/b,CBS,2023-09,Landbouw 105.2",
    )
    assert series.of("nh3_landbouw")[0].value == 105.2


def test_an_exact_duplicate_publication_is_an_error(bundled_policy, tmp_path):
    row = f"nh3_landbouw,2021,107.9,kton,measured,{NEC}/a,CBS,2022-01,Landbouw 107.9"
    series, diags = _vintages(tmp_path, bundled_policy, row, row.replace("107.9,", "107.0,", 1))
    assert [d.code.id for d in diags] == ["D009"]
    assert "same publication" in next(iter(diags)).message


def test_values_without_a_source_are_not_loaded(bundled_policy, tmp_path):
    series, diags = _vintages(
        tmp_path,
        bundled_policy,
        "nh3_landbouw,2021,107.9,kton,measured,,,,",
        f"nh3_landbouw,2019,112.8,kton,measured,{NEC},ER,2022-01,Landbouw 112.8",
    )
    assert [d.code.id for d in diags] == ["D018"]
    assert [o.period for o in series.of("nh3_landbouw")] == ["2019"]


def test_good_yaml_reads_provenance_and_vintages(bundled_policy):
    series = load_series([DATA / "good" / "series.yaml"], bundled_policy, Diagnostics())
    (industry,) = series.of("nh3_industrie")
    assert (industry.value, industry.publisher) == (1.5, "CBS")
    assert industry.quote.startswith("Nijverheid (geen energiesector) 2021")
    assert [o.value for o in industry.superseded] == [1.56]


def test_a_month_period_stands_for_its_last_day():
    series = Series.from_values({"waterstoftankstations": {"2023-02": 17, "2024-12": 20}})
    assert [o.date.isoformat() for o in series.of("waterstoftankstations")] == [
        "2023-02-28",
        "2024-12-31",
    ]
