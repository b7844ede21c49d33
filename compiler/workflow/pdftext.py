"""The text of a PDF, page by page, read with pypdf; or why there is none: not a PDF or damaged
(S010), encrypted with a password (S011), no text layer (S012). pypdf is imported only here and
only when a PDF is read.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from dsl import codes
from dsl.codes import Code

PDF_MAGIC = b"%PDF-"
MAX_PDF_BYTES = 200_000_000


class SourceIntakeError(Exception):
    """A file cannot become a source text: a code, a message and a hint for the drafter."""

    def __init__(self, code: Code, message: str, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


@dataclass(frozen=True)
class PdfText:
    """The text of each page, and the title the PDF's metadata gives (None when it has none)."""

    pages: tuple[str, ...]
    title: str | None


def read_pdf(data: bytes) -> PdfText:
    """The text layer of a PDF's pages; SourceIntakeError when there is none to read."""
    if not data.lstrip(b"\x00\t\n\f\r ")[:1024].startswith(PDF_MAGIC):
        raise SourceIntakeError(
            codes.NOT_A_PDF,
            "the file does not start with `%PDF-`, so it is not a PDF",
            "give the PDF itself, or a plain-text export (.txt)",
        )
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError
    except ImportError:
        raise SourceIntakeError(
            codes.NOT_A_PDF,
            "reading a PDF needs the pypdf package, which is not installed",
            "install the project again (`pip install -e .`), or add a .txt export",
        ) from None
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        _open(reader, DependencyError)
        pages = tuple(_clean(page.extract_text() or "") for page in reader.pages)
        title = _title(reader)
    except SourceIntakeError:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf reports damage with many exception types
        raise SourceIntakeError(
            codes.NOT_A_PDF,
            f"the PDF is damaged and cannot be read ({type(error).__name__}: {error})"[:300],
            "download the document again, or add a plain-text export (.txt)",
        ) from None
    if not any(page.strip() for page in pages):
        raise SourceIntakeError(
            codes.PDF_WITHOUT_TEXT,
            f"none of the {len(pages)} page{'s' * (len(pages) != 1)} has a text layer "
            "(a scanned document?)",
            "run text recognition first (e.g. `ocrmypdf in.pdf out.pdf`) and add its result, "
            "or add a plain-text export (.txt)",
        )
    return PdfText(pages, title)


def _open(reader, dependency_error: type[Exception]) -> None:
    """Open an encrypted PDF with the empty password (permissions only), or refuse it."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except dependency_error:
        opened = 0
    if not opened:
        raise SourceIntakeError(
            codes.PDF_ENCRYPTED,
            "the PDF is encrypted and needs a password to open",
            "save an unencrypted copy (e.g. `qpdf --decrypt --password=... in.pdf out.pdf`) "
            "and add that",
        )


def _clean(text: str) -> str:
    """A page's text as lines: control characters other than tabs become spaces, line ends
    trimmed.
    """
    printable = "".join(c if c >= " " or c in "\t\n" else " " for c in text.replace("\r\n", "\n"))
    return "\n".join(line.rstrip() for line in printable.split("\n"))


def _title(reader) -> str | None:
    metadata = reader.metadata
    title = metadata.title if metadata is not None else None
    return " ".join(str(title).split()) or None if title else None
