"""The deadlines of the policy on a timeline: per year, how many dates the rules name, stacked by
what they are (deadline, interim target, first time, ...), with the moment of the report marked.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from matplotlib.ticker import MaxNLocator

from compiler.report.charts import canvas

KINDS = ("deadline", "interim", "first", "fixed_until", "starts", "ends")


def chart(deadlines, moment: dt.date, labels: dict) -> str:
    """The SVG of the `compiler.report.handbook.Deadline`s; empty when there are none."""
    if not deadlines:
        return ""
    words = labels["charts"]
    counts = Counter((d.on.year, d.what) for d in deadlines)
    years = list(range(min(y for y, _ in counts), max(y for y, _ in counts) + 1))
    kinds = [k for k in KINDS if any(w == k for _, w in counts)]
    kinds += sorted({w for _, w in counts} - set(kinds))
    with canvas.drawing():
        fig = canvas.figure(6.4, 3.6, left=0.09, right=0.97, bottom=0.3, top=0.96)
        ax = fig.add_subplot()
        bottom = [0] * len(years)
        for index, kind in enumerate(kinds):
            heights = [counts.get((y, kind), 0) for y in years]
            ax.bar(
                years,
                heights,
                bottom=bottom,
                width=0.7,
                color=canvas.COLOURS[index % len(canvas.COLOURS)],
                label=labels["deadlines"].get(kind, kind),
                gid=f"deadlines-{kind}",
            )
            bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
        if years[0] <= moment.year <= years[-1]:
            ax.axvline(
                moment.year,
                color="#1b1f24",
                ls=":",
                lw=1.2,
                gid="moment",
                label=f"{words['moment']} {moment.year}",
            )
        ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=12))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(words["dates"])
        ax.grid(axis="y", color="#e5e8ec")
        ax.set_axisbelow(True)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=3)
        busiest = max(years, key=lambda y: (bottom[years.index(y)], -y))
        description = words["timeline_sentence"].format(
            count=len(deadlines),
            first=years[0],
            last=years[-1],
            busiest=busiest,
            busiest_count=bottom[years.index(busiest)],
        )
        return canvas.to_svg(fig, "timeline", labels["timeline"], description)
