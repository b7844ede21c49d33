"""The commands of the pull-request workflow, `fmt`, `test` and `diff`, `add-source` for a new
source document, and `lsp` for editors. Each calls one library function and renders its result:
diffs and reports on stdout, what was changed or found on stderr. Each imports its stage inside
the function, so none pays for another.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from compiler.check.run import DEFAULT_POLICY
from compiler.cli.errors import EXIT_FINDINGS, EXIT_OK, UsageError
from compiler.cli.output import diagnostics_to_stderr, emit, is_terminal, policy_errors, warn

NO_TESTS = "no test files found; policy tests are YAML files under policy/tests/"


def cmd_fmt(args: argparse.Namespace) -> int:
    from compiler.workflow.fmtfiles import format_files

    only_report = args.check or args.diff
    run = format_files(args.paths, write=not only_report)
    if not run.found:
        discovery = run.discovery if len(run.discovery) else None
        raise UsageError("no rule files found", diagnostics=discovery)
    for file in run.broken:
        warn(
            f"{file.error}\n  = hint: fix it first (`beleid check {file.path}` shows every "
            "problem); the file was not changed"
        )
    if args.diff:
        for file in run.unformatted:
            sys.stdout.writelines(file.unified_diff())
    verb = "would reformat" if only_report else "reformatted"
    for file in run.unformatted:
        warn(f"{verb} {file.path}")
    broken = len(run.broken)
    warn(
        f"beleid fmt: {len(run.files)} files, {len(run.unformatted)} {verb}"
        + (f", {broken} not parsed" if broken else "")
    )
    return EXIT_FINDINGS if broken or (only_report and run.unformatted) else EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    from compiler.workflow.testrun import run_tests

    run = run_tests(args.paths or list(DEFAULT_POLICY), args.tests)
    if run.compilation.diagnostics.has_errors:
        return policy_errors(run.compilation)
    if not run.files:
        raise UsageError(NO_TESTS)
    if len(run.diagnostics):
        diagnostics_to_stderr(run.diagnostics, colour=is_terminal(None))
    emit(run.render(args.format), args.output)
    below = run.below(args.min_coverage)
    if below:
        warn(
            f"beleid test: coverage {run.outcome.coverage.percent():.1f}% is below --min-coverage "
            f"{args.min_coverage:g}%"
        )
    return EXIT_FINDINGS if run.failed or below else EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from compiler.diff.run import DiffError, ImpactData, diff_versions

    impact = None if args.no_impact else ImpactData(args.data, args.farms, args.farm_count)
    moment = args.as_of or dt.date.today()
    try:
        run = diff_versions(args.base, args.head, moment, impact, Path.cwd())
    except DiffError as error:
        raise UsageError(str(error)) from None
    if run.broken:
        warn(f"beleid diff: the {run.broken} version has errors; run `beleid check` on it")
        diagnostics_to_stderr(run.version_diagnostics)
        return EXIT_FINDINGS
    if run.data_diagnostics is not None:
        diagnostics_to_stderr(run.data_diagnostics)
        return EXIT_FINDINGS
    emit(run.render(args.format), args.output)
    return EXIT_FINDINGS if run.guards else EXIT_OK


def cmd_lsp(args: argparse.Namespace) -> int:
    from compiler.lsp.server import serve  # pygls is loaded only for editors

    return serve()


def cmd_add_source(args: argparse.Namespace) -> int:
    from compiler.workflow.pdftext import SourceIntakeError
    from compiler.workflow.sourceadd import SourceRequest, add_source
    from dsl.diagnostics import Diagnostics
    from dsl.source import Span

    if not args.policy.is_dir():
        raise UsageError(f"no policy folder `{args.policy}`", "give it with --policy DIR")
    if args.to is not None and not args.to.resolve().is_relative_to(args.policy.resolve()):
        raise UsageError(
            f"`{args.to}` is outside the policy folder `{args.policy}`",
            "write the declaration into a rule file of that folder",
        )
    request = SourceRequest(
        args.file, args.id, args.policy, args.title, args.date, args.kind, args.to
    )
    try:
        added = add_source(request)
    except SourceIntakeError as error:
        found = Diagnostics()
        found.add(error.code, Span.point(str(args.file)), error.message, hint=error.hint)
        raise UsageError(error.message, diagnostics=found) from None
    warn(f"beleid add-source: wrote {added.text_path} ({added.lines} lines)")
    if added.readme is not None:
        warn(f"beleid add-source: added a row to {added.readme}")
    if added.rule_file is not None:
        warn(f"beleid add-source: appended `document {args.id}` to {added.rule_file}")
    else:
        emit(added.declaration, None)
    return EXIT_OK
