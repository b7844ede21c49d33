"""`beleid add-source` as a run: a PDF (its text layer, through pdftext.py) or a UTF-8 text file
becomes a numbered source text `sources/NNN_HASH.txt` of the policy tree (NNN the next number,
HASH the start of the input's SHA-256), a row in `sources/README.md`, and a `document`
declaration skeleton, printed or appended to a rule file. Line numbers of the text are what
`bron ... regels` cite. Nothing is written until every check passed (S010-S014).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from compiler.check.citations import MAX_SOURCE_BYTES
from compiler.check.pipeline import compile_paths
from compiler.workflow.atomicwrite import write_text_atomically
from compiler.workflow.pdftext import MAX_PDF_BYTES, PDF_MAGIC, SourceIntakeError, read_pdf
from dsl import codes, files

IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*\Z")
_NUMBERED = re.compile(r"(\d{3})_([0-9a-f]{16})\.txt\Z")
_TABLE_HEADER = "| file | document | date |"
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class SourceRequest:
    """What to add: the file, the new document's id, and what the drafter knows of it."""

    file: Path
    ident: str
    policy: Path
    title: str | None = None
    date: dt.date | None = None
    kind: str | None = None
    rule_file: Path | None = None


@dataclass(frozen=True)
class AddedSource:
    """What was written: the source text, its line count, the declaration, the README row."""

    text_path: Path
    lines: int
    declaration: str
    readme: Path | None
    rule_file: Path | None


def add_source(request: SourceRequest) -> AddedSource:
    """Check the request, then write the source text, its README row and the declaration."""
    data = _read_input(request.file)
    text, metadata_title = _text_of(request.file, data)
    _check_size(text)
    sources = request.policy / "sources"
    _check_not_taken(request, sources, data, text)
    text_path = sources / f"{_next_number(sources):03d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
    title = request.title or metadata_title or request.file.stem
    declaration = skeleton(request, title, _bestand(text_path, request))
    rule_text = _with_declaration(request.rule_file, declaration) if request.rule_file else None
    write_text_atomically(text_path, text)
    readme = _add_readme_row(sources / "README.md", text_path.name, title, request.date)
    if rule_text is not None:
        write_text_atomically(request.rule_file, rule_text)
    return AddedSource(text_path, text.count("\n") + 1, declaration, readme, request.rule_file)


def skeleton(request: SourceRequest, title: str, bestand: str) -> str:
    """The `document` declaration: the fields the drafter gave, and the text it cites."""
    fields = [("soort", request.kind), ("datum", request.date and request.date.isoformat())]
    lines = [f'document {request.ident} "{_string(title)}" {{']
    lines += [f"    {keyword:<9} {value}" for keyword, value in fields if value]
    lines.append(f'    {"bestand":<9} "{bestand}"')
    return "\n".join([*lines, "}"])


def _read_input(file: Path) -> bytes:
    try:  # the bounded reader: regular files only, never more than the limit (dsl/files.py)
        return files.read_bytes(file, MAX_PDF_BYTES)
    except files.FileRefused as refused:
        if refused.reason is files.Refusal.MISSING:
            raise _unreadable("it does not exist") from None
        if refused.reason is files.Refusal.NOT_REGULAR:
            raise _unreadable("it is not a regular file") from None
        if refused.reason is files.Refusal.TOO_LARGE:
            raise _unreadable(
                f"it is {refused.size or MAX_PDF_BYTES + 1:,} bytes, over the limit of "
                f"{MAX_PDF_BYTES:,}"
            ) from None
        raise _unreadable(f"it cannot be read ({refused.message})") from None


