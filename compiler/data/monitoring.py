"""Monitoring data in: series, entity tables and compliance events, read and validated.

Every row is checked against the JSON Schema of compiler/data/dataschema.py with jsonschema, and every
fault becomes a diagnostic naming file, line (the row) and field with a D0xx code. The caller decides
whether anything may be evaluated: by default nothing is when any row is invalid; with
`keep_valid_rows` the invalid rows are left out and the rest is kept.

Files: `.csv` (a header, one record per row) or `.yaml`/`.yml` (a list of records). Entity tables
are CSV; a column header may carry a unit, `nh3_emissie_bedrijf [ton]`, and values are converted
to the indicator's unit. Data types here only gain information: loading builds them once.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import jsonschema
import numpy as np
import yaml

from compiler.check import units
from compiler.check.model import Policy
from compiler.check.resolve import did_you_mean
from compiler.data import dataschema
from dsl import codes
from dsl.diagnostics import Diagnostics, Related
from dsl.source import Span

MAX_DATA_BYTES = 2 * 1024**3
MAX_ROWS = 20_000_000
_HEADER_UNIT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*([^\]]+?)\s*\])?\s*$")


# ---------------------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class Observation:
    """One value of a series, converted to its indicator's unit."""

    indicator: str
    period: str
    value: float
    status: str
    source: str
    origin: Span

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def date(self) -> dt.date:
        """The day the value describes: a bare year stands for its last day."""
        if len(self.period) == 4:
            return dt.date(self.year, 12, 31)
        return dt.date.fromisoformat(self.period)


@dataclass(frozen=True)
class Series:
    """Observations per indicator, oldest first."""

    by_indicator: dict[str, tuple[Observation, ...]] = field(default_factory=dict)

    def of(self, indicator: str) -> tuple[Observation, ...]:
        return self.by_indicator.get(indicator, ())

    def latest(self, indicator: str, on: dt.date) -> Observation | None:
        """The most recent observation describing a day on or before `on`."""
        known = [o for o in self.of(indicator) if o.date <= on]
        return known[-1] if known else None

    @classmethod
    def from_values(
        cls,
        values: dict[str, dict[str, float]],
        status: str = "measured",
        source: str = "given in code",
    ) -> Series:
        """Series built in code (tests, benchmarks): {indicator: {period: value}}, units as declared."""
        here = Span.point(f"<{source}>")
        return cls(
            {
                indicator: tuple(
                    Observation(indicator, str(period), float(v), status, source, here)
                    for period, v in sorted(by_period.items())
                )
                for indicator, by_period in values.items()
            }
        )

    def in_year(self, indicator: str, year: int) -> Observation | None:
        return next((o for o in reversed(self.of(indicator)) if o.year == year), None)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_indicator.values())


@dataclass(frozen=True)
class Population:
    """A table of entities (farms) as columns: categorical codes and float64 values.

    `labels` holds the ids as written; a synthetic population has none and names its farms
    `B0000001`, `B0000002`, ... on demand, so ten million farms need no string array.
    """

    size: int
    sector: np.ndarray  # int8 codes into dataschema.FARM_SECTORS
    province: np.ndarray  # int8 codes into dataschema.PROVINCES
    columns: dict[str, np.ndarray]  # indicator id -> float64, in the indicator's unit
    origin: str
    labels: np.ndarray | None = None

    def label(self, index: int) -> str:
        return str(self.labels[index]) if self.labels is not None else synthetic_label(index)

    def index_of(self, labels: Iterable[str]) -> np.ndarray:
        """Row positions of the given ids; -1 where an id is unknown."""
        lookup = self._lookup
        return np.array([lookup.get(label, -1) for label in labels], dtype=np.int64)

    # Computed once each: a population never changes after it is built.

    @functools.cached_property
    def _lookup(self):
        if self.labels is None:
            return _SyntheticLookup(self.size)
        return {str(label): i for i, label in enumerate(self.labels)}

    @functools.cached_property
    def nobody(self) -> np.ndarray:
        """An all-false, read-only mask over the population, shared by every result that selects no one."""
        mask = np.zeros(self.size, dtype=bool)
        mask.setflags(write=False)
        return mask

    @functools.cached_property
    def nan_columns(self) -> frozenset[str]:
        """Columns with at least one empty value."""
        return frozenset(k for k, v in self.columns.items() if np.isnan(v).any())

    def digest(self) -> str:
        h = hashlib.sha256(f"{self.size}".encode())
        for array in (self.sector, self.province, *(self.columns[k] for k in sorted(self.columns))):
            h.update(np.ascontiguousarray(array).tobytes())
        h.update(",".join(sorted(self.columns)).encode())
        if self.labels is not None:
            h.update("\n".join(map(str, self.labels)).encode())
        return h.hexdigest()


