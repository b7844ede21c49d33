"""The hardened YAML reader shared by monitoring data, scenarios and policy tests.

Always a `yaml.SafeLoader` subclass: dates stay text (the schema rejects `2027-13-40` with a
location), nesting deeper than MAX_YAML_DEPTH and alias bombs are located errors, and a scalar its
tag cannot build is a located error instead of an exception from PyYAML's constructor. Every fault
becomes one diagnostic with the caller's code; `UNREADABLE` is returned in its place.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from dsl import codes, files
from dsl.diagnostics import Diagnostics
from dsl.source import Span

# Scenario and policy test files are a few kilobytes; data YAML has its own, larger limit.
MAX_YAML_BYTES = 20_000_000
MAX_YAML_DEPTH = 100


class YamlTooDeep(yaml.composer.ComposerError):
    """YAML that nests deeper than MAX_YAML_DEPTH levels."""

    hint = "data, tests and scenarios need only a few levels; is this the right file?"


MAX_YAML_ALIASED = 100_000


class YamlAliasError(yaml.composer.ComposerError):
    """YAML whose aliases (`*a`) make a collection contain itself, or repeat more than
    MAX_YAML_ALIASED values (a "billion laughs" file of a few hundred bytes).
    """

    hint = "write the values out instead of repeating them with `&anchor` and `*alias`"


def _check_aliases(root: yaml.Node, first_alias) -> None:
    """Walks the composed nodes once (each shared node once, no recursion): the size the aliases
    expand the document to, and whether a collection contains itself.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    active: set[int] = set()
    while stack:
        node, finished = stack.pop()
        children = (
            []
            if isinstance(node, yaml.ScalarNode)
            else [n for pair in node.value for n in pair]
            if isinstance(node, yaml.MappingNode)
            else node.value
        )
        if finished:
            active.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            continue
        if id(node) in sizes:
            continue
        if id(node) in active:
            raise YamlAliasError(
                None, None, "an alias makes this collection contain itself", node.start_mark
            )
        active.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    if sizes[id(root)] > len(sizes) + MAX_YAML_ALIASED:
        raise YamlAliasError(
            None, None, f"its aliases repeat more than {MAX_YAML_ALIASED:,} values", first_alias
        )


class TextDateLoader(yaml.SafeLoader):
    """A safe YAML loader that leaves dates as written: `2027-13-40` becomes text for the schema to
    reject with a location, instead of an exception from the date constructor. Nesting deeper than
    MAX_YAML_DEPTH is a located error (the composer would otherwise recurse until Python gives
    up).
    """

    _depth = 0
    _first_alias = None  # where the first alias (`*a`) stands, if any

    def compose_document(self):
        node = super().compose_document()
        if self._first_alias is not None and node is not None:
            _check_aliases(node, self._first_alias)
        return node

    def compose_node(self, parent, index):
        if self._first_alias is None and self.check_event(yaml.AliasEvent):
            self._first_alias = self.peek_event().start_mark
        nested = int(self.check_event(yaml.CollectionStartEvent))
        if nested and self._depth >= MAX_YAML_DEPTH:
            raise YamlTooDeep(
                None,
                None,
                f"it nests more than {MAX_YAML_DEPTH} levels deep",
                self.peek_event().start_mark,
            )
        self._depth += nested
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= nested

    def construct_object(self, node, deep=False):
        """A scalar its tag cannot build (`!!int 1.5`, `0x_`, `!!bool maybe`, an empty `!!int`) is a
        located error, not the ValueError, KeyError or IndexError of PyYAML's constructor.
        """
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, KeyError, IndexError):
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise yaml.constructor.ConstructorError(
                None, None, f"`{node.value}` is not a valid {tag}", node.start_mark
            ) from None


TextDateLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


class LineLoader(TextDateLoader):
    """A safe YAML loader that remembers the line and column of every mapping and its keys."""


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__columns__"] = {str(k.value): k.start_mark.column + 1 for k, _ in node.value}
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


UNREADABLE = object()  # what `read_yaml_file` returns when the file could not be read or parsed


def read_yaml_file(
    path: Path, diags: Diagnostics, code: codes.Code, example: str, loader=TextDateLoader
):
    """A YAML file's data, or UNREADABLE after a located diagnostic with `code` (unreadable or
    malformed). Always a safe loader; dates stay text.
    """
    try:
        text = files.read_bytes(path, MAX_YAML_BYTES).decode("utf-8")
    except (files.FileRefused, UnicodeDecodeError) as error:
        diags.add(
            code,
            Span.point(str(path)),
            f"cannot read `{path}`: {error}",
            hint=f"give a YAML file, e.g. {example}",
        )
        return UNREADABLE
    return load_yaml_text(text, path, diags, code, loader)


def load_yaml_text(text: str, path: Path, diags: Diagnostics, code: codes.Code, loader):
    """Parse YAML text with a safe loader; malformed or too deeply nested text is a located
    `code`.
    """
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - SafeLoader subclasses only
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = (
            Span.point(str(path), mark.line + 1, mark.column + 1) if mark else Span.point(str(path))
        )
        hint = getattr(error, "hint", None) or "check the indentation and the `:` after each key"
        diags.add(
            code, where, f"malformed YAML: {getattr(error, 'problem', None) or error}", hint=hint
        )
    return UNREADABLE
