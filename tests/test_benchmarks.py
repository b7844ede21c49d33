"""The benchmarks' correctness halves: on a small population, the engine, hand-written NumPy, polars
(when installed) and the Python loop produce identical per-farm outputs and aggregates, and the
interleaved driver of benchmarks/evaluate.py runs (the timing half is the script itself).
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


def test_polars_and_hand_written_numpy_agree(population):
    pytest.importorskip("polars")
    data = baselines.load(population)
    frame = baselines.polars_setup(data)
    polars = baselines.digest(*baselines.polars_outputs(*baselines.polars_rule(frame)))
    assert polars == baselines.digest(*baselines.numpy_rule(data))


def test_the_interleaved_run_times_every_approach_present_and_all_agree(population):
    """The --quick path in one process; polars only when installed, OpenFisca left out."""
    root = population.parent
    result = bench.measure(3000, 2, seed=5, root=root, openfisca=False)
    expected = ["numpy", "beleid"] + (["polars"] if bench.polars_version() else []) + ["python"]
    assert list(result["medians"]) == expected
    assert all(result["same"].values()) and set(result["same"]) == set(expected)
    assert all(seconds > 0 for seconds in result["medians"].values())
    printed = bench.table([result])
    assert "| 3,000 | numpy |" in printed and "1.00× | reference |" in printed
    assert "3,000 farms: beleid / NumPy" in printed


@pytest.mark.skipif(not bench.OPENFISCA_PYTHON.exists(), reason="OpenFisca venv not set up")
def test_the_openfisca_worker_answers_over_its_pipe_and_agrees(population):
    result = bench.measure(3000, 1, seed=5, root=population.parent, python_max_size=0)
    built = bench.OpenFiscaWorker.BUILT
    assert result["same"]["openfisca"] and result["same"][built]
    assert result["medians"][built] > result["medians"]["openfisca"]


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


def test_the_ledger_benchmark_runs_and_a_next_moment_stores_only_its_changes(tmp_path):
    import ledger as ledger_bench

    found = ledger_bench.child_moments(2000, True, str(tmp_path))
    first, later = found["moments"]
    assert first["changes"] == first["open"] > 0  # at the first moment everything is issued
    assert later["open"] > 0 and later["changes"] < later["open"] / 10
    lines = ledger_bench.main(["--quick"])
    assert [line.split()[1] for line in lines[1:3]] == ["first", "next"]
    assert lines[-1].startswith("simulate 2027-2035 (9 moments) at 2,000 farms")
