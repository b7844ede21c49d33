"""The diff stage's public names in one namespace: what the CLI and the fuzz targets call.

Each name is defined in the module that does its job: revisions.py (loading a version),
compare.py (the comparison), guards.py (G0xx), impact.py (the data) and render.py (the output).
"""

from compiler.diff.compare import PolicyDiff, diff_policies
from compiler.diff.guards import GUARD_CODES, guard_errors
from compiler.diff.impact import Impact, impact
from compiler.diff.render import change_text, render_markdown, to_json
from compiler.diff.revisions import DiffError, load_version

__all__ = [
    "GUARD_CODES",
    "DiffError",
    "Impact",
    "PolicyDiff",
    "change_text",
    "diff_policies",
    "guard_errors",
    "impact",
    "load_version",
    "render_markdown",
    "to_json",
]
