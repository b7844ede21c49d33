"""The charts of one language, as the pages ask for them: each drawn once and kept, so the HTML
and the Markdown pages (and the monitoring page beside a target's own page) share one drawing; and
the chart files the Markdown pages link to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from compiler.check import budgets as budget_check
from compiler.report.charts import budgets, provinces, timeline, trajectory
from compiler.report.handbook import Handbook
from compiler.report.state import MonitoringState


class Gallery:
    """Every chart of the report in one language; `figure` writes a number and `title` a
    declaration's title in that language.
    """

    def __init__(
        self,
        handbook: Handbook,
        state: MonitoringState | None,
        moment: dt.date,
        labels: dict,
        figure: Callable[[float], str],
        title: Callable[[str], str] | None = None,
        budgets: dict | None = None,
    ) -> None:
        self.hb, self.state, self.moment = handbook, state, moment
        # budget tables, lines titled in this language (compiler/report/budgettables.py)
        self.budgets = handbook.budgets if budgets is None else budgets
        self.labels, self.figure = labels, figure
        self.title = title or handbook.title  # a declaration's title in this language, plain
        self._drawn: dict[str, str] = {}

    def _once(self, key: str, draw: Callable[[], str]) -> str:
        if key not in self._drawn:
            self._drawn[key] = draw()
        return self._drawn[key]

    def target(self, target: dict) -> str:
        """The trajectory of a target; empty when it has neither data nor a goal."""
        return self._once(f"target-{target['id']}", lambda: self._trajectory(target))

    def _trajectory(self, target: dict) -> str:
        series = self.state.series.get(target["indicator"], ()) if self.state else ()
        data = trajectory.from_target(target, series, self.title(target["id"]))
        return trajectory.chart(data, self.labels, self.figure)

    def budget(self, ident: str) -> str:
        """The bars of a budget table."""
        return self._once(
            f"budget-{ident}",
            lambda: budgets.chart(
                self.budgets[ident],
                self.title(ident),
                budget_check.TOTAL,
                self.labels,
                self.figure,
            ),
        )

    def deadlines(self) -> str:
        """The timeline of every deadline the policy names."""
        return self._once(
            "timeline", lambda: timeline.chart(self.hb.deadlines, self.moment, self.labels)
        )

    def region(self, obligation: dict, column: dict) -> str:
        """A column of an obligation on provinces as twelve small panels."""
        if obligation["kind"] != "provincie":
            return ""
        name = f"provinces-{obligation['id']}-{column['id']}"
        return self._once(
            name,
            lambda: provinces.chart(
                name,
                self.title(column["id"]),
                column["unit"],
                obligation["entities"],
                column["id"],
                bool(column["computed"] and self.state.synthetic),
                self.labels,
                self.figure,
            ),
        )

    def files(self) -> Iterator[tuple[str, str]]:
        """(file name under plots/, SVG) for every chart the Markdown pages link to."""
        if self.state is not None:
            for target in self.state.targets:
                yield f"{target['id']}.svg", self.target(target)
            for obligation in self.state.regional:
                for column in self.state.regional_columns[obligation["id"]]:
                    name = f"provinces-{obligation['id']}-{column['id']}.svg"
                    yield name, self.region(obligation, column)
        for ident in self.budgets:
            yield f"budget-{ident}.svg", self.budget(ident)
        yield "timeline.svg", self.deadlines()