def synthetic_label(index: int) -> str:
    return f"B{index + 1:07d}"


class _SyntheticLookup:
    """Maps `B0000042` to 41 without building a dictionary of every farm."""

    def __init__(self, size: int) -> None:
        self.size = size

    def get(self, label, default=-1) -> int:
        if isinstance(label, str) and len(label) == 8 and label[0] == "B" and label[1:].isdigit():
            index = int(label[1:]) - 1
            if 0 <= index < self.size:
                return index
        return default


@dataclass(frozen=True, slots=True)
class Event:
    """A compliance event: `subject` (a farm id or an actor id) did `event` for `obligation`."""

    subject: str
    obligation: str
    event: str
    date: dt.date
    origin: Span


@dataclass(frozen=True)
class Monitoring:
    """Everything one evaluation reads besides the policy."""

    series: Series
    population: Population | None = None
    events: tuple[Event, ...] = ()
    files: tuple[str, ...] = ()

    def digest(self) -> str:
        """A fingerprint of the content (not the file names), for the ledger."""
        h = hashlib.sha256()
        for ind in sorted(self.series.by_indicator):
            for o in self.series.of(ind):
                h.update(f"{ind}|{o.period}|{o.value!r}|{o.status}\n".encode())
        h.update((self.population.digest() if self.population else "-").encode())
        for e in sorted(self.events, key=lambda e: (e.subject, e.obligation, e.event, e.date)):
            h.update(f"{e.subject}|{e.obligation}|{e.event}|{e.date}\n".encode())
        return h.hexdigest()


# ---------------------------------------------------------------------------------------- reading


@dataclass(slots=True)
class _Row:
    """A record as read, with where each of its fields stands."""

    line: int
    record: dict
    columns: dict[str, int]  # field -> 1-based column of its text


