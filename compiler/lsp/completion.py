"""Completion of what may stand at the cursor (expected.py says what): declaration kinds at the
top level, the fields a kind allows at the start of a line inside it, and after a field keyword
the words, ids or units it takes; filtered by the word typed so far and capped. The enclosing kind
is found from the parsed declarations, or by counting braces while the text does not parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from compiler.check import schema
from compiler.check.units import RULE_UNITS, UNITS
from compiler.lsp.expected import expected_at
from compiler.lsp.workspace import Cursor, cursor_at, scope_for
from dsl import nodes

if TYPE_CHECKING:
    from compiler.lsp.server import PolicyServer

MAX_ITEMS = 50  # more than a completion menu shows; the rest come as the prefix grows
_TYPED = re.compile(r"[A-Za-z0-9_.]*$")
_QUOTED = re.compile(r'"[^"]*"')
_ALL_FIELDS = frozenset(schema.COMMON).union(
    *(required | optional for required, optional in schema.FIELDS.values())
)


def completion(ls: PolicyServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    """What may be typed at the cursor and starts with the word typed so far, best first; at most
    `MAX_ITEMS`, the list marked incomplete when there were more, so the client asks again.
    """
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    typed = typed_prefix(cursor)
    wanted = typed.lower()
    items = [i for i in completion_items(ls, cursor) if i.label.lower().startswith(wanted)]
    items.sort(key=lambda item: (item.sort_text or item.label, item.label))
    return lsp.CompletionList(is_incomplete=len(items) > MAX_ITEMS, items=items[:MAX_ITEMS])


def typed_prefix(cursor: Cursor) -> str:
    return _TYPED.search(cursor.lines[cursor.line][: cursor.column]).group()


def words_before(cursor: Cursor) -> list[str] | None:
    """The words on the cursor's line before the word being typed (a quoted text one word), or
    None when the cursor stands in a quoted text or a comment.
    """
    line = cursor.lines[cursor.line][: cursor.column]
    line = line[: len(line) - len(typed_prefix(cursor))]
    if line.count('"') % 2:
        return None
    line = _QUOTED.sub('""', line)
    if "#" in line:
        return None
    return line.replace(",", " ").split()


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
            detail=UNITS[name].dimension,
            sort_text=f"{rank}{name}",
        )
        for name in RULE_UNITS
    ]


def word_items(words: Iterable[str], detail: str) -> list[lsp.CompletionItem]:
    return [
        lsp.CompletionItem(
            label=word, kind=lsp.CompletionItemKind.EnumMember, detail=detail, sort_text=f"0{word}"
        )
        for word in words
    ]


def completion_items(server: PolicyServer, cursor: Cursor) -> list[lsp.CompletionItem]:
    """The items of everything that may stand at the cursor, before filtering by the prefix."""
    before = words_before(cursor)
    if before is None:
        return []
    parsed = server.modules.from_text(cursor.document.name, cursor.document.text)
    kind = enclosing_kind(parsed.module, parsed.text, cursor.offset)
    expected = expected_at(kind, before)
    items = word_items(expected.words, expected.word_detail or "keyword")
    if expected.kinds:
        items += kind_items()
    if expected.fields_of is not None:
        items += keyword_items(expected.fields_of, "0")
    if expected.units:
        items += unit_items("0")
    if expected.id_kinds or expected.entity_kinds:
        declarations = [
            d for p in server.tree(scope_for(cursor.document.uri)) for d in p.module.declarations
        ]
        if expected.entity_kinds:
            items += entity_kind_items(declarations)
        wanted = set(expected.id_kinds)
        items += id_items([d for d in declarations if d.kind in wanted], expected.id_kinds)
    return items


def entity_kind_items(declarations: list[nodes.Declaration]) -> list[lsp.CompletionItem]:
    """The built-in entity kinds and those the tree declares with `entiteit`."""
    declared = [d.id.name for d in declarations if d.kind == "entiteit"]
    return word_items(dict.fromkeys([*schema.ENTITY_KINDS, *declared]), "entity kind")
