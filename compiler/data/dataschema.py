"""The JSON Schema of monitoring data, derived from the policy's indicator declarations.

Three record types: an observation of a national or sector series, one row of an entity table (a
farm), and a compliance event; and one row of the table of each other entity kind
(`table_provincie`: a province). `beleid schema` prints the document; compiler/data/validation.py
validates every row against it with jsonschema before anything is evaluated.
"""

from __future__ import annotations

from compiler.check import units, views
from compiler.check.kinds import entity_kinds
from compiler.check.model import CheckedDeclaration, Policy

SCHEMA_ID = "https://beleid.example/schema/monitoring.json"

# Words the data itself uses (not declared in the policy).
# measured and provisional as the publisher marks them; estimated: a published model or survey
# estimate; projected and synthetic: values made by a model or generator, which say how in `source`.
STATUSES = ("measured", "provisional", "estimated", "projected", "synthetic")
# Text columns of a regional table (compiler/data/regions.py): name, publisher's code, provenance.
REGION_TEXT_COLUMNS = ("naam", "cbs_code", "url", "publisher", "published", "quote", "source")
# The fields that say where a series value comes from (compiler/data/provenance.py).
PROVENANCE_FIELDS = ("url", "publisher", "published", "quote", "source")
FARM_SECTORS = ("melkvee", "varkens", "pluimvee")
PROVINCES = (
    "groningen",
    "fryslan",
    "drenthe",
    "overijssel",
    "flevoland",
    "gelderland",
    "utrecht",
    "noord_holland",
    "zuid_holland",
    "zeeland",
    "noord_brabant",
    "limburg",
)
# The twelve provinces, as the farm table spells them: the entities of kind `provincie`. No source
# in policy/sources/ lists them; they are the twelve provinces of the Netherlands.
KNOWN_ENTITIES: dict[str, tuple[str, ...]] = {"provincie": PROVINCES}
EVENTS = ("filed", "complied", "reported")
ENTITY_LEVEL = "bedrijf"
FIXED_ENTITY_COLUMNS = ("id", "sector", "province")
PERIOD_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
PUBLISHED_PATTERN = r"^([0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)?$"
URL_PATTERN = r"^https?://[^\s]+$"


def unit_of(indicator: CheckedDeclaration) -> str:
    """The unit an indicator's values are in (from its typed view)."""
    return indicator.view.unit


def series_indicators(policy: Policy) -> list[CheckedDeclaration]:
    """Indicators measured as one series (national, sector, one named area), sorted by id."""
    return _indicators_of_kind(policy, None)


def entity_indicators(policy: Policy) -> list[CheckedDeclaration]:
    """Indicators with one value per farm: the columns of an entity table."""
    return _indicators_of_kind(policy, ENTITY_LEVEL)


def regional_indicators(policy: Policy, kind: str) -> list[CheckedDeclaration]:
    """Indicators with one value per entity of `kind` that a table gives (not `berekend` ones)."""
    return [d for d in _indicators_of_kind(policy, kind) if d.view.aggregate is None]


def _indicators_of_kind(policy: Policy, kind: str | None) -> list[CheckedDeclaration]:
    """Indicators with a unit and a level whose entity kind is `kind` (None: series), by id."""
    return sorted(
        (
            d
            for d in policy.of_kind("indicator")
            if _has_unit_and_level(d)
            and isinstance(d.view, views.Indicator)
            and d.view.kind == kind
        ),
        key=lambda d: d.id,
    )


def _has_unit_and_level(decl: CheckedDeclaration) -> bool:
    view = decl.view
    return view.unit is not None and (view.level is not None or view.kind is not None)


def compatible_units(unit: str) -> list[str]:
    """Every unit in the table that converts to `unit`, the unit itself first."""
    info = units.lookup(unit)
    if info is None:
        return [unit]
    others = sorted(
        n for n, u in units.UNITS.items() if u.dimension == info.dimension and n != unit
    )
    return [unit, *others]


