"""The fuzz targets: one function per entry point that takes outside input, `run(data: bytes)`.

A target feeds the bytes to the real entry point and lets only the expected outcomes pass:
diagnostics, and the few exceptions that are part of an API's contract (`FormatError` from the
formatter on a file that does not parse, `LedgerError` from the ledger). Any other exception
escaping `run` is a finding, and so is a broken property (an `AssertionError` raised here), e.g. a
diagnostic without a location, `fmt` not idempotent, or a refused ledger file that was changed.

Each target also names its seed corpus (real files of this repository, encoded the way `run`
reads its bytes), a libFuzzer dictionary and a maximum input length. Nothing here imports
atheris: the regression tests replay reproducers through the same functions without it.

Targets write only into one temporary workspace (`tempfile.mkdtemp`, removed at exit).
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import hashlib
import json
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from compiler.check import timeline, units
from compiler.check.pipeline import compile_modules, compile_paths
from compiler.cli import formats
from compiler.data import dataschema, datasets
from compiler.data.entities import load_entities
from compiler.data.events import load_events
from compiler.data.scenario import apply_assumptions, load_scenario
from compiler.data.series import load_series
from compiler.data.synthetic import generate_farms
from compiler.data.types import Monitoring, Series
from compiler.diff import compare, impact, render
from compiler.diff.guards import GUARD_CODES, guard_errors
from compiler.evaluate import outcomes
from compiler.evaluate.explain import explain
from compiler.evaluate.ledger import Ledger, LedgerError
from compiler.evaluate.moment import evaluate
from compiler.evaluate.simulate import render_timeline, simulate
from compiler.workflow import coverage, policytest, policytestreport
from compiler.workflow.fmt import FormatError, format_text
from dsl import codes, nodes
from dsl.diagnostics import Diagnostics
from dsl.parser import decode_source, parse_file, parse_text
from dsl.source import SourceFile
from fuzz import rendertargets
from fuzz.datanumbers import numbers_dictionary, numbers_seeds, run_numbers
from tests.fixtures.diff import cases as diffcases

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policy"
FIXTURES = ROOT / "tests" / "fixtures"
BASE = FIXTURES / "base"
MOMENT = dt.date(2027, 12, 31)


@dataclass(frozen=True)
class Target:
    """One fuzz target: what it feeds, how to seed it, and how libFuzzer should mutate for it."""

    name: str
    description: str
    run: Callable[[bytes], None]
    seeds: Callable[[], list[tuple[str, bytes]]]
    setup: Callable[[], None] = lambda: None  # the heavy preparation, once per process
    max_len: int = 4096
    dictionary: Callable[[], list[bytes]] = list
    instrument: tuple[str, ...] = ("dsl", "compiler")  # packages atheris instruments for coverage
    # Modules of those packages imported before instrumenting, so they run at full speed: code the
    # target needs but whose coverage would not guide its search (the evaluator, for the ledger).
    uninstrumented: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------ helpers


@functools.cache
def workspace() -> Path:
    """The one folder every target writes into (inside $TMPDIR; the campaign points it at its
    own).
    """
    path = Path(tempfile.mkdtemp(prefix="beleid-fuzz-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@functools.cache
def bundled_policy():
    compilation = compile_paths([str(POLICY)])
    assert not compilation.diagnostics.has_errors, "the bundled policy must check clean"
    return compilation.policy


def _files(*patterns: str, under: Path = ROOT) -> list[Path]:
    found: set[Path] = set()
    for pattern in patterns:
        found.update(p for p in under.glob(pattern) if p.is_file())
    return sorted(found)


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT)).replace("/", "__")


def check_located(diags: Diagnostics, path: str, text: str | None = None) -> None:
    """Every diagnostic about `path` is located: a line (within the text, when known) and a
    column.
    """
    lines = text.count("\n") + 1 if text is not None else None
    for d in diags:
        assert d.code.id in codes.BY_ID, f"unregistered code {d.code.id}"
        assert d.message, f"{d.code.id} without a message"
        if d.span is None or d.span.path != path:
            continue
        assert d.span.line >= 1 and d.span.column >= 1, f"{d.code.id} at {d.span}"
        if lines is not None:
            assert d.span.line <= lines, f"{d.code.id} at line {d.span.line}, the text has {lines}"


def _render_diagnostics(diags: Diagnostics, text_of: Callable[[str], tuple[str, ...]]) -> None:
    """Every output format, on the first diagnostics (the code paths do not depend on how many)."""
    ordered = diags.sorted()[:25]
    for fmt in ("text", "json", "github", "sarif"):
        formats.render(ordered, fmt, lines=text_of)
    formats.summary(ordered, 1)


class ByteReader:
    """Draws small choices from the front of the input (the same bytes give the same choices,
    with or without atheris), so a sequence of operations can be fuzzed as bytes.
    """

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def byte(self) -> int:
        if self.at >= len(self.data):
            return 0
        self.at += 1
        return self.data[self.at - 1]

    def pick(self, options):
        return options[self.byte() % len(options)]

    def flag(self) -> bool:
        return bool(self.byte() & 1)

    @property
    def exhausted(self) -> bool:
        return self.at >= len(self.data)


# ------------------------------------------------------------------------------------ rules

# The fuzzed rule file is checked in the context of a small policy tree: the base fixture's rule
# file (left out when the fuzzed file declares one of its ids, so a mutated copy of it stands in
# for it and can check clean) and a `sources/` folder with the base fixture's and the bundled
# policy's source texts (so `bestand` and every citation check run against real documents).
RULES_CONTEXT = (BASE / "basis.policy",)


@functools.cache
def _rules_tree() -> tuple[Path, tuple[nodes.Module, ...]]:
    tree = workspace() / "rules"
    (tree / "sources").mkdir(parents=True)
    for source in [*(BASE / "sources").glob("*.txt"), *(POLICY / "sources").glob("*.txt")]:
        shutil.copy(source, tree / "sources" / source.name)
    modules = []
    for original in RULES_CONTEXT:
        copy = tree / original.name
        shutil.copy(original, copy)
        modules.append(parse_file(copy, str(copy), Diagnostics()))
    return tree, tuple(modules)


def rules_path() -> str:
    return str(_rules_tree()[0] / "fuzz.policy")


def run_rules(data: bytes) -> None:
    """Bytes as a rule file: read limits, parse, the whole checker in a tree, every output of
    `check`, `graph` and `sources`; then `fmt`: refuses only what the checker refuses, keeps the
    meaning and the comments, and is idempotent.
    """
    tree, context = _rules_tree()
    path = rules_path()
    diags = Diagnostics()
    source = decode_source(data, path, diags)
    if source is None:
        assert {d.code.id for d in diags} <= {"P004", "P005"}, [d.code.id for d in diags]
        check_located(diags, path)
        return
    module = parse_text(source, diags)
    syntax_ok = not diags.has_errors
    declared = {d.id.name for d in module.declarations}
    context = [m for m in context if not declared & {d.id.name for d in m.declarations}]
    compilation = compile_modules([*context, module], diags, [path])
    check_located(diags, path, source.text)
    lines = {path: tuple(source.text.splitlines())}
    _render_diagnostics(diags, lambda p: lines.get(p, ()))
    _exercise_policy(compilation)
    if not diags.has_errors:
        _evaluate_policy(compilation.policy)
    _check_fmt(source, module, syntax_ok)


def _exercise_policy(compilation) -> None:
    """What `check --as-of`, `graph` and `sources` print, on whatever the checker built."""
    policy, graph = compilation.policy, compilation.graph
    for day in (dt.date(2020, 1, 1), MOMENT):
        statuses = timeline.as_of(policy, day)
        timeline.render_text(statuses, day)
        json.dumps(timeline.to_json(statuses, day))
    for view in (graph, graph.without_documents()):
        view.to_dot()
        view.to_mermaid()
        json.loads(view.to_json())
    if policy.declarations and min(policy.declarations) in graph.graph:
        graph.focus(min(policy.declarations)).to_mermaid()
    report = coverage.coverage(policy)
    coverage.render_text(report)
    json.loads(coverage.render_json(report))


def _evaluate_policy(policy) -> None:
    """What `beleid evaluate` and `explain` do with a policy that checks clean: every series
    indicator observed in 2019 and 2027, a few synthetic farms, two moments.
    """
    values = {d.id: {"2019": 100.0, "2027": 80.0} for d in dataschema.series_indicators(policy)}
    monitoring = Monitoring(Series.from_values(values), generate_farms(20, 3))
    for moment in (MOMENT, dt.date(2035, 12, 31)):
        evaluation = evaluate(policy, monitoring, moment)
        outcomes.render_text(evaluation, verbose=True)
        json.loads(outcomes.render_json(evaluation))
    for decl in sorted(policy.declarations.values(), key=lambda d: d.id)[:12]:
        explain(policy, evaluation, decl.id, None)


_COMMENT_OR_STRING = re.compile(r'"[^"]*"|#[^\n]*')


def _comments(text: str) -> list[str]:
    return [m.group().rstrip() for m in _COMMENT_OR_STRING.finditer(text) if m.group()[0] == "#"]


def _check_fmt(source: SourceFile, module: nodes.Module, syntax_ok: bool) -> None:
    try:
        formatted = format_text(source.text, source.path)
    except FormatError as error:
        assert not syntax_ok, f"fmt refuses a file the checker parses: {error}"
        return
    assert syntax_ok, "fmt formatted a file the checker refuses"
    again = Diagnostics()
    reparsed = parse_text(SourceFile(source.path, formatted), again)
    assert not again.has_errors, (
        f"fmt output does not parse: {[str(d.span) + ' ' + d.message for d in again]}"
    )
    assert reparsed == module, "fmt changed the meaning"
    assert format_text(formatted, source.path) == formatted, "fmt is not idempotent"
    assert _comments(formatted) == _comments(source.text), "fmt lost or changed a comment"


RULES_MAX_LEN = 16_384
RULES_PIECE = 4_096


def rules_seeds() -> list[tuple[str, bytes]]:
    """Every rule file of the repository; a large one also in pieces of a few whole declarations
    (libFuzzer truncates inputs past RULES_MAX_LEN, and small inputs mutate faster).
    """
    seeds = []
    for path in _files("policy/**/*.policy", "tests/fixtures/**/*.policy"):
        data = path.read_bytes()
        seeds.append((_name(path), data))
        if len(data) > RULES_PIECE:
            seeds += [
                (f"{_name(path)}-{n}", piece)
                for n, piece in enumerate(_pieces(data.decode("utf-8")))
            ]
    return seeds


def _pieces(text: str) -> list[bytes]:
    module = parse_text(SourceFile("piece.policy", text), Diagnostics())
    starts = [d.span.start for d in module.declarations] + [len(text)]
    pieces, begin = [], 0
    for start in starts[1:]:
        if start - begin > RULES_PIECE and start > starts[0]:
            pieces.append(text[begin:start].encode())
            begin = start
    pieces.append(text[begin:].encode())
    return [p for p in pieces if p.strip()]


def rules_dictionary() -> list[bytes]:
    grammar = (ROOT / "dsl" / "policy.lark").read_text(encoding="utf-8")
    words = set(re.findall(r'"([^"\\]+)"', grammar))
    words |= {
        "{",
        "}",
        "(",
        ")",
        '"',
        "#",
        "€ ",
        " mln",
        "2030-12-31",
        "regels 1-2",
        "-1",
        "0.5",
        "\n",
        "(((((((((((((((((((((((((((((((((",
        "niet niet niet niet niet niet niet niet ",
        "\ufeff",
        'bestand "sources/brief.txt"',
        'bestand "../../x"',
        "kton",
        "%",
        "ha",
        "t.o.v.",
    }
    return sorted(w.encode() for w in words)


# ------------------------------------------------------------------------------------ data

# The first byte chooses the kind of file (and, in its high bit, --keep-valid-rows and the moment);
# the rest is the file's content.
DATA_KINDS = ("series.csv", "series.yaml", "farms.csv", "events.csv", "events.yaml", "series.txt")
DATA_MOMENTS = (MOMENT, dt.date(2031, 6, 30), dt.date(2036, 12, 31), dt.date(2019, 12, 31))


@dataclass(frozen=True)
class _DataContext:
    policy: object
    series: Series
    farms: object  # Population from tests/fixtures/data/good/farms.csv
    synthetic: object


@functools.cache
def _data_context() -> _DataContext:
    policy = bundled_policy()
    diags = Diagnostics()
    series = load_series([ROOT / "monitoring" / "series.csv"], policy, diags)
    farms = load_entities(FIXTURES / "data" / "good" / "farms.csv", policy, diags)
    assert not diags.has_errors and farms is not None
    (workspace() / "data").mkdir(exist_ok=True)
    return _DataContext(policy, series, farms, generate_farms(40, 7))


def data_input(kind: str, content: bytes, keep_valid_rows: bool = False, moment: int = 0) -> bytes:
    """The target input for a data file of `kind` (one of DATA_KINDS)."""
    return bytes([DATA_KINDS.index(kind) | (moment % 4) << 4 | (keep_valid_rows << 7)]) + content


def run_data(data: bytes) -> None:
    """Bytes as a series, farm or event file, loaded against the bundled policy; when the loader
    accepts it (or with --keep-valid-rows), evaluated and rendered as `beleid evaluate` does.
    """
    if not data:
        return
    ctx = _data_context()
    kind = DATA_KINDS[(data[0] & 0x0F) % len(DATA_KINDS)]
    keep = bool(data[0] & 0x80)
    moment = DATA_MOMENTS[(data[0] >> 4) & 0x03]
    path = workspace() / "data" / kind
    path.write_bytes(data[1:])
    diags = Diagnostics()
    if kind.startswith("series"):
        monitoring = Monitoring(load_series([path], ctx.policy, diags), ctx.synthetic)
    elif kind == "farms.csv":
        population = load_entities(path, ctx.policy, diags, keep_valid_rows=keep)
        monitoring = Monitoring(ctx.series, population) if population is not None else None
    else:
        monitoring = Monitoring(
            ctx.series, ctx.farms, load_events([path], ctx.policy, ctx.farms, diags)
        )
    text = data[1:].decode("utf-8", errors="replace")
    check_located(diags, str(path))
    for d in diags:
        assert d.span is not None and d.span.path == str(path), (
            f"{d.code.id} not located in the data file"
        )
        assert d.hint, f"{d.code.id} without a hint"
        assert d.code.id.startswith("D"), f"{d.code.id} from a data loader"
    _render_diagnostics(diags, lambda p: tuple(text.splitlines()))
    if monitoring is None or (diags.has_errors and not keep):
        return
    for observations in monitoring.series.by_indicator.values():
        assert all(o.value == o.value and abs(o.value) != float("inf") for o in observations), (
            "non-finite value"
        )
    evaluation = evaluate(ctx.policy, monitoring, moment)
    outcomes.render_text(evaluation, verbose=True)
    json.loads(outcomes.render_json(evaluation))


def data_seeds() -> list[tuple[str, bytes]]:
    seeds = []
    for path in _files(
        "tests/fixtures/data/**/*",
        "monitoring/*.csv",
        "monitoring/scenarios/*.csv",
        "policy/tests/data/*.csv",
        "tests/fixtures/diff/impact/*.csv",
    ):
        parts = path.relative_to(ROOT).parts
        if "farms" in parts or path.name.startswith(("farms", "boeren")):
            kind = "farms.csv"
        elif "events" in parts or path.name.startswith(("events", "plannen")):
            kind = "events.yaml" if path.suffix in (".yaml", ".yml") else "events.csv"
        elif path.suffix in (".yaml", ".yml"):
            kind = "series.yaml"
        elif path.suffix == ".csv":
            kind = "series.csv"
        else:
            kind = "series.txt"
        seeds.append((_name(path), data_input(kind, path.read_bytes())))
    events_yaml = (
        b"- {subject: B1, obligation: bedrijfsplan, event: filed, date: 2028-01-15}\n"
        b"- subject: provincie_gelderland\n  obligation: bedrijfsplan\n  event: complied\n"
        b"  date: '2029-02-01'\n"
    )
    seeds.append(("events.yaml", data_input("events.yaml", events_yaml)))
    return seeds


def data_dictionary() -> list[bytes]:
    policy = bundled_policy()
    words = {d.id for d in policy.of_kind("indicator")}
    words |= {
        d.id
        for d in policy.declarations.values()
        if d.kind in ("verplichting", "besluit", "borging")
    }
    words |= set(dataschema.STATUSES) | set(dataschema.FARM_SECTORS) | set(dataschema.PROVINCES)
    words |= set(dataschema.EVENTS) | set(units.UNITS)
    words |= {
        ",",
        '"',
        "\r\n",
        "\n",
        "- ",
        ": ",
        "{",
        "}",
        "[",
        "]",
        "&a ",
        "*a",
        "!!",
        "---",
        "? ",
        "~",
        "indicator,period,value,unit,status,source",
        "id,sector,province",
        "subject,obligation,event,date",
        " [ton]",
        " [kg]",
        "1e308",
        "-0",
        "nan",
        "inf",
        "2027-02-29",
        "2027-13-40",
        "0000",
        "9999-12-31",
        "\ufeff",
        "\t",
    }
    return sorted(w.encode() for w in words)


# ------------------------------------------------------------------------------------ ledger

LEDGER_FILE, LEDGER_SEQUENCE = 0, 1


@functools.cache
def _ledger_context():
    policy = bundled_policy()
    variants = (
        Monitoring(Series.from_values({"nh3_landbouw": {"2019": 110.3}}), generate_farms(12, 1)),
        Monitoring(
            Series.from_values({"nh3_landbouw": {"2019": 110.3, "2027": 105.0}}),
            generate_farms(12, 2),
        ),
        Monitoring(
            Series.from_values({"nh3_landbouw": {"2019": 110.3, "2027": 90.0}}),
            generate_farms(12, 1),
        ),
    )
    (workspace() / "ledger").mkdir(exist_ok=True)
    return policy, variants


def _ledger_moment(reader: ByteReader) -> dt.date:
    year = 2024 + reader.byte() % 14
    return reader.pick((dt.date(year, 12, 31), dt.date(year, 6, 30), dt.date(year, 1, 1)))


def _fresh(path: Path) -> None:
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()


def _siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def run_ledger(data: bytes) -> None:
    """Mode byte even: the rest is the ledger file; opening, reading and recording give L002 or
    work, and a file refused is left exactly as it was (no journal or WAL files either). Mode byte
    odd: a sequence of (moment, data, policy digest, --replace, reopen) recorded against a real
    small evaluation, checked against a model of what the ledger must hold.
    """
    if not data:
        return
    if data[0] % 2 == LEDGER_FILE:
        _ledger_file(data[1:])
    else:
        _ledger_sequence(ByteReader(data[1:]))


def _ledger_file(content: bytes) -> None:
    policy, variants = _ledger_context()
    path = workspace() / "ledger" / "given.sqlite"
    _fresh(path)
    path.write_bytes(content)
    before = _siblings(path)
    try:
        ledger = Ledger(path)
    except LedgerError as error:
        code = error.code.id
        error = None  # drop the traceback (and the half-built ledger it holds) before looking
        assert code == "L002", code
        assert path.read_bytes() == content, "a refused ledger file was changed"
        assert _siblings(path) == before, (
            f"a refused ledger file left files behind: {_siblings(path)}"
        )
        return
    try:
        for moment in (dt.date(2026, 12, 31), MOMENT):
            ledger.moments()
            history = ledger.history(moment)
            ledger.steps_of("handhaving_doelsturing", "B0000001")
            evaluation = evaluate(policy, variants[0], moment, history)
            ledger.record(evaluation, "fuzz")
            ledger.record(evaluation, "fuzz")
    except LedgerError as error:
        assert error.code.id in ("L001", "L002", "L003"), error.code.id
    finally:
        ledger.close()


def _ledger_sequence(reader: ByteReader) -> None:
    policy, variants = _ledger_context()
    path = workspace() / "ledger" / "sequence.sqlite"
    _fresh(path)
    model: dict[dt.date, tuple[str, str]] = {}
    ledger = Ledger(path)
    try:
        for _ in range(8):
            if reader.exhausted:
                break
            moment = _ledger_moment(reader)
            monitoring = reader.pick(variants)
            digest = reader.pick(("policy-a", "policy-b"))
            replace = reader.flag()
            if reader.flag():
                ledger.close()
                ledger = Ledger(path)
            earlier = [m for m in model if m < moment]
            history = ledger.history(moment)
            assert history.previous == (max(earlier) if earlier else None), (
                "history from the wrong moment"
            )
            evaluation = evaluate(policy, monitoring, moment, history)
            inputs = (digest, monitoring.digest())
            expected = _expected_outcome(model, moment, inputs, replace)
            try:
                recorded = ledger.record(evaluation, digest, replace=replace)
                outcome = "changed" if recorded.changed else "unchanged"
            except LedgerError as error:
                outcome = error.code.id
            assert outcome == expected, (
                f"{moment} replace={replace}: {outcome}, expected {expected}"
            )
            if outcome == "changed":
                model[moment] = inputs
            assert ledger.moments() == sorted(model), (
                "the ledger holds other moments than were recorded"
            )
    finally:
        ledger.close()


def _expected_outcome(model, moment, inputs, replace) -> str:
    if model.get(moment) == inputs:
        return "unchanged"
    if moment in model and not replace:
        return "L001"
    if any(m > moment for m in model):
        return "L003"
    return "changed"


def ledger_seeds() -> list[tuple[str, bytes]]:
    policy, variants = _ledger_context()
    folder = workspace() / "ledger-seeds"
    folder.mkdir(exist_ok=True)

    def made(name: str, moments: tuple[dt.date, ...]) -> bytes:
        path = folder / name
        with sqlite3.connect(path) as db:  # small pages keep the seed small
            db.execute("PRAGMA page_size=512")
            db.execute("VACUUM")
        db.close()
        with Ledger(path) as ledger:
            for moment in moments:
                ledger.record(evaluate(policy, variants[1], moment, ledger.history(moment)), "seed")
        return path.read_bytes()

    def foreign(name: str, wal: bool, application_id: int = 0) -> bytes:
        path = folder / name
        db = sqlite3.connect(path)
        db.execute("PRAGMA page_size=512")
        if wal:
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("INSERT INTO notes(text) VALUES ('not a ledger')")
        db.execute(f"PRAGMA application_id={application_id}")
        db.commit()
        db.close()
        return path.read_bytes()

    files = [
        ("ledger-empty", made("empty.sqlite", ())),
        ("ledger-one-moment", made("one.sqlite", (MOMENT,))),
        ("ledger-two-moments", made("two.sqlite", (MOMENT, dt.date(2029, 12, 31)))),
        ("foreign-sqlite", foreign("foreign.sqlite", wal=False)),
        ("foreign-sqlite-wal", foreign("foreign-wal.sqlite", wal=True)),
        (
            "foreign-sqlite-beleid-id",
            foreign("foreign-id.sqlite", wal=False, application_id=0x62656C64),
        ),
        ("text-file", b"moment,policy\n2027-12-31,x\n"),
        ("empty-file", b""),
    ]
    sequences = [
        ("sequence-in-order", bytes([3, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0])),
        (
            "sequence-conflict-replace",
            bytes([3, 0, 0, 0, 0, 0, 3, 0, 1, 0, 0, 0, 3, 0, 1, 0, 1, 1]),
        ),
        ("sequence-out-of-order", bytes([7, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 7, 0, 0, 1, 0, 0])),
    ]
    return [(name, bytes([LEDGER_FILE]) + content) for name, content in files] + [
        (name, bytes([LEDGER_SEQUENCE]) + content) for name, content in sequences
    ]


def ledger_dictionary() -> list[bytes]:
    return [
        b"SQLite format 3\x00",
        b"\x62\x65\x6c\x64",
        b"\x00\x00\x00\x01",
        b"\x02\x02",
        b"\x01\x01",
        b"2027-12-31",
        b"CREATE TABLE",
        b"moments",
        b"\xff\xff\xff\xff",
    ]


# ------------------------------------------------------------------------------------ diff

DIFF = FIXTURES / "diff"
DIFF_CASES = diffcases.CASES  # each a patch over tests/fixtures/base, which holds FUZZED_FILE
FUZZED_FILE = "basis.policy"


@dataclass(frozen=True)
class _Version:
    folder: Path
    others: tuple[nodes.Module, ...]  # the version's rule files other than the fuzzed one
    text: str  # the fuzzed file's text in this version


@functools.cache
def _diff_versions(case: str) -> dict[str, _Version]:
    versions = {}
    diffcases.build_case(case, workspace() / "diff" / case)
    for role in ("base", "head"):
        folder = workspace() / "diff" / case / role
        others = tuple(
            parse_file(p, str(p), Diagnostics())
            for p in sorted(folder.glob("*.policy"))
            if p.name != FUZZED_FILE
        )
        versions[role] = _Version(
            folder, others, (folder / FUZZED_FILE).read_text(encoding="utf-8")
        )
    return versions


@functools.cache
def _diff_monitoring() -> Monitoring:
    return Monitoring(
        Series.from_values({"nh3_landbouw": {"2019": 110.3, "2027": 100.0}}), generate_farms(30, 5)
    )


def _compile_version(version: _Version, text: str):
    path = str(version.folder / FUZZED_FILE)
    diags = Diagnostics()
    module = parse_text(SourceFile(path, text), diags)
    return compile_modules([*version.others, module], diags, [path])


def diff_input(case: str, role: str, text: bytes) -> bytes:
    return bytes([DIFF_CASES.index(case) * 2 + (role == "base")]) + text


def run_diff(data: bytes) -> None:
    """The first byte picks a golden pair of tests/fixtures/diff and which side the rest replaces
    (the base fixture file of that side); both versions are compiled as `beleid diff` does, and when
    both check clean (else `diff` stops with their diagnostics): the semantic diff, the guards at
    three dates, the impact, Markdown and JSON. Properties: a version against itself is no change,
    and so is a version against its own `fmt` output.
    """
    if not data or not DIFF_CASES:
        return
    case = DIFF_CASES[(data[0] // 2) % len(DIFF_CASES)]
    fuzzed_role = "base" if data[0] % 2 else "head"
    text = data[1:].decode("utf-8", errors="replace").removeprefix("\ufeff")
    versions = _diff_versions(case)
    compiled = {
        role: _compile_version(v, text if role == fuzzed_role else v.text)
        for role, v in versions.items()
    }
    if any(c.diagnostics.has_errors for c in compiled.values()):
        return
    base, head = compiled["base"].policy, compiled["head"].policy
    changes = compare.diff_policies(base, head)
    assert compare.diff_policies(head, head).is_empty, "a version differs from itself"
    for as_of in (dt.date(2020, 1, 1), dt.date(2030, 6, 1), dt.date(2040, 1, 1)):
        errors = guard_errors(changes, base, head, as_of)
        for guard in errors:
            assert guard.span is not None and guard.code in GUARD_CODES
    effect = (
        impact.impact_on_data(changes, base, head, _diff_monitoring(), MOMENT)
        if not changes.is_empty
        else None
    )
    render.render_markdown(changes, effect, errors)
    json.dumps(render.to_json(changes, effect, errors), ensure_ascii=False)
    for change in changes.changed:
        render.change_text(change)
    try:
        formatted = format_text(text)
    except FormatError:
        raise AssertionError("fmt refuses a version that checks clean") from None
    reformatted = _compile_version(versions[fuzzed_role], formatted)
    fuzzed = compiled[fuzzed_role].policy
    assert compare.diff_policies(fuzzed, reformatted.policy).is_empty, (
        "fmt changed the meaning (diff)"
    )


def diff_seeds() -> list[tuple[str, bytes]]:
    seeds = []
    for case in DIFF_CASES:
        for role in ("base", "head"):
            other = "head" if role == "base" else "base"
            seeds.append(
                (
                    f"diff-{case}-{role}",
                    diff_input(case, role, _diff_versions(case)[other].text.encode()),
                )
            )
    return seeds


# -------------------------------------------------------------------- scenario and policy test YAML


@functools.cache
def _repository() -> Path:
    """A small repository in the workspace: monitoring data and policy test data where the bundled
    scenario and tests expect them, and a `.git` folder so paths are bounded by it.
    """
    repo = workspace() / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(ROOT / "monitoring", repo / "monitoring")
    shutil.copytree(POLICY / "tests" / "data", repo / "policy" / "tests" / "data")
    return repo


SCENARIO_MAX_FARMS = (
    2_000  # scenario files may ask for 20 million farms: legal, but not per fuzz input
)


def run_scenario(data: bytes) -> None:
    """Bytes as a scenario file next to the bundled one: loaded against the bundled policy; when it
    loads, its data is read and the simulation run and rendered as `beleid simulate` does (with at
    most SCENARIO_MAX_FARMS synthetic farms).
    """
    policy = bundled_policy()
    path = _repository() / "monitoring" / "scenarios" / "fuzz.yaml"
    path.write_bytes(data)
    diags = Diagnostics()
    scenario = load_scenario(path, policy, diags)
    check_located(diags, str(path))
    _render_diagnostics(diags, lambda p: ())
    if scenario is None:
        assert diags.has_errors, "a scenario refused without a diagnostic"
        return
    size = min(scenario.farm_size or 200, SCENARIO_MAX_FARMS)
    choice = datasets.DataChoice(
        None, scenario.series, scenario.farms, scenario.events, size, scenario.farm_seed or 1
    )
    monitoring = datasets.load(apply_assumptions(policy, scenario.assumptions), choice, diags)
    if diags.has_errors:
        return
    ledger_path = workspace() / "scenario-ledger.sqlite"
    _fresh(ledger_path)
    with Ledger(ledger_path) as ledger:
        summaries = simulate(policy, scenario, monitoring, ledger, "fuzz")
    render_timeline(scenario, summaries)


def scenario_seeds() -> list[tuple[str, bytes]]:
    seeds = [
        (_name(p), p.read_bytes())
        for p in _files("monitoring/scenarios/*.yaml", "tests/fixtures/**/*.yaml")
        if "scenario" in p.name or p.parent.name == "scenarios"
    ]
    seeds.append(
        (
            "small",
            b'name: klein\nmoments: [2027, 2029]\nseries: ["../series.csv"]\n'
            b"farms: {size: 50, seed: 3}\nbehaviour:\n  comply: {bedrijfsplan: 1}\n",
        )
    )
    return seeds


def run_policytest(data: bytes) -> None:
    """Bytes as a policy test file beside the bundled tests' data: every case run against the
    bundled policy, failures and coverage rendered as `beleid test` does.
    """
    policy = bundled_policy()
    path = _repository() / "policy" / "tests" / "fuzz.yaml"
    path.write_bytes(data)
    diags = Diagnostics()
    outcome = policytest.run(policy, [path], diags)
    check_located(diags, str(path))
    _render_diagnostics(diags, lambda p: ())
    policytestreport.render_text(outcome)
    json.dumps(policytestreport.to_json(outcome))
    for failure in outcome.failures:
        assert failure.line >= 1


def policytest_seeds() -> list[tuple[str, bytes]]:
    return [(_name(p), p.read_bytes()) for p in _files("policy/tests/*.yaml", "policy/tests/*.yml")]


def yaml_dictionary() -> list[bytes]:
    words = {
        "- ",
        ": ",
        "{",
        "}",
        "[",
        "]",
        "&a ",
        "*a",
        "<<: *a",
        "!!str ",
        "!!int ",
        "!!python/object ",
        "---",
        "...",
        "? ",
        "~",
        "null",
        "true",
        "\n  ",
        "\n    - ",
        '"',
        "'",
        "#",
        "|",
        ">",
        "moments",
        "series",
        "events",
        "farms",
        "assumptions",
        "behaviour",
        "seed",
        "size",
        "comply",
        "reach_norm",
        "count_steps",
        "share",
        "emission",
        "norm",
        "column",
        "from_step",
        "declaration",
        "field",
        "value",
        "why",
        "waarde",
        "reductie",
        "uiterlijk",
        "termijn",
        "cases",
        "name",
        "as_of",
        "expect",
        "targets",
        "triggers",
        "duties",
        "obligations",
        "steps",
        "count",
        "due",
        "overdue",
        "nh3_landbouw",
        "nh3_landbouw_2030",
        "bedrijfsplan",
        "handhaving_doelsturing",
        "data/boeren.csv",
        "../series.csv",
        "/etc/passwd",
        "../../../x",
        "90 kton",
        "6 maanden na monitoring",
        "2027",
        "2027-06-30",
        "2027-13-40",
        "fired",
        "not_fired",
        "on_track",
        "B1",
        "1e308",
        "-1",
        "2200",
    }
    return sorted(w.encode() for w in words)


# ------------------------------------------------------------------------------------ self-test


def run_selftest(data: bytes) -> None:
    """A deliberately broken target, so the harness is seen to catch an escaped exception."""
    if b"!" in data:
        raise RuntimeError("selftest: deliberate crash on an input containing `!`")


def run_selfhang(data: bytes) -> None:
    """A deliberately hanging target, so the harness is seen to report libFuzzer's timeouts."""
    if b"~" in data:
        time.sleep(3600)


