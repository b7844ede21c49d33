"""Text made safe for a terminal: every control character that is not a newline or a tab (C0,
DEL and C1, where the ESC sequences that move the cursor, clear the screen or set a window title
begin) is written as a visible escape (ESC as backslash, x, 1b), so nothing from a rule or data
file can steer the terminal it is printed on. The one helper every text renderer uses.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import ParamSpec

P = ParamSpec("P")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """`text` with each control character other than newline and tab as backslash, x, two hex."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def escaped(render: Callable[P, str]) -> Callable[P, str]:
    """A text renderer whose output has its control characters escaped (`escape_controls`)."""

    @functools.wraps(render)
    def safe(*args: P.args, **kwargs: P.kwargs) -> str:
        return escape_controls(render(*args, **kwargs))

    return safe
