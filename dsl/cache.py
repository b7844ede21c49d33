"""The user's cache directory: where it is, whether it may be used, and entries read and written in
it. Lark's parser tables and parsed rule files are kept there (dsl/parser.py, dsl/parsecache.py).

The directory is `$BELEID_CACHE_DIR`, else `$XDG_CACHE_HOME/beleid`, else `~/.cache/beleid`. It is
used only when it is private: a directory owned by this user that nobody else may write to
(created with mode 0700). An entry is a pickle, so it is read only from such a directory, only
when it is a regular file of this user, and only after its key matches; one that does not load is
deleted and rebuilt, never trusted and never an error. `BELEID_CACHE=0` or `--no-cache`
(`switched_off`) turn the cache off. Nothing here downloads anything.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import stat
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

DIRECTORY_VARIABLE = "BELEID_CACHE_DIR"
SWITCH_VARIABLE = "BELEID_CACHE"
MAX_ENTRY_BYTES = 64_000_000  # far above any parsed rule file (2 MB of text at most, P006)
_MAGIC = b"beleid-cache 1\n"

# What happened to entries in this process: "hit", "miss", "stored", "discarded" (tests read it).
STATS: Counter[str] = Counter()
log = logging.getLogger("beleid.cache")
_switched_off = False


@contextlib.contextmanager
def switched_off() -> Iterator[None]:
    """Within the block no cache is read or written (`--no-cache`)."""
    global _switched_off
    before, _switched_off = _switched_off, True
    try:
        yield
    finally:
        _switched_off = before


def enabled() -> bool:
    """False under `switched_off` or when the environment says BELEID_CACHE=0."""
    return not _switched_off and os.environ.get(SWITCH_VARIABLE, "1").strip() != "0"


def location() -> Path:
    """Where the cache lives (it may not exist yet)."""
    explicit = os.environ.get(DIRECTORY_VARIABLE)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "beleid"


def private_directory() -> Path | None:
    """The cache directory, created if needed, when it is enabled and private; otherwise None."""
    if not enabled():
        return None
    directory = location()
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.lstat()
    except (OSError, RuntimeError):  # RuntimeError: Path.home() without a home
        return None
    if not stat.S_ISDIR(info.st_mode) or not _ours_alone(info):
        log.debug("cache directory %s is not private; not used", directory)
        return None
    return directory


def _ours_alone(info: os.stat_result) -> bool:
    """Owned by this user, and neither its group nor anyone else may write to it."""
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def vetted_path(directory: Path, name: str) -> Path:
    """The path of entry `name`, after deleting a file there that this user does not own alone."""
    path = directory / name
    try:
        info = path.lstat()
    except OSError:
        return path
    if not stat.S_ISREG(info.st_mode) or not _ours_alone(info):
        _discard(path, "not a private regular file")
    return path


def read_entry(directory: Path, name: str, key: str) -> object | None:
    """The value stored under `name` for `key`, or None (missing, stale, foreign or damaged)."""
    path = vetted_path(directory, name)
    data = _read_bounded(path)
    if data is None:
        STATS["miss"] += 1
        return None
    header = _MAGIC + key.encode("ascii") + b"\n"
    if not data.startswith(header):
        STATS["miss"] += 1
        log.debug("cache miss %s (other key)", name)
        return None
    try:
        value = pickle.loads(data[len(header) :])  # private directory: module docstring
    except Exception:  # any damage means rebuild, never a failure
        _discard(path, "damaged")
        STATS["miss"] += 1
        return None
    STATS["hit"] += 1
    log.debug("cache hit %s", name)
    return value


def _read_bounded(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        return file.read(MAX_ENTRY_BYTES + 1)


def write_entry(directory: Path, name: str, key: str, value: object) -> None:
    """Store `value` under `name` for `key`, atomically (a reader sees the old entry or the new
    one, never half of one); a failure to write only means the next run rebuilds.
    """
    header = _MAGIC + key.encode("ascii") + b"\n"
    try:
        data = header + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
    except (OSError, pickle.PicklingError, RecursionError):
        return
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, directory / name)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    STATS["stored"] += 1


def _discard(path: Path, why: str) -> None:
    STATS["discarded"] += 1
    log.debug("cache entry %s discarded: %s", path.name, why)
    with contextlib.suppress(OSError):
        path.unlink()
