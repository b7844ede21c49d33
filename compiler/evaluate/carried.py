"""What the ledger carries from one moment into the next, as columns: per obligation the subjects
it was open for with their issue and due dates, per ladder the step of each subject on it; and the
row of each such subject in the next moment's population, found by label with NumPy.

Both read as mappings too (subject -> (issued, due), subject -> step), decoded on first use, so
explain, tests and small callers can ask about one subject without knowing the columns.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from compiler.evaluate import subjectkeys


@dataclass(frozen=True, eq=False)
class OpenObligations(Mapping):
    """One obligation's open subjects at the previous moment: labels (UTF-8 bytes), issue and due
    dates as day ordinals (0: no due date).
    """

    labels: np.ndarray
    issued: np.ndarray
    due: np.ndarray

    def rows_in(self, population) -> np.ndarray:
        """Each subject's row in `population`; -1 where it is not there."""
        return subjectkeys.index_of_population(population).find(self.labels)

    @functools.cached_property
    def _decoded(self) -> dict[str, tuple[dt.date, dt.date | None]]:
        return {
            label: (dt.date.fromordinal(i), dt.date.fromordinal(d) if d else None)
            for label, i, d in zip(
                subjectkeys.texts(self.labels), self.issued.tolist(), self.due.tolist(), strict=True
            )
        }

    def __getitem__(self, subject: str) -> tuple[dt.date, dt.date | None]:
        return self._decoded[subject]

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded)

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True, eq=False)
class LadderSteps(Mapping):
    """One ladder's subjects on a step above zero at the previous moment, with that step."""

    labels: np.ndarray
    steps: np.ndarray

    def rows_in(self, population) -> np.ndarray:
        return subjectkeys.index_of_population(population).find(self.labels)

    @functools.cached_property
    def _decoded(self) -> dict[str, int]:
        return dict(zip(subjectkeys.texts(self.labels), self.steps.tolist(), strict=True))

    def __getitem__(self, subject: str) -> int:
        return self._decoded[subject]

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded)

    def __len__(self) -> int:
        return len(self.labels)


def open_columns(carried: Mapping[str, tuple[dt.date, dt.date | None]]) -> OpenObligations:
    """Open obligations as columns, from columns or from a plain mapping."""
    if isinstance(carried, OpenObligations):
        return carried
    values = list(carried.values())
    return OpenObligations(
        subjectkeys.utf8(list(carried)),
        np.array([i.toordinal() for i, _ in values], dtype=np.int32),
        np.array([d.toordinal() if d else 0 for _, d in values], dtype=np.int32),
    )


def step_columns(carried: Mapping[str, int]) -> LadderSteps:
    """Ladder steps as columns, from columns or from a plain mapping."""
    if isinstance(carried, LadderSteps):
        return carried
    return LadderSteps(subjectkeys.utf8(list(carried)), np.array(list(carried.values()), np.int8))
