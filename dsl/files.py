"""The one bounded, link-aware reader for every file the tool opens on outside input's say-so.

A file is opened without following a last link that was swapped in after the check, and without
blocking (`O_NONBLOCK`, so a FIFO with no writer opens at once); what was opened is then judged
from its own descriptor (`fstat`, no separate `stat` that could race): only a regular file is
read, and only when its size is within the limit. The read itself stops one byte past the limit,
so a file that grows while it is read, or lies about its size, never costs more than the limit.
With a boundary (the tree a path may not leave), every symbolic link on the path is resolved
first and a path that then lies outside the boundary is refused without being opened.

Callers turn a `FileRefused` into their own located diagnostic (P0xx, D0xx, S0xx, ...).
"""

from __future__ import annotations

import enum
import errno
import os
import stat
from pathlib import Path

_CHUNK = 1 << 20


class Refusal(enum.StrEnum):
    """Why a file was not read."""

    MISSING = "missing"
    NOT_REGULAR = "not-regular"
    TOO_LARGE = "too-large"
    OUTSIDE = "outside"
    UNREADABLE = "unreadable"


class FileRefused(Exception):
    """A file that was not read, with the reason, its size when known and a readable message."""

    def __init__(self, reason: Refusal, message: str, size: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.size = size


def read_bytes(path: Path | str, limit: int, *, boundary: Path | None = None) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them, or `FileRefused`.

    With `boundary`, the path with every link followed must lie inside it.
    """
    target = _inside(Path(path), boundary) if boundary is not None else Path(path)
    fd = _open(target, follow_last_link=boundary is None)
    try:
        info = os.fstat(fd)
        _check_kind_and_size(info, limit)
        return _read_at_most(fd, limit)
    except OSError as error:
        raise _refusal_from(error) from None
    finally:
        os.close(fd)


def read_text(path: Path | str, limit: int, *, boundary: Path | None = None) -> str:
    """The file as UTF-8 text (a leading byte-order mark dropped), or `FileRefused`; bytes that
    are not UTF-8 are `UnicodeDecodeError`, for the caller to locate.
    """
    return read_bytes(path, limit, boundary=boundary).decode("utf-8-sig")


def not_regular(path: Path | str) -> str | None:
    """Why an existing `path` (links followed) is not a regular file ("a named pipe", ...), or
    None for a regular file or nothing there; asked with `stat`, so a FIFO never blocks. For files
    another library opens by name (the ledger, for SQLite).
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return None if stat.S_ISREG(mode) else _kind(mode)


def _inside(path: Path, boundary: Path) -> Path:
    try:
        resolved = path.resolve(strict=True)
        inside = resolved.is_relative_to(boundary.resolve())
    except FileNotFoundError:
        raise FileRefused(Refusal.MISSING, f"`{path}` does not exist") from None
    except (OSError, RuntimeError, ValueError) as error:
        raise FileRefused(Refusal.UNREADABLE, f"`{path}` cannot be resolved: {error}") from None
    if not inside:
        raise FileRefused(
            Refusal.OUTSIDE, f"`{path}` leads to `{resolved}`, outside `{boundary.resolve()}`"
        )
    return resolved


def _open(path: Path, *, follow_last_link: bool) -> int:
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow_last_link:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(path, flags)
    except OSError as error:
        raise _refusal_from(error) from None
    except ValueError:  # a NUL byte in the path
        raise FileRefused(Refusal.UNREADABLE, f"`{path}` is not a valid path") from None


def _check_kind_and_size(info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(Refusal.NOT_REGULAR, f"it is {_kind(info.st_mode)}, not a regular file")
    if info.st_size > limit:
        raise FileRefused(
            Refusal.TOO_LARGE,
            f"it is {info.st_size:,} bytes, over the limit of {limit:,}",
            info.st_size,
        )


def _read_at_most(fd: int, limit: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while total <= limit:
        part = os.read(fd, min(_CHUNK, limit + 1 - total))
        if not part:
            return b"".join(parts)
        parts.append(part)
        total += len(part)
    raise FileRefused(
        Refusal.TOO_LARGE, f"it grew past the limit of {limit:,} bytes while being read", total
    )


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a plain file"


def _refusal_from(error: OSError) -> FileRefused:
    if error.errno == errno.ENOENT:
        return FileRefused(Refusal.MISSING, "it does not exist")
    if error.errno == errno.ELOOP:
        return FileRefused(Refusal.OUTSIDE, "it is a link that changed or leads back to itself")
    if error.errno == errno.EISDIR:
        return FileRefused(Refusal.NOT_REGULAR, "it is a folder, not a regular file")
    return FileRefused(Refusal.UNREADABLE, f"it cannot be read: {error.strerror or error}")
