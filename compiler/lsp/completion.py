"""Completion: declaration kinds at the top level; inside a declaration the fields its kind allows,
the words a field takes, the ids it can refer to and units. The enclosing kind is found from the
parsed declarations, or by counting braces while the text does not parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from compiler.check import schema
from compiler.check.resolve import FIELD_REFERENCES
from compiler.check.units import UNITS
from compiler.lsp.workspace import Cursor, cursor_at, scope_for
from dsl import nodes

if TYPE_CHECKING:
    from compiler.lsp.server import PolicyServer

_ALL_FIELDS = frozenset(schema.COMMON).union(
    *(required | optional for required, optional in schema.FIELDS.values())
)


def completion(ls: PolicyServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    """Everything that may be typed at the cursor, ranked by how likely it is wanted there."""
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    return lsp.CompletionList(is_incomplete=False, items=completion_items(ls, cursor))


def enclosing_kind(module: nodes.Module, text: str, offset: int) -> str | None:
    """The kind of the declaration the offset is in ('' when unknown), or None at the top level.

    Sound declarations answer from their spans; in text that does not parse (as while typing) the
    braces before the offset are counted, skipping text in quotes and comments.
    """
    for declaration in module.declarations:
        if declaration.span.start < offset < declaration.span.end:
            return declaration.kind
    opened: list[int] = []
    in_text = in_comment = False
    for index, char in enumerate(text[:offset]):
        if in_comment:
            in_comment = char != "\n"
        elif in_text:
            in_text = char != '"'
        elif char == '"':
            in_text = True
        elif char == "#":
            in_comment = True
        elif char == "{":
            opened.append(index)
        elif char == "}" and opened:
            opened.pop()
    if not opened:
        return None
    header = text[text.rfind("\n", 0, opened[-1]) + 1 : opened[-1]].split()
    return header[0] if header and header[0] in nodes.KINDS else ""


def fields_of_kind(kind: str) -> dict[str, bool]:
    """The field keywords a kind allows, each with whether it is required."""
    if kind not in schema.FIELDS:
        return dict.fromkeys(sorted(_ALL_FIELDS), False)
    required, optional = schema.FIELDS[kind]
    allowed = {name: False for name in sorted(optional | schema.COMMON)}
    allowed.update(dict.fromkeys(required, True))
    return dict(sorted(allowed.items()))


def keyword_items(kind: str, rank: str) -> list[lsp.CompletionItem]:
    return [
        lsp.CompletionItem(
            label=name,
            kind=lsp.CompletionItemKind.Keyword,
            detail=f"{'required' if required else 'optional'} field of {kind or 'a declaration'}",
            sort_text=f"{rank}{name}",
        )
        for name, required in fields_of_kind(kind).items()
    ]


def kind_items() -> list[lsp.CompletionItem]:
    return [
        lsp.CompletionItem(
            label=kind,
            kind=lsp.CompletionItemKind.Keyword,
            detail="declaration kind",
            sort_text=f"0{index:02}",
        )
        for index, kind in enumerate(nodes.KINDS)
    ]


def id_items(
    declarations: Iterable[nodes.Declaration], wanted: tuple[str, ...]
) -> list[lsp.CompletionItem]:
    items, seen = [], set()
    for d in declarations:
        if d.id.name in seen:
            continue
        seen.add(d.id.name)
        rank = "1" if d.kind in wanted else "3"
        items.append(
            lsp.CompletionItem(
                label=d.id.name,
                kind=lsp.CompletionItemKind.Reference,
                detail=f"{d.kind}: {d.title}" if d.title else d.kind,
                sort_text=f"{rank}{d.id.name}",
            )
        )
    return items


def unit_items(rank: str) -> list[lsp.CompletionItem]:
    return [
        lsp.CompletionItem(
            label=name,
            kind=lsp.CompletionItemKind.Unit,
            detail=unit.dimension,
            sort_text=f"{rank}{name}",
        )
        for name, unit in UNITS.items()
    ]


def word_items(words: Iterable[str], detail: str) -> list[lsp.CompletionItem]:
    return [
        lsp.CompletionItem(
            label=word, kind=lsp.CompletionItemKind.EnumMember, detail=detail, sort_text=f"0{word}"
        )
        for word in words
    ]


def completion_items(server: PolicyServer, cursor: Cursor) -> list[lsp.CompletionItem]:
    line = cursor.lines[cursor.line][: cursor.column]
    typed = re.search(r"[A-Za-z0-9_]*$", line).group()
    before = line[: len(line) - len(typed)].split()
    parsed = server.modules.from_text(cursor.document.name, cursor.document.text)
    kind = enclosing_kind(parsed.module, parsed.text, cursor.offset)
    if kind is None:
        return kind_items() if not before else []
    keyword = before[0] if before else None
    vocabulary = schema.vocabulary(kind, keyword) if keyword else None
    wanted = FIELD_REFERENCES.get(keyword, ((),))[0] if keyword else ()
    if keyword == "bron":
        wanted = ("document",)
    declarations = [
        d for p in server.tree(scope_for(cursor.document.uri)) for d in p.module.declarations
    ]
    return (
        word_items(vocabulary or (), f"{keyword} of {kind}")
        + keyword_items(kind, "0" if keyword is None else "4")
        + id_items(declarations, wanted)
        + unit_items("0" if keyword == "eenheid" else "2")
    )
