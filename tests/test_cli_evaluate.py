"""`beleid schema`, `evaluate`, `explain` and `simulate` as a user runs them: exit codes, located
errors for bad data and scenarios, no traceback, nothing recorded from invalid input.
"""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest

from tests.conftest import FIXTURES, POLICY, ROOT
from tests.conftest import run_cli as run

DATA = FIXTURES / "data"
TREND = ROOT / "monitoring" / "scenarios" / "trend.yaml"


@pytest.fixture
def ledger(tmp_path):
    return tmp_path / "ledger.sqlite"


def test_schema_is_a_valid_json_schema(capsys):
    code, out, _ = run(capsys, "schema", POLICY)
    assert code == 0
    jsonschema.Draft202012Validator.check_schema(json.loads(out))


def test_evaluate_the_bundled_data(capsys, ledger):
    code, out, _ = run(
        capsys,
        "evaluate",
        "--policy",
        POLICY,
        "--as-of",
        "2027",
        "--ledger",
        ledger,
        "--farm-count",
        "2000",
    )
    assert code == 0
    assert "off track     nh3_landbouw_2035: 107.9 kton in 2021" in out
    assert "undecided  landbouw_achter_op_streefwaarde" in out
    assert "value pending" in out
    assert "recorded 2027-12-31" in out
    code, out, _ = run(
        capsys,
        "evaluate",
        "--policy",
        POLICY,
        "--as-of",
        "2027",
        "--ledger",
        ledger,
        "--farm-count",
        "2000",
    )
    assert "nothing changed" in out


