"""`beleid simulate` as a run: check the policy, load a scenario and the data it names, run its
monitoring moments through a ledger, and give the timeline as text or JSON; nothing is printed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from compiler.check.pipeline import Compilation, compile_paths, policy_digest
from compiler.data import datasets
from compiler.data.scenario import Scenario, apply_assumptions, load_scenario
from compiler.evaluate import receipt as receipts
from compiler.evaluate.ledger import Ledger
from compiler.evaluate.simulate import MomentSummary, render_timeline, simulate
from dsl.diagnostics import Diagnostics


@dataclass(frozen=True)
class SimulationRun:
    """The compilation, what reading the scenario and its data found, and the moments run.

    `stopped` is true when the policy, the scenario or the data has errors; nothing was run then.
    """

    compilation: Compilation
    diagnostics: Diagnostics
    stopped: bool
    scenario: Scenario | None = None
    summaries: tuple[MomentSummary, ...] = ()

    def render(self, output_format: str) -> str:
        """The timeline as `text` or as `json` (one object per moment)."""
        if output_format == "json":
            moments = [summary_json(s) for s in self.summaries]
            return json.dumps(moments, indent=2, ensure_ascii=False)
        return render_timeline(self.scenario, list(self.summaries))


def run_scenario(
    paths: list[str],
    scenario_path: Path,
    ledger_path: str,
    progress: Callable[[str], None] | None = None,
) -> SimulationRun:
    """Simulate the scenario at `scenario_path` against the policy; LedgerError on a bad ledger."""
    diags = Diagnostics()
    compilation = compile_paths(paths)
    if compilation.diagnostics.has_errors:
        return SimulationRun(compilation, diags, stopped=True)
    scenario = load_scenario(scenario_path, compilation.policy, diags)
    if scenario is None:
        return SimulationRun(compilation, diags, stopped=True)
    policy = apply_assumptions(compilation.policy, scenario.assumptions)
    monitoring = datasets.load(policy, _data_choice(scenario), diags)
    if diags.has_errors:
        return SimulationRun(compilation, diags, stopped=True, scenario=scenario)
    digest = policy_digest(compilation.files)
    receipt = _receipt(compilation, scenario_path, monitoring)
    with Ledger(ledger_path) as ledger:
        summaries = simulate(
            compilation.policy, scenario, monitoring, ledger, digest, progress, receipt
        )
    return SimulationRun(compilation, diags, False, scenario, tuple(summaries))


def _receipt(compilation: Compilation, scenario_path: Path, monitoring) -> receipts.Receipt:
    """The simulation's inputs: rule files, source texts, the scenario and the data it names, and
    the synthetic population's size and seed when no farm table was read.
    """
    sources = sorted({text.path for text in compilation.policy.sources.values()})
    options: dict[str, object] = {}
    population = monitoring.population
    if population is not None and population.labels is None:
        options = {"farm_count": population.size}
    data = [str(scenario_path), *monitoring.files]
    return receipts.make(compilation.files, sources, data, options)


def _data_choice(scenario: Scenario) -> datasets.DataChoice:
    defaults = datasets.DataChoice()
    return datasets.DataChoice(
        None,
        scenario.series,
        scenario.farms,
        scenario.events,
        scenario.farm_size or defaults.farm_size,
        scenario.farm_seed or defaults.farm_seed,
    )


def summary_json(summary: MomentSummary) -> dict:
    """One simulated moment as plain JSON data."""
    return {
        "moment": summary.moment.isoformat(),
        "targets": summary.targets,
        "triggers": {k: {"state": v[0], "why": v[1]} for k, v in summary.triggers.items()},
        "obligations": {
            k: {"farms": v[0], "new": v[1], "overdue": v[2], "term": v[3]}
            for k, v in summary.obligations.items()
        },
        "ladders": {
            k: {"steps": list(v[0]), "escalated": v[1]} for k, v in summary.ladders.items()
        },
        "overdue_duties": summary.overdue_duties,
        "events": summary.events,
    }
