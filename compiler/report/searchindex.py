"""The offline search across the handbook: an index of every declaration in the site's language,
written at build time as a script (`search-index.js`, a global the browser loads from file://,
where reading a JSON file is refused), and the small script that searches it (`search.js`).

Each entry holds what the reader sees (title, kind, theme, the link to the handbook entry) and
the text searched: the title, the plain-language sentence and the quoted source text, folded to
lower case without accents (the script folds the query the same way). The search box is in the
page but hidden; the script shows it, so without JavaScript the page reads as before.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from importlib import resources

INDEX_FILE = "search-index.js"
SCRIPT_FILE = "assets/search.js"
GLOBAL = "beleidSearchIndex"


def pages(site) -> Iterator:
    """The index of the site's language (with its HTML pages), and the script once."""
    from compiler.report.site import Page

    if site.form != "html":
        return
    yield Page(f"{site.folder}/{INDEX_FILE}", index_script(entries(site)))
    if site.language == "nl":
        script = resources.files("compiler.report").joinpath("templates/search.js")
        yield Page(SCRIPT_FILE, script.read_text("utf-8"))


def entries(site) -> list[dict]:
    """One entry per declaration of the handbook, in id order."""
    kinds, themes = site.labels["kinds"], site.labels["theme_names"]
    found = []
    for ident in sorted(site.hb.entries):
        entry = site.hb.entries[ident]
        title = site.plain_title(ident)
        sentence = site.sentences.of(entry)
        quotes = " ".join(q.text for q in entry.quotes)
        found.append(
            {
                "title": title,
                "kind": kinds.get(entry.kind, entry.kind),
                "theme": themes.get(entry.theme, entry.theme),
                "href": site.href(ident),
                "text": fold(f"{title} {sentence} {quotes}"),
            }
        )
    return found


def fold(text: str) -> str:
    """Lower case, accents removed, runs of white space as one space."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def index_script(found: list[dict]) -> str:
    """The index as a script assigning one global (sorted keys: the same bytes on every run)."""
    body = json.dumps(found, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"window.{GLOBAL} = {body};\n"
