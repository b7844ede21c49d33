"""Monitoring data in: every kind of bad file gives one located diagnostic (file, line, column, field)
and a hint, never a traceback; good files load with units converted."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from compiler.data import tables
from compiler.data.dataschema import data_schema
from compiler.data.entities import load_entities
from compiler.data.events import load_events
from compiler.data.series import load_series
from compiler.data.validation import RecordValidator
from dsl.diagnostics import Diagnostics
from tests.conftest import FIXTURES

DATA = FIXTURES / "data"
BAD = sorted((DATA / "bad").rglob("D*.*"))

# kind/file name -> (line, column) the diagnostic must point at
WHERE = {
    "series/D001_binary.csv": (1, 1),
    "series/D001_latin1.csv": (2, 1),
    "series/D002_bad_yaml.yaml": (4, 4),
    "series/D002_unclosed_quote.csv": (3, 1),
    "series/D002_unknown_type.txt": (1, 1),
    "series/D002_yaml_not_a_list.yaml": (1, 1),
    "series/D003_missing_column.csv": (1, 1),
    "series/D004_unknown_column.csv": (1, 36),
    "series/D005_unknown_indicator.csv": (3, 1),
    "series/D006_unknown_unit.csv": (3, 25),
    "series/D006_wrong_unit.csv": (3, 25),
    "series/D007_missing_value.csv": (3, 19),
    "series/D007_yaml_missing_field.yaml": (2, 1),
    "series/D010_yaml_unquoted_date.yaml": (2, 3),
    "series/D008_decimal_comma.csv": (3, 1),
    "series/D008_infinite.csv": (3, 19),
    "series/D008_not_a_number.csv": (3, 19),
    "series/D009_duplicate_row.csv": (3, 14),
    "series/D010_impossible_date.csv": (3, 14),
    "series/D010_invalid_period.csv": (3, 14),
    "series/D011_invalid_status.csv": (3, 30),
    "series/D012_farm_indicator.csv": (3, 1),
    "series/D014_ragged_row.csv": (3, 1),
    "farms/D003_no_province.csv": (1, 1),
    "farms/D004_unknown_column.csv": (1, 20),
    "farms/D006_header_unit.csv": (1, 20),
    "farms/D007_empty_cell.csv": (3, 20),
    "farms/D008_text_in_number.csv": (3, 20),
    "farms/D009_duplicate_id.csv": (3, 1),
    "farms/D011_unknown_sector.csv": (3, 4),
    "farms/D011_unknown_province.csv": (3, 12),
    "farms/D012_series_column.csv": (1, 20),
    "farms/D013_negative.csv": (3, 20),
    "farms/D013_yes_no.csv": (3, 37),
    "farms/D017_no_rows.csv": (1, 1),
    "events/D010_bad_date.csv": (2, 23),
    "events/D011_unknown_event.csv": (2, 17),
    "events/D015_unknown_subject.csv": (2, 1),
    "events/D015_unknown_obligation.csv": (2, 4),
}


def _load(path: Path, policy, diags: Diagnostics):
    kind = path.parent.name
    if kind == "series":
        return load_series([path], policy, diags)
    if kind == "farms":
        return load_entities(path, policy, diags)
    farms = load_entities(DATA / "good" / "farms.csv", policy, Diagnostics())
    return load_events([path], policy, farms, diags)


def test_the_corpus_has_twenty_kinds_of_fault():
    assert len(BAD) >= 20
    assert len({p.name.split("_")[0] for p in BAD}) >= 15


@pytest.mark.parametrize("path", BAD, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bad_file_gives_one_located_diagnostic(path, bundled_policy):
    diags = Diagnostics()
    _load(path, bundled_policy, diags)
    found = diags.sorted()
    expected_code = path.name.split("_")[0]
    assert [d.code.id for d in found] == [expected_code], [str(d.message) for d in found]
    diagnostic = found[0]
    assert diagnostic.span.path == str(path)
    assert (diagnostic.span.line, diagnostic.span.column) == WHERE[
        f"{path.parent.name}/{path.name}"
    ]
    assert diagnostic.hint


@pytest.mark.parametrize("name", ["D005_unknown_indicator.csv", "D015_unknown_obligation.csv"])
def test_a_misspelt_name_gets_a_suggestion(name, bundled_policy):
    path = next(p for p in BAD if p.name == name)
    diags = Diagnostics()
    _load(path, bundled_policy, diags)
    assert "did you mean" in next(iter(diags)).hint


def test_row_errors_name_row_and_field(bundled_policy):
    diags = Diagnostics()
    load_series([DATA / "bad" / "series" / "D008_not_a_number.csv"], bundled_policy, diags)
    assert next(iter(diags)).message == "row 2, field `value`: `veel` is not a number"


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
