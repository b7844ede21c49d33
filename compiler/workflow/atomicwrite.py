"""Write a text file atomically: a temporary file beside it, then a rename, so that an interrupted
run never leaves half a file. Used by `beleid fmt` for rule files and by the CLI for `--output`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomically(target: Path, text: str) -> None:
    """Write `text` to `target` (creating its folder), ending in a newline when it is not empty."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, delete=False, prefix=f".{target.name}."
    ) as handle:
        handle.write(text + ("\n" if text and not text.endswith("\n") else ""))
    os.replace(handle.name, target)
