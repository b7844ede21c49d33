"""Quotes as a reader reads them: the debris of text extraction taken out for display only (the
verified quote in the rule stays as written, and the drafter's view shows it).

Three things are removed, each only where the source text proves it:
- a footnote marker glued to a word or an amount ("Natuur 100 4008 500": footnote 8 glued to 400),
  when the source has that footnote as a footnote line right after the quoted line, the marker is
  glued to an amount in a row of amounts or to a word of three letters or more (never CO2 or
  PM10), and the figure left is not a year;
- a hyphen at a line end of the source ("beëindigings-" + "regeling"), joined into one word unless
  the next word is a conjunction ("huur- en koopwoningen"), starts with a capital or a digit
  ("Natura-2000": the hyphen is kept, the space dropped) or the join would put two vowels together
  (Dutch keeps the hyphen there);
- page furniture: a whole source line inside the quote that is a bare page number or a running
  header (the same short line at least three times in the document).

The quote is aligned word by word with the cited lines; where it does not align (spacing that
differs from the source), it is shown as written.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_FOOTNOTE_LINE = re.compile(r"^(\d{1,3}) \S")
_AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})*(?:,\d+)?")
_FIGURE = re.compile(r"\d[\d.,]*")
_YEAR = re.compile(r"(?:19|20)\d\d")
_GLUED_TO_WORD = re.compile(r"^(.*?[^\W\d_][’'s]?)(\d{1,3})([.,;:)]?)$")
_CONJUNCTIONS = frozenset({"en", "of", "tot", "noch", "and", "or"})
_VOWELS = frozenset("aeiouyáéíóúàèëïöüâêîôû")
_ELISIONS = frozenset({"...", "…"})
_PAGE_NUMBER = re.compile(r"^(?:\d{1,3}|(?:pagina|page) \d+(?: van \d+)?)$", re.IGNORECASE)


@dataclass(frozen=True)
class Shown:
    """A quote as shown: its text and what was taken out (empty: shown as written)."""

    text: str
    removed: tuple[str, ...] = ()  # "footnote 8", "hyphen", "page furniture"


@dataclass(frozen=True)
class _Word:
    text: str
    line: int  # 1-based line of the source
    last: bool  # the last word on its line


def display(quote: str, lines: tuple[str, ...], first: int, last: int) -> Shown:
    """The quote `quote` of lines `first`..`last` of a source whose lines are `lines`."""
    plain = " ".join(quote.split())
    aligned = _align(plain.split(), _words(lines, first, last))
    if aligned is None:
        return Shown(plain)
    notes = _footnotes(lines)
    furniture = _furniture(lines)
    spanned = [source.line for _, source in aligned if source is not None]
    out: list[str] = []
    removed: list[str] = []
    for i, (word, source) in enumerate(aligned):
        if source is None:  # an elision
            out.append(word)
            continue
        if source.line in furniture and spanned[0] < source.line < spanned[-1]:
            removed.append("page furniture")
            continue
        text = word
        marker = _marker(word, source, lines, notes)
        if marker is not None:
            text, number = marker
            removed.append(f"footnote {number}")
        if out and out[-1].endswith("\u0000"):  # the word before ended in a line-end hyphen
            out[-1] = out[-1][:-1] + text
            continue
        nxt = aligned[i + 1] if i + 1 < len(aligned) else None
        if text.endswith("-") and source.last and nxt is not None and nxt[1] is not None:
            joined = _join(text, nxt[0])
            if joined is not None:
                removed.append("hyphen")
                text = joined + "\u0000"
        out.append(text)
    return Shown(" ".join(w.rstrip("\u0000") for w in out), tuple(removed))


def _words(lines: tuple[str, ...], first: int, last: int) -> list[_Word]:
    words = []
    for number in range(first, min(last, len(lines)) + 1):
        parts = lines[number - 1].split()
        words += [_Word(w, number, i == len(parts) - 1) for i, w in enumerate(parts)]
    return words


def _align(quote: list[str], source: list[_Word]) -> list[tuple[str, _Word | None]] | None:
    """Each word of the quote with the source word it is; None for an elision. None when the
    quote's words are not the source's words in order.
    """
    out: list[tuple[str, _Word | None]] = []
    position = 0
    parts: list[list[str]] = [[]]
    for word in quote:
        if word in _ELISIONS:
            parts.append([])
        else:
            parts[-1].append(word)
    for n, part in enumerate(parts):
        if n:
            out.append(("…" if "…" in quote else "...", None))
        if not part:
            continue
        start = _find(part, source, position)
        if start is None:
            return None
        out += [(w, source[start + k]) for k, w in enumerate(part)]
        position = start + len(part)
    return out


def _find(part: list[str], source: list[_Word], start: int) -> int | None:
    """Where the words of `part` stand in `source` from `start` on: whole words, except that the
    first may end a source word and the last may begin one (a quote that starts or stops inside
    a word or before its punctuation).
    """
    texts = [w.text for w in source]
    n = len(part)
    for i in range(start, len(texts) - n + 1):
        window = texts[i : i + n]
        if n == 1:
            if part[0] in window[0]:
                return i
            continue
        if (
            window[0].endswith(part[0])
            and window[-1].startswith(part[-1])
            and window[1:-1] == part[1:-1]
        ):
            return i
    return None


def _footnotes(lines: tuple[str, ...]) -> dict[int, int]:
    """Footnote number -> its line: lines that start with the next number of the document's
    footnote sequence (a gap of at most two numbers), so a row of amounts is never one.
    """
    found: dict[int, int] = {}
    expected = 0
    for number, line in enumerate(lines, 1):
        match = _FOOTNOTE_LINE.match(line)
        if match and expected < int(match.group(1)) <= expected + 3:
            expected = int(match.group(1))
            found[expected] = number
    return found


def _block(notes: dict[int, int], line: int) -> set[int]:
    """The footnotes of the page of `line`: the first footnote lines after it, in sequence."""
    after = sorted((at, n) for n, at in notes.items() if at > line)
    if not after:
        return set()
    block, previous = {after[0][1]}, after[0]
    for at, n in after[1:]:
        if at - previous[0] > 4 or n != previous[1] + 1:
            break
        block.add(n)
        previous = (at, n)
    return block


def _marker(
    word: str, source: _Word, lines: tuple[str, ...], notes: dict[int, int]
) -> tuple[str, int] | None:
    """(the word without its footnote marker, the footnote) when the marker is provable."""
    block = _block(notes, source.line)
    if not block:
        return None
    match = _GLUED_TO_WORD.match(word)
    if match and sum(c.isalpha() for c in match.group(1)) >= 3:
        number = int(match.group(2))
        if number in block and not match.group(1)[-1].isdigit():
            return match.group(1) + match.group(3), number
    amounts = [w for w in lines[source.line - 1].split() if _FIGURE.fullmatch(w)]
    if len(amounts) < 3 or not word.isdigit():  # not a row of amounts
        return None
    for number in sorted(block, reverse=True):
        suffix = str(number)
        prefix = word[: -len(suffix)]
        if (
            word.endswith(suffix)
            and prefix
            and _AMOUNT.fullmatch(prefix)
            and not prefix.startswith("0")
            and not _YEAR.fullmatch(word)
            and not _YEAR.fullmatch(prefix)
        ):
            return prefix, number
    return None


def _join(word: str, following: str) -> str | None:
    """The two halves of a word broken at a line end, or None when they stay apart."""
    stem = word[:-1]
    if not stem or not stem[-1].isalpha() or following.lower() in _CONJUNCTIONS:
        return None
    if following[:1].isupper() or following[:1].isdigit():
        return word  # a real hyphen: "Natura-" + "2000"
    if stem[-1].lower() in _VOWELS and following[:1].lower() in _VOWELS:
        return word  # Dutch keeps the hyphen between two vowels
    if not following[:1].isalpha():
        return None
    return stem


def _furniture(lines: tuple[str, ...]) -> set[int]:
    """Lines that are page furniture: bare page numbers and running headers."""
    counts = Counter(line.strip() for line in lines if 0 < len(line.strip()) <= 60)
    out = set()
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text:
            continue
        blank_around = (number == 1 or not lines[number - 2].strip()) and (
            number == len(lines) or not lines[number].strip()
        )
        if blank_around and (
            _PAGE_NUMBER.match(text)
            or (counts[text] >= 3 and not _AMOUNT.fullmatch(text) and len(text.split()) >= 2)
        ):
            out.add(number)
    return out
