"""Parsed rule files cached by content: a file whose bytes, name and parser are unchanged is not
parsed again; its syntax module and the diagnostics its parse gave come from the cache directory
(dsl/cache.py).

The key is the sha256 of the file's bytes, the name it is shown under (spans carry it) and the
parser's fingerprint: the grammar, every module of `dsl/`, the package version, Lark's version
and the Python version. One entry per file name, so an edited file replaces its entry.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

from dsl import cache
from dsl.codes import BY_ID
from dsl.diagnostics import Diagnostics
from dsl.nodes import Module

ParseBytes = Callable[[bytes, str, Diagnostics], Module]
_DSL = Path(__file__).resolve().parent


def parse_cached(data: bytes, display: str, diags: Diagnostics, parse: ParseBytes) -> Module:
    """`parse(data, display, diags)`, or what it gave for the same input before."""
    directory = cache.private_directory()
    if directory is None:
        return parse(data, display, diags)
    name = f"module-{_digest(fingerprint(), display)}.pickle"
    key = _digest(fingerprint(), display, data)
    found = _valid(cache.read_entry(directory, name, key), display)
    if found is not None:
        module, diagnostics = found
        for code_id, span, message, hint, related in diagnostics:
            diags.add(BY_ID[code_id], span, message, hint=hint, related=related)
        return module
    own = Diagnostics()
    module = parse(data, display, own)
    diags.extend(own)
    entry = (module, tuple((d.code.id, d.span, d.message, d.hint, d.related) for d in own))
    cache.write_entry(directory, name, key, entry)
    return module


def _valid(entry: object, display: str) -> tuple[Module, tuple] | None:
    """The entry when it has the shape parse_cached stores, else None (rebuilt)."""
    if not (isinstance(entry, tuple) and len(entry) == 2):
        return None
    module, diagnostics = entry
    if not (isinstance(module, Module) and module.path == display):
        return None
    if not isinstance(diagnostics, tuple):
        return None
    for item in diagnostics:
        if not (isinstance(item, tuple) and len(item) == 5 and item[0] in BY_ID):
            return None
    return module, diagnostics


def _digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        raw = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(raw).to_bytes(8, "little"))
        digest.update(raw)
    return digest.hexdigest()


@functools.cache
def fingerprint() -> str:
    """What a parse result depends on besides the file: the parser's own code and versions."""
    import lark  # only for its version; the parser has imported it by now

    parts: list[str | bytes] = [_package_version(), lark.__version__, sys.version]
    for path in sorted([*_DSL.glob("*.py"), *_DSL.glob("*.lark")]):
        parts += [path.name, path.read_bytes()]
    return _digest(*parts)


def _package_version() -> str:
    from importlib import metadata  # here, not at the top: only a run that uses the cache pays

    try:
        return metadata.version("beleid")
    except metadata.PackageNotFoundError:
        return "unknown"
