"""A target's trajectory: the points from its start through the interim values to the goal in the
deadline year, its value in a year, and how far an observation is behind it (docs/evaluation.md,
'Targets'). Positive gaps are behind, in the indicator's unit and as a percentage of the path's
value.
"""

from __future__ import annotations

from compiler.check import views
from compiler.check.views import Direction, Trajectory
from compiler.data.types import Observation
from compiler.evaluate.goals import RangeEnd, Undecidable, interim_values

Path = tuple[tuple[int, float], ...]


# ---------------------------------------------------------------------------------------- compare


def reaches(value: float, goal: float, direction: Direction) -> bool:
    return value <= goal if direction is Direction.DOWN else value >= goal


def behind(value: float, required: float, direction: Direction) -> float:
    return value - required if direction is Direction.DOWN else required - value


def percent(gap: float, of: float) -> float | None:
    return gap / abs(of) * 100 if of else None


# ---------------------------------------------------------------------------------------- path


def path_to(
    target: views.Target,
    unit: str,
    start: tuple[int, float] | None,
    goal: float,
    end: RangeEnd,
) -> Path | Undecidable:
    """The points of the trajectory to `goal` (of a range, through the interims' end `end`); empty
    without a deadline or with `traject geen`.
    """
    if target.deadline is None or target.trajectory is Trajectory.NONE:
        return ()
    interims = interim_values(target.interims, unit, start, end)
    if isinstance(interims, Undecidable):
        return interims
    points = {**({start[0]: start[1]} if start else {}), **interims, target.deadline.year: goal}
    return tuple(sorted(points.items()))


def gap_to_path(
    path: Path | Undecidable, shape: Trajectory, observed: Observation, direction: Direction
) -> dict:
    """The path, and where it has a value for the observation's year: that value and the gap."""
    if not isinstance(path, tuple) or not path:
        return {}
    required = on_path(path, observed.year, stepwise=shape is Trajectory.STEPWISE)
    if required is None:
        return {"path": path}
    gap = behind(observed.value, required, direction)
    return {
        "path": path,
        "required": required,
        "gap": gap,
        "gap_percent": percent(gap, required),
    }


def on_path(path: Path, year: int, *, stepwise: bool) -> float | None:
    """The trajectory's value in `year`; None before its first point."""
    if not path or year < path[0][0]:
        return None
    if year >= path[-1][0]:
        return path[-1][1]
    for (y0, v0), (y1, v1) in zip(path, path[1:], strict=False):
        if y0 <= year < y1:
            if stepwise:
                return v0
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return None
