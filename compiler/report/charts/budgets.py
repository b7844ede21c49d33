"""A budget table (`begroting`) as bars: one bar per post, split by package (each package one
colour, named in the legend), in millions of euros, the post titles wrapped and never cut.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from decimal import Decimal

from matplotlib.ticker import FuncFormatter

from compiler.report.charts import canvas

_MILLION = Decimal(1_000_000)
_WRAP = 38  # characters per line of a post's title


def chart(
    table, title: str, total_column: str, labels: dict, figure: Callable[[float], str]
) -> str:
    """The SVG of a `compiler.report.handbook.BudgetTable`; empty when it has no amounts."""
    words = labels["charts"]
    packages = [c for c in table.columns if c != total_column]
    rows = [r for r in table.rows if any(r.cells.get(p) for p in packages)]
    if not rows:
        return ""
    titles = ["\n".join(textwrap.wrap(r.title, _WRAP)) or r.id for r in rows]
    lines = sum(t.count("\n") + 1 for t in titles)
    with canvas.drawing():
        height = 0.9 + 0.28 * lines + 0.2 * len(packages)
        fig = canvas.figure(
            6.4,
            height,
            left=0.38,
            right=0.97,
            top=1 - 0.1 / height,
            bottom=(0.55 + 0.2 * len(packages)) / height,
        )
        ax = fig.add_subplot()
        positions = list(range(len(rows)))[::-1]
        left = [0.0] * len(rows)
        for index, package in enumerate(packages):
            amounts = [float((r.cells.get(package) or 0) / _MILLION) for r in rows]
            if not any(amounts):
                continue
            ax.barh(
                positions,
                amounts,
                left=left,
                height=0.6,
                color=canvas.COLOURS[index % len(canvas.COLOURS)],
                label=table.column_titles.get(package, package),
                gid=f"package-{package}",
            )
            left = [a + b for a, b in zip(left, amounts, strict=True)]
        for position, total in zip(positions, left, strict=True):
            ax.text(total, position, f" {figure(total)}", va="center", fontsize=7)
        ax.set_yticks(positions, titles, fontsize=7)
        ax.set_xlim(0, max(left) * 1.18)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: figure(v)))
        ax.set_xlabel(words["million_euros"])
        ax.grid(axis="x", color="#e5e8ec")
        ax.set_axisbelow(True)
        fig.legend(loc="lower center", ncols=1)
        return canvas.to_svg(
            fig, f"budget-{table.id}", title, _describe(rows, left, packages, words, figure)
        )


def _describe(rows, totals: list[float], packages: list[str], words: dict, figure) -> str:
    largest = max(range(len(rows)), key=lambda i: totals[i])
    return words["budget_sentence"].format(
        posts=len(rows),
        packages=len(packages),
        sum=figure(sum(totals)),
        largest=rows[largest].title,
        largest_value=figure(totals[largest]),
    )
