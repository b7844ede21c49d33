"""The meaning audit of issue 15: what each declaration says, pinned to the source line deciding it.

Each row of tests/cases/meaning_audit.csv names a declaration, what the compiled model must say of
it, the source line(s) that decide that reading and the words on them that decide it:

    id, kind, binding (ja/nee), karakter, deadline, actor, source (SEED:FIRST-LAST), deciding words

- kind: the declaration's kind and its `soort` (for a `maatregel` its `status`): `doel/raming` is
  an estimate, `borging/rapportage` a report, `maatregel/in_uitvoering` a programme being carried
  out;
- legally binding: `bindend` (a target, a prohibition) or `wettelijk` (an obligation, a
  safeguard), only where the source binds;
- karakter: the source's own word (compiler/check/character.py), None where the target binds and
  the source gives no other word, or for kinds that carry none;
- deadline: the text of `uiterlijk` or of `termijn uiterlijk` (a year is 31 December; "medio" is
  30 June, "begin" 31 March), None where the source gives none;
- actor: `door`, `eigenaar` or `wie`, None where the source names no one.

SEED is the seed file under policy/sources/ (000 the Vervolgpakket, 002 the Bespreeknotitie BLG,
003 the 2022 annex, 004 the NMP progress letter). Where a reading is not obvious, a `bevinding`
records the choice (e.g. `streefwaarden_2030_niet_bindend`, `nplg_opgaven_niet_bindend`,
`wbs_structurerend_niet_bindend`, `nplg_begin_medio_2023`, `woningbouw_900000_behoefte`).
"""

from __future__ import annotations

import csv

import pytest

from compiler import compile_paths
from dsl import nodes
from tests.conftest import POLICY, ROOT

SOURCES = {
    "000": "000_84241d2be2434db2.txt",
    "002": "002_08da6c9771a54080.txt",
    "003": "003_abd40f8b91618ee2.txt",
    "004": "004_839406698efe63be.txt",
}

AUDIT = ROOT / "tests" / "cases" / "meaning_audit.csv"


def _row(record: dict) -> tuple:
    return (
        record["id"],
        record["kind"],
        record["binding"] == "ja",
        record["karakter"] or None,
        record["deadline"] or None,
        record["actor"] or None,
        record["source"],
        record["deciding_words"],
    )


with AUDIT.open(encoding="utf-8", newline="") as handle:
    ROWS = [_row(record) for record in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def policy():
    compilation = compile_paths([str(POLICY)])
    assert not compilation.diagnostics.has_errors
    return compilation.policy


def _lines(ref: str) -> str:
    seed, lines = ref.split(":")
    first, last = (int(n) for n in lines.split("-"))
    text = (POLICY / "sources" / SOURCES[seed]).read_text(encoding="utf-8").split("\n")
    return " ".join(" ".join(text[first - 1 : last]).split())


def _meaning(decl) -> tuple:
    node = decl.node
    word = getattr(node.value("soort"), "name", None) or getattr(node.value("status"), "name", None)
    kind = f"{decl.kind}/{word or ('doelstelling' if decl.kind == 'doel' else '')}"
    binding = node.get("bindend") is not None or node.get("wettelijk") is not None
    character = getattr(node.value("karakter"), "name", None)
    by, term = node.value("uiterlijk"), node.value("termijn")
    deadline = by.text if isinstance(by, nodes.When) else None
    if isinstance(term, nodes.FixedTerm):
        deadline = term.when.text
    actor = next(
        (v.name for v in (node.value("door"), node.value("eigenaar")) if isinstance(v, nodes.Ref)),
        None,
    )
    subject = node.value("wie")
    if actor is None and isinstance(subject, nodes.ActorSubject):
        actor = subject.actor.name
    return kind, binding, character, deadline, actor


def test_the_audit_pins_at_least_60_declarations_of_the_four_seeds():
    assert len({row[0] for row in ROWS}) == len(ROWS) >= 60
    assert {row[6].split(":")[0] for row in ROWS} == set(SOURCES)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row[0])
def test_the_deciding_words_stand_on_the_named_lines(row):
    assert " ".join(row[7].split()) in _lines(row[6]), row[6]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row[0])
def test_the_compiled_model_says_what_the_source_says(policy, row):
    assert _meaning(policy.declarations[row[0]]) == row[1:6]


def test_the_kinds_of_meaning_the_audit_corrected(policy):
    """The corrections of the audit, each a kind of error the issue names."""
    meaning = {row[0]: row for row in ROWS}
    # bindend only where the source binds: a streefwaarde, streefdoel, afspraak, opgave is not
    for ident in (
        "nh3_landbouw_2030",
        "klimaatwet_2030_streefdoel",
        "schone_lucht_akkoord_2030",
        "res_35_twh_2030",
        "nplg_kdw_2030",
        "wbs_sk13_diepe_polders",
    ):
        assert meaning[ident][2] is False, ident
    # an estimated need is an estimate, not a target
    assert meaning["woningbouw_900000_2030"][1:4] == ("doel/raming", False, "behoefte")
    # two milestones are two deadlines, not one with the later date
    assert (meaning["nmp_concept_2023"][4], meaning["nmp_planning_2022"][4]) == (
        "2023-06-30",
        "2023-12-31",
    )
    assert meaning["plan_energiesysteem_2023"][4] == "2023-05-31"
    # "medio" and "begin" are not the end of the year
    assert meaning["nplg_ontwerpprogramma"][4] == "2023-06-30"
    assert meaning["nplg_ijkmoment_2023"][4] == "2023-03-31"
    # a research milestone is not legal anchoring; a programme carried out is not `uitgevoerd`
    assert meaning["wbs_kennisprogramma_zeespiegelstijging_2023"][1] == "borging/rapportage"
    assert meaning["nationaal_waterprogramma"][1] == "maatregel/in_uitvoering"
