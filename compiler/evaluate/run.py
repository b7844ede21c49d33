"""An evaluation as a command runs it: check the policy, load and validate its data, evaluate one
moment against what the ledger knows of the moments before it, then record or explain that moment.
Findings come back as data (a Stop, diagnostics through a Listener); nothing is printed here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from compiler.check.pipeline import Compilation, compile_paths, policy_digest
from compiler.check.resolve import did_you_mean
from compiler.check.run import DEFAULT_POLICY, NotFound
from compiler.data import datasets
from compiler.data.types import Monitoring
from compiler.evaluate import receipt as receipts
from compiler.evaluate.explain import ExplainError, explain
from compiler.evaluate.ledger import Ledger, Recorded, RecordedRun
from compiler.evaluate.moment import Evaluation, History, evaluate
from compiler.evaluate.receipt import Receipt
from compiler.evaluate.regionview import farms_are_synthetic
from dsl.diagnostics import Diagnostics


class Stop(enum.Enum):
    """Why a run stopped before it evaluated anything."""

    POLICY_ERRORS = "the policy has errors"
    DATA_ERRORS = "the data has errors and the invalid rows were not to be left out"
    NO_POPULATION = "the entity table given could not be used at all"


class Listener:
    """What a run reports while it goes, so a front end can show it at once; this one shows
    nothing.
    """

    def data_checked(self, diagnostics: Diagnostics) -> None:
        """The data was read and validated; `diagnostics` holds what was found (not empty)."""

    def progress(self, message: str) -> None:
        """A step of a long run has finished or begun."""


@dataclass(frozen=True)
class DataRequest:
    """The data asked for; empty fields mean the bundled folder beside the policy and the
    generator.
    """

    folder: Path | None = None
    series: tuple[Path, ...] = ()
    farms: Path | None = None
    events: tuple[Path, ...] = ()
    farm_count: int | None = None
    seed: int | None = None
    keep_valid_rows: bool = False

    def choice(self, policy_paths: list[str]) -> datasets.DataChoice:
        """The data set to load for the policy under `policy_paths`."""
        defaults = datasets.DataChoice()
        return datasets.DataChoice(
            self.folder or datasets.bundled_folder(policy_paths),
            self.series,
            self.farms,
            self.events,
            defaults.farm_size if self.farm_count is None else self.farm_count,
            defaults.farm_seed if self.seed is None else self.seed,
            self.keep_valid_rows,
        )


@dataclass(frozen=True)
class EvaluationRequest:
    """One moment to evaluate: the policy, the data, and the ledger file (None: no ledger)."""

    moment: dt.date
    paths: tuple[str, ...] = DEFAULT_POLICY
    data: DataRequest = field(default_factory=DataRequest)
    ledger: str | None = None


@dataclass(frozen=True)
class EvaluationRun:
    """How far a run got: the compilation, the data and evaluation when it got there, or its
    Stop.
    """

    compilation: Compilation
    stop: Stop | None = None
    monitoring: Monitoring | None = None
    evaluation: Evaluation | None = None
    recorded: Recorded | None = None
    explanation: str | None = None
    receipt: Receipt | None = None  # what this evaluation was computed from
    recorded_run: RecordedRun | None = None  # the ledger's current run of the moment, if any


def prepare(request: EvaluationRequest, listener: Listener | None = None) -> EvaluationRun:
    """Check the policy and load its data; the run stops at policy errors and at data errors."""
    listener = listener or Listener()
    compilation = compile_paths(list(request.paths))
    if compilation.diagnostics.has_errors:
        return EvaluationRun(compilation, Stop.POLICY_ERRORS)
    diags = Diagnostics()
    choice = request.data.choice(list(request.paths))
    monitoring = datasets.load(compilation.policy, choice, diags)
    if len(diags):
        listener.data_checked(diags)
    if diags.has_errors and not choice.keep_valid_rows:
        return EvaluationRun(compilation, Stop.DATA_ERRORS)
    if diags.has_errors and monitoring.population is None and choice.farms:
        return EvaluationRun(compilation, Stop.NO_POPULATION)
    listener.progress(_evaluating(request.moment, monitoring))
    return EvaluationRun(compilation, monitoring=monitoring)


def evaluate_and_record(
    request: EvaluationRequest,
    *,
    replace_recorded: bool = False,
    new_run: bool = False,
    listener: Listener | None = None,
) -> EvaluationRun:
    """Evaluate the moment and record it in the ledger (when one is given); LedgerError on a bad
    ledger. `replace_recorded` records a moment again although its inputs changed; `new_run`
    records it as a separate run, keeping the recorded one. The ledger's write lock is held from
    reading the history to the commit, so a concurrent run cannot slip a moment in between.
    """
    run = prepare(request, listener)
    if run.stop:
        return run
    if request.ledger is None:
        return _with_receipt(_evaluated(run, request.moment, None), request)
    with Ledger(request.ledger) as ledger, ledger.writing():
        run = _with_receipt(_evaluated(run, request.moment, ledger), request)
        digest = policy_digest(run.compilation.files)
        recorded = ledger.record(
            run.evaluation,
            digest,
            replace=replace_recorded,
            receipt=run.receipt,
            new_run=new_run,
        )
        current = ledger.recorded(request.moment)
    return replace(run, recorded=recorded, recorded_run=current)


def evaluate_with_history(
    request: EvaluationRequest, listener: Listener | None = None
) -> EvaluationRun:
    """Evaluate the moment against the ledger's history when that file exists; record nothing."""
    run = prepare(request, listener)
    if run.stop:
        return run
    with _existing_ledger(request.ledger) as ledger:
        return _with_receipt(_evaluated(run, request.moment, ledger), request, ledger)


