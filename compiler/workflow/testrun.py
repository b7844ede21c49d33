"""`beleid test` as a run: check the policy, find its scenario tests, run them, and give the outcome
as text or JSON with what the tests cover; nothing is printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from compiler.check.pipeline import Compilation, compile_paths
from compiler.workflow import policytest, policytestfile, policytestreport
from dsl.diagnostics import Diagnostics


@dataclass(frozen=True)
class TestRun:
    """The compilation, the test files found, and (when the policy is clean) what running them
    gave.
    """

    __test__ = False  # not a pytest test class, despite its name

    compilation: Compilation
    files: tuple[Path, ...] = ()
    outcome: policytest.Outcome | None = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    @property
    def failed(self) -> bool:
        """A case failed or a test file is malformed."""
        return bool(self.outcome and self.outcome.failures) or self.diagnostics.has_errors

    def below(self, percent: float | None) -> bool:
        """Coverage is below `percent` (never when no threshold is given)."""
        return percent is not None and self.outcome.coverage.percent() < percent

    def render(self, output_format: str) -> str:
        """The outcome as `text` or `json`."""
        if output_format == "json":
            return json.dumps(policytestreport.to_json(self.outcome), indent=2, ensure_ascii=False)
        return policytestreport.render_text(self.outcome)


def run_tests(paths: list[str], tests: list[Path]) -> TestRun:
    """Run the test files under `tests` (default: tests/ in the first policy path) on the policy.

    Nothing runs when the policy has errors or no test file is found (`files` is then empty).
    """
    compilation = compile_paths(paths)
    if compilation.diagnostics.has_errors:
        return TestRun(compilation)
    files = tuple(policytestfile.discover(tests or [Path(paths[0]) / "tests"]))
    if not files:
        return TestRun(compilation)
    diags = Diagnostics()
    outcome = policytest.run(compilation.policy, list(files), diags)
    return TestRun(compilation, files, outcome, diags)
