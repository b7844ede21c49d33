"""The number grammar of monitoring data (issue 20, item 5): only ASCII digits, a sign and a
decimal point; finite values; no value that a unit conversion makes infinite; no negative value
for an indicator that does not say `negatief_toegestaan`; no key given twice in YAML and no column
named twice in a CSV header. Each is a located error, and nothing is evaluated or recorded.
"""

from __future__ import annotations

import pytest

from compiler.check.kinds import entity_kinds
from compiler.data import calibration as calibration_module
from compiler.data import numbers
from compiler.data.dataschema import data_schema
from compiler.data.entities import load_entities
from compiler.data.regions import load_region_table
from compiler.data.scenario import load_scenario
from compiler.data.series import load_series
from dsl.diagnostics import Diagnostics
from tests.conftest import POLICY, ROOT, compile_with_base
from tests.conftest import run_cli as run

HEADER = "indicator,period,value,unit,status,source\n"
YAML_RECORD = (
    "observations:\n"
    "  - indicator: nh3_landbouw\n"
    "    period: '2021'\n"
    "    value: {value}\n"
    "    unit: kton\n"
    "    status: measured\n"
    "    source: CBS\n"
)


def _series(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _codes(diags: Diagnostics) -> list[str]:
    return [d.code.id for d in diags]


def _evaluate_refuses(capsys, tmp_path, series, code: str) -> str:
    """`beleid evaluate` with this series exits 1 with `code`; nothing is printed or recorded."""
    ledger = tmp_path / "ledger.sqlite"
    exit_code, out, err = run(
        capsys,
        "evaluate",
        "--policy",
        POLICY,
        "--as-of",
        "2027",
        "--series",
        series,
        "--farm-count",
        "10",
        "--ledger",
        ledger,
    )
    assert exit_code == 1, err
    assert f"error[{code}]" in err
    assert "nothing was evaluated" in err
    assert out == "" and not ledger.exists()
    return err


# ------------------------------------------------------------------------ the grammar itself


@pytest.mark.parametrize(
    "text, value",
    [("107.9", 107.9), ("-12", -12), ("+3", 3), (" 0.5 ", 0.5), ("1.2e3", 1200.0), ("012", 12)],
)
def test_the_grammar_reads_plain_numbers(text, value):
    assert numbers.read_number(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "10_7.9",
        "١٠٧.٩",
        "１０７.９",
        "nan",
        "inf",
        "-Infinity",
        "1e999",
        ".5",
        "5.",
        "0x1F",
        "1:30",
    ],
)
def test_the_grammar_refuses_what_float_or_yaml_would_read(text):
    assert numbers.read_number(text) is None
    assert numbers.fault(text) is not None


def test_a_word_or_a_decimal_comma_is_left_to_not_a_number():
    assert numbers.fault("veel") is None
    assert numbers.fault("107,9") is None


# ------------------------------------------------------------------------ the reproducers


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN"])
def test_yaml_nan_and_inf_are_refused_and_nothing_is_recorded(capsys, tmp_path, value):
    series = _series(tmp_path, "series.yaml", YAML_RECORD.format(value=value))
    err = _evaluate_refuses(capsys, tmp_path, series, "D024")
    assert f"`{value}` is not a finite number" in err
    assert f"{series}:2:5:" in err


def test_yaml_duplicate_keys_are_refused_not_the_last_kept(tmp_path, bundled_policy):
    text = YAML_RECORD.format(value="107.9").replace("    unit:", "    value: 97.9\n    unit:")
    series = _series(tmp_path, "series.yaml", text)
    diags = Diagnostics()
    loaded = load_series([series], bundled_policy, diags)
    assert _codes(diags) == ["D002"]
    (diagnostic,) = diags
    assert (diagnostic.span.line, diagnostic.span.column) == (5, 5)
    assert "the key `value` is given twice (first on line 4)" in diagnostic.message
    assert diagnostic.hint and not loaded.by_indicator


def test_scenario_duplicate_keys_and_non_finite_shares_are_refused(tmp_path, bundled_policy):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("moments: [2027]\nmoments: [2029]\n", encoding="utf-8")
    diags = Diagnostics()
    assert load_scenario(scenario, bundled_policy, diags) is None
    assert _codes(diags) == ["S001"] and "given twice" in next(iter(diags)).message
    scenario.write_text(
        "moments: [2027]\nbehaviour:\n  comply:\n    bedrijfsplan: .nan\n", encoding="utf-8"
    )
    diags = Diagnostics()
    assert load_scenario(scenario, bundled_policy, diags) is None
    assert (
        _codes(diags) == ["S001"] and "'.nan' is not of type 'number'" in next(iter(diags)).message
    )


def test_unit_conversion_overflow_is_refused_and_not_recorded(capsys, tmp_path):
    series = _series(tmp_path, "series.csv", HEADER + "nh3_landbouw,2021,1e306,Mton,measured,x\n")
    err = _evaluate_refuses(capsys, tmp_path, series, "D025")
    assert f"{series}:2:19:" in err and "is infinite in kton" in err