def explain_moment(
    request: EvaluationRequest,
    subject: str | None,
    farm: str | None,
    listener: Listener | None = None,
    entity: str | None = None,
) -> EvaluationRun:
    """Evaluate the moment and explain `subject` (and/or `farm`, or `entity` as KIND:KEY); NotFound
    when it is not there.
    """
    run = prepare(request, listener)
    if run.stop:
        return run
    policy = run.compilation.policy
    with _existing_ledger(request.ledger) as ledger:
        run = _with_receipt(_evaluated(run, request.moment, ledger), request, ledger)
        try:
            text = explain(policy, run.evaluation, subject, farm, ledger, entity)
        except ExplainError as error:
            hint = did_you_mean(subject, list(policy.declarations)) if subject else None
            raise NotFound(str(error), hint) from None
    return replace(run, explanation=text)


def _evaluating(moment: dt.date, monitoring: Monitoring) -> str:
    if monitoring.population is None:
        return f"evaluating {moment}"
    return f"evaluating {moment} ({monitoring.population.size:,} farms)"


def _evaluated(run: EvaluationRun, moment: dt.date, ledger: Ledger | None) -> EvaluationRun:
    history = ledger.history(moment) if ledger else History()
    evaluation = evaluate(run.compilation.policy, run.monitoring, moment, history)
    return replace(run, evaluation=evaluation)


def _with_receipt(
    run: EvaluationRun, request: EvaluationRequest, ledger: Ledger | None = None
) -> EvaluationRun:
    """The run with the receipt of its inputs, and the ledger's current run of the moment."""
    recorded = ledger.recorded(request.moment) if ledger else None
    return replace(run, receipt=receipt_of(run, request), recorded_run=recorded)


def receipt_of(run: EvaluationRun, request: EvaluationRequest) -> Receipt:
    """What an evaluated run was computed from: its rule files, source texts and data files, and
    the options that shaped its data (the synthetic population's size and seed when no farm
    table was read).
    """
    choice = request.data.choice(list(request.paths))
    options: dict[str, object] = {"keep_valid_rows": choice.keep_valid_rows}
    if farms_are_synthetic(run.evaluation):
        options |= {"farm_count": choice.farm_size, "seed": choice.farm_seed}
    sources = sorted({text.path for text in run.compilation.policy.sources.values()})
    return receipts.make(run.compilation.files, sources, run.monitoring.files, options)


@contextlib.contextmanager
def _existing_ledger(path: str | None) -> Iterator[Ledger | None]:
    """The ledger at `path` when that file exists, opened only to read, else None (a missing
    ledger is no history).
    """
    if path is None or not Path(path).exists():
        yield None
        return
    with Ledger(path, read_only=True) as ledger:
        yield ledger
