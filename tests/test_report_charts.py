"""The report's charts (compiler/report/charts): golden SVG files that are the same bytes on every
run, a changed observation or target value changes the chart, a range target is a band, the legend
names only what is drawn, the dependency picture never cuts a label, and every target with data has
a chart on its page. `pytest tests/test_report_charts.py --update-golden` rewrites the goldens.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import yaml

from compiler.report.charts import budgets, dependencies, provinces, timeline, trajectory
from compiler.report.handbook import BudgetRow, BudgetTable, Deadline
from compiler.report.phrases import Phrases
from dsl import nodes
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "charts"
LABELS = yaml.safe_load((ROOT / "compiler/report/templates/labels.yaml").read_text("utf-8"))
SVG = "{http://www.w3.org/2000/svg}"


def _figure(language: str):
    return Phrases(language, lambda ident: ident).figure


def _range_target(**change) -> trajectory.Trajectory:
    values = {
        "name": "nh3_range",
        "title": "NH3 from agriculture, 42-46% lower",
        "unit": "kton",
        "observed": (
            (2019, 112.8, "measured"),
            (2020, 110.1, "measured"),
            (2021, 107.9, "provisional"),
        ),
        "path": ((2019, 112.8), (2035, 65.4)),
        "ends": (((2019, 112.8), (2035, 60.9)), ((2019, 112.8), (2035, 65.4))),
        "goal": 65.4,
        "deadline": 2035,
    }
    return trajectory.Trajectory(**{**values, **change})


def _path_target(**change) -> trajectory.Trajectory:
    values = {
        "name": "houses",
        "title": "100,000 houses a year",
        "unit": "woningen",
        "observed": ((2020, 69000.0, "measured"), (2023, 73000.0, "estimated")),
        "path": ((2009, 87000.0), (2020, 95000.0), (2024, 100000.0)),
        "ends": (),
        "goal": 100000.0,
        "deadline": 2024,
    }
    return trajectory.Trajectory(**{**values, **change})


def _entities(change: float = 0.0) -> list[dict]:
    names = [
        "groningen",
        "fryslan",
        "drenthe",
        "overijssel",
        "flevoland",
        "gelderland",
        "utrecht",
        "noord_holland",
        "zuid_holland",
        "zeeland",
        "noord_brabant",
        "limburg",
    ]
    return [
        {
            "id": n,
            "values": {"nh3": 2.0 + i + (change if n == "utrecht" else 0)},
            "selected": i % 2 == 0,
        }
        for i, n in enumerate(names)
    ]


def _budget() -> BudgetTable:
    rows = (
        BudgetRow(
            "a",
            "Brede vrijwillige beëindigingsregeling",
            "incidenteel",
            {"start": Decimal("750000000"), "next": Decimal("375000000")},
        ),
        BudgetRow("b", "Natuur", "incidenteel", {"next": Decimal("400000000")}),
    )
    return BudgetTable(
        "fund", ("start", "next", "totaal"), {"start": "Start", "next": "Next"}, rows, {}, ()
    )


def _deadlines() -> tuple[Deadline, ...]:
    dates = ((2025, "deadline"), (2027, "interim"), (2030, "deadline"), (2030, "first"))
    return tuple(
        Deadline(dt.date(y, 12, 31), nodes.When(f"{y}-12-31"), f"d{i}", what)
        for i, (y, what) in enumerate(dates)
    )


def _charts(language: str) -> dict[str, str]:
    labels, figure = LABELS[language], _figure(language)
    return {
        "trajectory-range": trajectory.chart(_range_target(), labels, figure),
        "trajectory-path": trajectory.chart(_path_target(), labels, figure),
        "provinces": provinces.chart(
            "provinces-x-nh3", "NH3", "kton", _entities(), "nh3", True, labels, figure
        ),
        "budget": budgets.chart(_budget(), "Fund", "totaal", labels, figure),
        "timeline": timeline.chart(_deadlines(), dt.date(2027, 1, 1), labels),
    }


@pytest.mark.parametrize("language", ["nl", "en"])
def test_golden_charts(language, update_golden):
    charts = _charts(language)
    assert charts == _charts(language), "two runs drew different bytes"
    for name, svg in charts.items():
        path = GOLDEN / language / f"{name}.svg"
        if update_golden:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(svg, encoding="utf-8")
            continue
        assert path.read_text("utf-8") == svg, f"{path} differs (--update-golden rewrites it)"


def test_charts_carry_no_date_version_or_script():
    for svg in _charts("en").values():
        assert "<script" not in svg and "dc:date" not in svg and "Matplotlib v" not in svg
        assert not re.search(r"\b20\d\d-\d\d-\d\dT", svg)


def test_a_changed_observation_changes_the_chart():
    labels, figure = LABELS["en"], _figure("en")
    before = trajectory.chart(_range_target(), labels, figure)
    changed = _range_target(
        observed=((2019, 112.8, "measured"), (2020, 99.0, "measured"), (2021, 107.9, "provisional"))
    )
    after = trajectory.chart(changed, labels, figure)
    assert before != after
    assert _group(before, "chart-nh3_range-observed-measured") != _group(
        after, "chart-nh3_range-observed-measured"
    )
    # the provisional observation did not move
    assert _group(before, "chart-nh3_range-observed-provisional") == _group(
        after, "chart-nh3_range-observed-provisional"
    )


def test_a_changed_target_value_changes_the_chart():
    labels, figure = LABELS["nl"], _figure("nl")
    before = trajectory.chart(_path_target(), labels, figure)
    after = trajectory.chart(
        _path_target(goal=110000.0, path=((2009, 87000.0), (2020, 95000.0), (2024, 110000.0))),
        labels,
        figure,
    )
    assert _group(before, "chart-houses-path") != _group(after, "chart-houses-path")
    assert "110.000" in ET.fromstring(after).find(f"{SVG}desc").text


def test_a_changed_province_value_changes_only_its_panel():
    labels, figure = LABELS["en"], _figure("en")
    before = provinces.chart("p", "NH3", "kton", _entities(), "nh3", False, labels, figure)
    after = provinces.chart("p", "NH3", "kton", _entities(0.5), "nh3", False, labels, figure)
    assert _group(before, "p-bar-utrecht") != _group(after, "p-bar-utrecht")
    assert _group(before, "p-bar-limburg") == _group(after, "p-bar-limburg")


def test_a_range_target_draws_a_band_not_a_point():
    svg = trajectory.chart(_range_target(), LABELS["en"], _figure("en"))
    assert _group(svg, "chart-nh3_range-band") is not None
    assert _group(svg, "chart-nh3_range-goal") is None  # no single goal point for a range
    assert "between 60.9 and 65.4 kton in 2035" in svg


def test_the_axis_covers_the_data_and_the_deadline():
    target = _path_target(
        observed=((2019, 4.0, "measured"), (2021, 9.0, "measured")),
        path=(),
        goal=None,
        deadline=2030,
    )
    svg = trajectory.chart(target, LABELS["en"], _figure("en"))
    ticks = [t.text for t in _texts(svg, "chart-houses-matplotlib.axis_1")]
    assert "2030" in ticks and "2019" not in ticks[-1:]
    assert _legend(svg) == ["measured", "deadline 2030"]


@pytest.mark.parametrize("make", [_range_target, _path_target])
def test_no_legend_entry_without_a_drawn_element(make):
    t = make()
    svg = trajectory.chart(t, LABELS["en"], _figure("en"))
    drawn = {
        "target range": "band",
        "path to the target": "path",
        "target": "goal",
        "measured": "observed-measured",
        "provisional": "observed-provisional",
        "estimated": "observed-estimated",
        f"deadline {t.deadline}": "deadline",
    }
    for label in _legend(svg):
        assert _group(svg, f"chart-{t.name}-{drawn[label]}") is not None, label


def test_synthetic_province_values_say_so_in_the_readers_language():
    for language, word in (("nl", "synthetisch"), ("en", "synthetic")):
        svg = provinces.chart(
            "p", "NH3", "kton", _entities(), "nh3", True, LABELS[language], _figure(language)
        )
        assert word in ET.fromstring(svg).find(f"{SVG}title").text
        assert (
            len([g for g in ET.fromstring(svg).iter(f"{SVG}g") if "-bar-" in g.get("id", "")]) == 12
        )


def test_the_dependency_picture_never_cuts_a_label():
    long = (
        "Een heel lange titel van een declaratie die vroeger werd afgekapt na achtentwintig tekens"
    )
    svg = dependencies.neighbourhood(
        ("c", long),
        [("a", long)],
        [("b", "Kort")],
        lambda i: f"#{i}",
        {"uses": "Gebruikt", "used_by": "Gebruikt door"},
    )
    root = ET.fromstring(svg)
    shown = [
        " ".join(t.text for t in text.iter(f"{SVG}tspan"))
        for text in root.iter(f"{SVG}text")
        if text.get("class") == "label"
    ]
    assert shown.count(long) == 2 and "…" not in svg
    for line in (t.text for t in root.iter(f"{SVG}tspan")):
        assert len(line) <= 28, line


def test_every_target_with_data_has_a_chart_on_its_page(bundled_report):
    pages = sorted((bundled_report / "en").glob("target-*.html"))
    assert pages
    with_data = 0
    for page in pages:
        text = page.read_text("utf-8")
        has_observations = "<th>Data source</th>" in text or "Data source</th>" in text
        if has_observations:
            with_data += 1
            assert 'class="chart"' in text, f"{page.name} has data but no chart"
    assert with_data >= 20


def _group(svg: str, ident: str):
    element = ET.fromstring(svg).find(f".//*[@id='{ident}']")
    return None if element is None else ET.tostring(element)


def _texts(svg: str, ident: str):
    return [t for t in ET.fromstring(svg).find(f".//*[@id='{ident}']").iter(f"{SVG}text")]


def _legend(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("id", "").endswith("legend_1"))
    return [t.text for t in legend.iter(f"{SVG}text")]