def _read_text(path: Path, diags: Diagnostics) -> str | None:
    where = Span.point(str(path))
    try:
        size = path.stat().st_size
        if size > MAX_DATA_BYTES:
            diags.add(
                codes.DATA_UNREADABLE,
                where,
                f"`{path}` is {size:,} bytes; the limit is {MAX_DATA_BYTES:,}",
                hint="split the data into several files",
            )
            return None
        data = path.read_bytes()
    except OSError as error:
        diags.add(
            codes.DATA_UNREADABLE,
            where,
            f"cannot read `{path}`: {error.strerror or error}",
            hint="check the path; `beleid evaluate --help` lists the data options",
        )
        return None
    if b"\x00" in data:
        diags.add(
            codes.DATA_UNREADABLE,
            where,
            f"`{path}` contains NUL bytes and looks binary",
            hint="monitoring data is CSV or YAML text",
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        diags.add(
            codes.DATA_UNREADABLE,
            Span.point(str(path), line),
            f"`{path}` is not UTF-8 text",
            hint="save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
        )
        return None


def _rows(path: Path, text: str, diags: Diagnostics) -> tuple[list[str] | None, list[_Row]]:
    """The header (None for YAML) and the raw records of a CSV or YAML file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path, text, diags)
    if suffix in (".yaml", ".yml"):
        return None, _yaml_rows(path, text, diags)
    diags.add(
        codes.DATA_SYNTAX,
        Span.point(str(path)),
        f"`{path.name}`: unknown data file type `{suffix}`",
        hint="give a .csv or .yaml file",
    )
    return None, []


def _csv_rows(path: Path, text: str, diags: Diagnostics) -> tuple[list[str] | None, list[_Row]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return [], []
        rows: list[_Row] = []
        for cells in reader:
            if not cells or cells == [""]:
                continue
            line = reader.line_num
            if len(rows) >= MAX_ROWS:
                diags.add(
                    codes.TOO_MANY_ROWS,
                    Span.point(str(path), line),
                    f"`{path.name}` has more than {MAX_ROWS:,} rows",
                    hint="split the data into several files",
                )
                break
            if len(cells) != len(header):
                diags.add(
                    codes.RAGGED_ROW,
                    Span.point(str(path), line),
                    f"row has {len(cells)} fields, the header has {len(header)}",
                    hint="check for a stray or missing comma; quote text that contains commas",
                )
                continue
            rows.append(_Row(line, dict(zip(header, cells, strict=True)), {}))
        return [h.strip() for h in header], rows
    except csv.Error as error:
        diags.add(
            codes.DATA_SYNTAX,
            Span.point(str(path), reader.line_num),
            f"malformed CSV: {error}",
            hint="check the quotes on this line: a quoted field must end with a quote",
        )
        return None, []


def _column_of(row: _Row, name: str, header: list[str] | None, lines: list[str]) -> int:
    """The 1-based column where field `name` starts on its line (unquoted CSV), else 1."""
    if header is None:
        return row.columns.get(name, 1)
    if name not in header or row.line > len(lines):
        return 1
    raw = lines[row.line - 1]
    if '"' in raw:
        return 1
    index = header.index(name)
    return sum(len(cell) + 1 for cell in raw.split(",")[:index]) + 1


MAX_YAML_DEPTH = 100


class YamlTooDeep(yaml.composer.ComposerError):
    """YAML that nests deeper than MAX_YAML_DEPTH levels."""

    hint = "data, tests and scenarios need only a few levels; is this the right file?"


MAX_YAML_ALIASED = 100_000


class YamlAliasError(yaml.composer.ComposerError):
    """YAML whose aliases (`*a`) make a collection contain itself, or repeat more than
    MAX_YAML_ALIASED values (a "billion laughs" file of a few hundred bytes)."""

    hint = "write the values out instead of repeating them with `&anchor` and `*alias`"


def _check_aliases(root: yaml.Node, first_alias) -> None:
    """Walks the composed nodes once (each shared node once, no recursion): the size the aliases
    expand the document to, and whether a collection contains itself."""
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
    MAX_YAML_DEPTH is a located error (the composer would otherwise recurse until Python gives up)."""

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
        located error, not the ValueError, KeyError or IndexError of PyYAML's constructor."""
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
    malformed). Always a safe loader; dates stay text."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        diags.add(
            code,
            Span.point(str(path)),
            f"cannot read `{path}`: {error}",
            hint=f"give a YAML file, e.g. {example}",
        )
        return UNREADABLE
    return _load_yaml(text, path, diags, code, loader)


def _load_yaml(text: str, path: Path, diags: Diagnostics, code: codes.Code, loader):
    """Parse YAML text with a safe loader; malformed or too deeply nested text is a located `code`."""
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


def _yaml_rows(path: Path, text: str, diags: Diagnostics) -> list[_Row]:
    data = _load_yaml(text, path, diags, codes.DATA_SYNTAX, LineLoader)
    if data is UNREADABLE:
        return []
    if isinstance(data, dict) and len([k for k in data if not str(k).startswith("__")]) == 1:
        data = next(v for k, v in data.items() if not str(k).startswith("__"))
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        diags.add(
            codes.DATA_SYNTAX,
            Span.point(str(path)),
            "a YAML data file must be a list of records",
            hint="write one `- indicator: ...` item per value, optionally under one top-level key",
        )
        return []
    rows = []
    for item in data[:MAX_ROWS]:
        # Not popped: a YAML alias (`- *a`) makes two items one dict, so it is read twice.
        line, columns = item["__line__"], item["__columns__"]
        record = {
            str(k): ("" if v is None else v)
            for k, v in item.items()
            if k not in ("__line__", "__columns__")
        }
        rows.append(_Row(line, record, columns))
    if len(data) > MAX_ROWS:
        diags.add(
            codes.TOO_MANY_ROWS,
            Span.point(str(path)),
            f"`{path.name}` has more than {MAX_ROWS:,} records",
            hint="split the data into several files",
        )
    return rows


