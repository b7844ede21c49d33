"""Downloads for analysts: the moment's target statuses and obligations per actor, province and
sector, as CSV (one file per table) and as an XLSX workbook (both tables), in each language.

Column headers are in the file's language; values are machine-readable and the same in both
languages: codes for statuses and levels, ISO dates, numbers with a decimal point and no
thousands separator. Every row carries the status of its data: `measured`, `provisional`,
`estimated` or `projected` as the series says, `synthetic` where it is derived from the generated
farm population, `rules` where it follows from the rules alone (a duty's due date), `none` where
there is no observation. The workbook is written by XlsxWriter (a runtime dependency); without it
installed, only the CSV files are written and the page links only those.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from compiler.report.provinces import PROVINCE_NAMES
from compiler.report.state import MonitoringState

try:
    import xlsxwriter
except (
    ImportError
):  # pragma: no cover - declared in pyproject.toml; missing only in a bare checkout
    xlsxwriter = None

WORKBOOK_AVAILABLE = xlsxwriter is not None

TARGET_COLUMNS = (
    "code",
    "title",
    "level",
    "subject",
    "subject_name",
    "status",
    "deadline",
    "period",
    "value",
    "goal",
    "unit",
    "gap",
    "farms_failing",
    "data_status",
    "url",
    "publisher",
)
OBLIGATION_COLUMNS = (
    "code",
    "title",
    "kind",
    "level",
    "subject",
    "subject_name",
    "status",
    "due",
    "count",
    "data_status",
)


@dataclass(frozen=True)
class Table:
    """One download: its sheet name and file name, headers in the language, rows of values."""

    sheet: str
    filename: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]


def pages(site) -> Iterator:
    """The CSV files and the workbook of the site's language (written once, with its HTML)."""
    from compiler.report.site import Page

    if site.state is None or site.form != "html":
        return
    words = site.labels["downloads"]
    tables = build(site.state, site.plain_title, words)
    for table in tables:
        yield Page(f"downloads/{site.language}/{table.filename}", csv_text(table))
    if WORKBOOK_AVAILABLE:
        moment = dt.date.fromisoformat(site.state.moment)
        workbook = workbook_bytes(tables, words["title"], moment)
        yield Page(f"downloads/{site.language}/{words['workbook_file']}", workbook)


def build(state: MonitoringState, title: Callable[[str], str], words: dict) -> tuple[Table, ...]:
    """The targets table and the obligations table of `state`, headed in `words`' language."""
    columns = words["columns"]
    return (
        Table(
            words["targets_sheet"],
            words["targets_file"],
            tuple(columns[c] for c in TARGET_COLUMNS),
            tuple(_target_rows(state, title)),
        ),
        Table(
            words["obligations_sheet"],
            words["obligations_file"],
            tuple(columns[c] for c in OBLIGATION_COLUMNS),
            tuple(_obligation_rows(state, title)),
        ),
    )


def _farm_status(state: MonitoringState) -> str:
    return "synthetic" if state.synthetic else "measured"


def _target_rows(state: MonitoringState, title: Callable[[str], str]) -> Iterator[tuple]:
    for t in state.targets:
        code, name, unit = t["id"], title(t["id"]), t["unit"]
        observed, farms = t["observed"] or {}, t.get("farms")
        status = observed.get("status") or (_farm_status(state) if farms else "none")
        yield (
            code,
            name,
            "national",
            "",
            "",
            t["status"],
            t["deadline"],
            observed.get("period"),
            observed.get("value"),
            t["goal"],
            unit,
            t["gap"],
            farms["failing"] if farms else None,
            status,
            observed.get("url"),
            observed.get("publisher"),
        )
        for sector, failing in (farms or {}).get("failing_by_sector", {}).items():
            gap = farms["gap_by_sector"].get(sector)
            yield (code, name, "sector", sector, sector, "", t["deadline"], None, None, None,
                   unit, gap, failing, _farm_status(state), None, None)  # fmt: skip
        entities = t.get("per_entity")
        for e in (entities or {}).get("entities", []):
            yield (
                code,
                name,
                _level(entities["kind"]),
                e["id"],
                PROVINCE_NAMES.get(e["id"], e["id"]),
                e["status"],
                t["deadline"],
                None,
                e["value"],
                e["goal"],
                unit,
                e["gap"],
                None,
                "synthetic" if entities["synthetic"] else "measured",
                None,
                None,
            )


def _obligation_rows(state: MonitoringState, title: Callable[[str], str]) -> Iterator[tuple]:
    data = state.data
    for d in sorted(data["duties"], key=lambda d: (d["actor"] or "", d["id"])):
        actor = d["actor"] or ""
        yield (d["id"], title(d["id"]), d["kind"], "actor", actor, title(actor) if actor else "",
               d["status"], d["due"], 1, "rules")  # fmt: skip
    for o in data["entity_obligations"]:
        code, name, farms = o["id"], title(o["id"]), _farm_status(state)
        issued = "issued" if o["farms"] else "not_issued"
        yield code, name, "bedrijf", "national", "", "", issued, o["due"], o["farms"], farms
        for sector, n in o["by_sector"].items():
            yield code, name, "bedrijf", "sector", sector, sector, issued, o["due"], n, farms
        for province, n in o["by_province"].items():
            place = PROVINCE_NAMES.get(province, province)
            yield code, name, "bedrijf", "province", province, place, issued, o["due"], n, farms
    for o in data["regional_obligations"]:
        code, name = o["id"], title(o["id"])
        status = "synthetic" if o["synthetic"] else "measured"
        for e in o["entities"]:
            selected = "selected" if e["selected"] else "not_selected"
            place = PROVINCE_NAMES.get(e["id"], e["id"])
            yield (code, name, o["kind"], _level(o["kind"]), e["id"], place, selected, None,
                   1 if e["selected"] else 0, status)  # fmt: skip


def _level(kind: str) -> str:
    return "province" if kind == "provincie" else kind


def cell(value) -> str:
    """A value as CSV text: empty for none, integers as written, other numbers with a decimal
    point, at most ten significant digits and never an exponent.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.10g}"
        return format(Decimal(text), "f") if "e" in text else text
    return str(value)


def csv_text(table: Table) -> str:
    """The table as CSV (RFC 4180: comma-separated, quoted where needed, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    writer.writerows([cell(v) for v in row] for row in table.rows)
    return buffer.getvalue()


def workbook_bytes(tables: tuple[Table, ...], title: str, moment: dt.date) -> bytes:
    """The tables as one XLSX workbook, one sheet each: headers bold and frozen, numbers as
    numbers, text as text (never read as a formula or a link). Its creation date is the moment,
    so two runs write the same file.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    workbook.set_properties(
        {"title": title, "created": dt.datetime(moment.year, moment.month, moment.day)}
    )
    bold = workbook.add_format({"bold": True})
    for table in tables:
        sheet = workbook.add_worksheet(table.sheet[:31])
        sheet.write_row(0, 0, table.headers, bold)
        for r, row in enumerate(table.rows, 1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(r, c, float(cell(value)))
                else:
                    sheet.write_string(r, c, str(value))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(table.rows), 1), len(table.headers) - 1)
    workbook.close()
    return buffer.getvalue()
