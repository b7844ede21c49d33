"""Monitoring data in: every kind of bad file gives one located diagnostic (file, line, column, field)
and a hint, never a traceback; good files load with units converted.

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