def _text_of(file: Path, data: bytes) -> tuple[str, str | None]:
    """The source text (lines joined, pages apart by a blank line) and the PDF's own title."""
    if file.suffix.lower() == ".pdf" or data.startswith(PDF_MAGIC):
        pdf = read_pdf(data)
        return "\n\n".join(page.strip("\n") for page in pdf.pages), pdf.title
    if b"\x00" in data:
        raise _unreadable("it holds NUL bytes, so it is binary, not text")
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _unreadable(f"it is not UTF-8 text (byte {error.start})") from None
    lines = [line.rstrip() for line in decoded.splitlines()]
    if not any(lines):
        raise _unreadable("it holds no text")
    return "\n".join(lines), None


def _check_size(text: str) -> None:
    size = len(text.encode("utf-8"))
    if size > MAX_SOURCE_BYTES:
        raise _unreadable(f"its text is {size:,} bytes, over the limit of {MAX_SOURCE_BYTES:,}")


def _check_not_taken(request: SourceRequest, sources: Path, data: bytes, text: str) -> None:
    """S013 when the id is declared already or the same document is a source text already."""
    declared = compile_paths([str(request.policy)]).policy.declarations.get(request.ident)
    if declared is not None:
        raise SourceIntakeError(
            codes.SOURCE_TAKEN,
            f"`{request.ident}` is already declared, at {declared.node.span}",
            "choose another id for the new document",
        )
    digest = hashlib.sha256(data).hexdigest()[:16]
    for existing in sorted(sources.glob("*.txt")) if sources.is_dir() else ():
        match = _NUMBERED.match(existing.name)
        if (match and match[2] == digest) or _same_text(existing, text):
            raise SourceIntakeError(
                codes.SOURCE_TAKEN,
                f"this document is already a source text: `{existing}`",
                "cite the existing text; a `document` declaration names it with `bestand`",
            )


def _same_text(existing: Path, text: str) -> bool:
    try:
        if existing.stat().st_size > MAX_SOURCE_BYTES:
            return False
        return existing.read_text(encoding="utf-8").rstrip("\n") == text.rstrip("\n")
    except (OSError, UnicodeDecodeError):
        return False


def _next_number(sources: Path) -> int:
    numbers = [
        int(match[1])
        for path in (sources.iterdir() if sources.is_dir() else ())
        if (match := re.match(r"(\d{3})_", path.name))
    ]
    return max(numbers, default=-1) + 1


def _bestand(text_path: Path, request: SourceRequest) -> str:
    """The path `bestand` writes: relative to the rule file, or to the policy folder."""
    folder = request.rule_file.parent if request.rule_file is not None else request.policy
    return Path(os.path.relpath(text_path.resolve(), folder.resolve())).as_posix()


def _add_readme_row(readme: Path, name: str, title: str, date: dt.date | None) -> Path | None:
    """Append a row to the hand-kept table of source texts, when the README has one."""
    try:
        lines = readme.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if _TABLE_HEADER not in lines:
        return None
    end = lines.index(_TABLE_HEADER) + 1
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    when = f"{date.day} {_MONTHS[date.month - 1]} {date.year}" if date else "not given"
    lines.insert(end, f"| `{name}` | {title.replace('|', '/')} | {when} |")
    write_text_atomically(readme, "\n".join(lines) + "\n")
    return readme


def _with_declaration(rule_file: Path, declaration: str) -> str:
    """The rule file's text with the declaration appended (a new file holds only it)."""
    try:
        before = rule_file.read_text(encoding="utf-8") if rule_file.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise _unreadable(f"the rule file `{rule_file}` cannot be read ({error})") from None
    if not before.strip():
        return declaration + "\n"
    return before.rstrip("\n") + "\n\n" + declaration + "\n"


def _string(text: str) -> str:
    """Text as a rule-language string: one line, no double quotes (strings have no escapes)."""
    return " ".join(text.split()).replace('"', "'")


def _unreadable(reason: str) -> SourceIntakeError:
    return SourceIntakeError(
        codes.SOURCE_UNREADABLE,
        f"cannot add this file as a source: {reason}",
        "give a PDF with a text layer or a UTF-8 text file",
    )
