"""The meaning of the Regeerprogramma's declarations (chapters 4 and 5), pinned against the source.

Each case names a declaration, what it means (kind, the kind of target or commitment, its binding
flag, its deadline, its actor) and the source lines with the words that decide it. The test checks
three things: the words stand on those lines of the source text, the declaration cites those lines,
and the compiled model has exactly that meaning. A changed deadline, a `bindend` added where the
source says "ambitie" or "afgesproken", or a merged milestone fails here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from compiler.workflow.coverage import coverage
from dsl import nodes
from tests.conftest import POLICY

SOURCE = POLICY / "sources" / "001_1166f54ba1c9bc08.txt"
FLAGS = ("bindend", "wettelijk")
# Chapter 4 opens with "Wat is het overkoepelende maatschappelijke probleem?" on line 3174;
# chapter 5 ends on line 4823, before chapter 6 ("De toegang tot zorg ...") on line 4824.
CHAPTERS_4_AND_5 = (3174, 4823)


@dataclass(frozen=True)
class Meaning:
    """One declaration's expected meaning and the source words that decide it."""

    id: str
    kind: str
    soort: str | None  # a target's kind (doelstelling, raming, ...) or a borging's soort
    binding: str | None  # the binding word: the flag (bindend, wettelijk) and/or the karakter
    deadline: str | None  # uiterlijk or termijn as written; None: open (pending) or none
    actor: str | None  # door / wie / eigenaar
    lines: tuple[int, int]  # the source lines that decide it
    words: str  # the deciding words, as they stand on those lines


