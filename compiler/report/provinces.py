"""The twelve provinces as the report shows them: each one's name as written, and its place on the
tile map of the monitoring report (keyed as the farm table and compiler/data/dataschema.py spell
them).
"""

from __future__ import annotations

# A tile map of the provinces: (province, column, row), roughly where each lies.
TILES = (
    ("fryslan", 1, 0),
    ("groningen", 2, 0),
    ("noord_holland", 0, 1),
    ("flevoland", 1, 1),
    ("drenthe", 2, 1),
    ("zuid_holland", 0, 2),
    ("utrecht", 1, 2),
    ("overijssel", 2, 2),
    ("zeeland", 0, 3),
    ("noord_brabant", 1, 3),
    ("gelderland", 2, 3),
    ("limburg", 2, 4),
)
PROVINCE_NAMES = {
    "groningen": "Groningen",
    "fryslan": "Fryslân",
    "drenthe": "Drenthe",
    "overijssel": "Overijssel",
    "flevoland": "Flevoland",
    "gelderland": "Gelderland",
    "utrecht": "Utrecht",
    "noord_holland": "Noord-Holland",
    "zuid_holland": "Zuid-Holland",
    "zeeland": "Zeeland",
    "noord_brabant": "Noord-Brabant",
    "limburg": "Limburg",
}
