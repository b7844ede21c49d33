"""The neighbourhood of a declaration as inline SVG: what it uses on the left, the declaration in
the middle, what uses it on the right, each box a link. Hand-written SVG (not matplotlib): there is
one on nearly every handbook entry, so it must be cheap, and its boxes must stay links. Titles are
wrapped onto as many lines as they need and boxes grow with them, so no label is ever cut.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from html import escape

_WIDTH = 640
_SIDE, _CENTRE = 190, 210  # box widths
_CHARS = 25  # characters per line that fit a side box at 12px (at most 7px a character)
_LINE, _PAD, _GAP, _TOP = 15, 6, 10, 30
_MAX_SIDE = 6  # neighbours drawn on each side; the rest are counted


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
    left = _column(uses[:_MAX_SIDE], 8, len(uses) - _MAX_SIDE)
    right = _column(used_by[:_MAX_SIDE], _WIDTH - 8 - _SIDE, len(used_by) - _MAX_SIDE)
    middle_lines = _wrap(centre[1], _CHARS + 3)
    middle_height = _box_height(middle_lines)
    height = max(left[1], right[1], _TOP + middle_height) + 8
    middle_top = (height - middle_height) / 2
    x_centre = (_WIDTH - _CENTRE) / 2
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="picture" viewBox="0 0 {_WIDTH} '
        f'{height:.0f}" width="{_WIDTH}" height="{height:.0f}" role="group">'
        f"<title>{escape(centre[1])}: {escape(labels['uses'])} / {escape(labels['used_by'])}"
        "</title>",
        f'<text class="head" x="8" y="16">{escape(labels["uses"])}</text>',
        f'<text class="head" x="{_WIDTH - 8}" y="16" text-anchor="end">'
        f"{escape(labels['used_by'])}</text>",
    ]
    mid_y = middle_top + middle_height / 2
    for items, x_box, x_from, x_to in (
        (left[0], 8, 8 + _SIDE, x_centre),
        (right[0], _WIDTH - 8 - _SIDE, x_centre + _CENTRE, _WIDTH - 8 - _SIDE),
    ):
        for item, top, lines in items:
            y = top + _box_height(lines) / 2
            y1, y2 = (y, mid_y) if x_from == 8 + _SIDE else (mid_y, y)
            out.append(
                f'<line class="edge" x1="{x_from:.0f}" y1="{y1:.0f}" x2="{x_to:.0f}" '
                f'y2="{y2:.0f}"/>'
            )
            out.append(_box(x_box, top, _SIDE, item, lines, href(item[0]), "side"))
    out += [t for t in (left[2], right[2]) if t]
    out.append(_box(x_centre, middle_top, _CENTRE, centre, middle_lines, None, "centre"))
    out.append("</svg>")
    return "\n".join(out)


def _column(items, x: float, hidden: int):
    """The boxes of one side, stacked: (item, top, lines) each, the height used, the '+n' text."""
    placed, top = [], _TOP
    for item in items:
        lines = _wrap(item[1], _CHARS)
        placed.append((item, top, lines))
        top += _box_height(lines) + _GAP
    more = ""
    if hidden > 0:
        more = f'<text class="more" x="{x + 4:.0f}" y="{top + 10:.0f}">+{hidden}</text>'
        top += 16
    return placed, top, more


def _wrap(title: str, width: int) -> list[str]:
    return textwrap.wrap(title, width, break_long_words=True) or [title]


def _box_height(lines: list[str]) -> float:
    return _PAD * 2 + _LINE * len(lines)


def _box(left, top, width, item, lines, link, css: str) -> str:
    ident, title = item
    texts = "".join(
        f'<tspan x="{left + 6:.0f}" y="{top + _PAD + 11 + i * _LINE:.0f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    box = (
        f'<rect class="box {css}" x="{left:.0f}" y="{top:.0f}" width="{width}" '
        f'height="{_box_height(lines):.0f}" rx="4"><title>{escape(title)}</title></rect>'
        f'<text class="label">{texts}</text>'
    )
    return f'<a href="{escape(link)}">{box}</a>' if link else box
