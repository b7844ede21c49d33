"""The page "what changed since the previous moment" (nl and en, HTML and Markdown): the report's
view of `compiler.evaluate.changes.MomentChanges`, in the page's words.

Actors are named; entities (farms) are counted, never listed, and marked synthetic where the farm
population is generated. Without an earlier recorded moment the page says so in plain words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from compiler.evaluate.changes import MomentChanges


def pages(site) -> Iterator:
    """The page for one language and format; none without a monitoring report."""
    if site.state is None:
        return
    words = site.labels["changes"]
    yield site._page("changes", words["title"], view=view(site))


def view(site) -> dict:
    """What the templates show: sentences and rows in the site's language."""
    state, words = site.state, site.labels["changes"]
    changes = state.changes or MomentChanges(dt.date.fromisoformat(state.moment))
    date = site.phrases.date
    intro = None
    if changes.earlier is not None:
        intro = words["intro"].format(earlier=date(changes.earlier), later=date(changes.later))
    return {
        "changes": changes,
        "intro": intro,
        "targets": [
            {
                "id": c.declaration,
                "before": _status(c.before, site.labels["statuses"], words),
                "after": _status(c.after, site.labels["statuses"], words),
            }
            for c in changes.targets
        ],
        "fired": [
            {"id": c.declaration, "when": words["again" if c.before == c.after else "new"]}
            for c in changes.fired
        ],
        "stopped": [c.declaration for c in changes.stopped],
        "obligations": [
            {
                "id": o.obligation,
                "issued": _subjects(site, o.issued),
                "ended": _subjects(site, o.ended),
            }
            for o in changes.obligations
        ],
        "escalations": [
            {
                "ladder": e.ladder,
                "before": _step(e.before, words),
                "after": _step(e.after, words),
                "count": site.phrases.figure(e.count, 0),
            }
            for e in changes.escalations
        ],
    }


def _status(code: str | None, statuses: dict, words: dict) -> str:
    return words["not_in_force"] if code is None else statuses.get(code, code)


def _step(step: int, words: dict) -> str:
    return words["step"].format(step=step) if step else words["off_ladder"]


def _subjects(site, subjects: tuple[str, ...]) -> dict:
    """Actors by name (linked), the other subjects (farms) as a count."""
    entries = site.hb.entries
    actors = [s for s in subjects if s in entries and entries[s].kind == "actor"]
    others = len(subjects) - len(actors)
    words = site.labels["changes"]
    count = ""
    if others:
        count = (
            words["farms_one"]
            if others == 1
            else words["farms_many"].format(count=site.phrases.figure(others, 0))
        )
    return {"actors": actors, "count": count, "farms": bool(others)}
