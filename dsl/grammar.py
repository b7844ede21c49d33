"""The grammar (dsl/policy.lark) and the LALR parser Lark builds from it, once per process; its
tables are kept in the user's cache directory (dsl/cache.py) so a new process loads them instead
of rebuilding them.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from pathlib import Path

from lark import Lark
from lark import __version__ as lark_version

from dsl import cache

GRAMMAR = Path(__file__).with_name("policy.lark")


@functools.cache
def bare_parser() -> Lark:
    """The LALR parser building a plain Lark tree; also the baseline in benchmarks/check.py."""
    return build_parser(GRAMMAR.read_text(encoding="utf-8"), cache.private_directory())


def build_parser(grammar: str, cache_directory: Path | None) -> Lark:
    """Build the parser of `grammar`; with a cache directory, Lark keeps its tables in a file there
    named after the grammar's hash and Lark's version, and loads them instead of rebuilding (a file
    that does not load is rebuilt and rewritten by Lark).
    """
    lark_cache: str | bool = False
    if cache_directory is not None:
        lark_cache = str(cache.vetted_path(cache_directory, parser_cache_name(grammar)))
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        cache=lark_cache,
        cache_grammar=lark_cache is not False,  # rules and terminals stay inspectable
    )


def parser_cache_name(grammar: str) -> str:
    """The file name of Lark's tables for `grammar` under this Lark and Python."""
    digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()[:32]
    return f"lark-{digest}-{lark_version}-{sys.implementation.cache_tag}.tables"
