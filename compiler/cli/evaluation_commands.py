"""The commands that evaluate: `evaluate`, `explain`, `simulate` and `report`. Each builds a request
from its arguments, calls one library run, and renders what the run returns or why it stopped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from compiler.check.run import DEFAULT_POLICY, NotFound
from compiler.cli.errors import EXIT_FINDINGS, EXIT_OK, UsageError
from compiler.cli.output import (
    diagnostics_to_stderr,
    emit,
    is_terminal,
    ledger_error,
    policy_errors,
    warn,
)
from compiler.evaluate import outcomes
from compiler.evaluate.ledger import LedgerError
from compiler.evaluate.receipt import computed_from
from compiler.evaluate.run import (
    DataRequest,
    EvaluationRequest,
    EvaluationRun,
    Listener,
    Stop,
    evaluate_and_record,
    explain_moment,
)
from compiler.evaluate.scenariorun import run_scenario


class _Stderr(Listener):
    """Shows the data's diagnostics at once (in colour on a terminal) and, unless quiet,
    progress.
    """

    def __init__(self, progress_prefix: str | None = None) -> None:
        self.progress_prefix = progress_prefix

    def data_checked(self, diagnostics) -> None:
        diagnostics_to_stderr(diagnostics, colour=is_terminal(None))

    def progress(self, message: str) -> None:
        if self.progress_prefix is not None:
            print(f"{self.progress_prefix}{message}", file=sys.stderr, flush=True)


def _request(args: argparse.Namespace) -> EvaluationRequest:
    data = DataRequest(
        args.data,
        tuple(args.series),
        args.farms,
        tuple(args.events),
        args.farm_count,
        args.seed,
        args.keep_valid_rows,
    )
    return EvaluationRequest(
        args.as_of or dt.date.today(),
        tuple(args.paths or DEFAULT_POLICY),
        data,
        None if args.no_ledger else args.ledger,
    )


def _stopped(run) -> int:
    """Say why the run stopped before evaluating; its exit code."""
    if run.stop is Stop.POLICY_ERRORS:
        return policy_errors(run.compilation)
    if run.stop is Stop.DATA_ERRORS:
        warn(
            "beleid: nothing was evaluated because the data has errors; fix them, or pass "
            "--keep-valid-rows to leave the invalid rows out"
        )
    return EXIT_FINDINGS


def cmd_evaluate(args: argparse.Namespace) -> int:
    request = _request(args)
    try:
        run = evaluate_and_record(
            request, replace_recorded=args.replace, new_run=args.new_run, listener=_Stderr()
        )
    except LedgerError as error:
        return ledger_error(error, args.ledger)
    if run.stop:
        return _stopped(run)
    note = _ledger_note(run, request.ledger)
    if args.format == "json":
        emit(outcomes.render_json(run.evaluation, note), args.output)
    else:
        text = outcomes.render_text(run.evaluation, verbose=args.verbose)
        emit(text + (f"\n\nLedger: {note}" if note else ""), args.output)
    return EXIT_OK


def _ledger_note(run: EvaluationRun, ledger: str | None) -> str | None:
    recorded = run.recorded
    if recorded is None:
        return None
    if not recorded.changed:
        return (
            f"{recorded.moment} was already recorded in {ledger} with the same inputs; "
            "nothing changed"
        )
    run = f" as run {recorded.run}" if recorded.run > 1 else ""
    return (
        f"recorded {recorded.moment}{run} in {ledger} ({recorded.obligations:,} open obligations, "
        f"{recorded.steps:,} ladder steps)"
    )


def cmd_explain(args: argparse.Namespace) -> int:
    try:
        run = explain_moment(_request(args), args.id, args.farm, _Stderr(), args.entity)
    except LedgerError as error:
        return ledger_error(error, args.ledger)
    except NotFound as error:
        raise UsageError(error.message, error.hint) from None
    if run.stop:
        return _stopped(run)
    print(run.explanation)
    print()
    print(computed_from(run.receipt, run.recorded_run))
    return EXIT_OK


def cmd_simulate(args: argparse.Namespace) -> int:
    paths = args.paths or list(DEFAULT_POLICY)
    try:
        run = run_scenario(paths, Path(args.scenario), args.ledger)  # progress: on a terminal
    except LedgerError as error:
        return ledger_error(error, args.ledger)
    if run.compilation.diagnostics.has_errors:
        return policy_errors(run.compilation)
    if run.stopped:
        diagnostics_to_stderr(run.diagnostics)
        return EXIT_FINDINGS
    emit(run.render(args.format), args.output)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from compiler.report.run import write_report  # Jinja2 is loaded only to write a report
    from compiler.report.site import ReportError

    listener = _Stderr(None if args.quiet else "beleid report: ")
    try:
        run = write_report(
            _request(args), args.output, handbook_only=args.handbook_only, listener=listener
        )
    except LedgerError as error:
        return ledger_error(error, args.ledger)
    except ReportError as error:
        raise UsageError(str(error)) from None
    return _stopped(run) if run.stop else EXIT_OK
