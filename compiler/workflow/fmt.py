"""The canonical layout of a rule file: `format_text` re-lays out a file's tokens, nothing else.

The formatter never rewrites a file that does not parse (`FormatError`, naming path:line:column).
It works on the tokens the grammar's own lexer produces and copies every token verbatim, so numbers,
units, money, dates and text in quotes (including multi-line text) stay exactly as written; only
the whitespace and comments between tokens are rewritten. The layout rule:

- Declarations: `kind id "title" {` on one line, fields below it, `}` alone on the last line. One
  blank line between declarations (and between a declaration and a comment after it).
- Fields: one per line, indented 4 spaces, tokens separated by one space, except no space before
  `,` `.` `:` `)`, after `.` `(`, around the `-` of `regels 435-436`, after a unary `-` (`-x`, but
  `- 5`, which is not the number `-5`), or between a function (`achterstand`, `achterstand_procent`,
  `effect`, `absoluut`) and `(`. The `+ - * /` of a calculation have one space on either side.
  No blank line after `{` or before `}`; elsewhere in a declaration one blank line is kept where
  the source had one or more (so groups of fields stay apart).
- Value column: every kind has a fixed value column (`VALUE_COLUMN`, measured from the field
  indent and taken from the prevailing style of the bundled policy/ files, e.g. `doel` 11,
  `indicator` 8). An ordinary field whose keyword is shorter than its kind's column starts its
  value there; any other field has one space after its keyword. `bron` and the table rows `stap`,
  `pakket`, `post`, `totaal` and `deelpost` are never aligned. The titles of a declaration's
  `pakket` fields are aligned one space after its longest package id.
- Continuation lines, indented 8 spaces: a `stap`'s `als` condition, and the cells of a `post` or
  `totaal` after its `:`.

Comments are not in the syntax tree, so they are re-attached by position: a comment on the same
line as the token before it stays at the end of that token's line, two spaces after it (the rest of
that field or header continues on a continuation line); a comment on a line of its own stays, in
order, before the token that follows it: at the left margin between declarations and at the start
or end of the file, at the field indent inside a declaration, at the continuation indent inside a
field. Blank lines between such comments are kept (one at most). Trailing whitespace of comments is
removed. The result ends with exactly one newline (an empty file stays empty).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lark import Token
from lark.exceptions import UnexpectedInput

from dsl import Diagnostics, Severity, SourceFile, parse_text
from dsl.nodes import Module
from dsl.parser import bare_parser

# Value column per kind, counted from the field indent: `doel` fields read `indicator  x`.
VALUE_COLUMN = {
    "document": 10,
    "indicator": 8,
    "doel": 11,
    "maatregel": 11,
    "trigger": 5,
    "verplichting": 9,
    "borging": 9,
    "besluit": 8,
    "verbod": 13,
    "bevinding": 8,
    "entiteit": 8,
    "buiten_scope": 8,
}
# Fields whose values are never aligned: citations and the rows of ladders and budget tables.
UNALIGNED = frozenset({"bron", "stap", "pakket", "post", "totaal", "deelpost"})
FIELD_INDENT = " " * 4
CONTINUATION_INDENT = " " * 8

_NO_SPACE_BEFORE = frozenset({"COMMA", "DOT", "COLON", "RPAR"})
_NO_SPACE_AFTER = frozenset({"DOT", "LPAR"})
_CALLS = frozenset({"ACHTERSTAND", "ACHTERSTAND_PROCENT", "EFFECT", "ABSOLUUT"})
# A `-` after one of these ends a calculation's left side, so it subtracts; after a whole number it
# is the `-` of a line range (`regels 4-5`); anywhere else it is a unary minus.
_OPERAND_ENDS = frozenset({"NAME", "NUMBER", "UNIT", "MONEY", "RPAR"})
_COMMENT = re.compile(r"#[^\n]*")


class FormatError(Exception):
    """The text does not parse; the message names path:line:column and what is wrong."""

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path, self.line, self.column = path, line, column


def format_text(text: str, path: str = "<text>") -> str:
    """The canonical layout of one rule file; raises FormatError when it does not parse."""
    text = text.removeprefix("\ufeff")
    module = _parse(text, path)
    # A file the checker finds empty (blank, comments, or blank by Python's wider idea of
    # whitespace, e.g. a lone U+00A0) has no tokens to lay out: its comments are kept, nothing
    # else.
    tokens = _tokens(text, path) if module.declarations else []
    return _Formatter(text, tokens, module).run()


def is_formatted(text: str, path: str = "<text>") -> bool:
    """Whether the text is in canonical layout already; raises FormatError if it does not parse."""
    return format_text(text, path) == text


# Parsing ----------------------------------------------------------------------


def _parse(text: str, path: str) -> Module:
    diags = Diagnostics()
    module = parse_text(SourceFile(path, text), diags)
    errors = [d for d in diags.sorted() if d.severity is Severity.ERROR]
    if errors:
        span, message = errors[0].span, errors[0].message
        hint = f" ({errors[0].hint})" if errors[0].hint else ""
        raise FormatError(path, span.line, span.column, message + hint)
    return module


def _tokens(text: str, path: str) -> list[Token]:
    """Every token of the text, keywords and punctuation included, as the parser's lexer reads them.

    An amount of money without a scale word swallows one space after it (`€500 ` in `€500 en`);
    that space is layout, not part of the amount, so it is dropped.
    """
    try:
        tokens = list(bare_parser().parse_interactive(text).iter_parse())
    except UnexpectedInput as error:
        raise FormatError(path, error.line, error.column, "syntax error") from None
    return [Token.new_borrow_pos(t.type, t.rstrip(), t) if t.type == "MONEY" else t for t in tokens]


# Comments between tokens --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Comment:
    text: str
    breaks: int  # newlines between the previous token or comment and this comment


@dataclass(frozen=True, slots=True)
class _Gap:
    """What stands between two tokens: comments, and the newlines before the next token."""

    comments: tuple[_Comment, ...]
    breaks: int


def _gap(text: str) -> _Gap:
    comments, last = [], 0
    for match in _COMMENT.finditer(text):
        comments.append(_Comment(match.group().rstrip(), text.count("\n", last, match.start())))
        last = match.end()
    return _Gap(tuple(comments), text.count("\n", last))


def _gaps(text: str, tokens: list[Token]) -> list[_Gap]:
    """The gap before each token, and finally the gap after the last token."""
    ends = [0] + [t.end_pos for t in tokens]
    starts = [t.start_pos for t in tokens] + [len(text)]
    return [_gap(text[end:start]) for end, start in zip(ends, starts, strict=True)]


# Output lines -------------------------------------------------------------------


class _Writer:
    """Collects output lines; `line` is the open line, or None after a line end."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.line: str | None = None

    def end(self) -> None:
        if self.line is not None:
            self.lines.append(self.line)
            self.line = None

    def start(self, indent: str, blank: bool = False) -> None:
        self.end()
        if blank and self.lines and self.lines[-1]:
            self.lines.append("")
        self.line = indent

    def add(self, text: str, separator: str = "") -> None:
        self.line += separator + text

    def text(self) -> str:
        self.end()
        return "\n".join(self.lines) + "\n" if self.lines else ""


