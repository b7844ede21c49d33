"""The values monitoring data becomes: `Series` of `Observation`s, a `Population` of farms held as
columns, compliance `Event`s, and `Monitoring`, everything one evaluation reads besides the policy.

Each is built once (by the loaders in series.py, entities.py and events.py, or in code) and never
changed after that; a population only caches what it computes from itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from dsl.source import Span


@dataclass(frozen=True, slots=True)
class Observation:
    """One value of a series, converted to its indicator's unit, with where it comes from: the
    page (`url`, `publisher`, `published` as the page states it, `quote` verbatim) and/or a
    `source` text, and the other publications of the same value it won over (`superseded`,
    newest first; compiler/data/provenance.py picks the winner).
    """

    indicator: str
    period: str
    value: float
    status: str
    source: str
    origin: Span
    url: str = ""
    publisher: str = ""
    published: str = ""
    quote: str = ""
    superseded: tuple[Observation, ...] = ()

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def date(self) -> dt.date:
        """The day the value describes: a bare year or month stands for its last day."""
        if len(self.period) == 4:
            return dt.date(self.year, 12, 31)
        if len(self.period) == 7:
            month = int(self.period[5:7])
            following = dt.date(self.year + month // 12, month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date.fromisoformat(self.period)

    @property
    def citation(self) -> str:
        """Where the value comes from in one line: publisher, date and page, else the source."""
        if not self.url:
            return self.source
        published = f" ({self.published})" if self.published else ""
        return f"{self.publisher or 'unknown publisher'}{published}, {self.url}"


@dataclass(frozen=True)
class Series:
    """Observations per indicator, oldest first."""

    by_indicator: dict[str, tuple[Observation, ...]] = field(default_factory=dict)

    def of(self, indicator: str) -> tuple[Observation, ...]:
        return self.by_indicator.get(indicator, ())

    def latest(self, indicator: str, on: dt.date) -> Observation | None:
        """The most recent observation describing a day on or before `on`."""
        known = [o for o in self.of(indicator) if o.date <= on]
        return known[-1] if known else None

    @classmethod
    def from_values(
        cls,
        values: dict[str, dict[str, float]],
        status: str = "measured",
        source: str = "given in code",
    ) -> Series:
        """Series built in code (tests, benchmarks): {indicator: {period: value}}, units as
        declared.
        """
        here = Span.point(f"<{source}>")
        return cls(
            {
                indicator: tuple(
                    Observation(indicator, str(period), float(v), status, source, here)
                    for period, v in sorted(by_period.items())
                )
                for indicator, by_period in values.items()
            }
        )

    def in_year(self, indicator: str, year: int) -> Observation | None:
        return next((o for o in reversed(self.of(indicator)) if o.year == year), None)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_indicator.values())


@dataclass(frozen=True)
class Population:
    """A table of entities as columns: categorical codes and float64 values.

    `labels` holds the ids as written; a synthetic population has none and names its farms
    `B0000001`, `B0000002`, ... on demand, so ten million farms need no string array. `kind` is the
    entity kind (`bedrijf` for farms); a table of another kind (compiler/data/regions.py) has no
    sector (-1) and, for provinces, each province's own code as its `province`.
    """

    size: int
    sector: np.ndarray  # int8 codes into dataschema.FARM_SECTORS
    province: np.ndarray  # int8 codes into dataschema.PROVINCES
    columns: dict[str, np.ndarray]  # indicator id -> float64, in the indicator's unit
    origin: str
    labels: np.ndarray | None = None
    kind: str = "bedrijf"

    def label(self, index: int) -> str:
        return str(self.labels[index]) if self.labels is not None else synthetic_label(index)

    def index_of(self, labels: Iterable[str]) -> np.ndarray:
        """Row positions of the given ids; -1 where an id is unknown."""
        lookup = self._lookup
        return np.array([lookup.get(label, -1) for label in labels], dtype=np.int64)

    # Computed once each: a population never changes after it is built.

    @functools.cached_property
    def _lookup(self):
        if self.labels is None:
            return _SyntheticLookup(self.size)
        return {str(label): i for i, label in enumerate(self.labels)}

    @functools.cached_property
    def nobody(self) -> np.ndarray:
        """An all-false, read-only mask over the population, shared by every result that selects
        no one.
        """
        mask = np.zeros(self.size, dtype=bool)
        mask.setflags(write=False)
        return mask

    @functools.cached_property
    def nan_columns(self) -> frozenset[str]:
        """Columns with at least one empty value."""
        return frozenset(k for k, v in self.columns.items() if np.isnan(v).any())

    def digest(self) -> str:
        h = hashlib.sha256(f"{self.size}".encode())
        for array in (self.sector, self.province, *(self.columns[k] for k in sorted(self.columns))):
            h.update(np.ascontiguousarray(array).tobytes())
        h.update(",".join(sorted(self.columns)).encode())
        if self.labels is not None:
            h.update("\n".join(map(str, self.labels)).encode())
        if self.kind != "bedrijf":
            h.update(self.kind.encode())
        return h.hexdigest()


def synthetic_label(index: int) -> str:
    return f"B{index + 1:07d}"


class _SyntheticLookup:
    """Maps `B0000042` to 41 without building a dictionary of every farm."""

    def __init__(self, size: int) -> None:
        self.size = size

    def get(self, label, default=-1) -> int:
        if isinstance(label, str) and len(label) == 8 and label[0] == "B" and label[1:].isdigit():
            index = int(label[1:]) - 1
            if 0 <= index < self.size:
                return index
        return default


@dataclass(frozen=True, slots=True)
class Event:
    """A compliance event: `subject` (a farm id or an actor id) did `event` for `obligation`."""

    subject: str
    obligation: str
    event: str
    date: dt.date
    origin: Span


@dataclass(frozen=True)
class Monitoring:
    """Everything one evaluation reads besides the policy."""

    series: Series
    population: Population | None = None
    events: tuple[Event, ...] = ()
    files: tuple[str, ...] = ()
    tables: Mapping[str, Population] = field(default_factory=dict)  # entity kind -> its table

    def digest(self) -> str:
        """A fingerprint of the content (not the file names), for the ledger."""
        h = hashlib.sha256()
        for ind in sorted(self.series.by_indicator):
            for o in self.series.of(ind):
                h.update(f"{ind}|{o.period}|{o.value!r}|{o.status}\n".encode())
        h.update((self.population.digest() if self.population else "-").encode())
        for e in sorted(self.events, key=lambda e: (e.subject, e.obligation, e.event, e.date)):
            h.update(f"{e.subject}|{e.obligation}|{e.event}|{e.date}\n".encode())
        for kind in sorted(self.tables):
            h.update(f"{kind}:{self.tables[kind].digest()}\n".encode())
        return h.hexdigest()
