"""Pictures as inline SVG text: the trajectory of a target and the neighbourhood of a declaration.

Hand-written SVG rather than matplotlib: the pictures are a few lines and boxes, the output is
byte-for-byte deterministic (golden files), needs no fonts or files, keeps its links clickable
inside the page, and adds no heavy dependency (docs/architecture.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

_WIDTH, _HEIGHT = 600, 280
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 24, 28, 36
_MAX_SIDE = 6  # neighbours drawn on each side; the rest are counted


@dataclass(frozen=True)
class Plot:
    """What a trajectory plot shows; values in one unit, labels in the page's language."""

    title: str
    unit: str
    observed: tuple[tuple[int, float, str], ...]  # (year, value, status)
    path: tuple[tuple[int, float], ...]
    goal: tuple[int, float] | None
    required: tuple[int, float] | None  # the path's value in the year of the latest observation
    labels: dict[str, str]  # observed, projected, path, goal, gap


def trajectory(plot: Plot, figure: Callable[[float], str]) -> str:
    points = (
        [(y, v) for y, v, _ in plot.observed] + list(plot.path) + ([plot.goal] if plot.goal else [])
    )
    if not points:
        return ""
    years = [p[0] for p in points]
    low_year, high_year = min(years), max(years)
    if low_year == high_year:
        low_year, high_year = low_year - 1, high_year + 1
    values = [p[1] for p in points]
    low = 0.0 if min(values) >= 0 else min(values) * 1.1
    high = max(values) * 1.1 if max(values) > 0 else 1.0
    x = _scale(low_year, high_year, _LEFT, _WIDTH - _RIGHT)
    y = _scale(low, high, _HEIGHT - _BOTTOM, _TOP)
    out = [
        _open(_WIDTH, _HEIGHT, plot.title),
        _axes(x, y, low_year, high_year, low, high, plot.unit, figure),
    ]
    if plot.path:
        out.append(_polyline([(x(a), y(b)) for a, b in plot.path], "path", dash=True))
    measured = [(a, b) for a, b, status in plot.observed if status != "projected"]
    projected = [(a, b) for a, b, status in plot.observed if status == "projected"]
    out.append(_series(measured, x, y, "observed", plot.labels["observed"], figure))
    out.append(_series(projected, x, y, "projected", plot.labels["projected"], figure))
    if plot.goal:
        gx, gy = x(plot.goal[0]), y(plot.goal[1])
        out.append(
            f'<path class="goal" d="M{gx - 6:.1f},{gy:.1f}h12M{gx:.1f},{gy - 6:.1f}v12">'
            f"<title>{escape(plot.labels['goal'])}: {figure(plot.goal[1])} {escape(plot.unit)} "
            f"({plot.goal[0]})</title></path>"
        )
    if plot.required and measured:
        year, value = measured[-1]
        out.append(
            f'<line class="gap" x1="{x(year):.1f}" y1="{y(value):.1f}" x2="{x(year):.1f}" '
            f'y2="{y(plot.required[1]):.1f}"><title>{escape(plot.labels["gap"])}: '
            f"{figure(abs(value - plot.required[1]))} {escape(plot.unit)}</title></line>"
        )
    out.append(_legend(plot.labels, bool(projected)))
    out.append("</svg>")
    return "\n".join(out)


def neighbourhood(
    centre: tuple[str, str],
    uses: list[tuple[str, str]],
    used_by: list[tuple[str, str]],
    href: Callable[[str], str],
    labels: dict[str, str],
) -> str:
    """The declaration in the middle, what it names on the left, what names it on the right.
    Each item is (id, title); `href` gives a box's link.
    """
    rows = max(min(len(uses), _MAX_SIDE + 1), min(len(used_by), _MAX_SIDE + 1), 1)
    height = 34 + rows * 34
    out = [_open(_WIDTH, height, f"{centre[1]}: {labels['uses']} / {labels['used_by']}")]
    out.append(f'<text class="head" x="8" y="16">{escape(labels["uses"])}</text>')
    out.append(
        f'<text class="head" x="{_WIDTH - 8}" y="16" text-anchor="end">'
        f"{escape(labels['used_by'])}</text>"
    )
    middle = 30 + (rows * 34) / 2 - 12
    out.append(_box(200, middle, centre, None, "centre"))
    for side, items, left in (("uses", uses, 8), ("used_by", used_by, _WIDTH - 8 - 180)):
        for i, item in enumerate(items[:_MAX_SIDE]):
            top = 30 + i * 34
            out.append(_box(left, top, item, href(item[0]), side))
            x1, x2 = (left + 180, 200) if side == "uses" else (400, left)
            out.append(
                f'<line class="edge" x1="{x1}" y1="{top + 12}" x2="{x2}" y2="{middle + 12:.0f}"/>'
            )
        if len(items) > _MAX_SIDE:
            top = 30 + _MAX_SIDE * 34 + 16
            out.append(
                f'<text class="more" x="{left + 4}" y="{top}">+{len(items) - _MAX_SIDE}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="picture" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img"><title>{escape(title)}</title>'
    )