# fmt: off
CASES = [
    # Targets: binding only where the source binds; the source's own word otherwise.
    Meaning("broeikasgas_2030", "doel", "doelstelling", "bindend", "2030", None,
            (3354, 3355), "In 2030 moet voor het klimaat de broeikasgasuitstoot"),
    Meaning("restemissiedoel_landbouw_landgebruik", "doel", "doelstelling", "afspraak",
            "2030", None, (3357, 3358),
            "vast aan het afgesproken sectorale restemissiedoel"),
    Meaning("klimaatneutraal_2050", "doel", "doelstelling", "afspraak", "2050", None,
            (4124, 4125), "gericht op klimaatneutraliteit in 2050"),
    Meaning("wind_op_zee_50_gw_2040", "doel", "doelstelling", "ambitie", "2040", None,
            (4519, 4519), "Met de ambitie om 50 GW windenergie op zee in 2040"),
    Meaning("routekaart_wind_op_zee_21_gw", "doel", "doelstelling", "toezegging", None, None,
            (4520, 4521), "Routekaart voor 21 GW onverkort uit"),
    Meaning("restemissiedoel_glastuinbouw_2030", "doel", "doelstelling", "afspraak", "2030", None,
            (3714, 3714), "pakket om het restemissiedoel in 2030 te bereiken"),
    # A policy choice is no statutory prohibition; an EU regulation's duty is.
    Meaning("geen_gedwongen_krimp", "verbod", None, "toezegging", None, "kabinet",
            (3315, 3315), "stuurt niet op gedwongen krimp"),
    Meaning("natuurherstelplan", "verplichting", None, "wettelijk", None, "kabinet",
            (3827, 3828), "moet Nederland bovendien aan de slag met de uitvoering"),
    Meaning("geen_gaswinning_groningenveld", "verbod", None, None, None, "kabinet",
            (4624, 4625), "Er wordt geen gas meer gewonnen uit het Groningenveld"),
    # Each dated milestone its own deadline.
    Meaning("verbeterprogramma_vhr_monitoring", "borging", "rapportage", None,
            "2024-11-30", "kabinet", (3867, 3868),
            "In het najaar van 2024 wordt de Kamer geïnformeerd"),
    Meaning("databank_flora_fauna_publiek_2025", "borging", "monitoring", None, "2025", "kabinet",
            (3869, 3870), "De Nationale Databank Flora en Fauna wordt in 2025"),
    Meaning("nationale_klimaatadaptatie_strategie_2026", "borging", "rapportage", None,
            "2026", "kabinet", (4680, 4681),
            "Het kabinet presenteert daarom in 2026 een nieuwe"),
    Meaning("actieagenda_hitte_2025", "borging", "rapportage", None, "2025", "kabinet",
            (4685, 4685), "Er komt een kabinetsbrede actieagenda hitte (2025)."),
    Meaning("ruimte_voor_de_rivier_hernieuwd", "maatregel", None, None, None, "kabinet",
            (4764, 4765), "hernieuwd programma Ruimte voor de Rivier"),
    Meaning("beleidskeuzes_rivieren_2026", "borging", "rapportage", None, "2026", "kabinet",
            (4768, 4769), "In 2026 zijn de nationale beleidskeuzes"),
    Meaning("stoffenbalans", "maatregel", None, None, None, "kabinet",
            (3549, 3552), "(op termijn afrekenbare) stoffenbalans"),
    Meaning("pilots_stoffenbalans_2025", "borging", "monitoring", None, "2025", "kabinet",
            (3552, 3553), "in 2025 getoetst met pilots"),
    # Plans and agendas are reports; only the Klimaatplan follows from the Klimaatwet.
    Meaning("actieagenda_doelsturing", "borging", "rapportage", None, "2024", "kabinet",
            (3562, 3563), "Voor de implementatie wordt nog in 2024 een actieagenda opgesteld."),
    Meaning("klimaatplan_2025", "borging", "rapportage", "wettelijk",
            "2025-06-30", "kabinet", (4122, 4123),
            "Conform de Klimaatwet presenteert het kabinet in Q2 2025 het Klimaatplan"),
    Meaning("programma_bodem_ondergrond_grondwater", "borging", "rapportage", None,
            "2026-11-30", "kabinet", (4689, 4690),
            "In het najaar 2026 komt het kabinet met een beleidsprogramma"),
    Meaning("kwetsbaarheidsanalyse_bodemdaling", "borging", "rapportage", None,
            "2026-11-30", "kabinet", (4695, 4695),
            "In het najaar van 2026 ontvangt de Kamer"),
    Meaning("klimaatopgave_naar_bedrijfsdoelen", "maatregel", None, None, None, "kabinet",
            (4494, 4495), "klimaatopgave voor de landbouw wordt waar nodig en mogelijk"),
    Meaning("herijking_hwbp", "borging", "bestuurlijke_afspraak", None, "2025-12-31", "kabinet",
            (4785, 4786), "Eind 2025 worden hierover bestuurlijke afspraken gemaakt."),
    # Timing words read exactly: medio, begin, eind, Q2, Q4, voor de zomer, met ingang van, per.
    Meaning("einde_salderingsregeling_2027", "maatregel", None, None, "2027-01-01", "kabinet",
            (4552, 4553), "wordt met ingang van 1 januari 2027 beëindigd"),
    Meaning("financiering_kerncentrales_medio_2025", "besluit", None, None, "2025-06-30", "kabinet",
            (4139, 4140), "in de financiering van de bouw (medio 2025)"),
    Meaning("visie_smr_medio_2025", "borging", "rapportage", None, "2025-06-30", "kabinet",
            (4159, 4160), "nationale visie op SMR’s medio 2025"),
    Meaning("nieuwe_routekaart_wind_op_zee_2025", "besluit", None, None, "2025", "kabinet",
            (4522, 4523), "In 2025 stellen we een nieuwe Routekaart voor windenergie op zee"),
    Meaning("partiele_herziening_programma_noordzee", "besluit", None, None,
            "2025-12-31", "kabinet", (4525, 4526),
            "Programma Noordzee, eind 2025 voorzien"),
    Meaning("dekking_kosten_wind_op_zee", "borging", "financiering", None, "2025-12-31", "kabinet",
            (4527, 4528), "Eind 2025 dienen er afspraken te zijn over de budgettaire dekking"),
    Meaning("streefwaarden_energiebesparing", "besluit", None, None, "2025", "kabinet",
            (4588, 4589), "uiterlijk bij Voorjaarsnota 2025 een besluit over streefwaarden"),
    Meaning("visie_waterstofopslag_2025", "borging", "rapportage", None, "2025", "kabinet",
            (4607, 4607), "publiceert het kabinet in 2025 een visie"),
    Meaning("internetconsultatie_gaswet_q4_2024", "borging", "wettelijke_verankering", None,
            "2024-12-31", "kabinet", (4630, 4630),
            "Streven is om in Q4 2024 de internetconsultatie"),
    Meaning("leveringszekerheid_elektriciteit_kamer", "borging", "rapportage", None,
            "2024-12-31", "kabinet", (4651, 4652),
            "informeert de Kamer hierover eind 2024"),
    Meaning("convenant_zero_emissiezones", "borging", "bestuurlijke_afspraak", None,
            "2024-12-31", "kabinet", (4463, 4465),
            "Eind 2024 maken we hierover afspraken met partijen"),
    Meaning("visie_koolstofverwijdering_begin_2025", "borging", "rapportage", None,
            "2025-03-31", "kabinet", (4573, 4574),
            "Het kabinet komt begin 2025 met een bredere visie op koolstofverwijdering"),
    Meaning("plasticheffing_2028", "maatregel", None, None, "2028-01-01", "kabinet",
            (4667, 4668), "per 2028 een heffing op plastic in te voeren"),
    Meaning("vormgeving_plasticheffing_najaar_2024", "borging", "rapportage", None,
            "2024-11-30", "kabinet", (4668, 4669),
            "In het najaar van 2024 wordt in kaart gebracht"),
    Meaning("voedselstrategie_2025", "borging", "rapportage", None, "2025", "kabinet",
            (3433, 3434), "Het kabinet komt in 2025 met een integrale nationale voedselstrategie"),
    Meaning("kennisagenda_dierwaardigheid_2025", "borging", "rapportage", None,
            "2025-05-31", "kabinet", (3685, 3686),
            "voor de zomer van 2025 een kennisagenda opstellen"),
    Meaning("toekomstvisie_garnalenvisserij_2025", "borging", "rapportage", None,
            "2025-03-31", "kabinet", (3771, 3772),
            "in het eerste kwartaal van 2025 aan de Kamer verzonden"),
    Meaning("robots_naar_de_boerenpraktijk", "maatregel", None, None,
            "2025-01-01", "ministerie_lvvn", (3609, 3610),
            "Zo komt er met ingang van 2025 een integraal innovatieprogramma"),
    Meaning("kamer_leefbaarheid_begin_2025", "borging", "rapportage", None, "2025-03-31", "kabinet",
            (3490, 3490), "De Kamer wordt hierover begin 2025 geïnformeerd."),
    Meaning("eerste_richting_gebiedsaanpak_2024", "borging", "rapportage", None,
            "2024-12-31", "kabinet", (3469, 3471),
            "De eerste richting van deze aanpak sturen we voor het einde van 2024"),
    Meaning("brede_beeindigingsregeling_2026", "maatregel", None, None, "2026", "kabinet",
            (3646, 3647), "in 2026, en zo mogelijk eerder"),
    Meaning("uitgangspunten_beeindigingsregeling", "borging", "rapportage", None,
            "2024-12-31", "kabinet", (3652, 3653),
            "voor het einde van 2024 aan de Kamer sturen"),
    # The year is only implicit ("dit jaar", "in het najaar"), or the source gives no date: open.
    Meaning("uitgangspunten_stalbeoordeling", "borging", "rapportage", None, None, "kabinet",
            (3576, 3577), "Het kabinet informeert de Kamer nog dit jaar"),
    Meaning("wetsvoorstel_groen_gas_indienen", "borging", "wettelijke_verankering", None,
            None, "kabinet", (4557, 4558),
            "zo spoedig mogelijk na ontvangst van het advies"),
    Meaning("twee_extra_kerncentrales", "maatregel", None, None, None, "kabinet",
            (4142, 4143), "bouwt het kabinet twee extra kerncentrales"),
    Meaning("voortgangsbrief_biogrondstoffen", "borging", "rapportage", None, None, "kabinet",
            (4568, 4570), "duurzaamheidskader biogrondstoffen in het najaar"),
    Meaning("biogrondstoffenstrategie", "borging", "rapportage", None, None, "kabinet",
            (4570, 4571), "Daarnaast komt het kabinet met een biogrondstoffenstrategie."),
    # A vision studied by another ministry: its own actor.
    Meaning("vernieuwing_stalbeoordeling", "maatregel", None, None, None, "ministerie_ienw",
            (3566, 3567), "het ministerie van IenW samen met het ministerie van LVVN"),
]
# fmt: on


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def source_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").splitlines()


