"""The arguments of `beleid`: one subparser per command with its options, and the value types that
turn dates and counts into Python values (argparse reports a bad value as a usage error, exit 2).
Defaults that belong to a stage (the size and seed of the synthetic population) stay None here and
are filled in by that stage, so that parsing imports nothing heavy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

from compiler.check.settings import SEVERITIES
from compiler.cli import formats

GRAPH_FORMATS = ("dot", "mermaid", "json")  # the exports of compiler/check/run.py:export_graph


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand; each sets `command`, which main dispatches on."""
    parser = argparse.ArgumentParser(
        prog="beleid", description="Dutch nitrogen, nature and water policy as code."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="parse and check rule files; print diagnostics")
    check.add_argument(
        "paths", nargs="*", default=["policy"], help="rule files or folders (default: policy)"
    )
    check.add_argument(
        "--format", choices=formats.FORMATS, default="text", help="diagnostic format"
    )
    check.add_argument(
        "--output", "-o", help="write the diagnostics to this file instead of stdout"
    )
    check.add_argument("--colour", "--color", choices=("auto", "always", "never"), default="auto")
    check.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="also list which declarations are in force on this date",
    )
    check.add_argument(
        "--changed-since",
        metavar="REV",
        help="show only diagnostics on lines changed since this git revision (for annotations on "
        "a pull request); the exit code still counts all",
    )
    check.add_argument(
        "--summary",
        metavar="FILE",
        help="append every diagnostic to FILE as Markdown (the job summary, $GITHUB_STEP_SUMMARY)",
    )
    _triage_arguments(check)

    graph = sub.add_parser("graph", help="export the dependency graph")
    graph.add_argument(
        "paths", nargs="*", default=["policy"], help="rule files or folders (default: policy)"
    )
    graph.add_argument("--format", choices=GRAPH_FORMATS, default="dot")
    graph.add_argument(
        "--focus", metavar="ID", help="only ID and what is upstream and downstream of it"
    )
    graph.add_argument("--no-documents", action="store_true", help="leave source documents out")
    graph.add_argument("--output", "-o", help="write to this file instead of stdout")

    sources = sub.add_parser("sources", help="what of each source document the policy cites")
    sources.add_argument(
        "paths", nargs="*", default=["policy"], help="rule files or folders (default: policy)"
    )
    sources.add_argument("--format", choices=("text", "json"), default="text")
    sources.add_argument("--document", metavar="ID", help="only this document")
    sources.add_argument(
        "--summary", action="store_true", help="only the coverage table, no passages"
    )
    sources.add_argument(
        "--fail-under",
        type=float,
        metavar="PCT",
        help="exit 1 when a document's coverage is below PCT percent",
    )
    sources.add_argument(
        "--in-scope",
        action="store_true",
        help="only the documents with a `bereik`, and of each only the part it names",
    )
    sources.add_argument(
        "--fail-on-unaddressed",
        action="store_true",
        help="exit 1, naming each one, when a quantified passage is neither cited nor marked "
        "out of scope (`buiten_scope`)",
    )
    sources.add_argument("--output", "-o", help="write to this file instead of stdout")

    add_source = sub.add_parser(
        "add-source",
        help="turn a PDF or text file into a numbered source text with a `document` skeleton",
    )
    add_source.add_argument("file", type=Path, help="the document: a PDF or a UTF-8 .txt file")
    add_source.add_argument(
        "--id", required=True, type=_identifier, help="the new document's id, e.g. nmp_2026"
    )
    add_source.add_argument("--title", help="its title (default: the PDF's own, or the file name)")
    add_source.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="its date")
    add_source.add_argument("--kind", metavar="SOORT", help="its `soort`, e.g. kamerbrief")
    add_source.add_argument(
        "--policy",
        type=Path,
        default=Path("policy"),
        metavar="DIR",
        help="the policy folder whose sources/ gets the text (default: policy)",
    )
    add_source.add_argument(
        "--to",
        type=Path,
        metavar="FILE.policy",
        help="append the declaration to this rule file (default: print it)",
    )

    schema = sub.add_parser(
        "schema", help="print the JSON Schema of monitoring data the policy implies"
    )
    schema.add_argument(
        "paths", nargs="*", default=["policy"], help="rule files or folders (default: policy)"
    )
    schema.add_argument("--output", "-o", help="write to this file instead of stdout")

    evaluate_ = sub.add_parser(
        "evaluate", help="evaluate the policy against monitoring data; record it in the ledger"
    )
    _evaluation_arguments(evaluate_)
    evaluate_.add_argument("--format", choices=("text", "json"), default="text")
    evaluate_.add_argument(
        "--verbose", "-v", action="store_true", help="also list undecidable targets and all duties"
    )
    rerun = evaluate_.add_mutually_exclusive_group()
    rerun.add_argument(
        "--replace",
        action="store_true",
        help="record a moment again with changed inputs, overwriting its recorded run",
    )
    rerun.add_argument(
        "--new-run",
        action="store_true",
        help="record a moment again with changed inputs as a new run, keeping the recorded one",
    )
    evaluate_.add_argument("--output", "-o", help="write to this file instead of stdout")

    explain_ = sub.add_parser(
        "explain", help="why a target, trigger, obligation or ladder step holds"
    )
    explain_.add_argument(
        "id", nargs="?", help="a declaration id (omit with --farm or --entity to explain one)"
    )
    explain_.add_argument("--farm", metavar="ID", help="explain for this farm")
    explain_.add_argument(
        "--entity",
        metavar="KIND:KEY",
        help="explain for this entity of any kind, e.g. provincie:gelderland",
    )
    _evaluation_arguments(explain_)

    simulate_ = sub.add_parser(
        "simulate", help="run the monitoring moments of a scenario and print the timeline"
    )
    simulate_.add_argument("scenario", help="a scenario file (YAML), e.g. monitoring/scenario.yaml")
    simulate_.add_argument(
        "--policy", dest="paths", action="append", help="rule files or folders (default: policy)"
    )
    simulate_.add_argument(
        "--ledger", default=":memory:", help="record the run in this ledger (default: none kept)"
    )
    simulate_.add_argument("--format", choices=("text", "json"), default="text")
    simulate_.add_argument("--output", "-o", help="write to this file instead of stdout")

    test = sub.add_parser("test", help="run the policy's scenario tests and report what they cover")
    test.add_argument(
        "tests",
        nargs="*",
        type=Path,
        help="test files or folders (default: tests/ in the policy folder)",
    )
    test.add_argument(
        "--policy", dest="paths", action="append", help="rule files or folders (default: policy)"
    )
    test.add_argument(
        "--min-coverage", type=float, metavar="PCT", help="fail when coverage is below PCT percent"
    )
    test.add_argument("--format", choices=("text", "json"), default="text")
    test.add_argument("--output", "-o", help="write the result to this file instead of stdout")

    fmt_ = sub.add_parser(
        "fmt", help="lay out rule files in the canonical format (comments are kept)"
    )
    fmt_.add_argument(
        "paths", nargs="*", default=["policy"], help="rule files or folders (default: policy)"
    )
    fmt_.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 when a file is not formatted"
    )
    fmt_.add_argument(
        "--diff", action="store_true", help="change nothing; print what formatting would change"
    )

    diff_ = sub.add_parser(
        "diff", help="what a policy change means: field by field, guards, impact on the data"
    )
    diff_.add_argument(
        "base", help="the version before: a git revision (main, HEAD~1) or a policy folder"
    )
    diff_.add_argument(
        "head", nargs="?", default="policy", help="the version after (default: the policy/ folder)"
    )
    diff_.add_argument("--format", choices=("markdown", "json"), default="markdown")
    diff_.add_argument("--output", "-o", help="write to this file instead of stdout")
    diff_.add_argument(
        "--as-of",
        type=_moment,
        metavar="YYYY[-MM-DD]",
        default=None,
        help="the date guards and impact are judged on (default: today)",
    )
    diff_.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="monitoring folder for the impact (default: monitoring/)",
    )
    diff_.add_argument("--farms", type=Path, metavar="FILE", help="an entity table for the impact")
    diff_.add_argument(
        "--farm-count",
        type=_count,
        default=None,
        help="size of the synthetic population when no entity table is given",
    )
    diff_.add_argument(
        "--no-impact", action="store_true", help="compare the rules only; evaluate no data"
    )

    report = sub.add_parser(
        "report",
        help="write the policy handbook and the monitoring report (nl, en; HTML, Markdown)",
    )
    _evaluation_arguments(report)
    report.add_argument(
        "--output",
        "-o",
        type=Path,
        default=Path("report"),
        metavar="DIR",
        help="the folder to write (default: report/); replaced only if beleid wrote it",
    )
    report.add_argument(
        "--handbook-only", action="store_true", help="leave out the monitoring report"
    )
    report.add_argument("--quiet", "-q", action="store_true", help="no progress messages")

    lsp = sub.add_parser(
        "lsp", help="run the language server on stdin/stdout (for editors; see docs/editors.md)"
    )
    lsp.add_argument(
        "--stdio",
        action="store_true",
        help="accepted because many editor clients pass it; stdio is the only transport",
    )
    for command in sub.choices.values():
        command.add_argument(
            "--no-cache",
            action="store_true",
            help="parse every rule file afresh: no cache is read or written (also BELEID_CACHE=0)",
        )
    return parser


