"""The bundled policy: seed 000 is encoded as the issue lists it, and its checks bite on real
data.
"""

from __future__ import annotations

import re
import shutil

import pytest

from compiler import compile_paths
from tests.conftest import POLICY


@pytest.fixture(scope="module")
def compilation():
    return compile_paths([str(POLICY)])


def test_the_dependency_chain_runs_from_indicator_to_enforcement(compilation):
    graph = compilation.graph.graph
    chain = [
        "nh3_landbouw",
        "nh3_landbouw_2030",
        "landbouw_achter_op_streefwaarde",
        "bedrijfsplan",
        "handhaving_doelsturing",
    ]
    for source, target in zip(chain, chain[1:], strict=False):
        assert graph.has_edge(source, target), f"{source} -> {target}"
    assert graph.has_edge("spuiwater_ureum", "nh3_landbouw_2035")  # measure -> target
    assert graph.has_edge("vervolgpakket", "nvhs_middelen")  # source -> citing declaration


def test_pending_values_are_the_2030_streefwaarden_and_open_terms(compilation):
    pending = {
        re.findall(r"`([a-z0-9_]+)`", d.message)[-1]
        for d in compilation.diagnostics
        if d.code.id == "P401"
    }
    assert {
        "nh3_landbouw_2030",
        "nh3_industrie_2030",
        "nox_mobiliteit_2030",
        "bedrijfsplan",
    } <= pending


def test_every_declaration_cites_seed_000(compilation):
    """Every declaration cites a source, except documents and the passages marked out of scope,
    which name their lines with `passage` instead.
    """
    for decl in compilation.policy.declarations.values():
        if decl.kind == "buiten_scope":
            assert decl.node.all("passage") and not decl.node.all("bron"), decl.id
        elif decl.kind != "document":
            assert decl.node.all("bron"), decl.id


@pytest.mark.parametrize(
    "old, new, codes",
    [
        (
            "startpakket € 750 mln, vervolgpakket € 375 mln, totaal € 1125 mln",
            "startpakket € 750 mln, vervolgpakket € 376 mln, totaal € 1125 mln",
            {"P230", "P250"},
        ),
        ("€ 50 mln", "€ 450 mln", {"P231", "P250"}),
        ('regel 138 "Mest 250   250"', 'regel 138 "Mest 205   250"', {"P205"}),
    ],
)
def test_a_changed_number_in_table_1_is_caught(tmp_path, old, new, codes):
    copy = tmp_path / "policy"
    shutil.copytree(POLICY, copy)
    table = copy / "stikstof" / "begroting.policy"
    text = table.read_text(encoding="utf-8")
    assert old in text
    table.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = {
        d.code.id for d in compile_paths([str(copy)]).diagnostics if d.severity.value == "error"
    }
    assert found == codes


@pytest.mark.parametrize(
    "on, expected",
    [
        (
            "2023-06-01",
            {
                "nplg": "in force",
                "transitiefonds": "in force",
                "nplg_kdw_2030": "in force",
                "uitvoeringsgerichte_gebiedsspecifieke_aanpak": "not yet",
            },
        ),
        (
            "2025-10-01",
            {
                "nplg": "ended",
                "transitiefonds": "ended",
                "nplg_krw_2027": "in force",  # kept by `behoudt`
                "nplg_kdw_2030": "ended",  # replaced by the spoedwet's emission targets
                "uitvoeringsgerichte_gebiedsspecifieke_aanpak": "in force",
            },
        ),
    ],
)
def test_history_the_nplg_stops_while_its_goals_stand(compilation, on, expected):
    import datetime as dt

    from compiler.check.timeline import as_of

    states = {
        s.declaration.id: s.state for s in as_of(compilation.policy, dt.date.fromisoformat(on))
    }
    assert {name: states[name] for name in expected} == expected