# ---------------------------------------------------------------------------------------- validation


class _Validator:
    """Validates records of one type against the schema, and turns jsonschema errors into diagnostics.

    Rows whose fields fall in the same classes (same enum words, same sign, same type) validate the
    same way, so each class is validated once and its result reused: 50,000 farm rows cost a few
    dozen jsonschema validations instead of 50,000.
    """

    def __init__(self, schema: dict, record_type: str) -> None:
        definition = schema["$defs"][record_type]
        self.properties = definition["properties"]
        # Rules that tie fields together (a unit allowed for this indicator) defeat per-field classes.
        self.memoise = "allOf" not in definition
        self.validator = jsonschema.Draft202012Validator(
            {"$ref": f"#/$defs/{record_type}", **schema}
        )
        self.cache: dict[tuple, list[jsonschema.ValidationError]] = {}

    def errors(self, record: dict) -> list[jsonschema.ValidationError]:
        if not self.memoise:
            return sorted(self.validator.iter_errors(record), key=lambda e: list(e.path))
        key = tuple(sorted((name, self._classify(name, value)) for name, value in record.items()))
        if key not in self.cache:
            self.cache[key] = sorted(self.validator.iter_errors(record), key=lambda e: list(e.path))
        return self.cache[key]

    def _classify(self, name: str, value) -> object:
        if isinstance(
            value, (list, dict)
        ):  # a YAML record can hold collections: each is its own class
            return ("c", repr(value))
        prop = self.properties.get(name)
        if prop is None or "enum" in prop or "const" in prop or "allOf" in prop:
            return ("v", type(value).__name__, value)
        if isinstance(value, bool) or value is None:
            return ("v", type(value).__name__, value)
        if isinstance(value, (int, float)):
            return ("n", value >= prop.get("minimum", -math.inf))
        if isinstance(value, str):
            pattern = prop.get("pattern")
            return (
                "s",
                bool(value) and len(value) >= prop.get("minLength", 0),
                bool(re.search(pattern, value)) if pattern else True,
            )
        return ("o", type(value).__name__)


def _number(text):
    """A CSV cell as the JSON value it stands for: a number where it reads as one, else the text."""
    if not isinstance(text, str):
        return text
    stripped = text.strip()
    if stripped == "":
        return None
    try:
        value = float(stripped)
    except ValueError:
        return stripped
    if not math.isfinite(value):
        return stripped
    return (
        int(value)
        if value.is_integer() and "." not in stripped and "e" not in stripped.lower()
        else value
    )


@dataclass
class _Context:
    path: Path
    header: list[str] | None
    lines: list[str]
    diags: Diagnostics

    def span(self, row: _Row, name: str | None = None) -> Span:
        column = _column_of(row, name, self.header, self.lines) if name else 1
        return Span.point(str(self.path), row.line, column)


