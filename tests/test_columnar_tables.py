"""The columnar reader of entity tables (compiler/data/arrowtables.py, columncheck.py, entities.py)
against the row reader it replaced (compiler/data/entityrows.py): the same rows accepted and
refused, the same diagnostics at the same rows and fields, the same population; Parquet read
with located faults; the limits of the row reader kept.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.data import columncheck, dataschema, entities, tables
from compiler.data.entities import load_entities
from compiler.data.entityrows import load_entities_by_rows
from compiler.data.numbers import PLAIN_NUMBER
from compiler.data.tables import cell_number, cell_text
from compiler.data.validation import RecordValidator
from dsl.diagnostics import Diagnostics

NUMBERS = [
    "afstand_overbelast_natura2000",
    "bedrijfsnorm_nh3",
    "nh3_emissie_bedrijf",
    "overtredingen_doelsturing",
    "structureel_verwijtbaar",
]
BLANKS = " \t\xa0\u2003\x1c\x85"
# Cells that sit near the edges of the number grammar, and text around it.
NEAR_NUMBERS = st.one_of(
    st.from_regex(PLAIN_NUMBER, fullmatch=True),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-0",
            "+1",
            "1.",
            ".5",
            "1e",
            "1e999",
            "-1e-400",
            "1_000",
            "1,5",
            "nan",
            "-inf",
            "Infinity",
            "0x1F",
            "١٠٧",
            "１",
            "1" * 400,
            "9007199254740993",
            "2.5e-3",
            "1 kg",
            "True",
            "\u00b2",
            "7\u0660",
        ]
    ),
    st.text(alphabet="0123456789+-.eE_x " + BLANKS, max_size=10),
)
CELLS = st.builds(
    lambda before, cell, after: before + cell + after,
    st.text(alphabet=BLANKS, max_size=2),
    NEAR_NUMBERS,
    st.text(alphabet=BLANKS, max_size=2),
)


def _schema(policy) -> dict:
    return dataschema.data_schema(policy)


def test_whitespace_is_what_str_strip_removes():
    python = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
    assert python == columncheck.WHITESPACE
    text = pa.array([python + " a\u2003b " + python])
    assert columncheck.stripped(text).to_pylist() == [(" a\u2003b ").strip()]


def test_the_number_pattern_is_the_data_grammar():
    assert f"^{PLAIN_NUMBER.pattern}$" == columncheck.NUMBER


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(CELLS, min_size=1, max_size=30), field=st.sampled_from(NUMBERS))
def test_number_columns_refuse_exactly_what_the_row_validator_refuses(bundled_policy, cells, field):
    """Random text in a number column: refused by the columnar check exactly when jsonschema
    refuses the record the row reader makes of it, and read as the same number when accepted.
    """
    schema = _schema(bundled_policy)
    validator = RecordValidator(schema, "farm")
    prop = schema["$defs"]["farm"]["properties"][field]
    checked = columncheck.check_column(prop, pa.chunked_array([cells], type=pa.string()))
    for index, cell in enumerate(cells):
        record = {"id": "F", "sector": "melkvee", "province": "utrecht", field: cell_number(cell)}
        refused = bool(validator.errors(record))
        assert checked.invalid[index] == refused, (cell, record)
        if not refused:
            assert checked.values[index] == float(record[field]), cell


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(
        st.builds(
            lambda a, w, b: a + w + b,
            st.text(alphabet=BLANKS, max_size=2),
            st.sampled_from([*dataschema.FARM_SECTORS, "geiten", "Melkvee", "", "F1", "\u00e9"]),
            st.text(alphabet=BLANKS, max_size=2),
        ),
        min_size=1,
        max_size=20,
    ),
    field=st.sampled_from(dataschema.FIXED_ENTITY_COLUMNS),
)
def test_text_columns_refuse_exactly_what_the_row_validator_refuses(bundled_policy, cells, field):
    schema = _schema(bundled_policy)
    validator = RecordValidator(schema, "farm")
    prop = schema["$defs"]["farm"]["properties"][field]
    checked = columncheck.check_column(prop, pa.chunked_array([cells], type=pa.string()))
    for index, cell in enumerate(cells):
        record = {"id": "F", "sector": "melkvee", "province": "utrecht", field: cell_text(cell)}
        assert checked.invalid[index] == bool(validator.errors(record)), (cell, field)
        assert checked.text[index].as_py() == cell.strip()


# ------------------------------------------------------------------- whole tables, both readers

ROW = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["F1", "F2", "F3", " F4 ", "", "F5"]),
        "sector": st.sampled_from(["melkvee", "varkens", "pluimvee", " varkens", "geiten", ""]),
        "province": st.sampled_from(["utrecht", "limburg", "brabant", " zeeland "]),
        "nh3": st.one_of(st.sampled_from(["2100", "1e303", "2.5", "1e999"]), CELLS),
        "norm": st.one_of(st.sampled_from(["1900", "-5", "0"]), CELLS),
        "yes": st.sampled_from(["0", "1", "1.0", "2", "", "ja", "+0"]),
    }
)
LAYOUT = st.fixed_dictionaries(
    {
        "newline": st.sampled_from(["\n", "\r\n", "\r"]),
        "unit": st.sampled_from(["", " [Mton]", " [ton]"]),
        "quote": st.booleans(),
        "quoted_header": st.booleans(),
        "quoted_columns": st.sets(st.integers(0, 5), max_size=3),
        "quoted_blank": st.booleans(),
        "padding": st.sampled_from(["", " ", "\t"]),
        "blank_after": st.sets(st.integers(0, 12), max_size=3),
        "ragged": st.sets(st.integers(0, 12), max_size=2),
    }
)


def _csv(rows: list[dict], layout: dict) -> str:
    pad = layout["padding"]
    header = [
        "id",
        f"{pad}sector",
        "province" + pad,
        f"nh3_emissie_bedrijf{layout['unit']}",
        "bedrijfsnorm_nh3",
        "structureel_verwijtbaar",
    ]
    if layout["quoted_header"]:
        header = [f'"{cell}"' for cell in header]
    lines = [",".join(header)]
    for index, row in enumerate(rows):
        cells = [row["id"], row["sector"], row["province"], row["nh3"], row["norm"], row["yes"]]
        cells = [
            f'"{c}"' if i in layout["quoted_columns"] else c.replace(",", ";")
            for i, c in enumerate(cells)
        ]
        if layout["quote"] and index == 0:
            cells[0] = f'"{cells[0]}""\n"'  # a quote and a line break inside the cell
        if index in layout["ragged"]:
            cells = cells[:-1]
        lines.append(",".join(cells))
        if index in layout["blank_after"]:
            lines.append('""' if layout["quoted_blank"] else "")
    return layout["newline"].join(lines) + layout["newline"]


def _found(diags: Diagnostics) -> list[tuple]:
    return sorted(
        (
            d.code.id,
            d.span.line,
            d.span.column,
            d.message,
            d.hint,
            tuple((r.message, r.span.line) for r in d.related),
        )
        for d in diags
    )


def _same_population(one, other) -> None:
    assert (one is None) == (other is None)
    if one is None:
        return
    assert one.size == other.size
    assert one.labels.tolist() == other.labels.tolist()
    assert one.sector.tolist() == other.sector.tolist()
    assert one.province.tolist() == other.province.tolist()
    assert list(one.columns) == list(other.columns)
    for name in one.columns:
        assert np.array_equal(one.columns[name], other.columns[name]), name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, max_size=12), layout=LAYOUT, keep=st.booleans())
def test_the_columnar_reader_reports_and_keeps_what_the_row_reader_does(
    bundled_policy, tmp_path_factory, rows, layout, keep
):
    path = tmp_path_factory.mktemp("farms") / "farms.csv"
    path.write_bytes(_csv(rows, layout).encode("utf-8"))
    schema = _schema(bundled_policy)
    columnar, by_rows = Diagnostics(), Diagnostics()
    one = load_entities(path, bundled_policy, columnar, schema, keep_valid_rows=keep)
    other = load_entities_by_rows(path, bundled_policy, by_rows, schema, keep_valid_rows=keep)
    assert _found(columnar) == _found(by_rows)
    _same_population(one, other)


def test_a_header_padded_with_blanks_and_tabs_is_read(bundled_policy, tmp_path):
    path = tmp_path / "farms.csv"
    path.write_text(" id\t, sector ,\tprovince , bedrijfsnorm_nh3 [ton] \nF1,melkvee,utrecht,2\n")
    for load in (load_entities, load_entities_by_rows):
        diags = Diagnostics()
        farms = load(path, bundled_policy, diags)
        assert not len(diags)
        assert farms.labels.tolist() == ["F1"]
        assert farms.columns["bedrijfsnorm_nh3"].tolist() == [2000.0]


def test_only_the_first_hundred_faulty_rows_are_reported(bundled_policy, tmp_path):
    """D028: past MAX_REPORTED_ROWS rows with faults, the rest are counted in one note."""
    path = tmp_path / "farms.csv"
    rows = [f"F{i},melkvee,utrecht,{'x' if i % 2 else '1'}" for i in range(400)]
    path.write_text("id,sector,province,bedrijfsnorm_nh3\n" + "\n".join(rows) + "\n")
    diags = Diagnostics()
    assert load_entities(path, bundled_policy, diags) is None
    codes = [d.code.id for d in diags]
    assert codes.count("D008") == entities.MAX_REPORTED_ROWS
    lines = [d.span.line for d in diags if d.code.id == "D008"]
    assert lines == list(range(3, 3 + 2 * entities.MAX_REPORTED_ROWS, 2))
    [more] = [d for d in diags if d.code.id == "D028"]
    assert more.message.startswith("100 more rows have faults")
    assert more.span.line == 3 + 2 * entities.MAX_REPORTED_ROWS
    assert more.severity.value == "info"


def test_too_many_rows_stops_at_the_limit(bundled_policy, tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 2)
    path = tmp_path / "farms.csv"
    path.write_text("id,sector,province\n\nF1,melkvee,utrecht\nF2,melkvee,utrecht\nF3,x,y\n")
    diags = Diagnostics()
    load_entities(path, bundled_policy, diags)
    assert [(d.code.id, d.span.line) for d in diags] == [("D016", 5)]


def test_a_fifo_is_refused_not_waited_on(bundled_policy, tmp_path):
    for name in ("farms.csv", "farms.parquet"):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        diags = Diagnostics()
        assert load_entities(fifo, bundled_policy, diags) is None
        assert [d.code.id for d in diags] == ["D001"]


# ---------------------------------------------------------------------------------- Parquet


def _parquet(path: Path, columns: dict) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


def test_a_parquet_table_gives_the_diagnostics_of_the_same_table_as_csv(bundled_policy, tmp_path):
    csv = tmp_path / "farms.csv"
    csv.write_text(
        "id,sector,province,bedrijfsnorm_nh3\n"
        "F1,melkvee,utrecht,1900\nF1,varkens,limburg,5\nF3,geiten,utrecht,-1\nF4,melkvee,utrecht,\n"
    )
    parquet = _parquet(
        tmp_path / "farms.parquet",
        {
            "id": ["F1", "F1", "F3", "F4"],
            "sector": ["melkvee", "varkens", "geiten", "melkvee"],
            "province": ["utrecht", "limburg", "utrecht", "utrecht"],
            "bedrijfsnorm_nh3": pa.array([1900, 5, -1, None], type=pa.int64()),
        },
    )
    found = {}
    for path in (csv, parquet):
        diags = Diagnostics()
        assert load_entities(path, bundled_policy, diags) is None
        found[path.suffix] = sorted((d.span.line, d.code.id, d.message) for d in diags)
    assert found[".csv"] == found[".parquet"]
    assert [(line, code) for line, code, _ in found[".csv"]] == [
        (3, "D009"),  # row 2 of the table, on line 3 of the CSV
        (4, "D011"),
        (4, "D013"),
        (5, "D007"),
    ]


def test_a_good_parquet_table_loads_as_its_csv_does(bundled_policy, tmp_path):
    parquet = _parquet(
        tmp_path / "farms.parquet",
        {
            "id": pa.array(["F1", "F2"]).dictionary_encode(),
            "sector": ["melkvee", "varkens"],
            "province": pa.array(["utrecht", "limburg"], type=pa.large_string()),
            "nh3_emissie_bedrijf [ton]": pa.array([2.1, 1.5], type=pa.float32()),
            "structureel_verwijtbaar": pa.array([0, 1], type=pa.int8()),
        },
    )
    csv = tmp_path / "farms.csv"
    csv.write_text(
        "id,sector,province,nh3_emissie_bedrijf [ton],structureel_verwijtbaar\n"
        f"F1,melkvee,utrecht,{float(np.float32(2.1))},0\n"
        f"F2,varkens,limburg,{float(np.float32(1.5))},1\n"
    )
    diags = Diagnostics()
    _same_population(
        load_entities(parquet, bundled_policy, diags), load_entities(csv, bundled_policy, diags)
    )
    assert not len(diags)


def test_parquet_faults_are_located_at_row_and_field(bundled_policy, tmp_path):
    cases = {
        "wrong type": (
            {"id": ["F1"], "sector": pa.array([1]), "province": ["utrecht"]},
            [("D027", 2, "row 1, field `sector`: column `sector` holds int64, not text")],
        ),
        "a bool for a number": (
            {
                "id": ["F1"],
                "sector": ["melkvee"],
                "province": ["utrecht"],
                "bedrijfsnorm_nh3": [True],
            },
            [
                (
                    "D027",
                    2,
                    "row 1, field `bedrijfsnorm_nh3`: column `bedrijfsnorm_nh3` holds "
                    "bool, not numbers",
                )
            ],
        ),
        "missing column": (
            {"id": ["F1"], "sector": ["melkvee"]},
            [("D003", 1, "`farms.parquet` has no column `province`")],
        ),
        "not finite": (
            {
                "id": ["F1", "F2"],
                "sector": ["melkvee"] * 2,
                "province": ["utrecht"] * 2,
                "bedrijfsnorm_nh3": [1.0, float("nan")],
            },
            [("D024", 3, "row 2, field `bedrijfsnorm_nh3`: `nan` is not a finite number")],
        ),
        "text in a number column": (
            {
                "id": ["F1"],
                "sector": ["melkvee"],
                "province": ["utrecht"],
                "bedrijfsnorm_nh3": ["1,5"],
            },
            [("D008", 2, "row 1, field `bedrijfsnorm_nh3`: `1,5` is not a number")],
        ),
    }
    for name, (columns, expected) in cases.items():
        path = _parquet(tmp_path / "farms.parquet", columns)
        diags = Diagnostics()
        assert load_entities(path, bundled_policy, diags) is None, name
        assert [(d.code.id, d.span.line, d.message) for d in diags] == expected, name
        assert all(d.hint for d in diags)


def test_a_file_that_is_not_parquet_is_d002(bundled_policy, tmp_path):
    path = tmp_path / "farms.parquet"
    path.write_text("id,sector,province\n")
    diags = Diagnostics()
    assert load_entities(path, bundled_policy, diags) is None
    assert [d.code.id for d in diags] == ["D002"]
    assert "not a readable Parquet file" in next(iter(diags)).message


@pytest.mark.parametrize("suffix", [".xlsx", ".yaml"])
def test_other_file_types_are_d002(bundled_policy, tmp_path, suffix):
    path = tmp_path / f"farms{suffix}"
    path.write_text("id,sector,province\n")
    diags = Diagnostics()
    assert load_entities(path, bundled_policy, diags) is None
    assert [d.code.id for d in diags] == ["D002"]


def test_a_regional_table_in_parquet_reads_and_fails_as_its_csv_does(bundled_policy, tmp_path):
    from compiler.check.kinds import entity_kinds
    from compiler.data.regions import load_region_table

    kind = entity_kinds(bundled_policy)["provincie"]
    schema = _schema(bundled_policy)
    good = {"code": ["groningen", "utrecht"], "naam": ["Groningen", "Utrecht"]}
    bad = {"code": ["groningen", "brabant", "groningen"], "naam": ["Groningen", "B", "G"]}
    for columns, kept in ((good, ["groningen", "utrecht"]), (bad, None)):
        csv = tmp_path / "provincies.csv"
        csv.write_text(
            "code,naam\n" + "".join(f"{c},{n}\n" for c, n in zip(*columns.values(), strict=True))
        )
        parquet = _parquet(tmp_path / "provincies.parquet", columns)
        found = []
        for path in (csv, parquet):
            diags = Diagnostics()
            table = load_region_table(path, kind, bundled_policy, diags, schema)
            assert (table is None) == (kept is None)
            assert kept is None or table.labels.tolist() == kept
            found.append(sorted((d.code.id, d.span.line, d.message) for d in diags))
        assert found[0] == found[1]
        assert kept is not None or [code for code, *_ in found[0]] == ["D009", "D021"]
    wrong = _parquet(tmp_path / "provincies.parquet", {"code": [1, 2]})
    diags = Diagnostics()
    assert load_region_table(wrong, kind, bundled_policy, diags, schema) is None
    assert [(d.code.id, d.span.line) for d in diags] == [("D027", 2)]


def test_evaluate_reads_farms_from_parquet_and_locates_their_faults(capsys, tmp_path):
    from tests.conftest import run_cli

    columns = {"id": ["F1", "F2"], "sector": ["melkvee", "geiten"], "province": ["utrecht"] * 2}
    bad = _parquet(tmp_path / "farms.parquet", columns)
    code, out, err = run_cli(capsys, "evaluate", "--as-of", "2027", "--farms", bad, "--no-ledger")
    assert code == 1
    assert f"{bad}:3:1: error[D011]: row 2, field `sector`: `geiten` is not allowed here" in err
    good = _parquet(tmp_path / "good.parquet", {**columns, "sector": ["melkvee", "varkens"]})
    code, out, err = run_cli(capsys, "evaluate", "--as-of", "2027", "--farms", good, "--no-ledger")
    assert code == 0, err
    assert "(2 farms)" in out


def test_a_record_longer_than_a_pyarrow_block_is_split_as_the_row_reader_splits_it(
    bundled_policy, tmp_path
):
    """Pyarrow refuses a record longer than its block; the row reader's csv module then reads the
    file, with its own limit on a field (D002 at the line).
    """
    path = tmp_path / "farms.csv"
    path.write_text(f"id,sector,province\nF1,melkvee,utrecht\n{'F' * (3 << 20)},melkvee,utrecht\n")
    columnar, by_rows = Diagnostics(), Diagnostics()
    assert load_entities(path, bundled_policy, columnar) is None
    load_entities_by_rows(path, bundled_policy, by_rows)
    assert _found(columnar) == _found(by_rows)
    assert [(d.code.id, d.span.line) for d in columnar] == [("D002", 3)]