def _scale(a: float, b: float, to_a: float, to_b: float) -> Callable[[float], float]:
    return lambda v: to_a + (v - a) * (to_b - to_a) / (b - a)


def _axes(x, y, low_year: int, high_year: int, low: float, high: float, unit: str, figure) -> str:
    bottom, right = _HEIGHT - _BOTTOM, _WIDTH - _RIGHT
    parts = [
        f'<line class="axis" x1="{_LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}"/>',
        f'<line class="axis" x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{bottom}"/>',
        f'<text class="unit" x="{_LEFT}" y="{_TOP - 10}" text-anchor="middle">'
        f"{escape(unit)}</text>",
    ]
    step = 1 if high_year - low_year <= 12 else 5
    for year in range(low_year + (-low_year) % step, high_year + 1, step):
        parts.append(
            f'<text class="tick" x="{x(year):.1f}" y="{bottom + 18}" text-anchor="middle">'
            f"{year}</text>"
        )
    for value in _ticks(low, high):
        parts.append(
            f'<line class="grid" x1="{_LEFT}" y1="{y(value):.1f}" '
            f'x2="{right}" y2="{y(value):.1f}"/>'
            f'<text class="tick" x="{_LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
            f"{figure(value)}</text>"
        )
    return "\n".join(parts)


def _ticks(low: float, high: float) -> list[float]:
    raw = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


def _polyline(points: list[tuple[float, float]], css: str, *, dash: bool = False) -> str:
    if len(points) < 2:
        return ""
    coordinates = " ".join(f"{a:.1f},{b:.1f}" for a, b in points)
    dashes = ' stroke-dasharray="6 4"' if dash else ""
    return f'<polyline class="{css}" points="{coordinates}"{dashes}/>'


def _series(points: list[tuple[int, float]], x, y, css: str, label: str, figure) -> str:
    out = [_polyline([(x(a), y(b)) for a, b in points], css)]
    for year, value in points:
        out.append(
            f'<circle class="{css}" cx="{x(year):.1f}" cy="{y(value):.1f}" r="4">'
            f"<title>{escape(label)} {year}: {figure(value)}</title></circle>"
        )
    return "\n".join(o for o in out if o)


def _legend(labels: dict[str, str], projected: bool) -> str:
    items = [("observed", labels["observed"]), ("path", labels["path"]), ("goal", labels["goal"])]
    if projected:
        items.insert(1, ("projected", labels["projected"]))
    out, left = [], _LEFT + 8
    for css, text in items:
        out.append(
            f'<rect class="key {css}" x="{left}" y="{_HEIGHT - 12}" width="10" height="10"/>'
            f'<text class="key" x="{left + 14}" y="{_HEIGHT - 3}">{escape(text)}</text>'
        )
        left += 24 + 7 * len(text)
    return "\n".join(out)


def _box(left: float, top: float, item: tuple[str, str], link: str | None, css: str) -> str:
    ident, title = item
    shown = title if len(title) <= 28 else title[:27] + "…"
    box = (
        f'<rect class="box {css}" x="{left:.0f}" y="{top:.0f}" '
        f'width="{180 if css != "centre" else 200}" '
        f'height="24" rx="4"><title>{escape(title)} ({escape(ident)})</title></rect>'
        f'<text class="label" x="{left + 6:.0f}" y="{top + 16:.0f}">{escape(shown)}</text>'
    )
    return f'<a href="{escape(link)}">{box}</a>' if link else box