def _report(
    error: jsonschema.ValidationError,
    row: _Row,
    record: dict,
    ctx: _Context,
    field_codes: dict[str, codes.Code],
) -> None:
    name = str(error.path[0]) if error.path else None
    where = f"row {row.line - 1}" if ctx.header is not None else f"record on line {row.line}"
    if error.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        name = missing[0] if missing else None
        ctx.diags.add(
            codes.MISSING_VALUE,
            ctx.span(row),
            f"{where}: field `{name}` is missing",
            hint=f"every record needs {_required_list(error)}",
        )
        return
    if error.validator == "additionalProperties":
        extra = [k for k in record if k not in error.schema.get("properties", {})]
        for key in extra:
            known = list(error.schema.get("properties", {}))
            ctx.diags.add(
                codes.UNKNOWN_COLUMN,
                ctx.span(row, key),
                f"{where}: unknown field `{key}`",
                hint=did_you_mean(key, known) or f"fields: {', '.join(known)}",
            )
        return
    value = record.get(name)
    if value is None or value == "":
        ctx.diags.add(
            codes.MISSING_VALUE,
            ctx.span(row, name),
            f"{where}: field `{name}` is empty",
            hint="fill in a value, or leave the whole row out",
        )
        return
    code, hint = _classify_error(error, name, value, field_codes)
    ctx.diags.add(
        code,
        ctx.span(row, name),
        f"{where}, field `{name}`: {_describe(error, name, value, record)}",
        hint=hint,
    )


def _required_list(error: jsonschema.ValidationError) -> str:
    return ", ".join(f"`{n}`" for n in error.validator_value)


def _classify_error(
    error, name: str, value, field_codes: dict[str, codes.Code]
) -> tuple[codes.Code, str]:
    if error.validator == "type" and error.validator_value == "number":
        hint = (
            "write decimals with a point (1.5, not 1,5)"
            if isinstance(value, str) and "," in value
            else "write a plain number without a unit; units go in the `unit` column or the header"
        )
        return codes.NOT_A_NUMBER, hint
    if error.validator == "pattern":
        return codes.INVALID_PERIOD, "write a year (2027) or a date as YYYY-MM-DD (2027-06-30)"
    if error.validator == "minimum":
        return codes.VALUE_OUT_OF_RANGE, f"`{name}` cannot be negative"
    if error.validator == "enum":
        choices = [str(c) for c in error.validator_value]
        code = field_codes.get(name, codes.INVALID_CHOICE)
        if set(choices) == {"0", "1"}:
            return codes.VALUE_OUT_OF_RANGE, "a yes/no column holds 0 (nee) or 1 (ja)"
        hint = did_you_mean(str(value), choices) or _choice_hint(choices)
        return code, hint
    return codes.INVALID_CHOICE, error.message


def _choice_hint(choices: list[str]) -> str:
    shown = ", ".join(f"`{c}`" for c in choices[:12])
    return f"choose one of {shown}" + (", ..." if len(choices) > 12 else "")


_ENUM_PHRASES = {
    "indicator": "the policy declares no indicator `{value}`",
    "unit": "`{value}` is not a unit of `{indicator}`",
    "obligation": "the policy has no obligation, decision or duty `{value}`",
}


def _describe(error: jsonschema.ValidationError, name: str, value, record: dict) -> str:
    if error.validator == "enum" and name in _ENUM_PHRASES:
        return _ENUM_PHRASES[name].format(value=value, indicator=record.get("indicator"))
    if error.validator == "type":
        return f"`{value}` is not a number"
    if error.validator == "pattern":
        return f"`{value}` is not a year or a date"
    if error.validator == "minimum":
        return f"{value} is below {error.validator_value}"
    if error.validator == "enum":
        return f"`{value}` is not allowed here"
    return error.message


# ---------------------------------------------------------------------------------------- series


def load_series(
    paths: list[Path], policy: Policy, diags: Diagnostics, schema: dict | None = None
) -> Series:
    """Observations from CSV or YAML files, checked and converted to each indicator's unit."""
    schema = schema or dataschema.data_schema(policy)
    validator = _Validator(schema, "observation")
    entity_level = {d.id for d in dataschema.entity_indicators(policy)}
    units_of = {d.id: dataschema.unit_of(d) for d in dataschema.series_indicators(policy)}
    found: dict[tuple[str, str], Observation] = {}
    for path in paths:
        for ctx, row in _records(
            path, diags, ("indicator", "period", "value", "unit", "status"), schema, "observation"
        ):
            record = {k: _number(v) if k == "value" else _text(v) for k, v in row.record.items()}
            observation = _observation(ctx, row, record, validator, entity_level, units_of)
            if observation is None:
                continue
            key = (observation.indicator, observation.period)
            if key in found:
                ctx.diags.add(
                    codes.DUPLICATE_ROW,
                    ctx.span(row, "period"),
                    f"a second value for `{key[0]}` in {key[1]}",
                    hint="keep one row per indicator and period",
                    related=(Related("first given here", found[key].origin),),
                )
                continue
            found[key] = observation
    by_indicator: dict[str, list[Observation]] = {}
    for observation in found.values():
        by_indicator.setdefault(observation.indicator, []).append(observation)
    return Series(
        {k: tuple(sorted(v, key=lambda o: o.date)) for k, v in sorted(by_indicator.items())}
    )