def test_evaluate_as_json(capsys):
    code, out, _ = run(
        capsys,
        "evaluate",
        "--policy",
        POLICY,
        "--as-of",
        "2027-06-30",
        "--no-ledger",
        "--farm-count",
        "100",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert data["moment"] == "2027-06-30"
    statuses = {t["id"]: t["status"] for t in data["targets"]}
    assert statuses["nh3_landbouw_2030"] == "cannot_decide"
    assert (
        sum(o["farms"] for o in data["entity_obligations"] if o["id"] == "maatregelen_boven_norm")
        > 0
    )


def test_bad_data_is_located_and_nothing_is_evaluated_or_recorded(capsys, ledger):
    bad = DATA / "bad" / "farms" / "D011_unknown_sector.csv"
    code, out, err = run(capsys, "evaluate", "--as-of", "2027", "--farms", bad, "--ledger", ledger)
    assert code == 1
    assert f"{bad}:3:4: error[D011]: row 2, field `sector`: `geiten` is not allowed here" in err
    assert "nothing was evaluated" in err
    assert out == "" and not ledger.exists()


def test_keep_valid_rows_evaluates_the_rest(capsys, ledger):
    bad = DATA / "bad" / "farms" / "D011_unknown_sector.csv"
    code, out, err = run(
        capsys,
        "evaluate",
        "--as-of",
        "2027",
        "--farms",
        bad,
        "--ledger",
        ledger,
        "--keep-valid-rows",
    )
    assert code == 0
    assert "error[D011]" in err
    assert "(1 farms)" in out.replace(",", "")


def test_bad_moment_and_bad_count_are_usage_errors(capsys):
    assert run(capsys, "evaluate", "--as-of", "2027-02-30")[0] == 2
    assert run(capsys, "evaluate", "--farm-count", "-5")[0] == 2


def test_a_foreign_ledger_is_a_diagnostic(capsys, tmp_path):
    foreign = tmp_path / "notes.sqlite"
    foreign.write_text("my notes", encoding="utf-8")
    code, _, err = run(
        capsys, "evaluate", "--as-of", "2027", "--farm-count", "10", "--ledger", foreign
    )
    assert code == 1
    assert "error[L002]" in err
    assert foreign.read_text(encoding="utf-8") == "my notes"


def test_explain_a_target_with_its_quote(capsys):
    code, out, _ = run(
        capsys,
        "explain",
        "nh3_landbouw_2035",
        "--as-of",
        "2027",
        "--no-ledger",
        "--farm-count",
        "10",
    )
    assert code == 0
    assert "status on 2027-12-31: off track" in out
    assert "the trajectory starts at 112.80 kton in 2019" in out
    assert "observed: 107.90 kton in 2021 (measured" in out
    assert '"einddoel in 2035 waarin we 42-46% emissiereductie realiseren voor de sector"' in out


def test_explain_why_a_trigger_did_not_fire(capsys, tmp_path):
    values = tmp_path / "series.csv"
    values.write_text(
        "indicator,period,value,unit,status,source\n"
        "nh3_reductie_spuiwater_ureum,2027,1.5,kton,measured,test value\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys,
        "explain",
        "spuiwater_ureum_effect_niet_gerealiseerd",
        "--as-of",
        "2027",
        "--series",
        values,
        "--no-ledger",
        "--farm-count",
        "10",
    )
    assert code == 0
    assert "it did not fire" in out
    assert "`nh3_reductie_spuiwater_ureum` = 1.5 kton (2027) < 1.2 kton: false" in out
    assert "so these did not become due: maatregel `alternatieve_maatregelen_spuiwater`" in out


def test_explain_a_farm(capsys):
    code, out, _ = run(
        capsys,
        "explain",
        "--farm",
        "F1",
        "--farms",
        DATA / "good" / "farms.csv",
        "--as-of",
        "2027",
        "--no-ledger",
    )
    assert code == 0
    assert "farm F1 (melkvee, utrecht)" in out
    assert "`nh3_emissie_bedrijf` = 2100 kg > `bedrijfsnorm_nh3` = 1900 kg: true" in out


def test_explain_unknown_things(capsys):
    code, _, err = run(
        capsys,
        "explain",
        "nh3_landbouw_2053",
        "--as-of",
        "2027",
        "--no-ledger",
        "--farm-count",
        "1",
    )
    assert code == 2 and "did you mean `nh3_landbouw_2035`?" in err
    code, _, err = run(
        capsys, "explain", "--farm", "NOPE", "--as-of", "2027", "--no-ledger", "--farm-count", "1"
    )
    assert code == 2 and "no farm `NOPE`" in err


def test_simulate_the_trend_scenario(capsys):
    code, out, _ = run(capsys, "simulate", TREND)
    assert code == 0
    assert "ASSUMED nh3_landbouw_2030.waarde" in out
    years = [
        line
        for line in out.splitlines()
        if line.strip() in {"2027", "2029", "2031", "2033", "2035"}
    ]
    assert len(years) == 5
    assert "trigger  landbouw_achter_op_streefwaarde: fired" in out
    assert "step 3" in out


def _scenario(tmp_path, text: str):
    shutil.copy(ROOT / "monitoring" / "series.csv", tmp_path / "series.csv")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_scenario_may_not_overrule_a_fixed_value(capsys, tmp_path):
    path = _scenario(
        tmp_path,
        "moments: [2027]\nassumptions:\n  - declaration: nh3_landbouw_2035\n"
        "    field: reductie\n    value: '30 % t.o.v. 2019'\n    why: cheaper\n",
    )
    code, _, err = run(capsys, "simulate", path)
    assert code == 1
    assert "error[S002]" in err and "not pending" in err


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("moments: []\n", "should be non-empty"),
        (
            "moments: [2027]\nbehaviour: {comply: {bedrijfsplan: 2}}\n",
            "2 is greater than the maximum of 1",
        ),
        ("moment: [2027]\n", "'moments' is a required property"),
        ("moments: [2027\n", "malformed YAML"),
    ],
)
def test_invalid_scenarios_are_located(capsys, tmp_path, text, fragment):
    code, _, err = run(capsys, "simulate", _scenario(tmp_path, text))
    assert code == 1
    assert "error[S001]" in err and fragment in err
