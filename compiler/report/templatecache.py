"""Compiled report templates kept between runs: a Jinja2 bytecode cache in the user's cache
directory (dsl/cache.py), so `beleid report` compiles a template only when its text changed.

An entry is named by Jinja2's key for the template and holds its bytecode under the template
source's checksum joined with a digest of the module that configures the environment
(compiler/report/sentences.py: its options, such as autoescaping and whitespace control, are
compiled into the bytecode); Jinja2's own header (its version and Python's) makes an entry from
another version load as a miss. The directory's rules (private, atomic writes, a damaged entry
discarded) and the switches (`BELEID_CACHE=0`, `--no-cache`) are those of dsl/cache.py.
"""

from __future__ import annotations

import hashlib
from functools import cache as once
from pathlib import Path

import jinja2

from dsl import cache

_CONFIGURING_MODULE = Path(__file__).with_name("sentences.py")


class TemplateBytecodeCache(jinja2.BytecodeCache):
    """Jinja2 bytecode in entries of the beleid cache directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = cache.read_entry(self.directory, _entry_name(bucket), _entry_key(bucket))
        if isinstance(data, bytes):
            bucket.bytecode_from_string(data)  # resets itself on another Jinja2 or Python

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        cache.write_entry(
            self.directory, _entry_name(bucket), _entry_key(bucket), bucket.bytecode_to_string()
        )


def bytecode_cache() -> TemplateBytecodeCache | None:
    """The cache for this run, or None when the cache directory is off or not private."""
    directory = cache.private_directory()
    return TemplateBytecodeCache(directory) if directory is not None else None


def _entry_name(bucket: jinja2.bccache.Bucket) -> str:
    return f"template-{bucket.key}.jinja"


def _entry_key(bucket: jinja2.bccache.Bucket) -> str:
    return f"{bucket.checksum}-{_configuration_digest()}"


@once
def _configuration_digest() -> str:
    return hashlib.sha256(_CONFIGURING_MODULE.read_bytes()).hexdigest()[:16]
