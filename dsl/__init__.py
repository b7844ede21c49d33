"""The beleid policy language: grammar, syntax nodes, parser, diagnostics. Knows nothing of
compiler/.
"""

from dsl.codes import ALL_CODES, Code, Severity
from dsl.diagnostics import Diagnostic, Diagnostics, Related
from dsl.parser import parse_file, parse_text, read_source
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
