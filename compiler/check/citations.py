"""Citation checks: source texts are loaded, cited lines exist, and every quote is verbatim.

Quotes match ignoring whitespace, line breaks and hyphenation at line ends; `...` elides a gap.
Reports P104 (source file missing), P205 (quote not found), P206 (found elsewhere), P207 (lines).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from compiler.check.layout import policy_root
from compiler.check.model import SourceText
from dsl import codes, files, nodes
from dsl.diagnostics import Diagnostics

_HYPHENS = ("-", "\u00ad")
# str.translate deletes these in C, much faster than a regex per line of a 10,000-line source.
_DELETE_WHITESPACE = {
    ord(c): None for c in " \t\r\n\x0b\x0c\xa0\u2002\u2003\u2009\u200a\u202f\u3000"
}
_ELLIPSIS = re.compile(r"\.\.\.|…")


@dataclass(frozen=True)
class CanonicalText:
    """A document with whitespace removed, and for each character the line it came from.

    Two variants are kept: one where a hyphen at a line end is dropped (`beëindigings-` +
    `regeling`) and one where it is kept (`Natura-` + `2000`), so both spellings of a quote match.
    """

    joined: str
    kept: str
    joined_starts: tuple[int, ...]
    kept_starts: tuple[int, ...]

    @classmethod
    def build(cls, lines: tuple[str, ...]) -> CanonicalText:
        joined, kept, joined_starts, kept_starts = [], [], [], []
        joined_len = kept_len = 0
        for line in lines:
            squeezed = line.translate(_DELETE_WHITESPACE)
            dehyphenated = squeezed[:-1] if squeezed.endswith(_HYPHENS) else squeezed
            joined_starts.append(joined_len)
            kept_starts.append(kept_len)
            joined.append(dehyphenated)
            kept.append(squeezed)
            joined_len += len(dehyphenated)
            kept_len += len(squeezed)
        return cls("".join(joined), "".join(kept), tuple(joined_starts), tuple(kept_starts))

    def find(self, parts: list[str], first: int, last: int) -> bool:
        """True when every part occurs, in order, within lines first..last (1-based, inclusive)."""
        return any(
            _find_parts(text, starts, parts, first, last) is not None
            for text, starts in ((self.joined, self.joined_starts), (self.kept, self.kept_starts))
        )

    def locate(self, parts: list[str]) -> tuple[int, int] | None:
        """The 1-based first and last line of the quote's first occurrence in the document."""
        for text, starts in ((self.joined, self.joined_starts), (self.kept, self.kept_starts)):
            found = _find_parts(text, starts, parts, 1, len(starts))
            if found is not None:
                begin, end = found
                return bisect.bisect_right(starts, begin), bisect.bisect_right(starts, end - 1)
        return None


def _find_parts(
    text: str,
    starts: tuple[int, ...],
    parts: list[str],
    first: int,
    last: int,
) -> tuple[int, int] | None:
    """Where the parts occur in order within lines first..last: (start offset, end offset)."""
    lo = starts[first - 1]
    hi = starts[last] if last < len(starts) else len(text)
    position = begin = text.find(parts[0], lo, hi) if parts else -1
    if position < 0:
        return None
    position += len(parts[0])
    for part in parts[1:]:
        position = text.find(part, position, hi)
        if position < 0:
            return None
        position += len(part)
    return begin, position


def quote_parts(quote: str) -> list[str]:
    """The quote without whitespace, split at `...` into the parts that must occur in order."""
    return [p for p in (part.translate(_DELETE_WHITESPACE) for part in _ELLIPSIS.split(quote)) if p]


# The bundled sources are 20-450 kB of text; a source forty times the largest is not a document.
MAX_SOURCE_BYTES = 20_000_000


