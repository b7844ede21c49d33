"""The hardened YAML reader shared by monitoring data, scenarios and policy tests.

Always a `yaml.SafeLoader` subclass: dates stay text (the schema rejects `2027-13-40` with a
location), nesting deeper than MAX_YAML_DEPTH, alias bombs and a key given twice in one mapping are
located errors, and a scalar its tag cannot build is a located error instead of an exception from
PyYAML's constructor. Numbers follow the data grammar (compiler/data/numbers.py): what YAML reads
as a number beyond it (`.nan`, `.inf`, `0x1F`, `1_000`) stays text, so its reader refuses it with
a location instead of reading a value nobody wrote. Every fault
becomes one diagnostic with the caller's code; `UNREADABLE` is returned in its place.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from compiler.data import numbers
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

    def construct_mapping(self, node, deep=False):
        """A mapping, refused when it names a key twice: PyYAML would keep the last silently."""
        if isinstance(node, yaml.MappingNode):
            _refuse_repeated_keys(self, node)
        return super().construct_mapping(node, deep=deep)


class YamlRepeatedKey(yaml.constructor.ConstructorError):
    """A YAML mapping that names the same key twice."""

    hint = "keep one of the two; YAML would silently use only the last"


def _refuse_repeated_keys(loader: TextDateLoader, node: yaml.MappingNode) -> None:
    """Raises YamlRepeatedKey at the second of two equal keys written in one mapping (keys a
    merge (`<<: *a`) brings in may be overridden, as YAML intends).
    """
    seen: dict[object, yaml.Node] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node)
        try:
            first = seen.setdefault(key, key_node)
        except TypeError:  # an unhashable key: PyYAML's own constructor reports it
            continue
        if first is not key_node:
            raise YamlRepeatedKey(
                None,
                None,
                f"the key `{key}` is given twice (first on line {first.start_mark.line + 1})",
                key_node.start_mark,
            )


def _strict_int(loader: TextDateLoader, node: yaml.ScalarNode):
    """An int as the data grammar writes it (compiler/data/numbers.py); YAML's other ints (`0x1F`,
    `1_000`, `1:30`) stay text, for the reader of the value to refuse with its location.
    """
    yaml.SafeLoader.construct_yaml_int(loader, node)  # a text no int: a located error
    strict = numbers.read_number(node.value)
    return strict if isinstance(strict, int) else node.value


def _strict_float(loader: TextDateLoader, node: yaml.ScalarNode):
    """A float as the data grammar writes it, and finite; YAML's other floats (`.nan`, `.inf`,
    `1_0.5`, `1.0e+999`) stay text, for the reader of the value to refuse with its location.
    """
    yaml.SafeLoader.construct_yaml_float(loader, node)  # a text no float: a located error
    strict = numbers.read_number(node.value)
    return node.value if strict is None else float(strict)


TextDateLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)
TextDateLoader.add_constructor("tag:yaml.org,2002:int", _strict_int)
TextDateLoader.add_constructor("tag:yaml.org,2002:float", _strict_float)


class LineLoader(TextDateLoader):
    """A safe YAML loader that remembers the line of every mapping (`__line__`) and the column
    and line of each of its keys (`__columns__`, `__lines__`).
    """


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping = loader.construct_mapping(node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__columns__"] = {str(k.value): k.start_mark.column + 1 for k, _ in node.value}
    mapping["__lines__"] = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
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
