"""The policy-test file format and its reading: the JSON schema of a test file (`TEST_SCHEMA`),
where test files are found, and each file read with the line of every mapping, so a malformed file
is a located T001 rather than a traceback.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jsonschema

from compiler.data.scenario import ASSUMPTIONS_SCHEMA
from compiler.data.yamlsafe import UNREADABLE, LineLoader, read_yaml_file
from compiler.evaluate.duties import DutyStatus
from compiler.evaluate.moment import TriggerState
from compiler.evaluate.tally import EntityVerdict
from compiler.evaluate.targets import STATUSES
from dsl import codes
from dsl.diagnostics import Diagnostics
from dsl.source import Span


def _words(statuses) -> list[str]:
    """The words of a status enum as plain strings (the schema's messages quote them)."""
    return [s.value for s in statuses]


_FILES = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
# Series: data files, or values written in the test: {indicator: {year or period: number}}
_SERIES = {
    "oneOf": [
        _FILES["oneOf"][0],
        _FILES["oneOf"][1],
        {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "number"},
            },
        },
    ]
}
# A target's status, or its status and the verdict of each entity it holds per (a province, ...)
_TARGET = {
    "oneOf": [
        {"enum": _words(STATUSES)},
        {
            "type": "object",
            "required": ["status"],
            "additionalProperties": False,
            "properties": {
                "status": {"enum": _words(STATUSES)},
                "entities": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {"enum": _words(EntityVerdict)},
                },
            },
        },
    ]
}
_EXPECT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "targets": {"type": "object", "additionalProperties": _TARGET},
        "triggers": {
            "type": "object",
            "additionalProperties": {"enum": _words(TriggerState)},
        },
        "duties": {
            "type": "object",
            "additionalProperties": {"enum": [*_words(DutyStatus), "none"]},
        },
        "obligations": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "farms": {"type": "array", "items": {"type": "string"}},
                    "entities": {"type": "array", "items": {"type": "string"}},
                    "count": {"type": "integer", "minimum": 0},
                    "due": {"type": ["string", "null"]},
                    "overdue": {"type": "integer", "minimum": 0},
                },
            },
        },
        "steps": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
        },
    },
}
# Tables of entity kinds other than farms: {kind: CSV file}, as monitoring/provincies.csv
_TABLES = {"type": "object", "additionalProperties": {"type": "string"}}
_MOMENT = {
    "type": "object",
    "required": ["as_of", "expect"],
    "additionalProperties": False,
    "properties": {
        "as_of": {"type": ["integer", "string"]},
        "series": _SERIES,
        "farms": {"type": "string"},
        "tables": _TABLES,
        "events": _FILES,
        "expect": _EXPECT,
    },
}
TEST_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "beleid policy test file",
    "type": "object",
    "required": ["cases"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "cases": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "moments"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "series": _SERIES,
                    "farms": {"type": "string"},
                    "tables": _TABLES,
                    "events": _FILES,
                    "assumptions": ASSUMPTIONS_SCHEMA,
                    "moments": {"type": "array", "minItems": 1, "items": _MOMENT},
                },
            },
        },
    },
}


def discover(paths: list[Path]) -> list[Path]:
    """The YAML files under each folder of `paths` (in name order), and each file given itself."""
    found = []
    for path in paths:
        found += (
            sorted(path.rglob("*.yaml")) + sorted(path.rglob("*.yml")) if path.is_dir() else [path]
        )
    return found


def load(path: Path, diags: Diagnostics) -> dict | None:
    """The test file's data with `__line__` keys, or None when it cannot be read or breaks the
    schema (each problem a T001 at its line, at most ten).
    """
    data = read_yaml_file(
        path, diags, codes.TEST_FILE_INVALID, "policy/tests/doelsturing.yaml", LineLoader
    )
    if data is UNREADABLE:
        return None
    errors = list(jsonschema.Draft202012Validator(TEST_SCHEMA).iter_errors(without_lines(data)))
    for error in errors[:10]:
        where = "/".join(map(str, error.path)) or "(top level)"
        diags.add(
            codes.TEST_FILE_INVALID,
            Span.point(str(path), line_of(data, error.path)),
            f"`{where}`: {error.message}",
            hint="see docs/pull-requests.md, 'Policy tests', for the format",
        )
    return None if errors else data


def without_lines(data):
    """The data without the `__line__`, `__columns__` and `__lines__` keys the loader adds (for
    validation).
    """
    if isinstance(data, dict):
        return {k: without_lines(v) for k, v in data.items() if not str(k).startswith("__")}
    if isinstance(data, list):
        return [without_lines(v) for v in data]
    return data.isoformat() if isinstance(data, dt.date) else data


def line_of(data, where) -> int:
    """The line of the deepest mapping on an error's path."""
    line, node = 1, data
    for key in where:
        if isinstance(node, dict):
            line = node.get("__line__", line)
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return node.get("__line__", line) if isinstance(node, dict) else line
