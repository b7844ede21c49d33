"""A target's trajectory as a chart: the observations marked by their status (measured,
provisional, estimated, projected, assumed, synthetic), the path from the start through the
interim values to the goal, a range target as a band between its two ends, and the deadline; the
x-axis covers the data and the deadline, and the legend names only what is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from compiler.report.charts import canvas

# One marker per status of an observation, so the status reads without colour too.
MARKERS = {
    "measured": ("o", "#005a8c", True),
    "provisional": ("o", "#005a8c", False),
    "estimated": ("^", "#4a5560", True),
    "projected": ("D", "#6b3fa0", False),
    "assumed": ("s", "#a03060", False),
    "synthetic": ("X", "#2f6b3a", True),
}
_OTHER = ("P", "#333333", True)
_PATH, _BAND, _GOAL, _DEADLINE = "#b7791f", "#f2dfb8", "#7f1d1d", "#4a5560"
YES_NO = "ja_nee"


@dataclass(frozen=True)
class Trajectory:
    """What one trajectory chart shows, in the indicator's unit and the reader's language."""

    name: str  # unique on the page: the target's id
    title: str
    unit: str
    observed: tuple[tuple[int, float, str], ...]  # (year, value, status), oldest first
    path: tuple[tuple[int, float], ...]
    ends: tuple[tuple[tuple[int, float], ...], ...]  # a range: the paths of its two ends
    goal: float | None
    deadline: int | None  # the year of the deadline


def from_target(target: dict, series: tuple, title: str) -> Trajectory:
    """The chart's data from a target of the report's state and its indicator's series."""
    ends = tuple(
        tuple((int(y), float(v)) for y, v in end["path"]) for end in target["ends"] if end["path"]
    )
    return Trajectory(
        target["id"],
        title,
        target["unit"],
        tuple((int(y), float(v), s) for y, v, s, *_ in series),
        tuple((int(y), float(v)) for y, v in target["path"]),
        ends if len(ends) == 2 else (),
        target["goal"],
        int(target["deadline"][:4]) if target["deadline"] else None,
    )


def has_data(t: Trajectory) -> bool:
    return bool(t.observed or t.path or t.ends or t.goal is not None)


def chart(t: Trajectory, labels: dict, figure: Callable[[float], str]) -> str:
    """The SVG of the trajectory; `labels` are the page's, `figure` writes a number."""
    if not has_data(t):
        return ""
    words = labels["charts"]
    with canvas.drawing():
        fig = canvas.figure(6.4, 3.6, left=0.12, right=0.97, bottom=0.3, top=0.96)
        ax = fig.add_subplot()
        if t.ends:
            _band(ax, t.ends, words["range_band"])
        elif t.path:
            _path(ax, t.path, labels["path"])
        _observations(ax, t.observed, labels["observation_states"], words)
        if t.goal is not None and t.deadline is not None and not t.ends:
            ax.plot(
                [t.deadline], [t.goal], "X", ms=9, color=_GOAL, label=labels["goal"], gid="goal"
            )
        if t.deadline is not None:
            ax.axvline(
                t.deadline,
                color=_DEADLINE,
                ls=":",
                lw=1.2,
                gid="deadline",
                label=f"{words['deadline']} {t.deadline}",
            )
        _axes(ax, t, figure, words)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=3)
        return canvas.to_svg(fig, f"chart-{t.name}", t.title, describe(t, labels, figure))


def _band(ax, ends, label: str) -> None:
    """A range target: the area between the paths of its two ends, edged by both."""
    years = sorted({y for end in ends for y, _ in end})
    low, high = (_along(end, years) for end in ends)
    ax.fill_between(years, low, high, color=_BAND, label=label, gid="band", lw=0)
    for end in ends:
        ax.plot([y for y, _ in end], [v for _, v in end], color=_PATH, lw=1, ls="--")
    ax.plot([years[-1], years[-1]], [low[-1], high[-1]], color=_GOAL, lw=4, solid_capstyle="butt")


