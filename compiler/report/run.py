"""`beleid report` as a run: check the policy, evaluate the moment (unless only the handbook is
asked for), and write the handbook and the monitoring report; progress goes to a Listener.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compiler.check.pipeline import Compilation, compile_paths
from compiler.evaluate import receipt as receipts
from compiler.evaluate.run import EvaluationRequest, Listener, Stop, evaluate_with_history
from compiler.report import extras, handbook, site
from compiler.report import state as report_state


@dataclass(frozen=True)
class ReportRun:
    """The compilation, and how many files were written (none when the run stopped)."""

    compilation: Compilation
    stop: Stop | None = None
    written: int = 0


def write_report(
    request: EvaluationRequest,
    out: Path,
    *,
    handbook_only: bool = False,
    listener: Listener | None = None,
) -> ReportRun:
    """Write the report folder `out`; site.ReportError when `out` may not be replaced, LedgerError
    on a bad ledger.
    """
    listener = listener or Listener()
    if handbook_only:
        compilation, state = compile_paths(list(request.paths)), None
        if compilation.diagnostics.has_errors:
            return ReportRun(compilation, Stop.POLICY_ERRORS)
    else:
        run = evaluate_with_history(request, listener)
        if run.stop:
            return ReportRun(run.compilation, run.stop)
        computed_from = receipts.summary(run.receipt, run.recorded_run)
        compilation, state = run.compilation, report_state.build(run.evaluation, computed_from)
        state = extras.with_changes(state, run, request.ledger)
    book = handbook.build(compilation.policy)
    count = site.write(book, state, out, request.moment, listener.progress)
    listener.progress(f"wrote {count} files; open {out / 'index.html'}")
    return ReportRun(compilation, written=count)