def _text(value) -> object:
    if isinstance(value, str):
        return value.strip()
    return "" if value is None else value


def _observation(ctx, row, record, validator, entity_level, units_of) -> Observation | None:
    indicator = record.get("indicator")
    if indicator in entity_level:
        ctx.diags.add(
            codes.WRONG_LEVEL,
            ctx.span(row, "indicator"),
            f"`{indicator}` has one value per farm, not a series",
            hint="per-farm values belong in the entity table (farms.csv)",
        )
        return None
    errors = validator.errors(record)
    if errors:
        _report(
            errors[0],
            row,
            record,
            ctx,
            {"indicator": codes.UNKNOWN_INDICATOR, "unit": codes.WRONG_UNIT},
        )
        return None
    period = str(record["period"])
    if not valid_period(period):
        ctx.diags.add(
            codes.INVALID_PERIOD,
            ctx.span(row, "period"),
            f"`{period}` is not a real date",
            hint="write a year (2027) or a date as YYYY-MM-DD",
        )
        return None
    unit = units.lookup(record["unit"])
    target = units.lookup(units_of[indicator])
    value = (
        float(record["value"])
        if unit is None or target is None
        else float(units.convert(_decimal(record["value"]), unit, target))
    )
    return Observation(
        indicator, period, value, record["status"], str(record.get("source", "")), ctx.span(row)
    )


def _decimal(value) -> Decimal:
    return Decimal(str(value))


def valid_period(period: str) -> bool:
    """A real date, or a year that has one (`0000` has none)."""
    try:
        if len(period) > 4:
            dt.date.fromisoformat(period)
        else:
            dt.date(int(period), 12, 31)
        return True
    except ValueError:
        return False


def _records(
    path: Path, diags: Diagnostics, required: tuple[str, ...], schema: dict, record_type: str
) -> Iterator[tuple[_Context, _Row]]:
    text = _read_text(path, diags)
    if text is None:
        return
    header, rows = _rows(path, text, diags)
    ctx = _Context(path, header, text.splitlines(), diags)
    if header is not None and not _check_header(ctx, header, required, schema, record_type):
        return
    if header is not None and not rows and header:
        diags.add(
            codes.EMPTY_DATA,
            Span.point(str(path)),
            f"`{path.name}` has a header but no rows",
            hint="add rows, or leave the file out",
        )
    for row in rows:
        yield ctx, row


def _check_header(
    ctx: _Context, header: list[str], required, schema: dict, record_type: str
) -> bool:
    known = list(schema["$defs"][record_type]["properties"])
    names = [_HEADER_UNIT.match(h).group(1) if _HEADER_UNIT.match(h) else h for h in header]
    ok = True
    for name in required:
        if name not in names:
            ctx.diags.add(
                codes.MISSING_COLUMN,
                Span.point(str(ctx.path)),
                f"`{ctx.path.name}` has no column `{name}`",
                hint=f"the header needs {', '.join(f'`{n}`' for n in required)}",
            )
            ok = False
    if record_type != "farm":
        for position, name in enumerate(names):
            if name not in known:
                column = sum(len(h) + 1 for h in header[:position]) + 1
                ctx.diags.add(
                    codes.UNKNOWN_COLUMN,
                    Span.point(str(ctx.path), 1, column),
                    f"unknown column `{name}`",
                    hint=did_you_mean(name, known) or f"columns: {', '.join(known)}",
                )
                ok = False
    return ok


