"""The two types of the diagnostic code registry (dsl/codes.py): `Severity` and `Code`."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    """How serious a diagnostic is: error, warning or info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Code:
    """A stable diagnostic code with its default severity and a one-line summary."""

    id: str
    slug: str
    severity: Severity
    summary: str