def _triage_arguments(check: argparse.ArgumentParser) -> None:
    """The options of `check` that choose which findings are shown and fail the run."""
    check.add_argument(
        "--quiet", "-q", action="store_true", help="show errors and the summary line only"
    )
    check.add_argument(
        "--min-severity",
        choices=SEVERITIES,
        default="info",
        help="show findings of this severity and above (default: info, everything)",
    )
    check.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="exit 1 on findings of this severity and above (default: error)",
    )
    accepted = check.add_mutually_exclusive_group()
    accepted.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="accept the findings this baseline file lists: show and fail on new ones only",
    )
    accepted.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="write the current findings to FILE as the accepted baseline, and exit",
    )


def _evaluation_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of every command that evaluates: policy, moment, data and ledger."""
    parser.add_argument(
        "--policy", dest="paths", action="append", help="rule files or folders (default: policy)"
    )
    parser.add_argument(
        "--as-of",
        type=_moment,
        metavar="YYYY[-MM-DD]",
        default=None,
        help="the monitoring moment; a year means 31 December (default: today)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="a monitoring folder (default: monitoring/ beside the policy)",
    )
    parser.add_argument(
        "--series", type=Path, action="append", default=[], metavar="FILE", help="series file(s)"
    )
    parser.add_argument("--farms", type=Path, metavar="FILE", help="an entity table (CSV)")
    parser.add_argument(
        "--events", type=Path, action="append", default=[], metavar="FILE", help="event file(s)"
    )
    parser.add_argument(
        "--farm-count",
        type=_count,
        default=None,
        help="size of the synthetic population when no entity table is given",
    )
    parser.add_argument(
        "--seed",
        type=_count,
        default=None,
        help="seed of the synthetic population",
    )
    parser.add_argument(
        "--keep-valid-rows",
        action="store_true",
        help="evaluate the valid rows of a table that has invalid ones (default: stop)",
    )
    parser.add_argument(
        "--ledger", default=".beleid/ledger.sqlite", help="the ledger file (SQLite)"
    )
    parser.add_argument("--no-ledger", action="store_true", help="neither read nor write a ledger")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date; write YYYY-MM-DD") from None


def _identifier(text: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", text):
        raise argparse.ArgumentTypeError(
            f"`{text}` is not an id; write lower-case letters, digits and `_`, e.g. nmp_2026"
        )
    return text


def _moment(text: str) -> dt.date:
    if text.isdigit() and len(text) == 4:
        return dt.date(int(text), 12, 31)
    return _date(text)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"`{text}` is not a whole number of zero or more")
    return int(text)