# ---------------------------------------------------------------------------------------- entities


def load_entities(
    path: Path,
    policy: Policy,
    diags: Diagnostics,
    schema: dict | None = None,
    *,
    keep_valid_rows: bool = False,
) -> Population | None:
    """A farm table (CSV) as columns; None when it cannot be read or has invalid rows (unless kept)."""
    schema = schema or dataschema.data_schema(policy)
    text = _read_text(path, diags)
    if text is None:
        return None
    if path.suffix.lower() != ".csv":
        diags.add(
            codes.DATA_SYNTAX,
            Span.point(str(path)),
            f"`{path.name}`: an entity table must be a .csv file",
            hint="export the table as CSV with a header row",
        )
        return None
    header, rows = _csv_rows(path, text, diags)
    if header is None:
        return None
    ctx = _Context(path, header, text.splitlines(), diags)
    columns = _entity_columns(ctx, header, policy)
    if columns is None:
        return None
    if not rows:
        diags.add(
            codes.EMPTY_DATA,
            Span.point(str(path)),
            f"`{path.name}` has a header but no rows",
            hint="add one row per farm",
        )
    before = sum(1 for d in diags if d.severity is codes.Severity.ERROR)
    kept = _valid_entity_rows(ctx, rows, columns, _Validator(schema, "farm"))
    errors = sum(1 for d in diags if d.severity is codes.Severity.ERROR) - before
    if errors and not keep_valid_rows:
        return None
    return _population(kept, columns, policy, str(path))


def _entity_columns(
    ctx: _Context, header: list[str], policy: Policy
) -> dict[str, tuple[str, float]] | None:
    """Header cell -> (field, factor to the indicator's unit); None when the header is wrong."""
    entity = {d.id: dataschema.unit_of(d) for d in dataschema.entity_indicators(policy)}
    series = {d.id for d in dataschema.series_indicators(policy)}
    known = [*dataschema.FIXED_ENTITY_COLUMNS, *entity]
    result: dict[str, tuple[str, float]] = {}
    ok = True
    for position, cell in enumerate(header):
        span = Span.point(str(ctx.path), 1, sum(len(h) + 1 for h in header[:position]) + 1)
        match = _HEADER_UNIT.match(cell)
        name, unit = (match.group(1), match.group(2)) if match else (cell, None)
        if name in series:
            ctx.diags.add(
                codes.WRONG_LEVEL,
                span,
                f"`{name}` is a national or sector series, not a farm value",
                hint="series belong in a series file (series.csv)",
            )
            ok = False
        elif name not in known:
            ctx.diags.add(
                codes.UNKNOWN_COLUMN,
                span,
                f"unknown column `{name}`",
                hint=did_you_mean(name, known) or f"columns: {', '.join(known)}",
            )
            ok = False
        elif unit is not None and name in entity:
            factor = _unit_factor(unit, entity[name])
            if factor is None:
                ctx.diags.add(
                    codes.WRONG_UNIT,
                    span,
                    f"`{name}` is measured in {entity[name]}, not `{unit}`",
                    hint=f"use one of {', '.join(dataschema.compatible_units(entity[name]))}",
                )
                ok = False
            else:
                result[cell] = (name, factor)
        else:
            result[cell] = (name, 1.0)
    for name in dataschema.FIXED_ENTITY_COLUMNS:
        if name not in {v[0] for v in result.values()} and ok:
            ctx.diags.add(
                codes.MISSING_COLUMN,
                Span.point(str(ctx.path)),
                f"`{ctx.path.name}` has no column `{name}`",
                hint="an entity table needs `id`, `sector` and `province`",
            )
            ok = False
    return result if ok else None


def _unit_factor(written: str, expected: str) -> float | None:
    source, target = units.lookup(written), units.lookup(expected)
    if source is None or target is None or not units.compatible(source, target):
        return None
    return float(source.factor / target.factor)


