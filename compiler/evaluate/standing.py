"""What an outcome stands on: how binding its rule is in the source's own word (`bindend`,
`karakter`), as `evaluate --format json`, `explain` and the report show it.
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.check import character
from compiler.check.model import Policy


@dataclass(frozen=True, slots=True)
class Standing:
    """A declaration's binding strength: `bindend` (legally binding) and the source's word."""

    binding: bool = False
    character: str | None = None

    @property
    def stated(self) -> bool:
        return self.binding or self.character is not None


def standing_of(policy: Policy, ident: str) -> Standing:
    decl = policy.declarations.get(ident)
    if decl is None:
        return Standing()
    word = decl.node.value("karakter")
    return Standing(
        decl.node.get("bindend") is not None,
        getattr(word, "name", None),
    )


def standings(policy: Policy, idents) -> dict[str, Standing]:
    """The standing of each declaration named, by id; those with nothing to say are left out."""
    out = {ident: standing_of(policy, ident) for ident in idents}
    return {ident: s for ident, s in out.items() if s.stated}


def standing_json(standing: Standing | None) -> dict:
    standing = standing or Standing()
    return {"binding": standing.binding, "karakter": standing.character}


def standing_lines(standing: Standing | None) -> list[str]:
    """The lines `beleid explain` prints (in English, with the source's Dutch word quoted)."""
    if standing is None or not standing.stated:
        return []
    word = standing.character
    said = f"the source calls it `{word}` ({character.ENGLISH[word]})" if word else None
    if standing.binding:
        return ["  legally binding (`bindend`)" + (f"; {said}" if said else "")]
    return [f"  {said}; not legally binding"]
