"""Writes ../series.csv from figures.csv: the rows picked for the bundled series, copied cell for
cell; only the unit is renamed where the page's unit is the indicator's unit under another name.

Run from the repository root: `python monitoring/published/select.py`. Which rows are left out and
why is in monitoring/README.md; nothing here rounds, sums, differences or converts a value.
"""

import csv
from pathlib import Path

HERE = Path(__file__).parent
COLUMNS = (
    "indicator",
    "period",
    "value",
    "unit",
    "status",
    "url",
    "publisher",
    "published",
    "quote",
)

# The page's unit -> the same quantity under the name compiler/check/units.py knows.
SAME_UNIT = {
    "kiloton": "kton",
    "mln kg": "kton",
    "nieuwbouwwoningen": "woningen",
    "%": "%",
    "procent": "%",
    "liter per persoon per dag": "l/persoon/dag",
    "miljard kilogram CO2-equivalenten": "Mton CO2-eq",
    "megaton CO2 eq.": "Mton CO2-eq",
    "megaton CO2-equivalent": "Mton CO2-eq",
    "waterstoftankstations": "aantal",
    "openbare waterstofstations": "aantal",
    "duizend hectare": "duizend ha",
    "hectare": "ha",
    "twh": "TWh",
    "TWh": "TWh",
    "centimeter": "cm",
    "cm": "cm",
    "ja_nee": "ja_nee",
    "megaton CO2-eq": "Mton CO2-eq",
    "Mton CO2-eq": "Mton CO2-eq",
}

# (indicator, text the quote starts with or contains): a row is bundled when one rule matches.
PICKED = {
    "nh3_landbouw": ("Landbouw ", "01 Landbouw"),
    "nh3_industrie": ("Nijverheid (geen energiesector)",),
    "nox_industrie": ("Nijverheid (geen energiesector)",),
    "nox_mobiliteit": ("Verkeer ", "Mobiele bronnen; totaal"),
    "bouwproductie_per_jaar": (
        "Er werden vorig jaar 69.322",
        "in 2019 ging het nog om 71.500",
        "Er zijn vorig jaar 62.000",
        "In 2009 werden zelfs 87.000",
        "(45.000 nieuwbouwwoningen)",
        "Dat is iets minder dan de 74.600",
        "in 2023 73.300 nieuwbouwwoningen",
    ),
    "areaal_habitat_onder_kdw": ("van het oppervlak stikstofgevoelige natuur", "nam toe van 20%"),
    "drinkwatergebruik_per_hoofd": ("Het totale drinkwatergebruik komt uit op 128,1",),
    "aandeel_sociale_huur_voorraad": ("De Staat van de Corporatiesector",),
    "broeikasgasuitstoot_nederland": (
        "193,7 miljard",
        "221,7 miljard",
        "188 megaton CO2 eq",
        "naar 182,5 megaton CO2-equivalent",
        "naar 166 megaton CO2-equivalent",
        "164 megaton aan CO2-equivalent",
    ),
    "areaal_agrarisch_natuurbeheer": (
        "bedroeg het areaal cultuurgrond met agrarisch natuurbeheer",
        "naar in totaal 122.238 hectare",
    ),
    "areaal_nieuw_bos": ("Tussen 2020 en eind 2023 is 1436 hectare bos gerealiseerd",),
    "resterende_areaalopgave_nnn": ("nog zo’n 34.432 hectare", "resteert nog een opgave van 41.257"),
    "hernieuwbare_opwek_op_land": ("staat de teller op 31,4 TWh", "is al 22,8 twh vermogen gebouwd"),
    "co2_uitstoot_industrie": ("CO2 54,4 49,9",),
    "methaanemissie_landbouw": ("De uitstoot van methaan was13,0",),
    "zoetwaterbuffer_ijsselmeer": ("binnen een bandbreedte van maximaal twintig centimeter",),
    "winterpeil_ijsselmeer_stijging": ("Het winterpeil verandert niet. We sturen",),
    "steden_dorpen_klimaatbestendig": ("de weg naar een klimaatbestendige inrichting",),
    "klimaatadaptatie_landelijk_gebied": ("de weg naar een klimaatbestendige inrichting",),
    "droogtebestendigheid_hoofdwatersysteem": ("nog niet weerbaar is tegen watertekort",),
    "luchtkwaliteit_who_2005": ("boven de WHO-advieswaarde voor PM10 en in 2020 nog ruim 13.000",),
    "economie_volledig_circulair": ("is nog nauwelijks dichterbij gekomen",),
    "klimaatneutraal_chemelot": ("verlaagd van 5,66 naar 5,24 megaton",),
    "waterstoftankstations": (
        "17 waterstoftankstations",
        "vier openbare waterstofstations",
        "veertien waterstoftankstations",
    ),
}


def picked(row: dict) -> bool:
    rules = PICKED.get(row["indicator"], ())
    return not row["entity"] and any(rule in row["quote"] for rule in rules)


def main(out: Path = HERE.parent / "series.csv") -> None:
    with (HERE / "figures.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if picked(r)]
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([SAME_UNIT[r[c]] if c == "unit" else r[c] for c in COLUMNS])


if __name__ == "__main__":
    main()
