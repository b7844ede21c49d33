"""Properties: the columnar evaluation of a condition agrees, farm by farm, with the one-farm trace
that `explain` prints (three-valued logic included); data loading never raises on arbitrary bytes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.data.monitoring import Series, load_entities, load_events, load_series
from compiler.evaluate.columns import EntityConditions
from compiler.evaluate.conditions import NationalConditions, trace_for_entity
from dsl import nodes
from dsl.diagnostics import Diagnostics
from tests.evaluation_helpers import farms

UNITS = {
    "nh3_emissie_bedrijf": "kg",
    "bedrijfsnorm_nh3": "kg",
    "afstand_overbelast_natura2000": "m",
    "structureel_verwijtbaar": "ja_nee",
}
COLUMNS = ["nh3_emissie_bedrijf", "bedrijfsnorm_nh3"]

values = st.one_of(
    st.floats(0, 3000, allow_nan=False), st.just(float("nan")), st.sampled_from([100.0, 1000.0])
)
comparisons = st.builds(
    lambda left, op, right: nodes.Comparison(nodes.Ref(left), op, right),
    st.sampled_from(COLUMNS),
    st.sampled_from(["<", "<=", ">", ">=", "=", "!="]),
    st.one_of(
        st.builds(nodes.Ref, st.sampled_from(COLUMNS)),
        st.builds(
            lambda n: nodes.Quantity(str(n), nodes.Unit("kg")), st.sampled_from([100, 1000, 1500])
        ),
        st.builds(lambda n: nodes.Quantity(str(n), nodes.Unit("ton")), st.sampled_from([1, 2])),
    ),
)
leaves = st.one_of(comparisons, st.just(nodes.Flag(nodes.Ref("structureel_verwijtbaar"))))
conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(nodes.Not, inner),
        st.builds(lambda items: nodes.AllOf(tuple(items)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda items: nodes.AnyOf(tuple(items)), st.lists(inner, min_size=2, max_size=3)),
    ),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None)
@given(
    condition=conditions,
    rows=st.lists(
        st.tuples(values, values, st.sampled_from([0.0, 1.0, float("nan")])),
        min_size=1,
        max_size=12,
    ),
)
def test_columns_agree_with_the_one_farm_trace(condition, rows):
    population = farms(
        [(f"F{i}", "melkvee", "utrecht", e, n) for i, (e, n, _) in enumerate(rows)],
        structureel_verwijtbaar=[flag for *_, flag in rows],
    )
    national = NationalConditions(
        Series(), dt.date(2027, 12, 31), UNITS, {}, lambda name: None, frozenset()
    )
    mask = EntityConditions(population, national, UNITS).mask(condition)
    for index in range(population.size):
        truth = trace_for_entity(condition, population, index, national, UNITS).truth
        assert bool(mask.true[index]) == (truth is True), (condition, rows[index])
        unknown = bool(mask.unknown[index]) if mask.unknown is not None else False
        assert unknown == (truth is None), (condition, rows[index])


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=400),
    kind=st.sampled_from(["series.csv", "series.yaml", "farms.csv", "events.csv"]),
)
def test_data_loading_never_raises(bundled_policy, tmp_path, data, kind):
    path = Path(tmp_path) / kind
    path.write_bytes(data)
    diags = Diagnostics()
    if kind.startswith("series"):
        load_series([path], bundled_policy, diags)
    elif kind == "farms.csv":
        load_entities(path, bundled_policy, diags)
    else:
        load_events([path], bundled_policy, None, diags)
    for diagnostic in diags:
        assert diagnostic.span.path == str(path) and diagnostic.hint


header = "indicator,period,value,unit,status,source\n"
cells = st.text(alphabet='nh3_landbouwkton0123456789.,-" e', max_size=12)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cells, min_size=5, max_size=7), max_size=5))
def test_near_valid_series_never_raise(bundled_policy, tmp_path, rows):
    path = Path(tmp_path) / "series.csv"
    path.write_text(header + "\n".join(",".join(r) for r in rows), encoding="utf-8")
    diags = Diagnostics()
    series = load_series([path], bundled_policy, diags)
    for observations in series.by_indicator.values():
        assert all(np.isfinite(o.value) for o in observations)
