"""Rule text -> syntax nodes: reads files within limits, parses with LALR, maps Lark errors to P0xx.

`parse_text` never raises for bad input: every problem becomes a diagnostic. After a syntax error
the file is parsed again declaration by declaration, so every error is reported and the caller
still gets every sound declaration.
"""

from __future__ import annotations

import re
from pathlib import Path

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from dsl import codes, files, parsecache
from dsl.diagnostics import Diagnostics
from dsl.expressions import deepest_calculation
from dsl.grammar import bare_parser
from dsl.nodes import KINDS, AllOf, AnyOf, Comparison, Module, Not
from dsl.source import SourceFile, Span
from dsl.transformer import PolicyTransformer

MAX_FILE_BYTES = 2_000_000
# Conditions nest through brackets and `niet`, calculations through their operators; these are the
# grammar's only recursive rules. Brackets and `niet` are counted in the text, calculations in the
# parsed comparisons.
MAX_NESTING = 64
_NEGATION_CHAIN = re.compile(r"(?:\bniet\s+){%d,}" % (MAX_NESTING + 1))
# The grammar's whitespace (lark's common.WS); other characters Python calls space, such as U+00A0,
# are characters the lexer rejects (P002), so a file of them is not empty.
_BLANK = " \t\f\r\n"
# Quoted text and comments, matched left to right as the lexer does (`#` in a quote is text).
_STRING_OR_COMMENT = re.compile(r'"[^"]*"|#[^\n]*')

# Operators as typeset in documents, which the language writes in ASCII (docs/language.md).
_TYPOGRAPHIC_OPERATORS = {"×": "*", "÷": "/", "−": "-"}

# How Lark's terminal names read in a message.
_TERMINAL_WORDS = {
    "NAME": "a name",
    "STRING": 'a "text"',
    "INT": "a whole number",
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "UNIT": "a unit",
    "MONEY": "an amount (€ 12 mln)",
    "KIND": "a declaration kind",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "COLON": "`:`",
    "COMMA": "`,`",
    "DOT": "`.`",
    "MINUS": "`-`",
    "PLUS": "`+`",
    "STAR": "`*`",
    "SLASH": "`/`",
    "COMPARATOR": "a comparison",
    "STATE": "a status word",
    "PERIOD": "a period (jaar, maanden, ...)",
    "$END": "end of file",
    "CONSEQUENCE": "verplichting, besluit or maatregel",
}


def read_source(path: Path, display: str, diags: Diagnostics) -> SourceFile | None:
    """Read a rule file as UTF-8 text within the limits; report why not otherwise."""
    data = read_rule_bytes(path, display, diags)
    return None if data is None else decode_source(data, display, diags)


def read_rule_bytes(path: Path, display: str, diags: Diagnostics) -> bytes | None:
    """A rule file's bytes within the size limit, a regular file only (read through the bounded
    reader of `dsl/files.py`), or None after P006 or P008.
    """
    try:
        return files.read_bytes(path, MAX_FILE_BYTES)
    except files.FileRefused as refused:
        if refused.reason is files.Refusal.TOO_LARGE:
            _too_large(refused.size or MAX_FILE_BYTES + 1, display, diags)
        else:
            diags.add(
                codes.UNREADABLE_FILE,
                Span.point(display),
                f"cannot read file: {refused.message}",
                hint="check that the path exists and is a readable rule file",
            )
        return None


def _too_large(size: int, display: str, diags: Diagnostics) -> None:
    diags.add(
        codes.FILE_TOO_LARGE,
        Span.point(display),
        f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
        hint="split the rules over several files, grouped by theme",
    )


