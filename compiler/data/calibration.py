"""What the synthetic farm population is calibrated to, read from two files under monitoring/:
`calibration.csv` (published figures, each with the url and verbatim quote it comes from) and
`calibration-model.csv` (the modelled choices where nothing is published). Turns them into the
shares, weights and totals the generator (compiler/data/synthetic.py) draws from.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from compiler.data.dataschema import FARM_SECTORS, PROVINCES
from compiler.data.numbers import read_number
from dsl import files

MONITORING = Path(__file__).resolve().parents[2] / "monitoring"
FIGURES_FILE = "calibration.csv"
MODEL_FILE = "calibration-model.csv"
# What a published figure is used for.
USES = ("farms", "sector_base", "sector_farms", "sector_weight", "nh3_total")
KG_PER_KTON = 1e6
# The label every output that shows a farm figure carries (see compiler/evaluate/outcomes.py).
LABEL = "synthetic population calibrated to CBS farm counts and the published NH3 total"

MAX_CALIBRATION_BYTES = 1_000_000  # the bundled tables are a few kB


class CalibrationError(ValueError):
    """A calibration file that cannot be used, with the file and row it is in."""


@dataclass(frozen=True)
class Figure:
    """One published figure the calibration uses (a row of calibration.csv)."""

    use: str
    sector: str
    province: str
    indicator: str
    period: str
    value: float
    unit: str
    url: str
    quote: str
    source: str
    checked: str


@dataclass(frozen=True)
class Calibration:
    """The published figures and the modelled parameters, with what the generator needs of them."""

    figures: tuple[Figure, ...]
    model: dict[tuple[str, str], float]

    def of(self, use: str, sector: str = "") -> list[Figure]:
        return [f for f in self.figures if f.use == use and f.sector == sector]

    @property
    def farm_total(self) -> int:
        """The published national number of farms: the default size of the population."""
        return int(_national(self.of("farms"), "farms").value)

    @property
    def nh3_total_kg(self) -> float:
        """The published national NH3 emission from agriculture in kg, which the farms sum to."""
        return _national(self.of("nh3_total"), "nh3_total").value * KG_PER_KTON

    def parameter(self, name: str, sector: str = "") -> float:
        try:
            return self.model[name, sector]
        except KeyError:
            raise CalibrationError(f"{MODEL_FILE}: no parameter {name} {sector}".rstrip()) from None

    def province_shares(self) -> np.ndarray:
        """Each province's share of all farms: the published counts, and the farms left over spread
        over the other provinces by the sector weights (each sector's share times its weight there).
        """
        proxy = self.sector_shares() @ self.sector_weights()
        return spread(self.of("farms"), "farms", proxy)

    def sector_weights(self) -> np.ndarray:
        """Per sector (rows), how its farms lean over the provinces (each row sums to 1)."""
        return np.stack(
            [spread(self.of("sector_weight", s), f"sector_weight {s}") for s in FARM_SECTORS]
        )

    def sector_shares(self) -> np.ndarray:
        """Each sector's share of all farms: a published count over the published farm total of the
        same year; the sectors without one split the rest by the modelled ratio.
        """
        shares = np.zeros(len(FARM_SECTORS))
        published = np.zeros(len(FARM_SECTORS), dtype=bool)
        for k, sector in enumerate(FARM_SECTORS):
            counted = self.of("sector_farms", sector)
            if counted:
                shares[k] = _national(counted, "sector_farms").value / self._base(counted[0]).value
                published[k] = True
        ratio = np.array(
            [
                0.0 if published[k] else self.parameter("unpublished_sector_ratio", s)
                for k, s in enumerate(FARM_SECTORS)
            ]
        )
        if ratio.sum() > 0:
            shares += (1.0 - shares.sum()) * ratio / ratio.sum()
        return shares

    def _base(self, figure: Figure) -> Figure:
        for base in self.of("sector_base"):
            if base.period == figure.period and not base.province:
                return base
        raise CalibrationError(f"{FIGURES_FILE}: no sector_base for period {figure.period}")


def spread(figures: list[Figure], what: str, proxy: np.ndarray | None = None) -> np.ndarray:
    """Shares over the provinces from a national figure and some provincial ones: each published
    province its own value, every other province a part of what is left, equal or in proportion to
    `proxy`.
    """
    total = _national(figures, what).value
    values = np.full(len(PROVINCES), np.nan)
    for f in figures:
        if f.province:
            values[PROVINCES.index(f.province)] = f.value
    missing = np.isnan(values)
    left = total - np.nansum(values)
    if left < 0 or (left > 0 and not missing.any()):
        raise CalibrationError(f"{FIGURES_FILE}: the provinces of {what} do not add up to {total}")
    if missing.any():
        weight = np.ones(len(PROVINCES)) if proxy is None else np.asarray(proxy, dtype=float)
        values[missing] = left * weight[missing] / weight[missing].sum()
    return values / total


def _national(figures: list[Figure], what: str) -> Figure:
    national = [f for f in figures if not f.province]
    if len(national) != 1:
        raise CalibrationError(
            f"{FIGURES_FILE}: {what} needs one national figure, not {len(national)}"
        )
    return national[0]


@functools.lru_cache(maxsize=4)
def load_calibration(folder: Path = MONITORING) -> Calibration:
    """Both calibration files of `folder` (the bundled monitoring/ by default), checked."""
    figures = tuple(_figure(row, line) for line, row in _rows(folder / FIGURES_FILE))
    model = {
        (row["parameter"], row["sector"]): _value(row["value"], f"{MODEL_FILE} row {line}")
        for line, row in _rows(folder / MODEL_FILE)
        if row["value"]
    }
    return Calibration(figures, model)


def _rows(path: Path):
    try:  # through the bounded reader, like every data file (dsl/files.py)
        text = files.read_text(path, MAX_CALIBRATION_BYTES)
    except files.FileRefused as refused:
        raise CalibrationError(f"{path.name}: {refused.message}") from None
    except UnicodeDecodeError:
        raise CalibrationError(f"{path.name}: not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise CalibrationError(f"{path.name} row 1: the header names {repeated[0]!r} twice")
    yield from enumerate(reader, start=2)


def _value(text: str, where: str) -> float:
    """A calibration value: a finite number of the data grammar, never negative."""
    value = read_number(text)
    if value is None or value < 0:
        raise CalibrationError(
            f"{where}, field value: {text!r} is not a number of 0 or more in the data grammar"
            " (ASCII digits, a decimal point)"
        )
    return float(value)


def _figure(row: dict[str, str], line: int) -> Figure:
    where = f"{FIGURES_FILE} row {line}"
    if row["use"] not in USES:
        raise CalibrationError(f"{where}: unknown use {row['use']!r}; one of {', '.join(USES)}")
    if row["sector"] and row["sector"] not in FARM_SECTORS:
        raise CalibrationError(f"{where}: unknown sector {row['sector']!r}")
    if row["province"] and row["province"] not in PROVINCES:
        raise CalibrationError(f"{where}: unknown province {row['province']!r}")
    if not row["url"].strip() or not row["quote"].strip():
        raise CalibrationError(f"{where}: a calibration figure needs its url and quote")
    if row["use"] == "nh3_total" and row["unit"] != "kton":
        raise CalibrationError(f"{where}: the NH3 total must be in kton, not {row['unit']}")
    return Figure(
        use=row["use"],
        sector=row["sector"],
        province=row["province"],
        indicator=row["indicator"],
        period=row["period"],
        value=_value(row["value"], where),
        unit=row["unit"],
        url=row["url"],
        quote=row["quote"],
        source=row["source"],
        checked=row["checked"],
    )
