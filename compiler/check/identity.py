"""The official identity of a source document: its `url` is a well-formed https address (P265) and
its `kamerstuk` is written as the official number of a parliamentary paper (P266).

The `kenmerk` (a ministry's own reference) has no common form and is not checked. Where a document
shows none of these in its text, the declaration leaves them out.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from dsl import codes, nodes
from dsl.diagnostics import Diagnostics

# The number of a Kamerstuk as the Staten-Generaal write it: the dossier number in groups of
# digits (`35 334`, `36 200 XIV` for a budget chapter), then the number within the dossier
# (`nr. 300`). An optional chamber and session year go first: `Kamerstukken II 2022/23, 32 813,
# nr. 1113`.
KAMERSTUK = re.compile(
    r"(?:Kamerstukk?(?:en)? (?:I{1,2} )?(?:\d{4}/\d{2}, ))?"
    r"\d{1,2} \d{3}(?: [A-Z]{1,5})?(?:-[A-Z0-9]{1,4})?, nr\. \d{1,5}"
)
_HOST = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def check_identity(decl: nodes.Declaration, diags: Diagnostics) -> None:
    """Check the form of a document's `url` and `kamerstuk`."""
    url = decl.get("url")
    if url is not None and (problem := url_problem(str(url.value))):
        diags.add(
            codes.MALFORMED_URL,
            url.span,
            f"`url` of `{decl.id.name}` {problem}",
            hint="give the address where the document is published, as "
            '`url "https://www.rijksoverheid.nl/documenten/..."`',
        )
    number = decl.get("kamerstuk")
    if number is not None and not KAMERSTUK.fullmatch(str(number.value)):
        diags.add(
            codes.MALFORMED_KAMERSTUK,
            number.span,
            f"`kamerstuk` of `{decl.id.name}` is not an official Kamerstuk number: "
            f"`{number.value}`",
            hint='write the dossier and the number within it, as `kamerstuk "35 334, nr. 300"`',
        )


def url_problem(text: str) -> str | None:
    """Why `text` is not a well-formed https address, or None when it is one."""
    if text != text.strip() or any(c.isspace() for c in text):
        return "holds a space"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return "is not a well-formed address"
    if parts.scheme != "https":
        return f"uses `{parts.scheme or 'no scheme'}`, not `https`"
    if parts.username is not None or parts.password is not None or port is not None:
        return "names a user, a password or a port"
    if not _HOST.fullmatch(parts.hostname or ""):
        return f"has no valid host name (`{parts.hostname or ''}`)"
    return None
