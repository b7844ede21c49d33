"""The one way a chart is drawn and written: a matplotlib `Figure` (no pyplot, so no global state
and no interactive backend) in a fixed style, saved as SVG that is the same bytes on every run
(fixed hash salt, no date or creator in the metadata, text kept as text in a fixed font), with its
ids made unique on the page and a title and description for readers who cannot see it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape

import matplotlib
from matplotlib.figure import Figure

# The report is written without a display: the Agg family of backends, never an interactive one.
matplotlib.use("Agg")

STYLE = {
    "svg.hashsalt": "beleid-report",  # the ids of clip paths and markers, fixed across runs
    "svg.fonttype": "none",  # text stays text: searchable, selectable, read by screen readers
    "font.family": "DejaVu Sans",  # ships with matplotlib, so the layout is the same everywhere
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#333333",
    "axes.titlesize": 9,
    "axes.labelcolor": "#1b1f24",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.frameon": False,
    "legend.fontsize": 8,
    "path.simplify": False,
}
# No date, creator or format in the SVG: the bytes depend only on what is drawn.
_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
# Colours with at least 3:1 contrast against white (WCAG 2.1 non-text contrast).
COLOURS = ("#005a8c", "#b7791f", "#7f1d1d", "#2f6b3a", "#6b3fa0", "#4a5560", "#a03060")
_ID = re.compile(r'\bid="([^"]+)"')


@contextmanager
def drawing() -> Iterator[None]:
    """The fixed style, for drawing and saving a figure (matplotlib reads it at both moments)."""
    with matplotlib.rc_context(STYLE):
        yield


def figure(width: float, height: float, **margins: float) -> Figure:
    """A blank figure of `width` × `height` inches with fixed margins (fractions of the figure:
    left, right, bottom, top, wspace, hspace); fixed rather than computed by a layout engine,
    which would cost more than the drawing itself.
    """
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(**margins)
    return fig


def to_svg(fig: Figure, name: str, title: str, description: str) -> str:
    """The figure as inline SVG: ids prefixed with `name`, a <title> and a <desc> that the
    image's role points to; no XML declaration, so it can stand inside an HTML page.
    """
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata=_METADATA)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = _prefix_ids(text, _safe(name))
    prefix = _safe(name)
    opening_end = text.index(">") + 1
    opening = re.sub(r'\s(width|height)="[^"]*"', "", text[: opening_end - 1])
    head = (
        f'{opening} class="chart" role="img" aria-labelledby="{prefix}-title {prefix}-desc">\n'
        f' <title id="{prefix}-title">{escape(title)}</title>\n'
        f' <desc id="{prefix}-desc">{escape(description)}</desc>'
    )
    return head + text[opening_end:].rstrip() + "\n"


def _prefix_ids(text: str, prefix: str) -> str:
    """Every id and every reference to one prefixed, so two charts on one page never share an id."""
    names = set(_ID.findall(text))
    if not names:
        return text
    pattern = re.compile(
        r'(id="|#)(' + "|".join(map(re.escape, sorted(names, key=len)[::-1])) + r')(?=["\)])'
    )
    return pattern.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)
