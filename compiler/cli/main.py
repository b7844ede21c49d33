"""The `beleid` command line: argument parsing and dispatch only; each command is one library call.

Exit codes: 0 fine, 1 findings (errors), 2 usage or unreadable input, 3 internal error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path

from compiler.check import timeline
from compiler.check.pipeline import compile_paths, discover, policy_digest
from compiler.check.resolve import did_you_mean
from compiler.cli import formats
from compiler.data import datasets
from compiler.data.dataschema import data_schema
from compiler.data.scenario import apply_assumptions, load_scenario
from compiler.diff import api as policydiff
from compiler.evaluate import outcomes
from compiler.evaluate.explain import ExplainError, explain
from compiler.evaluate.ledger import Ledger, LedgerError
from compiler.evaluate.moment import History, evaluate
from compiler.evaluate.simulate import render_timeline, simulate
from compiler.report import handbook, site
from compiler.report import state as report_state
from compiler.workflow import coverage, fmt, policytest
from dsl import codes
from dsl.diagnostics import Diagnostic, Diagnostics
from dsl.source import Span

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
GRAPH_FORMATS = ("dot", "mermaid", "json")


def _parser() -> argparse.ArgumentParser:
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
    check.set_defaults(handler=cmd_check)

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
    graph.set_defaults(handler=cmd_graph)

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
    sources.add_argument("--output", "-o", help="write to this file instead of stdout")
    sources.set_defaults(handler=cmd_sources)

    schema = sub.add_parser(
        "schema", help="print the JSON Schema of monitoring data the policy implies"
    )
    schema.add_argument(
        "paths", nargs="*", default=["policy"], help="rule files or folders (default: policy)"
    )
    schema.add_argument("--output", "-o", help="write to this file instead of stdout")
    schema.set_defaults(handler=cmd_schema)

    evaluate_ = sub.add_parser(
        "evaluate", help="evaluate the policy against monitoring data; record it in the ledger"
    )
    _evaluation_arguments(evaluate_)
    evaluate_.add_argument("--format", choices=("text", "json"), default="text")
    evaluate_.add_argument(
        "--verbose", "-v", action="store_true", help="also list undecidable targets and all duties"
    )
    evaluate_.add_argument(
        "--replace", action="store_true", help="record a moment again with changed inputs"
    )
    evaluate_.add_argument("--output", "-o", help="write to this file instead of stdout")
    evaluate_.set_defaults(handler=cmd_evaluate)

    explain_ = sub.add_parser(
        "explain", help="why a target, trigger, obligation or ladder step holds"
    )
    explain_.add_argument(
        "id", nargs="?", help="a declaration id (omit with --farm to explain one farm)"
    )
    explain_.add_argument("--farm", metavar="ID", help="explain for this farm")
    _evaluation_arguments(explain_)
    explain_.set_defaults(handler=cmd_explain)

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
    simulate_.set_defaults(handler=cmd_simulate)

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
    test.set_defaults(handler=cmd_test)

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
    fmt_.set_defaults(handler=cmd_fmt)

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
        default=datasets.DEFAULT_SIZE,
        help="size of the synthetic population when no entity table is given",
    )
    diff_.add_argument(
        "--no-impact", action="store_true", help="compare the rules only; evaluate no data"
    )
    diff_.set_defaults(handler=cmd_diff)

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
    report.set_defaults(handler=cmd_report)

    lsp = sub.add_parser(
        "lsp", help="run the language server on stdin/stdout (for editors; see docs/editors.md)"
    )
    lsp.add_argument(
        "--stdio",
        action="store_true",
        help="accepted because many editor clients pass it; stdio is the only transport",
    )
    lsp.set_defaults(handler=cmd_lsp)
    return parser


def _evaluation_arguments(parser: argparse.ArgumentParser) -> None:
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
        default=datasets.DEFAULT_SIZE,
        help="size of the synthetic population when no entity table is given",
    )
    parser.add_argument(
        "--seed",
        type=_count,
        default=datasets.DEFAULT_SEED,
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


def cmd_check(args: argparse.Namespace) -> int:
    compilation = compile_paths(args.paths)
    diagnostics = compilation.diagnostics.sorted()
    colour = args.colour == "always" or (args.colour == "auto" and _is_terminal(args.output))
    rendered = formats.render(diagnostics, args.format, colour=colour)
    if args.format == "text":
        rendered = "\n\n".join(
            filter(None, [rendered, formats.summary(diagnostics, len(compilation.files))])
        )
    if args.as_of:
        rendered = _with_timeline(rendered, args, timeline.as_of(compilation.policy, args.as_of))
    _emit(rendered, args.output)
    return _exit_code(compilation.diagnostics)


def _with_timeline(rendered: str, args: argparse.Namespace, statuses) -> str:
    if args.format == "text":
        return rendered + "\n\n" + timeline.render_text(statuses, args.as_of)
    if args.format == "json":
        return json.dumps(
            {"diagnostics": json.loads(rendered), **timeline.to_json(statuses, args.as_of)},
            indent=2,
            sort_keys=True,
            ensure_ascii=False,
        )
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
        print(
            formats.summary(compilation.diagnostics, len(compilation.files))
            + "; run `beleid check` for details",
            file=sys.stderr,
        )
    return _exit_code(compilation.diagnostics)


def cmd_sources(args: argparse.Namespace) -> int:
    compilation = compile_paths(args.paths)
    report = coverage.coverage(compilation.policy)
    if args.document:
        known = [d.document for d in report]
        if args.document not in known:
            hint = (
                did_you_mean(args.document, known) or f"documents with a text: {', '.join(known)}"
            )
            print(f"beleid sources: unknown document `{args.document}`; {hint}", file=sys.stderr)
            return EXIT_USAGE
        report = [d for d in report if d.document == args.document]
    if args.format == "json":
        _emit(coverage.render_json(report), args.output)
    else:
        _emit(coverage.render_text(report, passages=not args.summary), args.output)
    if compilation.diagnostics.has_errors:
        print(
            formats.summary(compilation.diagnostics, len(compilation.files))
            + "; run `beleid check` for details",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    below = [d for d in report if args.fail_under is not None and d.share * 100 < args.fail_under]
    for doc in below:
        print(
            f"beleid sources: `{doc.document}` coverage {doc.share:.1%} is below {args.fail_under}%",
            file=sys.stderr,
        )
    return EXIT_FINDINGS if below else EXIT_OK


def _moment(text: str) -> dt.date:
    if text.isdigit() and len(text) == 4:
        return dt.date(int(text), 12, 31)
    return _date(text)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"`{text}` is not a whole number of zero or more")
    return int(text)


def cmd_schema(args: argparse.Namespace) -> int:
    compilation = compile_paths(args.paths)
    if compilation.diagnostics.has_errors:
        return _policy_errors(compilation)
    _emit(json.dumps(data_schema(compilation.policy), indent=2, ensure_ascii=False), args.output)
    return EXIT_OK


def _policy_errors(compilation) -> int:
    print(
        formats.summary(compilation.diagnostics, len(compilation.files))
        + "; run `beleid check` for details",
        file=sys.stderr,
    )
    return _exit_code(compilation.diagnostics)


def _compile(args: argparse.Namespace):
    """The compiled policy of `--policy` (default: policy/), or an exit code when it has errors."""
    args.paths = args.paths or ["policy"]
    compilation = compile_paths(args.paths)
    return _policy_errors(compilation) if compilation.diagnostics.has_errors else compilation


def _prepare(args: argparse.Namespace):
    """Compile the policy and load the data; (compilation, monitoring) or an exit code."""
    compilation = _compile(args)
    if isinstance(compilation, int):
        return compilation
    diags = Diagnostics()
    choice = datasets.DataChoice(
        args.data or datasets.bundled_folder(args.paths),
        tuple(args.series),
        args.farms,
        tuple(args.events),
        args.farm_count,
        args.seed,
        args.keep_valid_rows,
    )
    monitoring = datasets.load(compilation.policy, choice, diags)
    if len(diags):
        print(formats.render(diags.sorted(), "text", colour=_is_terminal(None)), file=sys.stderr)
    if diags.has_errors and not args.keep_valid_rows:
        print(
            "beleid: nothing was evaluated because the data has errors; fix them, or pass --keep-valid-rows "
            "to leave the invalid rows out",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    if diags.has_errors and monitoring.population is None and args.farms:
        return EXIT_FINDINGS
    return compilation, monitoring


def _ledger_error(error: LedgerError, path: str) -> int:
    print(
        formats.render_text(Diagnostic(error.code, Span.point(path), error.message, error.hint)),
        file=sys.stderr,
    )
    return EXIT_FINDINGS


def _evaluate_at(moment: dt.date, compilation, monitoring, ledger: Ledger | None):
    """Evaluate the moment against what the ledger (if any) knows of the moments before it."""
    history = ledger.history(moment) if ledger else History()
    return evaluate(compilation.policy, monitoring, moment, history)


def cmd_evaluate(args: argparse.Namespace) -> int:
    prepared = _prepare(args)
    if isinstance(prepared, int):
        return prepared
    compilation, monitoring = prepared
    moment = args.as_of or dt.date.today()
    try:
        ledger = None if args.no_ledger else Ledger(args.ledger)
        evaluation = _evaluate_at(moment, compilation, monitoring, ledger)
        note = None
        if ledger:
            recorded = ledger.record(
                evaluation, policy_digest(compilation.files), replace=args.replace
            )
            note = (
                (
                    f"recorded {moment} in {args.ledger} ({recorded.obligations:,} open obligations, "
                    f"{recorded.steps:,} ladder steps)"
                )
                if recorded.changed
                else f"{moment} was already recorded in {args.ledger} with the same inputs; nothing changed"
            )
            ledger.close()
    except LedgerError as error:
        return _ledger_error(error, args.ledger)
    if args.format == "json":
        _emit(outcomes.render_json(evaluation, note), args.output)
    else:
        _emit(
            outcomes.render_text(evaluation, verbose=args.verbose)
            + (f"\n\nLedger: {note}" if note else ""),
            args.output,
        )
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    prepared = _prepare(args)
    if isinstance(prepared, int):
        return prepared
    compilation, monitoring = prepared
    try:
        ledger = None if args.no_ledger or not Path(args.ledger).exists() else Ledger(args.ledger)
        evaluation = _evaluate_at(args.as_of or dt.date.today(), compilation, monitoring, ledger)
        print(explain(compilation.policy, evaluation, args.id, args.farm, ledger))
    except LedgerError as error:
        return _ledger_error(error, args.ledger)
    except ExplainError as error:
        hint = did_you_mean(args.id, list(compilation.policy.declarations)) if args.id else None
        print(f"beleid explain: {error}" + (f"; {hint}" if hint else ""), file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def cmd_fmt(args: argparse.Namespace) -> int:
    diags = Diagnostics()
    files = discover(args.paths, diags)
    if diags.has_errors or not files:
        print(
            formats.render(diags.sorted(), "text")
            if len(diags)
            else "beleid fmt: no rule files found",
            file=sys.stderr,
        )
        return EXIT_USAGE
    unformatted, broken = [], 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            formatted = fmt.format_text(text, str(path))
        except fmt.FormatError as error:
            print(
                f"{error}\n  = hint: fix the syntax first (`beleid check {path}`); the file was not changed",
                file=sys.stderr,
            )
            broken += 1
            continue
        if formatted == text:
            continue
        unformatted.append(path)
        if args.diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    text.splitlines(True),
                    formatted.splitlines(True),
                    str(path),
                    f"{path} (formatted)",
                )
            )
        elif not args.check:
            _emit(formatted, str(path))
    verb = "would reformat" if args.check or args.diff else "reformatted"
    for path in unformatted:
        print(f"{verb} {path}", file=sys.stderr)
    print(
        f"beleid fmt: {len(files)} files, {len(unformatted)} {verb}"
        + (f", {broken} not parsed" if broken else ""),
        file=sys.stderr,
    )
    return EXIT_FINDINGS if broken or ((args.check or args.diff) and unformatted) else EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    repo = Path.cwd()
    try:
        base, head = (
            policydiff.load_version(args.base, repo),
            policydiff.load_version(args.head, repo),
        )
    except policydiff.DiffError as error:
        print(f"beleid diff: {error}", file=sys.stderr)
        return EXIT_USAGE
    for name, version in (("base", base), ("head", head)):
        if version.diagnostics.has_errors:
            print(
                f"beleid diff: the {name} version has errors; run `beleid check` on it",
                file=sys.stderr,
            )
            print(formats.render(version.diagnostics.sorted(), "text"), file=sys.stderr)
            return EXIT_FINDINGS
    moment = args.as_of or dt.date.today()
    changes = policydiff.diff_policies(base.policy, head.policy)
    guards = policydiff.guard_errors(changes, base.policy, head.policy, moment)
    effect = None
    if not args.no_impact and not changes.is_empty:
        diags = Diagnostics()
        choice = datasets.DataChoice(
            args.data or datasets.bundled_folder([args.head]),
            farms=args.farms,
            farm_size=args.farm_count,
        )
        monitoring = datasets.load(head.policy, choice, diags)
        if diags.has_errors:
            print(formats.render(diags.sorted(), "text"), file=sys.stderr)
            return EXIT_FINDINGS
        effect = policydiff.impact(changes, base.policy, head.policy, monitoring, moment)
    if args.format == "json":
        _emit(
            json.dumps(policydiff.to_json(changes, effect, guards), indent=2, ensure_ascii=False),
            args.output,
        )
    else:
        _emit(policydiff.render_markdown(changes, effect, guards), args.output)
    return EXIT_FINDINGS if guards else EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    compilation = _compile(args)
    if isinstance(compilation, int):
        return compilation
    files = policytest.discover(args.tests or [Path(args.paths[0]) / "tests"])
    if not files:
        print(
            "beleid test: no test files found; policy tests are YAML files under policy/tests/",
            file=sys.stderr,
        )
        return EXIT_USAGE
    diags = Diagnostics()
    outcome = policytest.run(compilation.policy, files, diags)
    if len(diags):
        print(formats.render(diags.sorted(), "text", colour=_is_terminal(None)), file=sys.stderr)
    if args.format == "json":
        _emit(json.dumps(policytest.to_json(outcome), indent=2, ensure_ascii=False), args.output)
    else:
        _emit(policytest.render_text(outcome), args.output)
    below = args.min_coverage is not None and outcome.coverage.percent() < args.min_coverage
    if below:
        print(
            f"beleid test: coverage {outcome.coverage.percent():.1f}% is below --min-coverage "
            f"{args.min_coverage:g}%",
            file=sys.stderr,
        )
    return EXIT_FINDINGS if outcome.failures or diags.has_errors or below else EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    def progress(message: str) -> None:
        if not args.quiet:
            print(f"beleid report: {message}", file=sys.stderr, flush=True)

    moment = args.as_of or dt.date.today()
    if args.handbook_only:
        compilation = _compile(args)
        if isinstance(compilation, int):
            return compilation
        state = None
    else:
        prepared = _prepare(args)
        if isinstance(prepared, int):
            return prepared
        compilation, monitoring = prepared
        progress(
            f"evaluating {moment} ({monitoring.population.size:,} farms)"
            if monitoring.population is not None
            else f"evaluating {moment}"
        )
        try:
            ledger = (
                None if args.no_ledger or not Path(args.ledger).exists() else Ledger(args.ledger)
            )
            state = report_state.build(_evaluate_at(moment, compilation, monitoring, ledger))
        except LedgerError as error:
            return _ledger_error(error, args.ledger)
    try:
        count = site.write(handbook.build(compilation.policy), state, args.output, moment, progress)
    except site.ReportError as error:
        print(f"beleid report: {error}", file=sys.stderr)
        return EXIT_USAGE
    progress(f"wrote {count} files; open {args.output / 'index.html'}")
    return EXIT_OK


def cmd_simulate(args: argparse.Namespace) -> int:
    compilation = _compile(args)
    if isinstance(compilation, int):
        return compilation
    diags = Diagnostics()
    scenario = load_scenario(Path(args.scenario), compilation.policy, diags)
    if scenario is None:
        print(formats.render(diags.sorted(), "text"), file=sys.stderr)
        return EXIT_FINDINGS
    policy = apply_assumptions(compilation.policy, scenario.assumptions)
    choice = datasets.DataChoice(
        None,
        scenario.series,
        scenario.farms,
        scenario.events,
        scenario.farm_size or datasets.DEFAULT_SIZE,
        scenario.farm_seed or datasets.DEFAULT_SEED,
    )
    monitoring = datasets.load(policy, choice, diags)
    if diags.has_errors:
        print(formats.render(diags.sorted(), "text"), file=sys.stderr)
        return EXIT_FINDINGS
    try:
        with Ledger(args.ledger) as ledger:
            summaries = simulate(
                compilation.policy,
                scenario,
                monitoring,
                ledger,
                policy_digest(compilation.files),
                progress=lambda text: print(text, file=sys.stderr) if sys.stderr.isatty() else None,
            )
    except LedgerError as error:
        return _ledger_error(error, args.ledger)
    if args.format == "json":
        _emit(
            json.dumps([_summary_json(s) for s in summaries], indent=2, ensure_ascii=False),
            args.output,
        )
    else:
        _emit(render_timeline(scenario, summaries), args.output)
    return EXIT_OK


def _summary_json(summary) -> dict:
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


def _exit_code(diagnostics) -> int:
    if any(d.code is codes.UNREADABLE_FILE for d in diagnostics):
        return EXIT_USAGE
    return EXIT_FINDINGS if diagnostics.has_errors else EXIT_OK


def _is_terminal(output: str | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def cmd_lsp(args: argparse.Namespace) -> int:
    from compiler.lsp.server import serve  # pygls is loaded only for editors, not for every command

    return serve()


def _emit(text: str, output: str | None) -> None:
    """Print, or write the file atomically so an interrupted run never leaves half a file."""
    if output is None:
        if text:
            print(text)
        return
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, delete=False, prefix=f".{target.name}."
    ) as handle:
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
        print(
            "beleid: internal error (this is a bug; please report it with the text below)",
            file=sys.stderr,
        )
        traceback.print_exc()
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
