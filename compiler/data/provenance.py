"""Where a series value comes from, and which of several publications of one value counts.

The source rule: a value names the page it was published on (`url` and a verbatim `quote`), or says
in `source` where it comes from or how it was made (a projection, a synthetic value, a user's own
figure); a value with neither is D018.

The vintage rule: several publications of a value for the same indicator and period are all kept.
The latest `published` wins (a date the page does not state counts as older than any it does, a
bare year as older than a month in it); of the same date, a `measured` value wins over any other
status. The losers become the winner's `superseded`, newest first; values are never averaged. Two
rows of the same publication (the same url, or the same source text without one, and the same
date) are D009, and so are two publications of the same date and status that give different values.
"""

from __future__ import annotations

from dataclasses import replace

from compiler.data.types import Observation


def missing_source(record: dict) -> str | None:
    """The field a record lacks to say where its value comes from, or None when it says enough:
    `url` with `quote`, or a `source` text.
    """
    url, quote, source = (str(record.get(k) or "").strip() for k in ("url", "quote", "source"))
    if (url and quote) or source:
        return None
    if url:
        return "quote"
    if quote:
        return "url"
    return "source"


SOURCE_HINTS = {
    "quote": "copy the sentence or table cell that states the value into `quote`, verbatim",
    "url": "give the address of the page the quote is from in `url`",
    "source": "give `url` and `quote` (the page and the sentence that states the value), or"
    " `source` (where the value comes from in words, or how it was made)",
}

SOURCE_PROBLEMS = {
    "quote": "a url without the quote that states the value",
    "url": "a quote without the url of its page",
    "source": "the value says neither where it was published nor how it was made",
}


def publication(observation: Observation) -> tuple[str, str]:
    """What makes two rows the same publication: the page (or source text) and its date."""
    return (observation.url or observation.source, observation.published)


def published_key(published: str) -> tuple[int, ...]:
    """A publication date as a sortable tuple: () for none, (2024,), (2024, 7), (2024, 7, 15)."""
    return tuple(int(part) for part in published.split("-")) if published else ()


def vintage_rank(observation: Observation) -> tuple[tuple[int, ...], bool]:
    """The higher, the newer: the publication date first, then measured over other statuses."""
    return (published_key(observation.published), observation.status == "measured")


def pick_vintage(candidates: list[Observation]) -> tuple[Observation, Observation | None]:
    """The winning publication, carrying the others as `superseded` (newest first), and a rival
    the rule cannot order against it (same date and status, another value), or None.
    """
    ordered = sorted(candidates, key=vintage_rank, reverse=True)  # stable: the first given first
    winner, rest = ordered[0], tuple(ordered[1:])
    rival = next(
        (o for o in rest if vintage_rank(o) == vintage_rank(winner) and o.value != winner.value),
        None,
    )
    return replace(winner, superseded=rest), rival


def provenance_json(observation: Observation) -> dict:
    """The provenance of an observation for JSON output, with the vintages it superseded."""
    return {
        **_citation_json(observation),
        "superseded": [
            {"value": o.value, "status": o.status, **_citation_json(o)}
            for o in observation.superseded
        ],
    }


def _citation_json(observation: Observation) -> dict:
    return {
        "url": observation.url,
        "publisher": observation.publisher,
        "published": observation.published,
        "quote": observation.quote,
        "source": observation.source,
    }


def provenance_lines(observation: Observation, unit: str) -> list[str]:
    """The quote and the superseded vintages of an observation as indented lines for `beleid
    explain` (its citation is on the line that shows the value).
    """
    lines = []
    if observation.quote:
        lines.append(f'  quote: "{observation.quote}"')
    for old in observation.superseded:
        lines.append(
            f"  supersedes: {old.value:,.2f} {unit} ({old.status}; {old.citation or 'no source'})"
        )
    return lines
