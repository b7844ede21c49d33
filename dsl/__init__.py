"""The beleid policy language: grammar, syntax nodes, parser, diagnostics. Knows nothing of
compiler/.
"""

from dsl.codes import ALL_CODES, Code, Severity
from dsl.diagnostics import Diagnostic, Diagnostics, Related
from dsl.source import SourceFile, Span

__all__ = [
    "ALL_CODES",
    "Code",
    "Diagnostic",
    "Diagnostics",
    "Related",
    "Severity",
    "SourceFile",
    "Span",
    "parse_file",
    "parse_text",
    "read_source",
]


def __getattr__(name: str):
    """The parser's entry points, imported on first use: the parser loads Lark, which a command
    that parses nothing (`beleid --help`) should not pay for.
    """
    if name in ("parse_file", "parse_text", "read_source"):
        from dsl import parser

        return getattr(parser, name)
    raise AttributeError(f"module 'dsl' has no attribute {name!r}")
