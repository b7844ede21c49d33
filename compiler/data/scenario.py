"""Scenario files for `beleid simulate`: monitoring moments, projected data, values assumed where
the policy is pending, and how farms behave between moments.

A scenario is YAML, validated against `SCENARIO_SCHEMA` with jsonschema. Assumed values are written
in the policy language (`"100 kton"`, `"6 maanden na monitoring"`) and replace a pending value of
one declaration for this scenario only; assuming a value the policy already fixes is an error
(S002), so a scenario can never quietly overrule the rules.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import yaml

from compiler.check.layout import within_repository
from compiler.check.model import Policy
from compiler.check.resolve import did_you_mean
from compiler.check.viewbuilder import with_value
from compiler.data.yamlsafe import MAX_YAML_BYTES, UNREADABLE, TextDateLoader, read_yaml_file
from dsl import codes, files, nodes
from dsl.diagnostics import Diagnostics
from dsl.parser import parse_text
from dsl.source import SourceFile, Span

# The fields whose pending value a scenario may assume, and the kind used to parse the value.
ASSUMABLE = {"waarde": "doel", "reductie": "doel", "uiterlijk": "doel", "termijn": "verplichting"}

# Values assumed where the policy is pending; scenarios and policy tests write them the same way.
ASSUMPTIONS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["declaration", "field", "value", "why"],
        "additionalProperties": False,
        "properties": {
            "declaration": {"type": "string"},
            "field": {"enum": sorted(ASSUMABLE)},
            "value": {"type": "string"},
            "why": {"type": "string", "minLength": 1},
        },
    },
}


SCENARIO_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "beleid scenario",
    "type": "object",
    "required": ["moments"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "moments": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "items": {"type": "integer", "minimum": 1900, "maximum": 2200},
        },
        "series": {"type": "array", "items": {"type": "string"}},
        "events": {"type": "array", "items": {"type": "string"}},
        "farms": {
            "oneOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "size": {"type": "integer", "minimum": 0, "maximum": 20_000_000},
                        "seed": {"type": "integer", "minimum": 0},
                    },
                },
            ],
        },
        "assumptions": ASSUMPTIONS_SCHEMA,
        "behaviour": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "seed": {"type": "integer", "minimum": 0},
                "comply": {
                    "type": "object",
                    "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
                },
                "reach_norm": {
                    "type": "object",
                    "required": ["share", "emission", "norm"],
                    "additionalProperties": False,
                    "properties": {
                        "share": {"type": "number", "minimum": 0, "maximum": 1},
                        "emission": {"type": "string"},
                        "norm": {"type": "string"},
                    },
                },
                "count_steps": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "required": ["column", "from_step"],
                        "additionalProperties": False,
                        "properties": {
                            "column": {"type": "string"},
                            "from_step": {"type": "integer", "minimum": 1},
                        },
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Assumption:
    """A value a scenario assumes for a pending field of one declaration, and why."""

    declaration: str
    field: str
    value: object
    why: str


@dataclass(frozen=True)
class Scenario:
    """A loaded scenario: name, moments, data files, farms, assumed values and farm behaviour."""

    path: Path
    name: str
    moments: tuple[int, ...]
    series: tuple[Path, ...] = ()
    events: tuple[Path, ...] = ()
    farms: Path | None = None
    farm_size: int | None = None
    farm_seed: int | None = None
    assumptions: tuple[Assumption, ...] = ()
    behaviour: dict = field(default_factory=dict)


def load_scenario(path: Path, policy: Policy, diags: Diagnostics) -> Scenario | None:
    data = read_yaml_file(path, diags, codes.SCENARIO_INVALID, "monitoring/scenarios/trend.yaml")
    if data is UNREADABLE:
        return None
    errors = sorted(
        jsonschema.Draft202012Validator(SCENARIO_SCHEMA).iter_errors(data),
        key=lambda e: list(map(str, e.path)),
    )
    for error in errors[:10]:
        where = "/".join(map(str, error.path)) or "(top level)"
        diags.add(
            codes.SCENARIO_INVALID,
            _span_of(path, list(error.path)),
            f"`{where}`: {error.message}",
            hint="see docs/evaluation.md, 'Scenarios', for the format",
        )
    if errors:
        return None
    base = path.parent
    farms = data.get("farms", {})
    for key in ("series", "events", "farms"):
        names = [data[key]] if isinstance(data.get(key), str) else data.get(key, [])
        within_repository(
            [base / name for name in names if isinstance(name, str)],
            path,
            _span_of(path, [key], at_key=True).line,
            diags,
        )
    assumptions = tuple(
        a
        for a in (
            _assumption(item, policy, _span_of(path, ["assumptions", index, "declaration"]), diags)
            for index, item in enumerate(data.get("assumptions", []))
        )
        if a is not None
    )
    if diags.has_errors:
        return None
    return Scenario(
        path=path,
        name=data.get("name", path.stem),
        moments=tuple(sorted(set(data["moments"]))),
        series=tuple(base / s for s in data.get("series", [])),
        events=tuple(base / e for e in data.get("events", [])),
        farms=base / farms if isinstance(farms, str) else None,
        farm_size=farms.get("size") if isinstance(farms, dict) else None,
        farm_seed=farms.get("seed") if isinstance(farms, dict) else None,
        assumptions=assumptions,
        behaviour=data.get("behaviour", {}),
    )


def _span_of(path: Path, keys: list, *, at_key: bool = False) -> Span:
    """Where the value at `keys` (a path into the scenario's data: keys and list indexes) is
    written (with `at_key`, the last key itself), or the nearest enclosing value the file holds;
    the file's start when it cannot be composed again.
    """
    try:
        text = files.read_bytes(path, MAX_YAML_BYTES).decode("utf-8")
        node = yaml.compose(text, Loader=TextDateLoader)
    except (files.FileRefused, UnicodeDecodeError, yaml.YAMLError):
        node = None
    if node is None:
        return Span.point(str(path))
    for key in keys:
        found = _child(node, key)
        if found is None:
            break
        key_node, node = found
    if at_key and keys and found is not None and key_node is not None:
        node = key_node
    return Span.point(str(path), node.start_mark.line + 1, node.start_mark.column + 1)


def _child(node: yaml.Node, key) -> tuple[yaml.Node | None, yaml.Node] | None:
    """The key and value nodes of `key` in a composed mapping, or (None, item `key`) of a
    sequence; None when the node holds no such key or item.
    """
    if isinstance(node, yaml.MappingNode):
        return next((p for p in node.value if getattr(p[0], "value", None) == str(key)), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return None, node.value[key]
    return None


def _assumption(item: dict, policy: Policy, where: Span, diags: Diagnostics) -> Assumption | None:
    """The assumption of one item, or None after an S002 at `where` (its `declaration` value)."""
    decl = policy.declarations.get(item["declaration"])
    if decl is None:
        diags.add(
            codes.ASSUMPTION_INVALID,
            where,
            f"no declaration `{item['declaration']}`",
            hint=did_you_mean(item["declaration"], list(policy.declarations))
            or "name a declaration by its id",
        )
        return None
    current = decl.node.value(item["field"])
    pending = isinstance(current, nodes.Pending) or (
        isinstance(current, nodes.Reduction) and isinstance(current.amount, nodes.Pending)
    )
    if not pending:
        diags.add(
            codes.ASSUMPTION_INVALID,
            where,
            f"`{decl.id}.{item['field']}` is not pending in the policy, so it cannot be assumed",
            hint="a scenario may only fill in values the sources leave open",
        )
        return None
    value = parse_value(item["field"], item["value"], Path(where.path))
    if value is None:
        diags.add(
            codes.ASSUMPTION_INVALID,
            where,
            f"`{item['value']}` is not a valid `{item['field']}`",
            hint='write it as in a rule file, e.g. "100 kton" or "6 maanden na monitoring"',
        )
        return None
    return Assumption(decl.id, item["field"], value, item["why"])


def parse_value(keyword: str, text: str, path: Path):
    """A field value written as in a rule file (`"100 kton"`), parsed by the policy grammar
    itself.
    """
    snippet = f"{ASSUMABLE[keyword]} aanname {{ {keyword} {text} }}"
    diags = Diagnostics()
    module = parse_text(SourceFile(f"{path}#assumption", snippet), diags)
    if diags.has_errors or len(module.declarations) != 1:
        return None
    found = module.declarations[0].get(keyword)
    return found.value if found else None


def apply_assumptions(policy: Policy, assumptions: tuple[Assumption, ...]) -> Policy:
    """A copy of the policy with each assumed value in place of the pending one."""
    declarations = dict(policy.declarations)
    for assumption in assumptions:
        decl = declarations[assumption.declaration]
        declarations[decl.id] = with_value(decl, assumption.field, assumption.value)
    return dataclasses.replace(policy, declarations=declarations)
