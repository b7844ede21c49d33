"""Progress on long work (evaluating millions of entities, writing the ledger, a simulation): a
bar on stderr (tqdm) when stderr is a terminal and the work is large enough to take seconds, and
nothing at all otherwise, so piped output, logs and tests stay clean. `BELEID_PROGRESS=0` turns
it off on a terminal too. Other stages reuse `bar`.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import TextIO

VARIABLE = "BELEID_PROGRESS"
LARGE = 500_000  # entities (or ledger entries) from which work takes long enough to show


class Silent:
    """The bar of work shown nowhere: every call does nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def note(self, text: str) -> None:
        pass


class _Shown:
    def __init__(self, bar) -> None:
        self.bar = bar

    def update(self, n: int = 1) -> None:
        self.bar.update(n)

    def note(self, text: str) -> None:
        self.bar.set_postfix_str(text, refresh=False)


def shown(stream: TextIO | None = None) -> bool:
    """Whether progress goes to `stream` (stderr): it is a terminal and progress is not off."""
    stream = stream if stream is not None else sys.stderr
    if os.environ.get(VARIABLE, "") == "0":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextlib.contextmanager
def bar(
    what: str,
    total: int | None = None,
    unit: str = "it",
    *,
    size: int | None = None,
    stream: TextIO | None = None,
) -> Iterator[Silent | _Shown]:
    """A progress bar for the block, counting `total` steps of `unit`; shown only on a terminal,
    and only when `size` (the entities or entries the work handles, when given) is LARGE or more.
    """
    stream = stream if stream is not None else sys.stderr
    if not shown(stream) or (size is not None and size < LARGE):
        yield Silent()
        return
    from tqdm import tqdm  # loaded only when a bar is shown

    with tqdm(
        total=total,
        desc=f"beleid: {what}",
        unit=unit,
        file=stream,
        leave=False,
        mininterval=0.2,
        **({} if _columns(stream) else {"ncols": 80, "nrows": 24}),  # a terminal of no size
    ) as shown_bar:
        yield _Shown(shown_bar)


def _columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return 0
