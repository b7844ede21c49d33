"""Properties of data loading: it never raises on arbitrary bytes, and near-valid series load only
finite values. The two condition evaluators are held together in tests/test_condition_engines.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.data.entities import load_entities
from compiler.data.events import load_events
from compiler.data.series import load_series
from dsl.diagnostics import Diagnostics


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=400),
    kind=st.sampled_from(["series.csv", "series.yaml", "farms.csv", "farms.parquet", "events.csv"]),
)
def test_data_loading_never_raises(bundled_policy, tmp_path, data, kind):
    path = Path(tmp_path) / kind
    path.write_bytes(data)
    diags = Diagnostics()
    if kind.startswith("series"):
        load_series([path], bundled_policy, diags)
    elif kind.startswith("farms"):
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
