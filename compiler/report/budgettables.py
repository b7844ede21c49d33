"""Budget tables as a reader reads them: every post of a table in its section, each section closed
by its total, and the titles of posts, packages and sub-allocations in the page's language.

A section's total is the `totaal` line of the rule where it has one (`beleid check` verifies that
the posts add up to it, P230); otherwise it is the sum of the section's posts, marked as computed.
English titles of the lines come from `templates/labels.yaml` (`budget_lines`, per table); a line
without one keeps its Dutch title and is marked as such, like a declaration without `titel_en`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from compiler.check.budgets import TOTAL
from compiler.report.handbook import BudgetRow, BudgetTable
from compiler.report.titles import MISSING_NOTE, SOURCE_LANGUAGE


@dataclass(frozen=True)
class Section:
    """One section of a table (incidenteel, structureel, ...): its posts and its total."""

    name: str
    rows: tuple[BudgetRow, ...]
    total: dict[str, Decimal]  # column -> amount
    stated: bool  # True: the rule's `totaal` line, checked; False: the sum computed here


def localized(
    tables: dict[str, BudgetTable], language: str, labels: dict
) -> dict[str, BudgetTable]:
    """The tables with the titles of their lines in `language` (labels: that language's labels)."""
    if language == SOURCE_LANGUAGE:
        return dict(tables)
    names = labels.get("budget_lines", {})
    return {ident: _localized(table, names.get(ident, {})) for ident, table in tables.items()}


def missing_titles(tables: dict[str, BudgetTable], labels: dict) -> list[str]:
    """`table.line` of every post, package and sub-allocation without an English title."""
    names = labels.get("budget_lines", {})
    found = []
    for ident, table in tables.items():
        known = names.get(ident, {})
        lines = [r.id for r in table.rows] + [c for c in table.columns if c != TOTAL]
        lines += [s[0] for s in table.suballocations]
        found += [f"{ident}.{line}" for line in lines if line not in known]
    return found


def sections(table: BudgetTable) -> tuple[Section, ...]:
    """The sections in the order their first post appears, each with all its posts."""
    rows: dict[str, list[BudgetRow]] = defaultdict(list)
    for row in table.rows:
        rows[row.section].append(_with_row_total(row, table.columns))
    for name in table.totals:
        rows.setdefault(name, [])
    out = []
    for name, posts in rows.items():
        stated = table.totals.get(name)
        if stated is not None:
            out.append(Section(name, tuple(posts), stated, True))
            continue
        total: dict[str, Decimal] = defaultdict(Decimal)
        for post in posts:
            for column, amount in post.cells.items():
                total[column] += amount
        out.append(Section(name, tuple(posts), dict(total), False))
    return tuple(out)


def _with_row_total(row: BudgetRow, columns: tuple[str, ...]) -> BudgetRow:
    """A post whose rule gives no row total gets the sum of its packages in the total column."""
    if TOTAL in row.cells or TOTAL not in columns:
        return row
    total = sum((v for k, v in row.cells.items() if k != TOTAL), Decimal(0))
    return replace(row, cells={**row.cells, TOTAL: total})


def _localized(table: BudgetTable, names: dict[str, str]) -> BudgetTable:
    def shown(ident: str, dutch: str) -> str:
        return names.get(ident) or f"{dutch} {MISSING_NOTE}"

    return replace(
        table,
        rows=tuple(replace(r, title=shown(r.id, r.title)) for r in table.rows),
        column_titles={c: shown(c, t) for c, t in table.column_titles.items()},
        suballocations=tuple(
            (ident, shown(ident, title), post, package, amount)
            for ident, title, post, package, amount in table.suballocations
        ),
    )