def _valid_entity_rows(
    ctx: _Context, rows: list[_Row], columns, validator: _Validator
) -> list[dict]:
    kept: list[dict] = []
    first_line: dict[str, int] = {}
    numeric = {
        cell for cell, (name, _) in columns.items() if name not in dataschema.FIXED_ENTITY_COLUMNS
    }
    for row in rows:
        record = {
            columns[c][0]: (_number(v) if c in numeric else v.strip())
            for c, v in row.record.items()
        }
        errors = validator.errors(record)
        if errors:
            for error in errors[:3]:
                _report(error, row, record, ctx, {})
            continue
        if record["id"] in first_line:
            ctx.diags.add(
                codes.DUPLICATE_ROW,
                ctx.span(row, "id"),
                f"farm `{record['id']}` appears twice",
                hint="keep one row per farm",
                related=(
                    Related(
                        "first given here", Span.point(str(ctx.path), first_line[record["id"]])
                    ),
                ),
            )
            continue
        first_line[record["id"]] = row.line
        for name, factor in columns.values():
            if factor != 1.0:
                record[name] = record[name] * factor
        kept.append(record)
    return kept


def _population(records: list[dict], columns, policy: Policy, origin: str) -> Population:
    sector_code = {s: i for i, s in enumerate(dataschema.FARM_SECTORS)}
    province_code = {p: i for i, p in enumerate(dataschema.PROVINCES)}
    present = [name for name, _ in columns.values() if name not in dataschema.FIXED_ENTITY_COLUMNS]
    return Population(
        size=len(records),
        sector=np.array([sector_code[r["sector"]] for r in records], dtype=np.int8),
        province=np.array([province_code[r["province"]] for r in records], dtype=np.int8),
        columns={
            name: np.array([float(r[name]) for r in records], dtype=np.float64) for name in present
        },
        origin=origin,
        labels=np.array([r["id"] for r in records], dtype=str),
    )


# ---------------------------------------------------------------------------------------- events


def load_events(
    paths: list[Path],
    policy: Policy,
    population: Population | None,
    diags: Diagnostics,
    schema: dict | None = None,
) -> tuple[Event, ...]:
    """Compliance events; the subject must be a known farm or actor."""
    schema = schema or dataschema.data_schema(policy)
    validator = _Validator(schema, "event")
    actors = {d.id for d in policy.of_kind("actor")}
    events: list[Event] = []
    seen: dict[tuple, Span] = {}
    for path in paths:
        for ctx, row in _records(
            path, diags, ("subject", "obligation", "event", "date"), schema, "event"
        ):
            record = {
                k: _text(v) if not isinstance(v, dt.date) else v.isoformat()
                for k, v in row.record.items()
            }
            errors = validator.errors(record)
            if errors:
                _report(errors[0], row, record, ctx, {"obligation": codes.UNKNOWN_SUBJECT})
                continue
            if not valid_period(record["date"]):
                ctx.diags.add(
                    codes.INVALID_PERIOD,
                    ctx.span(row, "date"),
                    f"`{record['date']}` is not a real date",
                    hint="write the date as YYYY-MM-DD",
                )
                continue
            subject = record["subject"]
            known_farm = population is not None and population.index_of([subject])[0] >= 0
            if subject not in actors and not known_farm:
                ctx.diags.add(
                    codes.UNKNOWN_SUBJECT,
                    ctx.span(row, "subject"),
                    f"`{subject}` is neither a farm in the entity table nor an actor",
                    hint=did_you_mean(subject, sorted(actors)) or "check the farm id",
                )
                continue
            key = (subject, record["obligation"], record["event"], record["date"])
            if key in seen:
                ctx.diags.add(
                    codes.DUPLICATE_ROW,
                    ctx.span(row),
                    "the same event is given twice",
                    hint="keep one row per event",
                    related=(Related("first given here", seen[key]),),
                )
                continue
            seen[key] = ctx.span(row)
            events.append(
                Event(
                    subject,
                    record["obligation"],
                    record["event"],
                    dt.date.fromisoformat(record["date"]),
                    ctx.span(row),
                )
            )
    return tuple(events)
