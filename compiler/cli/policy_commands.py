"""The commands that read the policy only: `check`, `graph`, `sources` and `schema`. Each calls one
library function and renders its result; they import nothing that evaluates (no NumPy, no YAML).
"""

from __future__ import annotations

import argparse
import json

from compiler.check.run import NotFound, check, export_graph
from compiler.check.timeline import render_text as render_timeline
from compiler.check.timeline import to_json as timeline_json
from compiler.cli import formats
from compiler.cli.errors import EXIT_FINDINGS, EXIT_OK, UsageError
from compiler.cli.output import emit, exit_code, is_terminal, policy_errors, warn
from compiler.data.schemaexport import export_schema
from compiler.workflow.sources import source_coverage


def cmd_check(args: argparse.Namespace) -> int:
    run = check(args.paths, args.as_of)
    compilation = run.compilation
    diagnostics = compilation.diagnostics.sorted()
    if args.changed_since is not None or args.summary is not None:
        diagnostics = _pull_request(args, diagnostics, len(compilation.files))
    colour = args.colour == "always" or (args.colour == "auto" and is_terminal(args.output))
    rendered = formats.render(diagnostics, args.format, colour=colour)
    if args.format == "text":
        rendered = "\n\n".join(
            filter(None, [rendered, formats.summary(diagnostics, len(compilation.files))])
        )
    if run.as_of:
        rendered = _with_timeline(rendered, args.format, run)
    emit(rendered, args.output)
    return exit_code(compilation.diagnostics)


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
        run = source_coverage(args.paths, args.document)
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
    return EXIT_FINDINGS if below else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    export = export_schema(args.paths)
    if export.text is None:
        return policy_errors(export.compilation)
    emit(export.text, args.output)
    return EXIT_OK
