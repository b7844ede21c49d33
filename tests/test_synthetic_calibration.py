"""The synthetic farm population against its calibration: every calibration figure is a published
row with its url and verbatim quote, and the drawn farms match the targets (farm counts per
province and sector within rounding, emissions summing to the published NH3 total).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from compiler.data import calibration as calibration_module
from compiler.data.apportion import cell_counts, largest_remainder, rake
from compiler.data.calibration import (
    FIGURES_FILE,
    LABEL,
    MODEL_FILE,
    CalibrationError,
    load_calibration,
)
from compiler.data.dataschema import FARM_SECTORS, PROVINCES
from compiler.data.datasets import DataChoice, load
from compiler.data.synthetic import DEFAULT_SIZE, calibrated_counts, generate_farms, nh3_total_kg
from dsl.diagnostics import Diagnostics
from tests.conftest import FIXTURES, ROOT, run_cli

MONITORING = ROOT / "monitoring"
FORBIDDEN_URL = "80783ned?q=landbouwtelling"  # farms with cultivated land, not all farms


def calibration_rows() -> list[dict[str, str]]:
    with (MONITORING / FIGURES_FILE).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def dutch(value: str) -> str:
    """A number as the Dutch pages print it: 50634 -> 50.634, 107.9 -> 107,9."""
    whole, _, decimals = value.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{decimals}" if decimals else grouped


@pytest.fixture(scope="module")
def population():
    return generate_farms()


# ------------------------------------------------------------------------ the calibration figures


def test_every_calibration_figure_has_a_url_and_a_quote_that_states_its_number():
    rows = calibration_rows()
    assert rows
    for row in rows:
        assert row["url"].strip() and row["quote"].strip(), row
        assert dutch(row["value"]) in row["quote"], row
        assert FORBIDDEN_URL not in row["url"], row


def test_every_calibration_figure_names_a_bundled_file():
    assert {r["source"] for r in calibration_rows()} <= {"published/figures.csv", "series.csv"}


@pytest.mark.parametrize("source", ["published/figures.csv", "series.csv"])
def test_every_calibration_figure_is_a_row_of_the_file_it_names(source):
    path = MONITORING / source
    used = [r for r in calibration_rows() if r["source"] == source]
    assert used, f"no calibration figure comes from {source}"
    with path.open(encoding="utf-8", newline="") as handle:
        published = list(csv.DictReader(handle))
    for row in used:
        match = [
            p
            for p in published
            if p["url"] == row["url"]
            and p["quote"] == row["quote"]
            and p["indicator"] == row["indicator"]
            and p["period"] == row["period"]
            and float(p["value"]) == float(row["value"])
        ]
        assert match, row
        if source == "published/figures.csv":
            assert match[0]["checked"] in ("verified", "fixed"), row


def test_the_nh3_total_is_the_latest_bundled_value_of_nh3_landbouw(bundled_policy):
    diags = Diagnostics()
    monitoring = load(bundled_policy, DataChoice(folder=MONITORING, farm_size=0), diags)
    latest = monitoring.series.latest("nh3_landbouw", dt.date(2100, 1, 1))
    assert latest is not None
    assert load_calibration().nh3_total_kg == pytest.approx(latest.value * 1e6)


def test_a_calibration_figure_without_a_quote_is_refused(tmp_path):
    folder = _copy_calibration(tmp_path)
    rows = calibration_rows()
    rows[1]["quote"] = " "
    _write(folder / FIGURES_FILE, rows)
    with pytest.raises(CalibrationError, match="row 3: a calibration figure needs its url"):
        calibration_module.load_calibration(folder)


def test_provinces_that_add_up_to_more_than_the_national_figure_are_refused(tmp_path):
    folder = _copy_calibration(tmp_path)
    rows = calibration_rows()
    groningen = next(r for r in rows if r["use"] == "farms" and r["province"] == "groningen")
    groningen["value"] = "60000"
    _write(folder / FIGURES_FILE, rows)
    with pytest.raises(CalibrationError, match="do not add up"):
        calibration_module.load_calibration(folder).province_shares()


def test_every_modelled_parameter_says_it_is_modelled_or_why_it_is_there():
    with (MONITORING / MODEL_FILE).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            assert row["rule"].strip(), row


# ------------------------------------------------------------------------ the drawn population


def test_the_default_population_has_the_published_number_of_farms(population):
    assert DEFAULT_SIZE == 50634
    assert population.size == DEFAULT_SIZE


def test_provinces_with_a_published_farm_count_have_exactly_that_many_farms(population):
    counts = np.bincount(population.province, minlength=len(PROVINCES))
    published = [r for r in calibration_rows() if r["use"] == "farms" and r["province"]]
    assert {r["province"] for r in published} == {"groningen", "fryslan"}
    for row in published:
        assert counts[PROVINCES.index(row["province"])] == int(row["value"])


def test_every_province_and_sector_count_is_its_share_within_rounding(population):
    calibration = load_calibration()
    provinces = np.bincount(population.province, minlength=len(PROVINCES))
    sectors = np.bincount(population.sector, minlength=len(FARM_SECTORS))
    assert np.all(np.abs(provinces - calibration.province_shares() * DEFAULT_SIZE) < 1)
    assert np.all(np.abs(sectors - calibration.sector_shares() * DEFAULT_SIZE) <= len(PROVINCES))


def test_the_poultry_share_is_the_published_count_over_all_farms_of_that_year(population):
    rows = calibration_rows()
    poultry = next(r for r in rows if r["use"] == "sector_farms" and r["sector"] == "pluimvee")
    base = next(r for r in rows if r["use"] == "sector_base" and r["period"] == poultry["period"])
    share = float(poultry["value"]) / float(base["value"])
    drawn = np.count_nonzero(population.sector == FARM_SECTORS.index("pluimvee"))
    assert abs(drawn - share * DEFAULT_SIZE) <= len(PROVINCES)


def test_sector_farms_lean_towards_the_provinces_with_more_of_their_animals(population):
    """Gelderland has 444 of the 1,930 poultry farms; Utrecht none published (an equal part of the
    613 left over): far more poultry farms are drawn in Gelderland.
    """
    poultry = population.sector == FARM_SECTORS.index("pluimvee")
    per_province = np.bincount(population.province[poultry], minlength=len(PROVINCES))
    assert (
        per_province[PROVINCES.index("gelderland")] > 4 * per_province[PROVINCES.index("utrecht")]
    )


def test_the_emissions_sum_to_the_published_nh3_total(population):
    total = load_calibration().nh3_total_kg
    assert population.columns["nh3_emissie_bedrijf"].sum() == pytest.approx(total, rel=1e-3)


@pytest.mark.parametrize("size", [1, 12, 1000, 123_457])
def test_counts_and_the_emission_total_scale_with_the_farm_count(size):
    farms = generate_farms(size, seed=5)
    calibration = load_calibration()
    provinces = np.bincount(farms.province, minlength=len(PROVINCES))
    assert provinces.sum() == size
    assert np.all(np.abs(provinces - calibration.province_shares() * size) < 1)
    emitted = farms.columns["nh3_emissie_bedrijf"].sum()
    assert emitted == pytest.approx(nh3_total_kg(size), rel=1e-3, abs=0.25 * size)


def test_the_same_seed_gives_the_same_farms_and_another_seed_other_farms():
    a, b, c = generate_farms(3000, 7), generate_farms(3000, 7), generate_farms(3000, 8)
    for name in a.columns:
        assert np.array_equal(a.columns[name], b.columns[name])
    assert np.array_equal(a.province, b.province) and np.array_equal(a.sector, b.sector)
    assert not np.array_equal(a.province, c.province)
    assert not np.array_equal(a.columns["nh3_emissie_bedrijf"], c.columns["nh3_emissie_bedrijf"])


def test_every_value_is_exact_in_32_bit_floats(population):
    """benchmarks/evaluate.py compares with OpenFisca, which computes in float32."""
    for name, column in population.columns.items():
        assert np.array_equal(column.astype(np.float32).astype(np.float64), column), name


def test_an_empty_population_is_empty():
    farms = generate_farms(0)
    assert farms.size == 0 and farms.columns["nh3_emissie_bedrijf"].size == 0


# ------------------------------------------------------------------------ apportioning


def test_largest_remainder_keeps_the_total_and_rounds_each_quota_up_or_down():
    shares = np.array([0.5, 0.3, 0.2])
    counts = largest_remainder(7, shares)
    assert counts.sum() == 7 and counts.tolist() == [4, 2, 1]
    assert np.all(np.abs(counts - 7 * shares) < 1)


def test_raking_meets_both_margins_and_keeps_the_cross_ratios():
    weights = np.array([[1.0, 2.0, 3.0], [4.0, 1.0, 1.0]])
    rows, columns = np.array([60.0, 40.0]), np.array([30.0, 30.0, 40.0])
    table = rake(weights, rows, columns)
    assert table.sum(axis=1) == pytest.approx(rows) and table.sum(axis=0) == pytest.approx(columns)
    ratio = (table[0, 0] * table[1, 1]) / (table[0, 1] * table[1, 0])
    assert ratio == pytest.approx((1.0 * 1.0) / (2.0 * 4.0))


def test_cell_counts_make_every_column_total_exact():
    calibration = load_calibration()
    counts = calibrated_counts(DEFAULT_SIZE)
    expected = largest_remainder(DEFAULT_SIZE, calibration.province_shares())
    assert counts.sum(axis=0).tolist() == expected.tolist()
    assert cell_counts(0, np.ones(3) / 3, np.ones(2) / 2, np.ones((3, 2))).sum() == 0


# ------------------------------------------------------------------------ what outputs say


def test_evaluate_names_the_calibration_wherever_it_counts_synthetic_farms(capsys):
    args = ("evaluate", "--as-of", "2027", "--no-ledger", "--farm-count", "500")
    code, out, _ = run_cli(capsys, *args)
    assert code == 0
    heading = next(line for line in out.splitlines() if line.startswith("Obligations per farm"))
    assert LABEL in heading
    code, out, _ = run_cli(capsys, *args, "--format", "json")
    report = json.loads(out)
    assert LABEL in report["data"]["farms"]
    assert report["entity_obligations"]
    assert all(o["synthetic"] for o in report["entity_obligations"])


def test_evaluate_does_not_call_a_farm_table_from_a_file_synthetic(capsys):
    farms = FIXTURES / "data" / "good" / "farms.csv"
    args = ("evaluate", "--as-of", "2027", "--no-ledger", "--farms", farms)
    code, out, _ = run_cli(capsys, *args)
    heading = next(line for line in out.splitlines() if line.startswith("Obligations per farm"))
    assert "synthetic" not in heading
    code, out, _ = run_cli(capsys, *args, "--format", "json")
    assert not any(o["synthetic"] for o in json.loads(out)["entity_obligations"])


def _copy_calibration(tmp_path: Path) -> Path:
    for name in (FIGURES_FILE, MODEL_FILE):
        shutil.copy(MONITORING / name, tmp_path / name)
    return tmp_path


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
