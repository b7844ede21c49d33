"""The evaluation benchmark's correctness half: on a small population, the engine and the
hand-written NumPy rule produce identical per-farm outputs and aggregates (the timing half is
benchmarks/evaluate.py).
"""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import evaluate as bench  # noqa: E402
import farm_rule_baselines as baselines  # noqa: E402


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    return bench.prepare(3000, seed=5, root=tmp_path_factory.mktemp("bench"))


def test_engine_and_hand_written_numpy_agree(population):
    policy, monitoring = bench.engine_setup(population)
    engine = baselines.digest(*bench.engine_outputs(*bench.engine_rule(policy, monitoring)))
    numpy = baselines.digest(*baselines.numpy_rule(baselines.load(population)))
    python = baselines.digest(
        *baselines.python_rule(baselines.python_setup(baselines.load(population)))
    )
    assert engine == numpy == python


def test_the_rule_selects_someone_and_not_everyone(population):
    outputs, figures = baselines.numpy_rule(baselines.load(population))
    share = outputs["must_file_plan"].mean()
    assert 0.3 < share < 0.7
    assert sum(figures["must_by_province"]) == outputs["must_file_plan"].sum()


def test_the_table_benchmark_reads_the_same_farms_in_both_formats_and_readers(tmp_path):
    """The read_tables benchmark's correctness half: its CSV and Parquet tables, read by the
    columnar reader and the CSV by the row reader, give one population (benchmarks/read_tables.py
    refuses to print figures otherwise).
    """
    import read_tables

    paths = read_tables.write_tables(500, tmp_path)
    digests = {
        read_tables.read_once("columns", paths["csv"])["digest"],
        read_tables.read_once("columns", paths["parquet"])["digest"],
        read_tables.read_once("rows", paths["csv"])["digest"],
    }
    assert len(digests) == 1