def _binding(decl: nodes.Declaration) -> str | None:
    """`bindend` / `wettelijk` where the declaration has the flag, then its `karakter` word."""
    words = [flag for flag in FLAGS if decl.get(flag) is not None]
    character = decl.value("karakter")
    if isinstance(character, nodes.Ref):
        words.append(character.name)
    return " ".join(words) or None


def _deadline(decl: nodes.Declaration) -> str | None:
    when = decl.value("uiterlijk")
    if isinstance(when, nodes.When):
        return when.text
    term = decl.value("termijn")
    if isinstance(term, nodes.FixedTerm):
        return term.when.text
    return None


def _actor(decl: nodes.Declaration) -> str | None:
    for keyword in ("door", "eigenaar", "wie"):
        value = decl.value(keyword)
        if isinstance(value, nodes.ActorSubject):
            return value.actor.name
        if isinstance(value, nodes.Ref):
            return value.name
    return None


def _soort(decl: nodes.Declaration) -> str | None:
    soort = decl.value("soort")
    if isinstance(soort, nodes.Ref):
        return soort.name
    return "doelstelling" if decl.kind == "doel" else None


def test_there_are_at_least_25_cases_each_once():
    ids = [case.id for case in CASES]
    assert len(ids) >= 25
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_deciding_words_stand_on_the_named_lines(case, source_lines):
    first, last = case.lines
    text = _norm(" ".join(source_lines[first - 1 : last]))
    assert _norm(case.words) in text, f"lines {first}-{last}: {text!r}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_declaration_cites_the_deciding_lines(case, bundled_policy):
    decl = bundled_policy.declarations[case.id].node
    first, last = case.lines
    cited = [
        c
        for c in (f.value for f in decl.all("bron"))
        if c.document.name == "regeerprogramma" and c.first_line <= first and last <= c.last_line
    ]
    assert cited, f"{case.id} cites no bron covering lines {first}-{last}"
    assert any(_norm(case.words) in _norm(c.quote) for c in cited), "the quote leaves them out"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_compiled_model_has_that_meaning(case, bundled_policy):
    decl = bundled_policy.declarations[case.id].node
    found = (decl.kind, _soort(decl), _binding(decl), _deadline(decl), _actor(decl))
    assert found == (case.kind, case.soort, case.binding, case.deadline, case.actor)


@pytest.mark.parametrize("case", [c for c in CASES if c.deadline is None], ids=lambda c: c.id)
def test_an_open_deadline_is_pending_or_absent_never_invented(case, bundled_policy):
    decl = bundled_policy.declarations[case.id].node
    for keyword in ("uiterlijk", "termijn"):
        value = decl.value(keyword)
        assert value is None or isinstance(value, nodes.Pending), (keyword, value)


def test_chapters_4_and_5_leave_no_quantified_passage_unaddressed(bundled_policy):
    """Every passage with a number in chapters 4 and 5 is cited or marked out of scope (chapter
    3's last paragraph, money for housing sites, runs into chapter 4's first heading).
    """
    first, last = CHAPTERS_4_AND_5
    report = {d.document: d for d in coverage(bundled_policy)}
    open_passages = [
        (p.first_line, p.last_line)
        for p in report["regeerprogramma"].unaddressed
        if p.last_line >= first and p.first_line <= last
    ]
    assert open_passages == []
