"""`beleid diff` as a run: load the two versions (git revisions or folders), compare them, judge
the guards, and measure the impact on the data; the result renders as Markdown or JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from compiler.data import datasets
from compiler.diff.compare import PolicyDiff, diff_policies
from compiler.diff.guards import guard_errors
from compiler.diff.impact import Impact, impact_on_data
from compiler.diff.render import render_markdown, to_json
from compiler.diff.revisions import DiffError, load_version
from dsl.diagnostics import Diagnostic, Diagnostics

__all__ = ["DiffError", "DiffRun", "ImpactData", "diff_versions"]


@dataclass(frozen=True)
class ImpactData:
    """The data the impact is measured on; empty fields mean the bundled folder and the
    generator.
    """

    folder: Path | None = None
    farms: Path | None = None
    farm_count: int | None = None


@dataclass(frozen=True)
class DiffRun:
    """What a policy change means; `broken` names the version with errors (then nothing else is
    filled in), `data_diagnostics` holds the errors of impact data that could not be read.
    """

    broken: str | None = None
    version_diagnostics: Diagnostics | None = None
    data_diagnostics: Diagnostics | None = None
    changes: PolicyDiff | None = None
    guards: tuple[Diagnostic, ...] = ()
    effect: Impact | None = None

    def render(self, output_format: str) -> str:
        """The comparison as `markdown` or `json`."""
        if output_format == "json":
            data = to_json(self.changes, self.effect, list(self.guards))
            return json.dumps(data, indent=2, ensure_ascii=False)
        return render_markdown(self.changes, self.effect, list(self.guards))


def diff_versions(
    base: str, head: str, moment: dt.date, impact: ImpactData | None, repo: Path
) -> DiffRun:
    """Compare `base` with `head` as of `moment`, with the impact on the data unless `impact` is
    None; DiffError when a version cannot be loaded.
    """
    versions = (
        ("base", load_version(base, repo)),
        ("head", load_version(head, repo)),
    )
    for name, version in versions:
        if version.diagnostics.has_errors:
            return DiffRun(broken=name, version_diagnostics=version.diagnostics)
    before, after = versions[0][1].policy, versions[1][1].policy
    changes = diff_policies(before, after)
    guards = tuple(guard_errors(changes, before, after, moment))
    if impact is None or changes.is_empty:
        return DiffRun(changes=changes, guards=guards)
    diags = Diagnostics()
    monitoring = datasets.load(after, _data_choice(impact, head), diags)
    if diags.has_errors:
        return DiffRun(data_diagnostics=diags)
    effect = impact_on_data(changes, before, after, monitoring, moment)
    return DiffRun(changes=changes, guards=guards, effect=effect)


def _data_choice(impact: ImpactData, head: str) -> datasets.DataChoice:
    defaults = datasets.DataChoice()
    return datasets.DataChoice(
        impact.folder or datasets.bundled_folder([head]),
        farms=impact.farms,
        farm_size=defaults.farm_size if impact.farm_count is None else impact.farm_count,
    )