def _along(path: tuple[tuple[int, float], ...], years: list[int]) -> list[float]:
    """A path's values in the given years, linear between its points, flat past its ends."""
    out = []
    for year in years:
        before = [p for p in path if p[0] <= year] or [path[0]]
        after = [p for p in path if p[0] >= year] or [path[-1]]
        (y0, v0), (y1, v1) = before[-1], after[0]
        out.append(v0 if y1 == y0 else v0 + (v1 - v0) * (year - y0) / (y1 - y0))
    return out


def _path(ax, path, label: str) -> None:
    ax.plot(
        [y for y, _ in path],
        [v for _, v in path],
        color=_PATH,
        ls="--",
        lw=1.5,
        label=label,
        gid="path",
        marker="|" if len(path) > 2 else None,
    )


def _observations(ax, observed, names: dict, words: dict) -> None:
    if len(observed) > 1:
        ax.plot([y for y, _, _ in observed], [v for _, v, _ in observed], color="#9aa8b6", lw=1)
    for status in dict.fromkeys(s for _, _, s in observed):
        marker, colour, filled = MARKERS.get(status, _OTHER)
        points = [(y, v) for y, v, s in observed if s == status]
        ax.plot(
            [y for y, _ in points],
            [v for _, v in points],
            ls="none",
            marker=marker,
            ms=6,
            color=colour,
            markerfacecolor=colour if filled else "white",
            markeredgewidth=1.5,
            label=names.get(status) or words["statuses"].get(status, status),
            gid=f"observed-{status}",
        )


def _axes(ax, t: Trajectory, figure, words: dict) -> None:
    years = [y for y, _, _ in t.observed] + [y for y, _ in t.path]
    years += [y for end in t.ends for y, _ in end] + ([t.deadline] if t.deadline else [])
    ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    if t.unit == YES_NO:
        ax.set_ylim(-0.2, 1.2)
        ax.yaxis.set_major_locator(FixedLocator([0, 1]))
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _: words["answer_yes" if v else "answer_no"])
        )
        return
    values = [v for _, v, _ in t.observed] + [v for _, v in t.path]
    values += [v for end in t.ends for _, v in end] + ([t.goal] if t.goal is not None else [])
    if values and min(values) >= 0:
        ax.set_ylim(bottom=0, top=max(values) * 1.08 or 1)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: figure(v)))
    ax.set_ylabel(t.unit)
    ax.grid(axis="y", color="#e5e8ec")
    ax.set_axisbelow(True)


def describe(t: Trajectory, labels: dict, figure) -> str:
    """The chart in one or two sentences, for readers who cannot see it."""
    words = labels["charts"]
    parts = []
    if t.observed:
        year, value, status = t.observed[-1]
        parts.append(
            words["observed_sentence"].format(
                count=len(t.observed),
                first=t.observed[0][0],
                last=year,
                value=_value(value, t.unit, figure, words),
                status=labels["observation_states"].get(status)
                or words["statuses"].get(status, status),
            )
        )
    else:
        parts.append(words["no_observations"])
    if t.ends and t.deadline:
        goals = sorted(end[-1][1] for end in t.ends)
        parts.append(
            words["range_sentence"].format(
                low=figure(goals[0]), high=figure(goals[1]), unit=t.unit, year=t.deadline
            )
        )
    elif t.goal is not None and t.deadline:
        parts.append(
            words["goal_sentence"].format(
                goal=_value(t.goal, t.unit, figure, words), year=t.deadline
            )
        )
    elif t.deadline:
        parts.append(words["deadline_sentence"].format(year=t.deadline))
    return " ".join(parts)


def _value(value: float, unit: str, figure, words: dict) -> str:
    if unit == YES_NO:
        return words["answer_yes" if value else "answer_no"]
    return f"{figure(value)} {unit}"
