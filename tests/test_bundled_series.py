"""The bundled monitoring data is published data: every value `beleid evaluate` reads from
`monitoring/` names its page, publisher and a verbatim quote, is copied unchanged from
`monitoring/published/figures.csv`, and is listed in `monitoring/README.md`.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re

from compiler.cli.main import main
from compiler.data import bundledoc, datasets
from compiler.data.series import load_series
from dsl.diagnostics import Diagnostics
from tests.conftest import ROOT

MONITORING = ROOT / "monitoring"
# Every file `evaluate` reads from the bundled folder (datasets.load); the farms are generated.
READ_BY_EVALUATE = [
    MONITORING / name
    for name in (*datasets.SERIES_FILES, datasets.FARMS_FILE, datasets.EVENTS_FILE)
    if (MONITORING / name).is_file()
]
NUMBER_WORDS = {"4": "vier", "14": "veertien", "20": "twintig"}


def _rows(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_bundled_value_names_its_page_publisher_and_quote():
    assert READ_BY_EVALUATE == [MONITORING / "series.csv"], "a new bundled file needs this test"
    rows = _rows(MONITORING / "series.csv")
    assert len(rows) > 40
    for row in rows:
        where = f"{row['indicator']} {row['period']}"
        assert re.match(r"^https?://\S+$", row.get("url") or ""), f"{where}: no url"
        assert (row.get("publisher") or "").strip(), f"{where}: no publisher"
        assert (row.get("quote") or "").strip(), f"{where}: no quote"


def test_every_loaded_value_and_superseded_vintage_keeps_its_provenance(bundled_policy):
    diags = Diagnostics()
    series = load_series([MONITORING / "series.csv"], bundled_policy, diags)
    assert not diags.has_errors
    values = [o for v in series.by_indicator.values() for o in v]
    values += [old for o in values for old in o.superseded]
    assert len(values) == len(_rows(MONITORING / "series.csv"))
    for o in values:
        assert o.url and o.publisher and o.quote, o


def test_each_value_stands_in_its_quote():
    """The value's digits occur in the quote (`112.8` in `... 112,8 ...`, `87000` in `87.000`); a
    yes/no value is a reading of its sentence, which the published row's note says.
    """
    notes = {(r["indicator"], r["period"], r["url"]): r["note"] for r in _published_rows()}
    for row in _rows(MONITORING / "series.csv"):
        if row["unit"] == "ja_nee":
            assert notes[(row["indicator"], row["period"], row["url"])].startswith("READING"), row
            continue
        digits = re.sub(r"\D", "", row["value"])
        quoted = re.sub(r"\D", "", row["quote"])
        assert digits in quoted or NUMBER_WORDS.get(row["value"], "?") in row["quote"], row


def _published_rows():
    return _rows(MONITORING / "published" / "figures.csv")


def test_the_series_is_copied_unchanged_from_the_published_figures(tmp_path):
    spec = importlib.util.spec_from_file_location("select", MONITORING / "published" / "select.py")
    select = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(select)
    select.main(tmp_path / "series.csv")
    assert (tmp_path / "series.csv").read_text(encoding="utf-8") == (
        MONITORING / "series.csv"
    ).read_text(encoding="utf-8"), "run python monitoring/published/select.py"
    published = {
        (r["indicator"], r["period"], r["url"], r["quote"]): r
        for r in _rows(select.HERE / "figures.csv")
    }
    for row in _rows(MONITORING / "series.csv"):
        source = published[(row["indicator"], row["period"], row["url"], row["quote"])]
        assert [row[k] for k in ("value", "status", "publisher", "published")] == [
            source[k] for k in ("value", "status", "publisher", "published")
        ]


def test_the_readme_lists_every_bundled_figure(bundled_policy):
    readme = (MONITORING / "README.md").read_text(encoding="utf-8")
    block = bundledoc.generated_block(MONITORING / "series.csv", bundled_policy)
    assert block in readme, "run python -m compiler.data.bundledoc"
    assert "issue 4" not in (MONITORING / "series.csv").read_text(encoding="utf-8")


def test_evaluate_on_the_bundled_data_sees_published_figures(capsys):
    """65 observations (45 before the third collection pass, 2 before the published figures)
    and 17 of 67 targets without data (37 before the third pass, 45 before published figures).
    67 in force: the NPLG's 12% generic reduction ended with the NPLG (2024) and the 74% KDW goal
    was replaced by the spoedwet's emission targets (2025); six were added from passages of the
    2022 annex that no declaration cited (issue 15), two of them (the 2050 aspirations for noise
    and air quality) without published data.
    """
    code = main(["evaluate", "--as-of", "2027", "--no-ledger", "--format", "json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["data"]["observations"] >= 65
    statuses = [t["status"] for t in result["targets"]]
    assert len(statuses) == 67
    assert statuses.count("no_data") <= 17
    landbouw = next(t for t in result["targets"] if t["id"] == "nh3_landbouw_2035")
    assert landbouw["observed"]["url"].startswith("https://www.cbs.nl/")
    assert [old["value"] for old in landbouw["observed"]["superseded"]] == [105.2]


def test_each_target_without_data_names_the_figure_it_lacks(capsys):
    """A `no_data` target says which indicator it lacks and in which unit, in JSON and in text."""
    assert main(["evaluate", "--as-of", "2027", "--no-ledger", "--format", "json"]) == 0
    lacking = [
        t for t in json.loads(capsys.readouterr().out)["targets"] if t["status"] == "no_data"
    ]
    assert lacking
    for target in lacking:
        assert f"`{target['indicator']}` (in {target['unit']})" in target["why"], target
    assert main(["evaluate", "--as-of", "2027", "--no-ledger", "--verbose"]) == 0
    text = capsys.readouterr().out
    for target in lacking:
        assert f"{target['id']}: {target['why']}" in text, target["id"]


def test_every_bundled_province_is_named_and_coded_by_its_source():
    """Each row of monitoring/provincies.csv quotes the CBS table row that names the province and
    gives its code, with the page it comes from.
    """
    rows = _rows(MONITORING / "provincies.csv")
    assert len(rows) == 12
    for row in rows:
        assert re.match(r"^https://www\.cbs\.nl/\S+$", row["url"]), row["code"]
        assert row["publisher"].startswith("CBS"), row["code"]
        assert row["quote"].startswith(f"{row['naam']} (PV) "), row["code"]
        assert re.fullmatch(r"PV\d\d", row["cbs_code"]) and row["quote"].endswith(row["cbs_code"])
    assert len({row["cbs_code"] for row in rows}) == 12
