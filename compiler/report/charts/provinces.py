"""A regional indicator as small multiples: one small panel per province, placed as on the tile
map and sharing one value axis, so the provinces compare at a glance; marked "synthetic" in the
reader's language where the values are computed from the synthetic farm population.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from matplotlib.ticker import FuncFormatter, MaxNLocator

from compiler.report.charts import canvas
from compiler.report.provinces import PROVINCE_NAMES, TILES

_SELECTED, _OTHER = "#005a8c", "#9aa8b6"


def chart(
    name: str,
    title: str,
    unit: str | None,
    entities: list[dict],
    column: str,
    synthetic: bool,
    labels: dict,
    figure: Callable[[float], str],
) -> str:
    """Twelve panels, one per province, of `column` of the obligation's `entities` (each with
    "id", "values" and "selected"); empty when no province has a value.
    """
    words = labels["charts"]
    values = {e["id"]: (e["values"].get(column), e["selected"]) for e in entities}
    if not any(v is not None for v, _ in values.values()):
        return ""
    heading = f"{title} ({unit})" if unit else title
    if synthetic:
        heading += f" · {labels['synthetic']}"
    columns = 1 + max(c for _, c, _ in TILES)
    rows = 1 + max(r for _, _, r in TILES)
    with canvas.drawing():
        fig = canvas.figure(
            6.4, 6.4, left=0.1, right=0.98, bottom=0.09, top=0.9, wspace=0.15, hspace=0.35
        )
        grid = fig.subplots(rows, columns, sharey=True, squeeze=False)
        places = {(c, r): province for province, c, r in TILES}
        drawn = set()
        for r in range(rows):
            for c in range(columns):
                ax = grid[r][c]
                province = places.get((c, r))
                if province is None:
                    ax.set_axis_off()
                    continue
                drawn |= _panel(ax, province, *values.get(province, (None, False)), words, figure)
        _legend(fig, drawn, words)
        grid[0][0].yaxis.set_major_formatter(FuncFormatter(lambda v, _: figure(v)))
        grid[0][0].yaxis.set_major_locator(MaxNLocator(nbins=3))
        fig.suptitle("\n".join(textwrap.wrap(heading, 70)), fontsize=10)
        return canvas.to_svg(fig, name, heading, _describe(values, unit, words, figure, synthetic))


def _panel(ax, province: str, value, selected: bool, words: dict, figure) -> set[str]:
    """One province's bar and its value written above it; what it drew, for the legend."""
    ax.set_title(PROVINCE_NAMES.get(province, province), fontsize=8)
    ax.set_xticks([])
    ax.tick_params(labelleft=True)
    ax.grid(axis="y", color="#e5e8ec")
    ax.set_axisbelow(True)
    if value is None:
        ax.text(0, 0, words["no_value"], ha="center", va="bottom", fontsize=7)
        ax.set_xlim(-1, 1)
        return set()
    key = "selected" if selected else "not_selected"
    ax.bar([0], [value], width=0.8, color=_SELECTED if selected else _OTHER, gid=f"bar-{province}")
    ax.text(0, value, figure(value), ha="center", va="bottom", fontsize=7)
    ax.set_xlim(-1, 1)
    return {key}


def _legend(fig, drawn: set[str], words: dict) -> None:
    from matplotlib.patches import Patch

    handles = [
        Patch(color=colour, label=words[key])
        for key, colour in (("selected", _SELECTED), ("not_selected", _OTHER))
        if key in drawn
    ]
    if handles:
        fig.legend(handles=handles, loc="lower center", ncols=len(handles))


def _describe(values: dict, unit, words: dict, figure, synthetic: bool) -> str:
    known = sorted(((v, p) for p, (v, _) in values.items() if v is not None), reverse=True)
    high, low = known[0], known[-1]
    text = words["provinces_sentence"].format(
        count=len(known),
        high=PROVINCE_NAMES.get(high[1], high[1]),
        high_value=figure(high[0]),
        low=PROVINCE_NAMES.get(low[1], low[1]),
        low_value=figure(low[0]),
        unit=unit or "",
    )
    return f"{text} {words['synthetic_sentence']}" if synthetic else text