def load_source(
    document: nodes.Declaration,
    declared_in: Path,
    diags: Diagnostics,
) -> SourceText | None:
    """Read the text file a `document` declares with `bestand`, relative to its rule file."""
    field = document.get("bestand")
    if field is None:
        return None
    try:
        path = (declared_in.parent / field.value).resolve()
        tree = policy_root(declared_in) or declared_in.resolve().parent
        if not path.is_relative_to(tree):
            diags.add(
                codes.SOURCE_OUTSIDE_TREE,
                field.span,
                f"source file `{field.value}` lies outside the policy tree `{tree}`",
                hint="keep source texts inside the policy tree, e.g. under policy/sources/",
            )
            return None
        text = files.read_bytes(path, MAX_SOURCE_BYTES, boundary=tree).decode("utf-8")
    except files.FileRefused as refused:
        if refused.reason is files.Refusal.TOO_LARGE:
            diags.add(
                codes.FILE_TOO_LARGE,
                field.span,
                f"source file `{field.value}` is {refused.size:,} bytes, "
                f"over the limit of {MAX_SOURCE_BYTES:,}",
                hint="cite the document as plain text; the largest bundled source is under 0.5 MB",
            )
        else:  # a folder, a pipe or a device is never a text to read
            _unreadable(field, refused.message, diags)
        return None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        reason = {
            UnicodeDecodeError: "it is not UTF-8 text",
            ValueError: "the path is not valid",
        }.get(type(error), "it cannot be read")
        _unreadable(field, reason, diags)
        return None
    return SourceText(document.id.name, str(path), tuple(text.splitlines()))


def _unreadable(field: nodes.Field, reason: str, diags: Diagnostics) -> None:
    shown = (
        field.value if field.value.isprintable() else field.value.encode("unicode_escape").decode()
    )
    diags.add(
        codes.UNKNOWN_SOURCE_FILE,
        field.span,
        f"source file `{shown}`: {reason}",
        hint="the path is relative to this rule file; source texts live in policy/sources/",
    )


class CitationChecker:
    """Verifies every citation against the loaded source texts (canonical forms are cached, by
    document, in `canonical` when given: checkers of one run can share them).
    """

    def __init__(
        self,
        sources: dict[str, SourceText],
        diags: Diagnostics,
        canonical: dict[str, CanonicalText] | None = None,
    ) -> None:
        self.sources = sources
        self.diags = diags
        self._canonical: dict[str, CanonicalText] = {} if canonical is None else canonical

    def check(self, decl: nodes.Declaration) -> None:
        for f in decl.all("bron"):
            self.check_citation(f.value)

    def check_citation(self, citation: nodes.Citation) -> None:
        source = self.sources.get(citation.document.name)
        if source is None:
            return  # unknown document (P102) or unreadable source (P104) was reported already
        count = len(source.lines)
        if citation.last_line < citation.first_line:
            return  # reported as P222 by check.py
        if not (1 <= citation.first_line <= citation.last_line <= count):
            self.diags.add(
                codes.LINES_OUT_OF_RANGE,
                citation.span,
                f"lines {citation.first_line}-{citation.last_line} are outside "
                f"`{citation.document.name}`, which has {count} lines",
                hint="line numbers count from 1 in the text file under policy/sources/",
            )
            return
        parts = quote_parts(citation.quote)
        canonical = self._canonical_text(source)
        if not parts or canonical.find(parts, citation.first_line, citation.last_line):
            if not parts:
                self._not_found(citation, "the quote is empty")
            return
        found = canonical.locate(parts)
        if found is None:
            self._not_found(citation, "the quote does not occur in the source")
        else:
            first, last = found
            where = f"regel {first}" if first == last else f"regels {first}-{last}"
            self.diags.add(
                codes.QUOTE_ELSEWHERE,
                citation.span,
                f"quote is not on {_lines(citation)} of `{citation.document.name}`",
                hint="the quote is on "
                f"{where.replace('regels', 'lines').replace('regel', 'line')}; cite `{where}`",
            )

    def _not_found(self, citation: nodes.Citation, message: str) -> None:
        self.diags.add(
            codes.QUOTE_NOT_FOUND,
            citation.quote_span,
            f"{message} (`{citation.document.name}`, {_lines(citation)})",
            hint="copy the words verbatim from the source; use `...` to skip words in between",
        )

    def _canonical_text(self, source: SourceText) -> CanonicalText:
        if source.document not in self._canonical:
            self._canonical[source.document] = CanonicalText.build(source.lines)
        return self._canonical[source.document]


def _lines(citation: nodes.Citation) -> str:
    if citation.first_line == citation.last_line:
        return f"line {citation.first_line}"
    return f"lines {citation.first_line}-{citation.last_line}"