# ------------------------------------------------------------------------------------ registry


def _setup_bundled() -> None:
    bundled_policy()


@functools.cache
def _numbers_folder() -> Path:
    """Where the `numbers` target writes its series files."""
    folder = workspace() / "numbers"
    folder.mkdir(exist_ok=True)
    return folder


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target(
            "rules",
            "rule file bytes: read limits, parser, checker in a policy tree, check/graph/sources "
            "outputs, evaluate/explain when clean, fmt (meaning, comments, idempotence)",
            run_rules,
            rules_seeds,
            setup=lambda: (_rules_tree(), None)[1],
            max_len=RULES_MAX_LEN,
            dictionary=rules_dictionary,
            instrument=("dsl", "compiler"),
        ),
        Target(
            "data",
            "monitoring data bytes: series CSV/YAML, farms CSV, events CSV/YAML "
            "against the bundled policy; evaluate and render what loads",
            run_data,
            data_seeds,
            setup=lambda: (_data_context(), None)[1],
            max_len=8_192,
            dictionary=data_dictionary,
            instrument=("dsl", "compiler", "yaml"),
        ),
        Target(
            "ledger",
            "ledger file bytes opened/read/recorded (L002 or works; refused files untouched); "
            "byte-driven moment/replace sequences against a model",
            run_ledger,
            ledger_seeds,
            setup=lambda: (_ledger_context(), None)[1],
            max_len=65_536,
            dictionary=ledger_dictionary,
            uninstrumented=(
                "compiler.check.pipeline",
                "compiler.evaluate.moment",
                "compiler.data.synthetic",
                "compiler.evaluate.outcomes",
            ),
        ),
        Target(
            "diff",
            "a golden diff pair with one side replaced by the bytes: diff, guards, impact, "
            "Markdown, JSON; self-diff and fmt-diff are empty",
            run_diff,
            diff_seeds,
            setup=lambda: ([_diff_versions(c) for c in DIFF_CASES], None)[1],
            max_len=16_384,
            dictionary=rules_dictionary,
            instrument=("dsl", "compiler"),
        ),
        Target(
            "scenario",
            "scenario YAML bytes: load, read its data, simulate, render",
            run_scenario,
            scenario_seeds,
            setup=lambda: (_repository(), _setup_bundled())[1],
            max_len=4_096,
            dictionary=yaml_dictionary,
            instrument=("dsl", "compiler", "yaml"),
        ),
        Target(
            "policytest",
            "policy test YAML bytes: load, run every case moment by moment, render",
            run_policytest,
            policytest_seeds,
            setup=lambda: (_repository(), _setup_bundled())[1],
            max_len=8_192,
            dictionary=yaml_dictionary,
            instrument=("dsl", "compiler", "yaml"),
        ),
        Target(
            "numbers",
            "one data value's text: the number grammar, then a CSV cell and a YAML scalar of a "
            "series in one of five units (finite, exact, never negative, or refused located)",
            lambda data: run_numbers(data, bundled_policy(), _numbers_folder()),
            numbers_seeds,
            setup=lambda: (_numbers_folder(), _setup_bundled())[1],
            max_len=256,
            dictionary=numbers_dictionary,
            instrument=("dsl", "compiler", "yaml"),
        ),
        Target(
            "markdown",
            "bytes as titles, quotes and why-lines through every Markdown context of the report: "
            "inline text, Mermaid labels, code blocks; nothing leaves its place",
            rendertargets.run_markdown,
            rendertargets.markdown_seeds,
            max_len=2_048,
            dictionary=rendertargets.markdown_dictionary,
            instrument=("compiler.report",),
        ),
        Target(
            "diagnostics",
            "a diagnostic on a regular file, a link out of the repository or a FIFO, in every "
            "format: no raw control characters, nothing read from outside, no hang",
            rendertargets.run_diagnostic_text,
            rendertargets.diagnostic_seeds,
            setup=lambda: (rendertargets._renderer_tree(), None)[1],
            max_len=4_096,
            instrument=("dsl", "compiler.cli"),
        ),
        Target(
            "selftest",
            "a deliberately crashing toy target (proves the harness reports findings)",
            run_selftest,
            lambda: [("seed", b"A")],
            max_len=64,
            instrument=(),
        ),
        Target(
            "selfhang",
            "a deliberately hanging toy target (proves the harness reports timeouts)",
            run_selfhang,
            lambda: [("seed", b"A")],
            max_len=64,
            instrument=(),
        ),
    )
}
SELF_TESTS = ("selftest", "selfhang")
DEFAULT_TARGETS = tuple(name for name in TARGETS if name not in SELF_TESTS)


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()  # noqa: S324 - a file name, not security
