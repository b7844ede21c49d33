"""Budget tables: cells name known packages, rows and columns add up, sub-allocations fit.

Reports P106 (unknown post or package), P230 (totals do not add up), P231 (sub-allocations exceed
their cell). Amounts are compared exactly, as decimals in euros.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from compiler.check import units
from compiler.check.resolve import did_you_mean
from dsl import codes, nodes
from dsl.diagnostics import Diagnostics, Related

TOTAL = "totaal"


def euros(quantity: nodes.Quantity) -> Decimal | None:
    """The amount in euros, or None when the unit is not money (reported by unitcheck)."""
    info = units.lookup(quantity.unit.text)
    if info is None or info.dimension != "money":
        return None
    try:
        return Decimal(quantity.number) * info.factor
    except InvalidOperation:
        return None


def format_euros(amount: Decimal) -> str:
    """Euros as a drafter writes them: € 5600 mln, € 12.5 mln, € 300.

    >>> format_euros(Decimal("5600000000"))
    '€ 5600 mln'
    """
    try:
        if amount and amount % Decimal("100000") == 0:
            return f"€ {_plain(amount / Decimal('1000000'))} mln"
    except InvalidOperation:  # more digits than the decimal context holds (28): written in full
        pass
    return f"€ {_plain(amount)}"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def check_table(table: nodes.Declaration, diags: Diagnostics) -> None:
    """All checks on one `begroting`."""
    packages = [f.value.id.name for f in table.all("pakket")]
    posts = {f.value.id.name: f.value for f in table.all("post")}
    columns = packages + [TOTAL]
    for post in posts.values():
        _check_columns(post.cells, columns, diags)
        _check_row(post, packages, diags)
    for f in table.all("totaal"):
        _check_columns(f.value.cells, columns, diags)
        _check_column_totals(
            f.value, [p for p in posts.values() if p.section.name == f.value.section.name], diags
        )
    _check_suballocations(table, posts, packages, diags)


def _check_columns(cells: tuple[nodes.Cell, ...], columns: list[str], diags: Diagnostics) -> None:
    for cell in cells:
        if cell.column.name not in columns:
            diags.add(
                codes.UNKNOWN_BUDGET_ITEM,
                cell.column.span,
                f"unknown package `{cell.column.name}`",
                hint=did_you_mean(cell.column.name, columns)
                or f'declare it with `pakket {cell.column.name} "..."`, or use one of: '
                f"{', '.join(columns)}",
            )


def _cells(cells: tuple[nodes.Cell, ...]) -> dict[str, Decimal]:
    amounts: dict[str, Decimal] = {}
    for cell in cells:
        amount = euros(cell.amount)
        if amount is not None:
            amounts[cell.column.name] = amounts.get(cell.column.name, Decimal(0)) + amount
    return amounts


def _check_row(post: nodes.Post, packages: list[str], diags: Diagnostics) -> None:
    amounts = _cells(post.cells)
    if TOTAL not in amounts or not (set(amounts) - {TOTAL}):
        return
    parts = sum((v for k, v in amounts.items() if k != TOTAL), Decimal(0))
    if parts != amounts[TOTAL]:
        total_cell = next(c for c in post.cells if c.column.name == TOTAL)
        diags.add(
            codes.BUDGET_TOTAL_MISMATCH,
            total_cell.span,
            f"post `{post.id.name}` adds up to {format_euros(parts)}, "
            f"not {format_euros(amounts[TOTAL])}",
            hint="check each package's amount and the row total against the source table",
        )


def _check_column_totals(total: nodes.Total, posts: list[nodes.Post], diags: Diagnostics) -> None:
    stated = _cells(total.cells)
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for post in posts:
        for column, amount in _cells(post.cells).items():
            sums[column] += amount
    for cell in total.cells:
        column = cell.column.name
        if column in stated and sums[column] != stated[column]:
            diags.add(
                codes.BUDGET_TOTAL_MISMATCH,
                cell.span,
                f"`{column}` of section `{total.section.name}` adds up to "
                f"{format_euros(sums[column])}, not {format_euros(stated[column])}",
                hint=f"{len(posts)} posts are in this section; is one missing or mistyped?",
            )


def _check_suballocations(table, posts: dict[str, nodes.Post], packages: list[str], diags) -> None:
    allocated: dict[tuple[str, str], list[nodes.SubAllocation]] = defaultdict(list)
    for f in table.all("deelpost"):
        sub = f.value
        post = posts.get(sub.post.name)
        if post is None:
            diags.add(
                codes.UNKNOWN_BUDGET_ITEM,
                sub.post.span,
                f"unknown post `{sub.post.name}`",
                hint=did_you_mean(sub.post.name, list(posts)) or "name a `post` of this table",
            )
            continue
        columns = _cells(post.cells)
        if sub.package.name not in columns:
            diags.add(
                codes.UNKNOWN_BUDGET_ITEM,
                sub.package.span,
                f"post `{post.id.name}` has no amount for `{sub.package.name}`",
                hint=did_you_mean(sub.package.name, list(columns))
                or f"amounts of this post: {', '.join(columns) or 'none'}",
            )
            continue
        allocated[(post.id.name, sub.package.name)].append(sub)
    for (post_name, package), subs in allocated.items():
        cell = _cells(posts[post_name].cells)[package]
        total = sum((euros(s.amount) or Decimal(0) for s in subs), Decimal(0))
        if total > cell:
            diags.add(
                codes.SUBALLOCATION_EXCEEDS,
                subs[-1].span,
                f"sub-allocations of `{post_name}.{package}` add up to {format_euros(total)}, "
                f"more than its {format_euros(cell)}",
                hint="a sub-allocation is part of its cell, not an addition to it",
                related=(Related(f"`{post_name}` is declared here", posts[post_name].span),),
            )


def check_budget_reference(
    decl: nodes.Declaration, tables: dict[str, nodes.Declaration], diags
) -> None:
    """`budget TABEL.POST[.PAKKET]` in a measure or commitment names a real post and package."""
    for f in decl.all("budget"):
        ref: nodes.BudgetRef = f.value
        table = tables.get(ref.table.name)
        if table is None:
            continue  # unknown table: P102 from resolve
        items = {g.value.id.name: g.value for g in table.all("post")}
        items.update({g.value.id.name: g.value for g in table.all("deelpost")})
        if ref.post.name not in items:
            diags.add(
                codes.UNKNOWN_BUDGET_ITEM,
                ref.post.span,
                f"`{ref.table.name}` has no post `{ref.post.name}`",
                hint=did_you_mean(ref.post.name, list(items))
                or "name a post or deelpost of the table",
            )
            continue
        packages = [g.value.id.name for g in table.all("pakket")] + [TOTAL]
        if ref.package is not None and ref.package.name not in packages:
            diags.add(
                codes.UNKNOWN_BUDGET_ITEM,
                ref.package.span,
                f"`{ref.table.name}` has no package `{ref.package.name}`",
                hint=did_you_mean(ref.package.name, packages) or f"packages: {', '.join(packages)}",
            )