def test_farm_unit_conversion_overflow_is_refused(tmp_path, bundled_policy):
    farms = tmp_path / "farms.csv"
    farms.write_text(
        "id,sector,province,nh3_emissie_bedrijf [Mton]\nF1,melkvee,utrecht,1e303\n",
        encoding="utf-8",
    )
    diags = Diagnostics()
    assert load_entities(farms, bundled_policy, diags) is None
    assert _codes(diags) == ["D025"]
    assert (next(iter(diags)).span.line, next(iter(diags)).span.column) == (2, 20)


@pytest.mark.parametrize(
    "value",
    ["10_7.9", "١٠٧.٩", "１٠٧.９", "１０７.９"],
    ids=["digit-groups", "arabic-indic", "mixed", "full-width"],
)
def test_digit_groups_arabic_indic_and_full_width_digits_are_not_read_as_107_9(
    capsys, tmp_path, value
):
    series = _series(
        tmp_path, "series.csv", HEADER + f"nh3_landbouw,2021,{value},kton,measured,x\n"
    )
    err = _evaluate_refuses(capsys, tmp_path, series, "D023")
    assert f"`{value}` is not written as a plain number" in err


def test_digit_groups_in_yaml_are_not_read_as_107_9(tmp_path, bundled_policy):
    series = _series(tmp_path, "series.yaml", YAML_RECORD.format(value="10_7.9"))
    diags = Diagnostics()
    load_series([series], bundled_policy, diags)
    assert _codes(diags) == ["D023"]


def test_negative_national_emission_is_refused_not_met(capsys, tmp_path):
    series = _series(tmp_path, "series.csv", HEADER + "nh3_landbouw,2027,-5,kton,measured,x\n")
    err = _evaluate_refuses(capsys, tmp_path, series, "D013")
    assert "negatief_toegestaan" in err


def test_an_indicator_that_says_negatief_toegestaan_takes_negative_values(tmp_path):
    compilation = compile_with_base(
        tmp_path,
        'indicator saldo "Stikstofsaldo" {\n    eenheid kton\n    niveau  nationaal\n'
        "    negatief_toegestaan\n"
        '    bron brief regels 4-5 "emissiereductie van 40% ten opzichte van 2019"\n}\n',
    )
    assert not compilation.diagnostics.has_errors, list(compilation.diagnostics)
    policy = compilation.policy
    assert policy.declarations["saldo"].view.may_be_negative
    series = _series(
        tmp_path,
        "series.csv",
        HEADER + "saldo,2021,-1.5,kton,measured,x\nnh3_landbouw,2021,-1.5,kton,measured,x\n",
    )
    diags = Diagnostics()
    loaded = load_series([series], policy, diags)
    assert _codes(diags) == ["D013"] and next(iter(diags)).span.line == 3
    assert [o.value for o in loaded.by_indicator["saldo"]] == [-1.5]


def test_repeated_csv_header_column_is_refused(capsys, tmp_path):
    series = _series(
        tmp_path, "series.csv", HEADER.rstrip("\n") + ",value\nnh3_landbouw,2021,1,kton,m,x,2\n"
    )
    err = _evaluate_refuses(capsys, tmp_path, series, "D026")
    assert f"{series}:1:43:" in err and "column `value` twice" in err


def test_repeated_column_in_a_regional_table_is_refused(tmp_path, bundled_policy):
    table = tmp_path / "provincies.csv"
    table.write_text("code,naam,naam\nutrecht,Utrecht,Utrecht\n", encoding="utf-8")
    kind = entity_kinds(bundled_policy)["provincie"]
    diags = Diagnostics()
    schema = data_schema(bundled_policy)
    assert load_region_table(table, kind, bundled_policy, diags, schema) is None
    assert _codes(diags) == ["D026"]


def test_calibration_numbers_follow_the_data_grammar(tmp_path):
    folder = tmp_path / "monitoring"
    folder.mkdir()
    for name in (calibration_module.FIGURES_FILE, calibration_module.MODEL_FILE):
        (folder / name).write_text((ROOT / "monitoring" / name).read_text("utf-8"), "utf-8")
    model = folder / calibration_module.MODEL_FILE
    lines = model.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("value")] = "1_0"
    model.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", "utf-8")
    with pytest.raises(calibration_module.CalibrationError, match="row 2, field value: '1_0'"):
        calibration_module.load_calibration(folder)


def test_a_negative_value_in_a_policy_test_series_is_refused(capsys, tmp_path):
    test = tmp_path / "t.yaml"
    test.write_text(
        "cases:\n  - name: x\n    series: {nh3_landbouw: {2021: -5}}\n    moments:\n"
        "      - as_of: 2027\n        expect: {}\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "test", test, "--policy", POLICY)
    assert code == 1
    assert f"{test}:3:1: error[T002]: `nh3_landbouw` in 2021 is negative" in out + err
    assert "0 moments" in out
