"""Write a text file atomically: a temporary file beside it, flushed to disk, then a rename, so that
an interrupted run never leaves half a file. A symbolic link is written through (the link stays a
link, the file it names is replaced), and a replaced file keeps its permissions; a new one gets
the permissions the umask gives. Used by `beleid fmt` for rule files and by the CLI for
`--output`.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_text_atomically(target: Path, text: str) -> None:
    """Write `text` to `target` (creating its folder), ending in a newline when it is not empty."""
    real = Path(os.path.realpath(target))
    real.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(real)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=real.parent, delete=False, prefix=f".{real.name}."
    ) as handle:
        try:
            handle.write(text + ("\n" if text and not text.endswith("\n") else ""))
            handle.flush()
            os.fsync(handle.fileno())
            os.chmod(handle.name, mode)
        except BaseException:
            _remove(handle.name)
            raise
    try:
        os.replace(handle.name, real)
    except BaseException:
        _remove(handle.name)
        raise


def _mode_for(path: Path) -> int:
    """The permission bits of the file being replaced, or those a new file gets (0666 less the
    umask) when there is none.
    """
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _remove(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)
