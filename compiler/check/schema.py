"""What each kind of declaration may contain: fields (required, optional, repeatable) and
vocabularies.

A table, not code, so that docs/language.md and the checker agree and a new field is one line.
"""

from __future__ import annotations

from compiler.check import character

COMMON = frozenset(
    {
        "naam",
        "samenvatting",
        "titel_en",
        "bron",
        "geldig",
        "vervangt",
        "stopt",
        "behoudt",
        "onderdeel_van",
    }
)

# kind -> (required fields, optional fields)
FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "document": (
        frozenset({"datum", "bestand"}),
        frozenset(
            {"titel", "uitgever", "kenmerk", "kamerstuk", "url", "soort", "hoofdstuk", "bereik"}
        ),
    ),
    "actor": (frozenset({"soort"}), frozenset()),
    "indicator": (
        frozenset({"eenheid", "niveau"}),
        frozenset({"sector", "cadans", "eerste", "berekend", "negatief_toegestaan"}),
    ),
    "doel": (
        frozenset({"indicator", "uiterlijk"}),
        frozenset(
            {
                "waarde",
                "reductie",
                "tussendoel",
                "traject",
                "bindend",
                "karakter",
                "sector",
                "eigenaar",
                "soort",
            }
        ),
    ),
    "maatregel": (
        frozenset({"eigenaar"}),
        frozenset(
            {
                "instrument",
                "status",
                "budget",
                "effect",
                "draagt_bij_aan",
                "uiterlijk",
                "sector",
                "wettelijk",
            }
        ),
    ),
    "begroting": (frozenset({"post"}), frozenset({"pakket", "totaal", "deelpost"})),
    "trigger": (frozenset({"als", "dan"}), frozenset()),
    "verplichting": (
        frozenset({"wie", "termijn"}),
        frozenset({"wat", "wettelijk", "handhaving", "door", "karakter"}),
    ),
    "handhaving": (frozenset({"stap"}), frozenset({"betreft"})),
    "borging": (
        frozenset({"soort", "betreft"}),
        frozenset(
            {
                "door",
                "aan",
                "eerste",
                "cadans",
                "uiterlijk",
                "vast_tot",
                "instrument",
                "budget",
                "wettelijk",
                "wat",
            }
        ),
    ),
    "besluit": (frozenset({"door"}), frozenset({"wat", "termijn", "uiterlijk", "betreft"})),
    "bevinding": (frozenset({"wat"}), frozenset({"betreft"})),
    "entiteit": (frozenset({"sleutel"}), frozenset({"tabel", "binnen"})),
    # `reden` is checked by compiler/check/scope.py (P261), with a hint of its own.
    "buiten_scope": (frozenset({"passage"}), frozenset({"reden"})),
    "verbod": (
        frozenset({"wat"}),
        frozenset(
            {"wie", "waar", "uitzondering", "bindend", "karakter", "door", "uiterlijk", "betreft"}
        ),
    ),
}

REPEATABLE = frozenset(
    {
        "bron",
        "tussendoel",
        "budget",
        "effect",
        "dan",
        "stap",
        "pakket",
        "post",
        "totaal",
        "deelpost",
        "vervangt",
        "stopt",
        "uitzondering",
        "binnen",
        "passage",
        "hoofdstuk",
    }
)

# Kinds that need no citation of their own.
UNCITED_KINDS = frozenset({"document", "buiten_scope"})

# (kind, field) -> allowed words; ("*", field) applies to every kind.
VOCABULARY: dict[tuple[str, str], tuple[str, ...]] = {
    ("document", "soort"): (
        "kamerbrief",
        "regeerprogramma",
        "bespreeknotitie",
        "bijlage",
        "programma",
        "wet",
        "overig",
    ),
    ("actor", "soort"): (
        "rijk",
        "ministerie",
        "kabinet",
        "provincie",
        "waterschap",
        "gemeente",
        "sector",
        "uitvoeringsorganisatie",
        "kennisinstelling",
        "parlement",
        "eu",
        "overig",
    ),
    ("borging", "soort"): (
        "wettelijke_verankering",
        "monitoring",
        "rapportage",
        "bevriezing",
        "financiering",
        "terugval",
        "handhaving",
        "bestuurlijke_afspraak",
    ),
    # What a target is (views.TargetNature): one the source sets (the default), an estimate it
    # gives, an option it names, or a proposal of another body it reports.
    ("doel", "soort"): ("doelstelling", "raming", "optie", "voorstel"),
    # The built-in levels; a policy adds its own entity kinds (`entiteit`, compiler/check/kinds.py).
    ("*", "niveau"): ("nationaal", "sector", "provincie", "gebied", "bedrijf"),
    ("*", "status"): (
        "voorgenomen",
        "richtinggevend",
        "besloten",
        "in_uitvoering",
        "uitgevoerd",
        "gestopt",
    ),
    ("*", "traject"): ("lineair", "stapsgewijs", "geen"),
    # The source's own word for how binding a target or rule is (compiler/check/character.py).
    ("*", "karakter"): character.WORDS,
}

BUDGET_SECTIONS = ("incidenteel", "structureel")
# Levels that are series, not entity kinds: one value for the country, a sector, or one named area
# (`gebied`: an indicator about one area, such as the IJsselmeer, as before entity kinds existed).
SERIES_LEVELS = ("nationaal", "sector", "gebied")
# Entity kinds every policy knows without declaring them (as before `entiteit` existed); a declared
# `entiteit` adds its own id. Farms lie in provinces: the farm table's `province` column says where.
ENTITY_KINDS = ("bedrijf", "provincie", "gebied")
BUILTIN_WITHIN: dict[str, tuple[str, ...]] = {"bedrijf": ("provincie",)}
# (kind, kind it lies in) pairs the monitoring data links, so aggregates can follow them.
LINKED_KINDS = (("bedrijf", "provincie"),)
# Which aggregates exist and the dimension of the unit each gives ("som": the summed indicator's).
AGGREGATE_FUNCTIONS = ("som", "aantal", "aandeel")
TARGET_STATES = ("gehaald", "niet_gehaald", "op_schema", "achter_op_schema")


def vocabulary(kind: str, keyword: str) -> tuple[str, ...] | None:
    """The words allowed for `keyword` in a `kind`, or None when the field is free."""
    return VOCABULARY.get((kind, keyword)) or VOCABULARY.get(("*", keyword))
