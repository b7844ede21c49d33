"""What `beleid schema` asks for: the JSON Schema of the monitoring data a policy implies, as JSON
text, or no text when the policy has errors; nothing is printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from compiler.check.pipeline import Compilation, compile_paths
from compiler.data.dataschema import data_schema


@dataclass(frozen=True)
class SchemaExport:
    """The compilation, and the schema as indented JSON (None when the policy has errors)."""

    compilation: Compilation
    text: str | None


def export_schema(paths: list[str]) -> SchemaExport:
    """Check the policy under `paths` and derive the data schema from it."""
    compilation = compile_paths(paths)
    if compilation.diagnostics.has_errors:
        return SchemaExport(compilation, None)
    schema = data_schema(compilation.policy)
    return SchemaExport(compilation, json.dumps(schema, indent=2, ensure_ascii=False))
