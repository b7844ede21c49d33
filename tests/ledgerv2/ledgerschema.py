"""The ledger's tables, how a new file gets them, and how an older ledger is migrated to them.

Version 2 (receipts) numbers the runs of a moment: every per-moment row carries `run`, the moment
row stores the receipt (JSON) of what the run was computed from, and the current run of a moment
is its highest number. Version 1 had no runs or receipts; its rows become run 1 without a receipt.
Migration runs in the caller's write transaction, so a run killed half-way leaves version 1 intact.
"""

from __future__ import annotations

import sqlite3

APPLICATION_ID = 0x62656C64  # "beld"
SCHEMA_VERSION = 2
MIGRATABLE = (1,)  # older versions this module can bring up to SCHEMA_VERSION

_TABLES = {
    "moments": "moment TEXT NOT NULL, run INTEGER NOT NULL, policy_digest TEXT NOT NULL, "
    "data_digest TEXT NOT NULL, recorded_at TEXT NOT NULL, receipt TEXT, "
    "PRIMARY KEY(moment, run)",
    "triggers": "moment TEXT NOT NULL, run INTEGER NOT NULL, trigger TEXT NOT NULL, "
    "state TEXT NOT NULL, PRIMARY KEY(moment, run, trigger)",
    "obligations": "moment TEXT NOT NULL, run INTEGER NOT NULL, obligation TEXT NOT NULL, "
    "subject TEXT NOT NULL, issued TEXT NOT NULL, due TEXT, "
    "PRIMARY KEY(moment, run, obligation, subject)",
    "steps": "moment TEXT NOT NULL, run INTEGER NOT NULL, ladder TEXT NOT NULL, "
    "subject TEXT NOT NULL, step INTEGER NOT NULL, PRIMARY KEY(moment, run, ladder, subject)",
    "events": "subject TEXT NOT NULL, obligation TEXT NOT NULL, event TEXT NOT NULL, "
    "date TEXT NOT NULL, moment TEXT NOT NULL, PRIMARY KEY(subject, obligation, event, date)",
}
# Version 1's columns of each table, copied into version 2 with run 1 (and no receipt).
_FROM_V1 = {
    "moments": (
        "moment, 1, policy_digest, data_digest, recorded_at, NULL",
        "moment, run, policy_digest, data_digest, recorded_at, receipt",
    ),
    "triggers": ("moment, 1, trigger, state", "moment, run, trigger, state"),
    "obligations": (
        "moment, 1, obligation, subject, issued, due",
        "moment, run, obligation, subject, issued, due",
    ),
    "steps": ("moment, 1, ladder, subject, step", "moment, run, ladder, subject, step"),
}
PER_MOMENT = ("moments", "triggers", "obligations", "steps")


def create(db: sqlite3.Connection) -> None:
    """Give an empty file the tables and identity of a ledger (inside a write transaction)."""
    for name, columns in _TABLES.items():
        db.execute(f"CREATE TABLE {name}({columns})")
    db.execute(f"PRAGMA application_id={APPLICATION_ID}")
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def migrate(db: sqlite3.Connection, version: int) -> None:
    """Bring a ledger of `version` (one of MIGRATABLE) to SCHEMA_VERSION (inside a write
    transaction: all of it happens, or none).
    """
    if version == 1:
        _migrate_from_1(db)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _migrate_from_1(db: sqlite3.Connection) -> None:
    for name, (selected, inserted) in _FROM_V1.items():
        db.execute(f"ALTER TABLE {name} RENAME TO {name}_v1")
        db.execute(f"CREATE TABLE {name}({_TABLES[name]})")
        db.execute(f"INSERT INTO {name}({inserted}) SELECT {selected} FROM {name}_v1")  # noqa: S608
        db.execute(f"DROP TABLE {name}_v1")
