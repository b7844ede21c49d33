"""The `beleid` command line: argument parsing and dispatch only; each command is one library call.

Exit codes: 0 fine, 1 findings (errors), 2 usage or unreadable input, 3 internal error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path

from compiler import coverage, formats, timeline
from compiler.pipeline import compile_paths
from compiler.resolve import did_you_mean
from dsl import codes

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
GRAPH_FORMATS = ("dot", "mermaid", "json")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="beleid", description="Dutch nitrogen, nature and water policy as code.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="parse and check rule files; print diagnostics")
    check.add_argument("paths", nargs="*", default=["policy"], help="rule files or folders (default: policy)")
    check.add_argument("--format", choices=formats.FORMATS, default="text", help="diagnostic format")
    check.add_argument("--output", "-o", help="write the diagnostics to this file instead of stdout")
    check.add_argument("--colour", "--color", choices=("auto", "always", "never"), default="auto")
    check.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                       help="also list which declarations are in force on this date")
    check.set_defaults(handler=cmd_check)

    graph = sub.add_parser("graph", help="export the dependency graph")
    graph.add_argument("paths", nargs="*", default=["policy"], help="rule files or folders (default: policy)")
    graph.add_argument("--format", choices=GRAPH_FORMATS, default="dot")
    graph.add_argument("--focus", metavar="ID", help="only ID and what is upstream and downstream of it")
    graph.add_argument("--no-documents", action="store_true", help="leave source documents out")
    graph.add_argument("--output", "-o", help="write to this file instead of stdout")
    graph.set_defaults(handler=cmd_graph)

    sources = sub.add_parser("sources", help="what of each source document the policy cites")
    sources.add_argument("paths", nargs="*", default=["policy"], help="rule files or folders (default: policy)")
    sources.add_argument("--format", choices=("text", "json"), default="text")
    sources.add_argument("--document", metavar="ID", help="only this document")
    sources.add_argument("--summary", action="store_true", help="only the coverage table, no passages")
    sources.add_argument("--fail-under", type=float, metavar="PCT",
                         help="exit 1 when a document's coverage is below PCT percent")
    sources.add_argument("--output", "-o", help="write to this file instead of stdout")
    sources.set_defaults(handler=cmd_sources)
    return parser


def cmd_check(args: argparse.Namespace) -> int:
    compilation = compile_paths(args.paths)
    diagnostics = compilation.diagnostics.sorted()
    colour = args.colour == "always" or (args.colour == "auto" and _is_terminal(args.output))
    rendered = formats.render(diagnostics, args.format, colour=colour)
    if args.format == "text":
        rendered = "\n\n".join(filter(None, [rendered, formats.summary(diagnostics, len(compilation.files))]))
    if args.as_of:
        rendered = _with_timeline(rendered, args, timeline.as_of(compilation.policy, args.as_of))
    _emit(rendered, args.output)
    return _exit_code(compilation.diagnostics)


def _with_timeline(rendered: str, args: argparse.Namespace, statuses) -> str:
    if args.format == "text":
        return rendered + "\n\n" + timeline.render_text(statuses, args.as_of)
    if args.format == "json":
        return json.dumps({"diagnostics": json.loads(rendered), **timeline.to_json(statuses, args.as_of)},
                          indent=2, sort_keys=True, ensure_ascii=False)
    return rendered  # github and sarif have no place for a listing


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date; write YYYY-MM-DD") from None


def cmd_graph(args: argparse.Namespace) -> int:
    compilation = compile_paths(args.paths)
    graph = compilation.graph
    if args.focus:
        if args.focus not in graph.graph:
            hint = did_you_mean(args.focus, list(graph.graph)) or "give the id of a declaration"
            print(f"beleid graph: unknown id `{args.focus}`; {hint}", file=sys.stderr)
            return EXIT_USAGE
        graph = graph.focus(args.focus)
    if args.no_documents:
        graph = graph.without_documents()
    export = {"dot": graph.to_dot, "mermaid": graph.to_mermaid, "json": graph.to_json}[args.format]
    _emit(export(), args.output)
    if compilation.diagnostics.has_errors:
        print(formats.summary(compilation.diagnostics, len(compilation.files)) +
              "; run `beleid check` for details", file=sys.stderr)
    return _exit_code(compilation.diagnostics)


def cmd_sources(args: argparse.Namespace) -> int:
    compilation = compile_paths(args.paths)
    report = coverage.coverage(compilation.policy)
    if args.document:
        known = [d.document for d in report]
        if args.document not in known:
            hint = did_you_mean(args.document, known) or f"documents with a text: {', '.join(known)}"
            print(f"beleid sources: unknown document `{args.document}`; {hint}", file=sys.stderr)
            return EXIT_USAGE
        report = [d for d in report if d.document == args.document]
    if args.format == "json":
        _emit(coverage.render_json(report), args.output)
    else:
        _emit(coverage.render_text(report, passages=not args.summary), args.output)
    if compilation.diagnostics.has_errors:
        print(formats.summary(compilation.diagnostics, len(compilation.files)) +
              "; run `beleid check` for details", file=sys.stderr)
        return EXIT_FINDINGS
    below = [d for d in report if args.fail_under is not None and d.share * 100 < args.fail_under]
    for doc in below:
        print(f"beleid sources: `{doc.document}` coverage {doc.share:.1%} is below {args.fail_under}%",
              file=sys.stderr)
    return EXIT_FINDINGS if below else EXIT_OK


def _exit_code(diagnostics) -> int:
    if any(d.code is codes.UNREADABLE_FILE for d in diagnostics):
        return EXIT_USAGE
    return EXIT_FINDINGS if diagnostics.has_errors else EXIT_OK


def _is_terminal(output: str | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _emit(text: str, output: str | None) -> None:
    """Print, or write the file atomically so an interrupted run never leaves half a file."""
    if output is None:
        if text:
            print(text)
        return
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False,
                                     prefix=f".{target.name}.") as handle:
        handle.write(text + ("\n" if text and not text.endswith("\n") else ""))
    os.replace(handle.name, target)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code else EXIT_OK
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("beleid: interrupted", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        print(f"beleid: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception:  # noqa: BLE001 - the one place a bug is turned into exit 3
        print("beleid: internal error (this is a bug; please report it with the text below)", file=sys.stderr)
        traceback.print_exc()
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