# The layout ----------------------------------------------------------------------


class _Formatter:
    """Walks the tokens once, placing each after deciding where the gap before it breaks lines."""

    def __init__(self, text: str, tokens: list[Token], module: Module) -> None:
        self.tokens = tokens
        self.gaps = _gaps(text, tokens)
        self.declarations = {d.span.start: d for d in module.declarations}
        self.field_starts = {f.span.start for d in module.declarations for f in d.fields}
        self.out = _Writer()
        self.kind: str | None = None
        self.keyword: Token | None = None
        self.package_width = 0
        self.previous: Token | None = None
        self.minus = "unary"  # what the last `-` was: 'subtract', 'range' or 'unary'

    def run(self) -> str:
        for token, gap in zip(self.tokens, self.gaps, strict=False):
            place = self._place(token)
            self._comments(gap, place)
            self._token(token, gap, place)
            self.previous = token
        self._comments(self.gaps[-1], "declaration")
        return self.out.text()

    def _place(self, token: Token) -> str:
        """Where a token goes: 'declaration', 'field', 'close', 'continuation' or 'inline'."""
        if token.start_pos in self.declarations:
            return "declaration"
        if token.start_pos in self.field_starts:
            return "field"
        if token.type == "RBRACE":
            return "close"
        keyword = self.keyword and str(self.keyword)
        if keyword == "stap" and token.type == "ALS":
            return "continuation"
        if keyword in ("post", "totaal") and self.previous.type == "COLON":
            return "continuation"
        return "inline"

    # comments --------------------------------------------------------------------
    def _trails(self, gap: _Gap) -> bool:
        """Whether the gap's first comment stands on the line of the token before it."""
        return bool(gap.comments) and gap.comments[0].breaks == 0 and self.previous is not None

    def _comments(self, gap: _Gap, place: str) -> None:
        comments = list(gap.comments)
        if self._trails(gap):
            self.out.add(comments.pop(0).text, "  ")
            self.out.end()
        indent = self._comment_indent(place)
        for number, comment in enumerate(comments):
            self.out.start(indent, self._blank(place, number == 0, comment.breaks))
            self.out.add(comment.text)
            self.out.end()

    def _comment_indent(self, place: str) -> str:
        if place == "declaration":
            return ""
        return FIELD_INDENT if place in ("field", "close") else CONTINUATION_INDENT

    def _blank(self, place: str, first: bool, breaks: int) -> bool:
        """Whether a blank line goes before an item (a comment line, or a token starting a line)."""
        previous = self.previous.type if self.previous is not None else None
        if place == "declaration":
            return previous == "RBRACE" if first else breaks >= 2
        if place in ("field", "close"):
            return breaks >= 2 and not (first and previous == "LBRACE")
        return False

    # tokens ----------------------------------------------------------------------
    def _token(self, token: Token, gap: _Gap, place: str) -> None:
        first = len(gap.comments) == int(self._trails(gap))
        self._place_token(token, gap, place, first)
        if token.type == "MINUS":
            self.minus = self._minus_kind()  # still judged by the token before it

    def _place_token(self, token: Token, gap: _Gap, place: str, first: bool) -> None:
        if place == "declaration":
            self._declaration(token, self._blank(place, first, gap.breaks))
        elif place == "field":
            self.out.start(FIELD_INDENT, self._blank(place, first, gap.breaks))
            self.out.add(token)
            self.keyword = token
        elif place == "close":
            self.out.start("")
            self.out.add(token)
            self.keyword = None
        elif place == "continuation" or self.out.line is None:
            self.out.start(CONTINUATION_INDENT)
            self.out.add(token)
        else:
            self.out.add(token, self._separator(token))

    def _declaration(self, token: Token, blank: bool) -> None:
        declaration = self.declarations[token.start_pos]
        self.kind, self.keyword = declaration.kind, None
        packages = [len(f.value.id.name) for f in declaration.all("pakket")]
        self.package_width = max(packages, default=0)
        self.out.start("", blank)
        self.out.add(token)

    def _minus_kind(self) -> str:
        previous = self.previous.type if self.previous is not None else None
        if previous in _OPERAND_ENDS:
            return "subtract"
        return "range" if previous == "INT" else "unary"

    def _separator(self, token: Token) -> str:
        previous = self.previous
        if previous.type == "MINUS" and self.minus != "subtract":
            return " " if self.minus == "unary" and token.type == "NUMBER" else ""
        if token.type == "MINUS" and self._minus_kind() == "range":
            return ""
        if previous.type in _NO_SPACE_AFTER or token.type in _NO_SPACE_BEFORE:
            return ""
        if token.type == "LPAR" and previous.type in _CALLS:
            return ""
        if previous is self.keyword:
            return " " * self._value_offset(str(previous))
        if str(self.keyword) == "pakket" and token.type == "STRING":
            return " " * (self.package_width - len(previous) + 1)
        return " "

    def _value_offset(self, keyword: str) -> int:
        column = VALUE_COLUMN.get(self.kind, 0)
        if keyword in UNALIGNED or len(keyword) >= column:
            return 1
        return column - len(keyword)