def decode_source(data: bytes, display: str, diags: Diagnostics) -> SourceFile | None:
    """Decode bytes as UTF-8 within the size limit, rejecting binary content with a positioned
    diagnostic (also for text that never was a file, such as an editor's unsaved buffer).
    """
    if len(data) > MAX_FILE_BYTES:
        _too_large(len(data), display, diags)
        return None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        diags.add(
            codes.BINARY_FILE,
            Span.point(display, line),
            "file contains NUL bytes",
            hint="rule files are plain UTF-8 text; is this the right file?",
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = data[: error.start]
        line = prefix.count(b"\n") + 1
        column = len(prefix) - (prefix.rfind(b"\n") + 1) + 1
        diags.add(
            codes.NOT_UTF8,
            Span.point(display, line, column),
            f"byte 0x{data[error.start]:02x} is not valid UTF-8",
            hint="save the file as UTF-8 (most editors: 'Save with encoding')",
        )
        return None
    return SourceFile(display, text.removeprefix("\ufeff"))


def parse_text(source: SourceFile, diags: Diagnostics) -> Module:
    """Parse one rule file; on a syntax error report it and return a module without declarations."""
    if not source.text.strip(_BLANK) or _only_comments(source.text):
        diags.add(
            codes.EMPTY_FILE,
            Span.point(source.path),
            "file contains no declarations",
            hint="add a declaration or remove the file",
        )
        return Module(source.path, ())
    depth, where = _max_paren_depth(source.text)
    if depth > MAX_NESTING:
        diags.add(
            codes.NESTING_TOO_DEEP,
            _offset_span(source, where),
            f"the condition nests {depth} levels deep, over the limit of {MAX_NESTING}",
            hint="split the condition into named parts",
        )
        return Module(source.path, ())
    try:
        declarations = _parse(source.text, source.path)
    except UnexpectedInput:
        declarations = _parse_by_declaration(source, diags)
    too_deep = _calculation_too_deep(declarations)
    if too_deep is not None:
        depth, node = too_deep
        diags.add(
            codes.NESTING_TOO_DEEP,
            node.span,
            f"the calculation nests {depth} operations deep, over the limit of {MAX_NESTING}",
            hint=(
                "write a shorter calculation; a long sum can be declared as an indicator of its own"
            ),
        )
        return Module(source.path, ())
    return Module(source.path, declarations)


def _calculation_too_deep(declarations: tuple) -> tuple[int, object] | None:
    """The depth and innermost node of the first comparison side whose calculations nest deeper than
    MAX_NESTING (`a + b + c` nests two deep: `+ -` and `* /` are left-associative), or None.
    """
    for declaration in declarations:
        for f in declaration.fields:
            for comparison in _comparisons(f.value):
                for side in (comparison.left, comparison.right):
                    depth, node = deepest_calculation(side)
                    if depth > MAX_NESTING:
                        return depth, node
    return None


def _comparisons(value) -> list:
    """The comparisons in a field's condition (of `als`, `wie ... waar` or `stap ... als`)."""
    condition = getattr(value, "where", None) or getattr(value, "condition", value)
    found, stack = [], [condition]
    while stack:
        item = stack.pop()
        if isinstance(item, (AllOf, AnyOf)):
            stack.extend(item.items)
        elif isinstance(item, Not):
            stack.append(item.item)
        elif isinstance(item, Comparison):
            found.append(item)
    return found


def _parse(text: str, path: str) -> tuple:
    return PolicyTransformer(path).transform(bare_parser().parse(text))


# A line that opens a declaration: `doel id "title" {`. Used only to recover after a syntax error.
_HEADER = re.compile(
    r"^[ \t]*(?:" + "|".join(KINDS) + r')[ \t]+[a-z_][a-z0-9_]*[ \t]*(?:"[^"\n]*"[ \t]*)?\{', re.M
)


def _parse_by_declaration(source: SourceFile, diags: Diagnostics) -> tuple:
    """After a syntax error: parse each declaration on its own, so one mistake hides nothing else.

    Each piece is parsed with the text before it blanked out (newlines kept), so positions stay
    exact. Every broken piece reports its own error; the sound ones are kept.
    """
    text = source.text
    starts = [0] + [m.start() for m in _HEADER.finditer(text) if m.start() > 0]
    declarations: list = []
    for begin, end in zip(starts, starts[1:] + [len(text)], strict=True):
        piece = _blank(text[:begin]) + text[begin:end]
        if not piece.strip(_BLANK) or _only_comments(piece):
            continue
        try:
            declarations.extend(_parse(piece, source.path))
        except UnexpectedInput as error:
            _report_syntax_error(error, SourceFile(source.path, piece), diags)
            declarations.extend(_salvage(piece, _error_offset(error, piece), source.path))
    return tuple(declarations)


def _salvage(piece: str, error_at: int, path: str) -> tuple:
    """Declarations that end, with `}` at a line end, before the error (e.g. junk after them)."""
    cut = piece.rfind("}", 0, error_at)
    for _ in range(3):
        if cut < 0:
            break
        try:
            return _parse(piece[: cut + 1], path)
        except UnexpectedInput:
            cut = piece.rfind("}", 0, cut)
    return ()


def _error_offset(error: UnexpectedInput, piece: str) -> int:
    if isinstance(error, UnexpectedCharacters):
        return error.pos_in_stream
    token = getattr(error, "token", None)
    if token is not None and token.start_pos is not None:
        return token.start_pos
    return len(piece)


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _only_comments(text: str) -> bool:
    return all(
        not line.strip(_BLANK) or line.lstrip(_BLANK).startswith("#") for line in text.split("\n")
    )


def _max_paren_depth(text: str) -> tuple[int, int]:
    """The deepest nesting of brackets or of `niet` in the code, and the offset where it is reached.

    Comments and quoted text are blanked first (offsets kept), so brackets or the word `niet`
    written inside them never count.
    """
    if text.count("(") <= MAX_NESTING and text.count("niet") <= MAX_NESTING:
        return 0, 0
    code = _STRING_OR_COMMENT.sub(lambda match: _blank(match.group()), text)
    chain = _NEGATION_CHAIN.search(code)
    if chain:
        return len(chain.group().split()), chain.start()
    depth = deepest = where = 0
    for offset, char in enumerate(code):
        if char == "(":
            depth += 1
            if depth > deepest:
                deepest, where = depth, offset
        elif char == ")":
            depth = max(depth - 1, 0)
    return deepest, where


def _offset_span(source: SourceFile, offset: int) -> Span:
    line = source.text.count("\n", 0, offset) + 1
    column = offset - (source.text.rfind("\n", 0, offset) + 1) + 1
    return Span(source.path, line, column, line, column + 1, offset, offset + 1)


def _report_syntax_error(error: UnexpectedInput, source: SourceFile, diags: Diagnostics) -> None:
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        error = UnexpectedEOF(error.expected)
        error.line, error.column = _end_position(source.text)
    if isinstance(error, UnexpectedEOF):
        line, column = _end_position(source.text)
        diags.add(
            codes.UNEXPECTED_EOF,
            Span.point(source.path, line, column),
            "the file ends inside a declaration",
            hint='close every `{` with `}` and every `"` with `"`',
        )
    elif isinstance(error, UnexpectedCharacters):
        char = source.text[error.pos_in_stream] if error.pos_in_stream < len(source.text) else ""
        diags.add(
            codes.UNEXPECTED_CHARACTER,
            Span.point(source.path, error.line, error.column),
            f"unexpected character `{char}`",
            hint=_hint_for_character(char, error),
        )
    elif isinstance(error, UnexpectedToken):
        token = error.token
        span = Span(
            source.path,
            token.line,
            token.column,
            token.end_line or token.line,
            token.end_column or token.column + 1,
            token.start_pos or 0,
            token.end_pos or 0,
        )
        hint = _expected_hint(error.expected)
        if "NAME" in error.expected and any(c.isupper() for c in str(token)):
            hint = "ids are written in lower case with underscores, e.g. `nh3_landbouw`"
        elif (
            str(token) == ","
            and getattr((error.token_history or [None])[-1], "type", None) == "NUMBER"
        ):
            hint = "decimal numbers use a point: 12.5, not 12,5"
        diags.add(codes.UNEXPECTED_TOKEN, span, f"unexpected `{token}`", hint=hint)


def _end_position(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def _expected_hint(expected) -> str:
    words = sorted({_TERMINAL_WORDS.get(name, f"`{name.lower()}`") for name in expected})
    if len(words) > 8:
        return "expected a field keyword (see docs/language.md) or `}`"
    return "expected " + ", ".join(words)


def _hint_for_character(char: str, error: UnexpectedCharacters) -> str:
    if char.isalpha() and char.isupper():
        return "ids are written in lower case with underscores, e.g. `nh3_landbouw`"
    if char == '"':
        return "text in quotes is not allowed here"
    if char == ",":
        return "decimal numbers use a point: 12.5, not 12,5"
    if char in _TYPOGRAPHIC_OPERATORS:
        return (
            f"write `{_TYPOGRAPHIC_OPERATORS[char]}`: calculations use the ASCII operators + - * /"
        )
    allowed = sorted(
        {_TERMINAL_WORDS.get(name, f"`{name.lower()}`") for name in error.allowed or ()}
    )
    if allowed and len(allowed) <= 8:
        return "expected " + ", ".join(allowed)
    return "see docs/language.md for what may stand here"


def parse_file(path: Path, display: str, diags: Diagnostics) -> Module:
    """Read and parse one file, reporting every problem as a diagnostic; an unchanged file comes
    from the cache of parsed files (dsl/parsecache.py) with the same module and diagnostics.
    """
    data = read_rule_bytes(path, display, diags)
    if data is None:
        return Module(display, ())
    return parsecache.parse_cached(data, display, diags, _parse_bytes)


def _parse_bytes(data: bytes, display: str, diags: Diagnostics) -> Module:
    source = decode_source(data, display, diags)
    return Module(display, ()) if source is None else parse_text(source, diags)
