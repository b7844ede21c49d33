"""Which monitoring data an evaluation reads: the bundled `monitoring/` folder next to the policy,
files given on the command line, and the synthetic farm population when no entity table is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compiler.check.layout import policy_root
from compiler.check.model import Policy
from compiler.data import dataschema
from compiler.data.entities import load_entities
from compiler.data.events import load_events
from compiler.data.regions import load_region_tables
from compiler.data.series import load_series
from compiler.data.synthetic import DEFAULT_SEED, DEFAULT_SIZE, generate_farms
from compiler.data.types import Monitoring, Population
from dsl.diagnostics import Diagnostics

SERIES_FILES = ("series.csv", "series.yaml", "series.yml")
FARMS_FILES = ("farms.csv", "farms.parquet")
EVENTS_FILE = "events.csv"


@dataclass(frozen=True)
class DataChoice:
    """What the user asked for; empty fields fall back to the bundled folder and the generator."""

    folder: Path | None = None
    series: tuple[Path, ...] = ()
    farms: Path | None = None
    events: tuple[Path, ...] = ()
    farm_size: int = DEFAULT_SIZE
    farm_seed: int = DEFAULT_SEED
    keep_valid_rows: bool = False


def bundled_folder(policy_paths: list[str]) -> Path:
    """`monitoring/` beside the policy tree (the folder holding `sources/`), else in the working
    directory.
    """
    for given in policy_paths:
        root = policy_root(Path(given).resolve())
        if root is not None and (root.parent / "monitoring").is_dir():
            return root.parent / "monitoring"
    return Path("monitoring")


def load(policy: Policy, choice: DataChoice, diags: Diagnostics) -> Monitoring:
    """Read and validate everything chosen; check `diags.has_errors` before evaluating."""
    schema = dataschema.data_schema(policy)
    folder = choice.folder
    series_paths = list(choice.series) or [
        folder / n for n in SERIES_FILES if folder and (folder / n).is_file()
    ]
    series = load_series(series_paths, policy, diags, schema)
    farms_path = choice.farms or next(
        (folder / name for name in FARMS_FILES if folder and (folder / name).is_file()), None
    )
    population: Population | None
    if farms_path is not None:
        population = load_entities(
            farms_path, policy, diags, schema, keep_valid_rows=choice.keep_valid_rows
        )
    else:
        population = generate_farms(choice.farm_size, choice.farm_seed)
    event_paths = list(choice.events) or (
        [folder / EVENTS_FILE] if folder and (folder / EVENTS_FILE).is_file() else []
    )
    events = load_events(event_paths, policy, population, diags, schema)
    tables, table_paths = load_region_tables(policy, folder, diags, schema)
    files = tuple(
        str(p)
        for p in [*series_paths, *([farms_path] if farms_path else []), *event_paths, *table_paths]
    )
    return Monitoring(series, population, events, files, tables)
