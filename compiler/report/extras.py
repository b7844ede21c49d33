"""The report's additions beside the handbook and the monitoring report, joined to the site in one
place: the page of what changed since the previous moment (changespage.py), the downloads for
analysts (downloads.py) and the offline search (searchindex.py), with their words
(`templates/extra_labels.yaml`). site.py calls `prepare` once and `pages` once per language and
format; run.py calls `with_changes`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from importlib import resources

import yaml

from compiler.evaluate.changes import moment_changes
from compiler.report import changespage, downloads, searchindex
from compiler.report.state import MonitoringState


def prepare(env, labels: dict) -> dict:
    """The labels with the additions' words merged in (per language, under their own keys), and
    the template globals the additions' links need.
    """
    extra = yaml.safe_load(
        resources.files("compiler.report")
        .joinpath("templates/extra_labels.yaml")
        .read_text("utf-8")
    )
    env.globals["workbook_available"] = downloads.WORKBOOK_AVAILABLE
    return {language: {**words, **extra.get(language, {})} for language, words in labels.items()}


def pages(site) -> Iterator:
    """The added pages and files of one language in one format (`site` is site.py's `_Site`)."""
    yield from changespage.pages(site)
    yield from downloads.pages(site)
    yield from searchindex.pages(site)


def with_changes(state: MonitoringState, run, ledger: str | None) -> MonitoringState:
    """The report's state with what changed from the previous recorded moment to `run`'s."""
    evaluation = run.evaluation
    changes = moment_changes(run.compilation.policy, run.monitoring, ledger, evaluation)
    return replace(state, changes=changes)
