"""`beleid explain` per province: the bundled provincial obligation explained for each of the twelve
provinces with the trace of its selection, one entity of any kind (`--entity KIND:KEY`) with its
values and obligations, and the values said to be synthetic when the farms are generated.
"""

from __future__ import annotations

import json
import re

from compiler.data.dataschema import PROVINCES
from tests.conftest import FIXTURES
from tests.conftest import run_cli as run

# F1 (utrecht) 2.1 t above its norm of 1900 kg; F2 (limburg) at its norm; F3 (gelderland) above it.
FARMS = FIXTURES / "data" / "good" / "farms.csv"
MOMENT = ("--as-of", "2027", "--no-ledger")
OBLIGATION = "gebiedsgericht_maatwerk"


def _explain(capsys, *argv):
    code, out, err = run(capsys, "explain", *argv, *MOMENT)
    assert code == 0, err
    return out


def _province_lines(out: str) -> dict[str, list[str]]:
    """Province -> its `selected?` line and the trace lines under it."""
    found: dict[str, list[str]] = {}
    current = None
    for line in out.splitlines():
        match = re.match(r"  provincie (\w+): selected\? (\w+)$", line)
        if match:
            current = match.group(1)
            found[current] = [match.group(2)]
        elif current and line.startswith("    "):
            found[current].append(line.strip())
        else:
            current = None
    return found


def test_the_provincial_obligation_is_explained_for_every_province(capsys):
    out = _explain(capsys, OBLIGATION, "--farms", FARMS)
    provinces = _province_lines(out)
    assert list(provinces) == list(PROVINCES)
    selected = {p for p, lines in provinces.items() if lines[0] == "yes"}
    assert selected == {"utrecht", "gelderland"}  # the provinces with a farm above its norm
    assert "- `achterblijvers_provincie` = 1 aantal >= 1 : true" in provinces["utrecht"]
    assert "- `achterblijvers_provincie` = 0 aantal >= 1 : false" in provinces["limburg"]
    assert "2 of 12 entities of kind provincie hold it now" in out
    assert '"In (de uitwerking van) de gebiedsgerichte aanpak kunnen provincies' in out
    assert "are computed from the farm table" in out and "synthetic" not in out


def test_synthetic_farms_are_named_and_each_province_agrees_with_evaluate(capsys):
    farms = ("--farm-count", "300", "--seed", "5")
    out = _explain(capsys, OBLIGATION, *farms)
    assert "computed from the synthetic farm population (300 farms, generated, not observed)" in out
    code, text, _ = run(capsys, "evaluate", "--format", "json", *farms, *MOMENT)
    assert code == 0
    (regional,) = [o for o in json.loads(text)["regional_obligations"] if o["id"] == OBLIGATION]
    by_evaluate = {e["id"]: e for e in regional["entities"]}
    explained = _province_lines(out)
    assert {p: lines[0] == "yes" for p, lines in explained.items()} == {
        p: e["selected"] for p, e in by_evaluate.items()
    }
    for province, lines in explained.items():
        count = by_evaluate[province]["values"]["achterblijvers_provincie"]
        assert any(f"`achterblijvers_provincie` = {count:g} aantal" in line for line in lines)


def test_one_province_as_an_entity(capsys):
    out = _explain(capsys, "--entity", "provincie:gelderland", "--farms", FARMS)
    assert out.startswith("provincie gelderland on 2027-12-31")
    assert "  achterblijvers_provincie = 1 aantal" in out
    assert "  aandeel_achterblijvers_provincie = 100 %" in out
    assert "  nh3_bedrijven_provincie = 0.0009 kton" in out  # F3: 0.9 t
    assert f"verplichting `{OBLIGATION}`" in out
    assert list(_province_lines(out)) == ["gelderland"]


def test_one_province_of_an_obligation(capsys):
    out = _explain(capsys, OBLIGATION, "--entity", "provincie:limburg", "--farms", FARMS)
    assert _province_lines(out) == {
        "limburg": ["no", "- `achterblijvers_provincie` = 0 aantal >= 1 : false"]
    }
    assert "sources:" in out


def test_a_farm_as_an_entity_is_the_farm_explained(capsys):
    assert _explain(capsys, "--entity", "bedrijf:F1", "--farms", FARMS) == _explain(
        capsys, "--farm", "F1", "--farms", FARMS
    )


def test_unknown_entities_are_usage_errors(capsys):
    for spec, said in (
        ("provincie:gelderlnd", "did you mean `gelderland`?"),
        ("dorp:utrecht", "no entity kind `dorp`"),
        ("gemeente:utrecht", "kind `gemeente` has no entities: no table of gemeente was given"),
        ("gelderland", "is not KIND:KEY"),
    ):
        code, _, err = run(capsys, "explain", "--entity", spec, "--farm-count", "5", *MOMENT)
        assert code == 2 and said in err, err


def test_explain_calls_generated_farms_synthetic(capsys):
    """A farm obligation's count over the generated population says the farms are synthetic."""
    code, out, _ = run(capsys, "explain", "bedrijfsplan", "--as-of", "2027", "--no-ledger")
    assert code == 0
    assert "synthetic farms hold it now" in out


def test_a_farm_target_over_generated_farms_says_synthetic(capsys):
    code, out, _ = run(capsys, "evaluate", "--as-of", "2027", "--no-ledger")
    assert code == 0
    line = next(line for line in out.splitlines() if "bedrijfsnorm_2035" in line)
    assert "synthetic farms meet the target" in line and "synthetic farms do not meet" in line
