"""The commands that read the policy only: `check`, `graph`, `sources` and `schema`. Each calls one
library function and renders its result; they import nothing that evaluates (no NumPy, no YAML).
"""

from __future__ import annotations

import argparse
import json

from compiler.check.run import CheckOptions, NotFound, check, export_graph
from compiler.check.timeline import render_text as render_timeline
from compiler.check.timeline import to_json as timeline_json
from compiler.check.triage import for_people
from compiler.cli import formats
from compiler.cli.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from compiler.cli.output import emit, exit_code, is_terminal, policy_errors, warn
from compiler.data.schemaexport import export_schema
from compiler.workflow.atomicwrite import write_text_atomically
from compiler.workflow.sources import source_coverage
from dsl import codes
from dsl.codes import Severity


def cmd_check(args: argparse.Namespace) -> int:
    run = check(args.paths, args.as_of, _check_options(args))
    if run.compilation is None:
        raise UsageError("the check's configuration or baseline is wrong", diagnostics=run.setup)
    if run.baseline_text is not None:
        return _write_baseline(run, args.write_baseline)
    triaged = run.triage
    shown = list(triaged.shown)
    if args.changed_since is not None or args.summary is not None:
        shown = _pull_request(args, shown, len(run.compilation.files))
    colour = args.colour == "always" or (args.colour == "auto" and is_terminal(args.output))
    if args.format == "text":
        rendered = formats.render(for_people(shown), "text", colour=colour)
        line = formats.summary(triaged.findings, len(run.compilation.files), triage=triaged)
        rendered = "\n\n".join(filter(None, [rendered, line]))
    else:
        rendered = formats.render(shown, args.format, colour=colour)
    if run.as_of:
        rendered = _with_timeline(rendered, args.format, run)
    emit(rendered, args.output)
    if _unreadable(run):
        return EXIT_USAGE
    return EXIT_FINDINGS if triaged.fails(Severity(args.fail_on)) else EXIT_OK


def _check_options(args: argparse.Namespace) -> CheckOptions:
    least = Severity.ERROR if args.quiet else Severity(args.min_severity)
    return CheckOptions(args.baseline, args.write_baseline, least)


def _write_baseline(run, path) -> int:
    """Write the baseline accepting every current finding; exit 2 when a path was unreadable."""
    write_text_atomically(path, run.baseline_text)
    findings = len(run.triage.findings)
    warn(
        f"beleid check: wrote {findings} finding{'s' * (findings != 1)} to {path}; "
        f"`beleid check --baseline {path}` now shows only new ones"
    )
    return EXIT_USAGE if _unreadable(run) else EXIT_OK


def _unreadable(run) -> bool:
    return any(d.code is codes.UNREADABLE_FILE for d in run.compilation.diagnostics)


def _pull_request(args: argparse.Namespace, diagnostics: list, files: int) -> list:
    """The diagnostics on lines changed since --changed-since; all of them to --summary."""
    from compiler.workflow import changedlines, prannotations

    try:
        changed = (
            changedlines.changed_since(args.changed_since)
            if args.changed_since is not None
            else None
        )
    except changedlines.RevisionError as error:
        raise UsageError(error.message, error.hint) from None
    view = prannotations.on_changed_lines(diagnostics, changed)
    if args.summary is not None:
        with open(args.summary, "a", encoding="utf-8") as summary:
            summary.write(prannotations.summary_markdown(view, files))
    return list(view.annotated)


def _with_timeline(rendered: str, output_format: str, run) -> str:
    """The diagnostics followed by what is in force; github and sarif have no place for it."""
    statuses = list(run.statuses)
    if output_format == "text":
        return rendered + "\n\n" + render_timeline(statuses, run.as_of)
    if output_format == "json":
        return json.dumps(
            {"diagnostics": json.loads(rendered), **timeline_json(statuses, run.as_of)},
            indent=2,
            sort_keys=True,
            ensure_ascii=False,
        )
    return rendered


def cmd_graph(args: argparse.Namespace) -> int:
    try:
        export = export_graph(args.paths, args.format, args.focus, documents=not args.no_documents)
    except NotFound as error:
        raise UsageError(error.message, error.hint) from None
    emit(export.text, args.output)
    if export.compilation.diagnostics.has_errors:
        policy_errors(export.compilation)
    return exit_code(export.compilation.diagnostics)


def cmd_sources(args: argparse.Namespace) -> int:
    try:
        run = source_coverage(args.paths, args.document, in_scope=args.in_scope)
    except NotFound as error:
        raise UsageError(error.message, error.hint) from None
    emit(run.render(args.format, passages=not args.summary), args.output)
    if run.compilation.diagnostics.has_errors:
        policy_errors(run.compilation)
        return EXIT_FINDINGS
    below = run.below(args.fail_under)
    for doc in below:
        warn(
            f"beleid sources: `{doc.document}` coverage {doc.share:.1%} is below {args.fail_under}%"
        )
    unaddressed = run.unaddressed() if args.fail_on_unaddressed else []
    for document, passage in unaddressed:
        lines = passage.first_line, passage.last_line
        where = f"line {lines[0]}" if lines[0] == lines[1] else f"lines {lines[0]}-{lines[1]}"
        warn(
            f"beleid sources: `{document}` {where}: a quantified passage neither cited nor "
            "marked out of scope (cite it in a declaration, or mark it with `buiten_scope`)"
        )
    if unaddressed:
        warn(f"beleid sources: {len(unaddressed)} unaddressed quantified passages")
    return EXIT_FINDINGS if below or unaddressed else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    export = export_schema(args.paths)
    if export.text is None:
        return policy_errors(export.compilation)
    emit(export.text, args.output)
    return EXIT_OK