def _observation(policy: Policy) -> dict:
    indicators = series_indicators(policy)
    return {
        "type": "object",
        "title": "One value of a national or sector series",
        "required": ["indicator", "period", "value", "unit", "status"],
        "additionalProperties": False,
        "properties": {
            "indicator": {"enum": [d.id for d in indicators]},
            "period": {"type": "string", "pattern": PERIOD_PATTERN},
            "value": {"type": "number"},
            "unit": {"type": "string"},
            "status": {"enum": list(STATUSES)},
            "url": {
                "type": "string",
                "pattern": r"^$|" + URL_PATTERN,
                "description": "the page the value was read from",
            },
            "publisher": {"type": "string", "description": "who published it"},
            "published": {
                "type": "string",
                "pattern": PUBLISHED_PATTERN,
                "description": "the publication date as the page states it (YYYY, YYYY-MM or "
                "YYYY-MM-DD); empty when the page states none",
            },
            "quote": {
                "type": "string",
                "description": "the sentence or table cell that states the value, verbatim",
            },
            "source": {
                "type": "string",
                "description": "where the value comes from in words, or how it was made "
                "(projected or synthetic values); needed when there is no url and quote",
            },
        },
        "allOf": [
            {
                "if": {"properties": {"indicator": {"const": d.id}}, "required": ["indicator"]},
                "then": {"properties": _observed_value(d)},
            }
            for d in indicators
        ],
    }


def _observed_value(indicator: CheckedDeclaration) -> dict:
    """What a series record of `indicator` must hold beyond the common fields: a unit that
    converts to the indicator's, and a value of at least 0 unless it is `negatief_toegestaan`.
    """
    rules: dict = {"unit": {"enum": compatible_units(unit_of(indicator))}}
    if not indicator.view.may_be_negative:
        rules["value"] = {"minimum": 0}
    return rules


def _entity_value(indicator: CheckedDeclaration) -> dict:
    if unit_of(indicator) == "ja_nee":
        return {"enum": [0, 1], "description": f"{indicator.title} (0 = nee, 1 = ja)"}
    value = {"type": "number", "description": f"{indicator.title} ({unit_of(indicator)})"}
    return value if indicator.view.may_be_negative else {**value, "minimum": 0}


def _farm(policy: Policy) -> dict:
    properties = {
        "id": {"type": "string", "minLength": 1},
        "sector": {"enum": list(FARM_SECTORS)},
        "province": {"enum": list(PROVINCES)},
    }
    properties.update({d.id: _entity_value(d) for d in entity_indicators(policy)})
    return {
        "type": "object",
        "title": "One farm: one row of an entity table",
        "required": list(FIXED_ENTITY_COLUMNS),
        "additionalProperties": False,
        "properties": properties,
    }


def _event(policy: Policy) -> dict:
    return {
        "type": "object",
        "title": "A compliance event: a plan filed, a norm met, a report published",
        "required": ["subject", "obligation", "event", "date"],
        "additionalProperties": False,
        "properties": {
            "subject": {"type": "string", "minLength": 1},
            "obligation": {
                "enum": sorted(
                    d.id
                    for d in policy.declarations.values()
                    if d.kind in ("verplichting", "borging", "besluit")
                )
            },
            "event": {"enum": list(EVENTS)},
            "date": {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        },
    }


def _region(policy: Policy, kind: views.EntityKind) -> dict:
    properties = {
        kind.key: {"type": "string", "minLength": 1},
        **{name: {"type": "string"} for name in REGION_TEXT_COLUMNS},
    }
    properties.update({d.id: _entity_value(d) for d in regional_indicators(policy, kind.id)})
    return {
        "type": "object",
        "title": f"One {kind.id}: one row of the {kind.id} table",
        "required": [kind.key],
        "additionalProperties": False,
        "properties": properties,
    }


def table_record_type(kind: str) -> str:
    """The name of the schema definition of one row of the table of `kind`."""
    return f"table_{kind}"


def data_schema(policy: Policy) -> dict:
    """The whole schema document; validate a record with `{"$ref": "#/$defs/<type>"}`."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "beleid monitoring data",
        "description": (
            "Derived from the indicator declarations of the policy; "
            "regenerate with `beleid schema`."
        ),
        "$defs": {
            "observation": _observation(policy),
            "farm": _farm(policy),
            "event": _event(policy),
            **{
                table_record_type(k.id): _region(policy, k)
                for k in entity_kinds(policy).values()
                if k.id != ENTITY_LEVEL
            },
        },
    }
