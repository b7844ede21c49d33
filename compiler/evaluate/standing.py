"""What an outcome stands on: how binding its rule is in the source's own word (`bindend`,
`karakter`), and the open findings it rests on (compiler/check/openfindings.py), as `evaluate`
(text and JSON), `explain` and the report show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.check import character
from compiler.check.model import Policy
from compiler.check.openfindings import OpenFinding, open_findings


@dataclass(frozen=True, slots=True)
class Standing:
    """A declaration's binding strength (`bindend`, the source's word) and the open findings it
    rests on, directly or through what it is defined from.
    """

    binding: bool = False
    character: str | None = None
    findings: tuple[OpenFinding, ...] = ()

    @property
    def stated(self) -> bool:
        return self.binding or self.character is not None or bool(self.findings)


def standing_of(
    policy: Policy, ident: str, findings: dict[str, tuple[OpenFinding, ...]] | None = None
) -> Standing:
    decl = policy.declarations.get(ident)
    if decl is None:
        return Standing()
    word = decl.node.value("karakter")
    rests = (open_findings(policy) if findings is None else findings).get(ident, ())
    return Standing(decl.node.get("bindend") is not None, getattr(word, "name", None), rests)


def standings(policy: Policy, idents) -> dict[str, Standing]:
    """The standing of each declaration named, by id; those with nothing to say are left out."""
    findings = open_findings(policy)
    out = {ident: standing_of(policy, ident, findings) for ident in idents}
    return {ident: s for ident, s in out.items() if s.stated}


def standing_json(standing: Standing | None) -> dict:
    """The binding strength of a target, as `evaluate --format json` writes it."""
    standing = standing or Standing()
    return {"binding": standing.binding, "karakter": standing.character}


def rests_on_json(standing: Standing | None) -> list[dict]:
    """The open findings an outcome rests on: [{"finding", "via"}], empty when none."""
    found = standing.findings if standing else ()
    return [{"finding": f.finding, "title": f.title, "via": f.via} for f in found]


def standing_lines(standing: Standing | None, ident: str = "") -> list[str]:
    """The lines `beleid explain` prints for `ident`, in English with the source's word quoted."""
    if standing is None or not standing.stated:
        return []
    lines = []
    word = standing.character
    said = f"the source calls it `{word}` ({character.ENGLISH[word]})" if word else None
    if standing.binding:
        lines.append("  legally binding (`bindend`)" + (f"; {said}" if said else ""))
    elif said:
        lines.append(f"  {said}; not legally binding")
    lines += [finding_line(f, ident) for f in standing.findings]
    return lines


def finding_line(found: OpenFinding, ident: str = "") -> str:
    """One open finding an outcome rests on, as a line of `explain` or `evaluate`."""
    through = "" if found.via == ident else f", through `{found.via}`"
    return (
        f"  rests on an open finding, `{found.finding}` ({found.title}){through}: the source"
        " cannot be encoded faithfully here; the outcome rests on the reading the finding records"
    )


def resting_outcomes(standings_by_id: dict[str, Standing]) -> dict[str, list[str]]:
    """Finding id -> the outcomes (declaration ids, sorted) that rest on it."""
    out: dict[str, set[str]] = {}
    for ident, standing in standings_by_id.items():
        for found in standing.findings:
            out.setdefault(found.finding, set()).add(ident)
    return {finding: sorted(ids) for finding, ids in sorted(out.items())}


_SECTIONS = ("targets", "triggers", "duties", "entity_obligations", "ladders")


def with_open_findings(data: dict, standings_by_id: dict[str, Standing]) -> dict:
    """`data` (outcomes.to_json) with `rests_on` on every outcome and the `open_findings` block:
    each finding some outcome in force rests on, with those outcomes.
    """
    for section in (*_SECTIONS, "regional_obligations"):
        for item in data.get(section, ()):
            item["rests_on"] = rests_on_json(standings_by_id.get(item["id"]))
    titles = {f.finding: f.title for s in standings_by_id.values() for f in s.findings}
    data["open_findings"] = [
        {"finding": finding, "title": titles[finding], "outcomes": outcomes}
        for finding, outcomes in resting_outcomes(standings_by_id).items()
    ]
    return data


def open_finding_lines(standings_by_id: dict[str, Standing]) -> list[str]:
    """The lines `beleid evaluate` prints: each open finding and the outcomes resting on it."""
    resting = resting_outcomes(standings_by_id)
    if not resting:
        return []
    titles = {f.finding: f.title for s in standings_by_id.values() for f in s.findings}
    out = [
        "",
        f"Resting on an open finding ({len(resting)}): the source cannot be encoded"
        " faithfully there, so these outcomes rest on the reading the finding records",
    ]
    for finding, outcomes in resting.items():
        out.append(f"  {finding} ({titles[finding]}): " + ", ".join(outcomes))
    return out
