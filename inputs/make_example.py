"""Generate the shipped example inputs for Frederiksberg's 2019 action plan (illustrative data).

    python inputs/make_example.py

Writes, next to this script:
  economy/oekonomi_2019_2020.csv        posting-level export: Windows-1252, ';', decimal comma, thousands dot,
                                        title rows above the header, trailing-minus corrections
  barometer/integrationsbarometer.xlsx  wide layout, four indicators (one sheet each), 98 municipalities, Hele landet
                                        and the regions, 2015-2019, with '..' for suppressed values
  maalinger/maalinger-<contact>.xlsx    the measurement sheets, one per contact, as `reportgen collect` writes them,
                                        filled with quarterly cumulative figures 2019K1-2020K4 and a few written
                                        assessments (sheet Vurdering)

Everything is deterministic (fixed seed), so the committed files are reproducible. The figures are made up to
exercise every status; they are not Frederiksberg's results.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from reportgen.domain.areas import registry
from reportgen.outputs import atomic_write_bytes
from reportgen.plan import load_plan
from reportgen.render.measurement_sheet import build_workbook, measurement_rows

QUARTERS = [f"{y}K{q}" for y in (2019, 2020) for q in (1, 2, 3, 4)]

# Final cumulative figure per (initiative, measure) and the quarter it is first reported in.
COUNTS: dict[tuple[str, str], tuple[float, int]] = {
    ("1", "deltagere"): (38, 0),
    ("1", "afklarede"): (38, 0),
    ("1", "i_beskaeftigelsesrettet_tilbud"): (21, 1),
    ("1", "gennemfoert_sundhedstilbud"): (27, 2),
    ("1", "blevet_jobparate"): (11, 3),
    ("2", "deltagere"): (12, 0),
    ("2", "aegtefaeller_i_tilbud"): (5, 1),
    ("2", "aegtefaeller_selvforsoergende"): (3, 3),
    ("3", "deltagere"): (23, 0),
    ("3", "klar_til_kursustrappen"): (9, 1),
    ("3", "bedre_psykisk_overskud"): (16, 2),
    ("3", "andre_aktiviteter"): (12, 1),
    ("3", "bedre_dansk"): (10, 2),
    ("3", "udbreder_viden"): (7, 3),
    ("4", "deltagere"): (12, 0),
    ("4", "gennemfoert"): (10, 2),
    ("4", "i_uddannelse_eller_job"): (5, 4),
    ("5", "forloeb"): (4, 0),
    ("5", "elever_i_maalgruppen"): (20, 0),
    ("5", "mindst_02_i_fagene"): (14, 5),
    ("5", "startet_ungdomsuddannelse"): (17, 6),
    ("6", "udleverede_pas_2019"): (72, 0),
    ("6", "udleverede_pas_2020"): (66, 4),
    ("7", "elever_i_idraetsudvalget"): (7, 0),
    ("7", "faste_deltagere_hcoe"): (44, 0),
    ("7", "deltagere_pr_event_fg"): (17, 1),
    ("8", "rollemodeller_rekrutteret"): (20, 0),
    ("8", "rollemodeller_gennemfoert"): (16, 2),
    ("8", "bevaegelsestiltag"): (4, 3),
    ("8", "deltagere_i_aktiviteter"): (64, 3),
    ("9", "deltagere"): (18, 0),
    ("9", "familier_med_venskab"): (11, 1),
    ("9", "familier_i_forening"): (4, 2),
    ("9", "moeder_pr_boligomraade"): (21, 0),
    ("9", "blevet_frivillige"): (3, 4),
    ("10", "borgere_understoettet"): (236, 0),
    ("10", "hjemmebesoeg"): (41, 0),
    ("10", "loest_eller_henvist"): (229, 0),
    ("10", "bydelsmoedre"): (12, 1),
    ("10", "bydelsmoedre_med_kendskab"): (12, 3),
    ("11", "brugere_pr_uge"): (17, 0),
    ("11", "henvendelser"): (430, 0),
    ("11", "afklarede_henvendelser"): (412, 0),
    ("12", "kontakt_til_aeldre"): (27, 0),
    ("12", "aeldre_i_samvaersgrupper"): (10, 1),
    ("12", "samarbejder"): (3, 2),
    ("12", "bruger_etablerede_tilbud"): (6, 3),
}
# Measures that are not cumulative: reported as the current level each quarter.
LEVELS = {
    ("2", "familier_paa_ydelse"): [30, 30, 29, 29, 28, 27, 27, 26],
    ("7", "deltagere_pr_event_fg"): [21, 19, 18, 17, 17, 17, 17, 17],
}
# Measures whose final figure is reached early (quarter index), e.g. Kursuscaféen's 26-week course in 2019.
FULL_BY = {("3", "deltagere"): 3, ("6", "udleverede_pas_2019"): 3}
# Per-year measures: reported only in their year.
ONLY_YEAR = {("6", "udleverede_pas_2019"): 2019, ("6", "udleverede_pas_2020"): 2020, ("5", "mindst_02_i_fagene"): 2020}
# Qualitative status per measure: (quarter index, status, comment).
QUALITATIVE: dict[tuple[str, str], list[tuple[int, str, str]]] = {
    ("1", "positiv_forandring_sundhed"): [
        (3, "På vej", "Spørgeskema efter 2. forløb: 84 % af 31 besvarelser oplever en positiv forandring."),
        (7, "På vej", "Spørgeskema efter 4. forløb: 87 % af 36 besvarelser."),
    ],
    ("1", "kendskab_sundhedstilbud"): [
        (7, "Opfyldt", "93 % kender nu mindst ét kommunalt eller frivilligt sundhedstilbud.")
    ],
    ("2", "kendskab_samfundskrav"): [(7, "Opfyldt", "Evaluering ved forløbets afslutning.")],
    ("2", "positiv_familiedynamik"): [(7, "På vej", "Opfølgningsinterviews 3 måneder efter forløbet pågår.")],
    ("2", "stoetter_kvindens_aktiviteter"): [(7, "Opfyldt", "")],
    ("2", "viden_om_tilbud"): [(7, "Opfyldt", "Besøg i daginstitutioner og hos Bydelsmødre & Baba.")],
    ("2", "netvaerk"): [(7, "Bagud", "Kun det ene hold mødes fortsat efter forløbet.")],
    ("3", "understoettelse_kerneopgave"): [
        (3, "Opfyldt", "Jobcenter og Kursustrappen melder om bedre forberedte deltagere.")
    ],
    ("3", "sammenhaengskraft"): [(7, "På vej", "")],
    ("7", "pigegruppe_konsolideret"): [(3, "På vej", ""), (7, "Opfyldt", "Pigegruppen har 8 faste medlemmer.")],
    ("8", "tilbagevendende_aktiviteter"): [
        (7, "På vej", "Faste aktiviteter i Klub Jokeren; Klub Filippa starter i 2021.")
    ],
    ("9", "positiv_foraeldrerolle"): [(7, "Opfyldt", "")],
    ("9", "stoettet_job_uddannelse"): [(7, "På vej", "")],
    ("9", "positiv_forandring_hjemmet"): [(7, "Opfyldt", "")],
    ("9", "kendskab_tilbud"): [(7, "Opfyldt", "")],
    ("9", "netvaerk"): [(7, "Opfyldt", "Netværket mødes på tværs af de to boligområder.")],
    ("10", "digitale_kompetencer"): [(7, "På vej", "")],
    ("10", "indblik_digitalt_danmark"): [(7, "På vej", "")],
    ("11", "koncept_udviklet"): [(3, "Opfyldt", "Fordeling ca. 55/45 mellem medarbejdere og frivillige.")],
}
# The contact persons' written assessments (sheet Vurdering), by initiative and quarter.
ASSESSMENTS: dict[tuple[str, str], str] = {
    ("1", "2020K2"): (
        "Tredje forløb er gennemført trods nedlukningen i foråret, hvor holdene mødtes udendørs og over telefonen. "
        "Sundhedstilbuddene har været lukket i perioden, så færre deltagere end planlagt har gennemført et tilbud."
    ),
    ("1", "2020K4"): (
        "Indsatsen har nået næsten alle de planlagte deltagere over fire forløb, og flere end ventet er blevet "
        "jobparate. Andelen, der gennemfører et sundhedstilbud, er under målet, fordi flere tilbud var lukket under "
        "covid-19. Vi anbefaler, at samarbejdet med de frivillige sundhedstilbud videreføres i den almindelige drift."
    ),
    ("2", "2020K4"): (
        "Begge hold er gennemført, og flere ægtefæller deltager nu i et beskæftigelsesrettet tilbud. Netværket mellem "
        "deltagerne er svært at holde i gang efter forløbet; kun det ene hold mødes fortsat. I 2021 afprøver vi faste "
        "netværksmøder sammen med Bydelsmødrene."
    ),
    ("3", "2020K3"): (
        "Kursuscaféen har genåbnet efter sommerferien med færre pladser på grund af afstandskravene. Kvinderne kommer "
        "stabilt, og flere er gået videre til Kursustrappen og til andre aktiviteter i lokalområdet."
    ),
    ("4", "2020K4"): (
        "De fleste unge har gennemført forløbet. Overgangen til uddannelse eller job er endnu under målet, men flere "
        "unge er i praktik og ventes at begynde på en uddannelse i sommeren 2021."
    ),
    ("7", "2020K4"): (
        "Idrætsudvalget på HCØ er fortsat aktivt, og pigegruppen på Frederiksberg Gymnasium har fået faste medlemmer. "
        "Større idrætsevents har ikke kunnet holdes i efteråret på grund af forsamlingsforbuddet."
    ),
    ("11", "2020K2"): (
        "Rådgivningen blev lagt om til telefon og video under nedlukningen i foråret. Henvendelserne handler især om "
        "breve fra det offentlige og digital post."
    ),
}
# Spending by the end of 2020 as a share of the initiative's budget (initiative 8 overspends).
SPEND_SHARE = {
    "1": 0.97,
    "2": 0.93,
    "3": 1.0,
    "4": 0.88,
    "5": 0.95,
    "6": 0.91,
    "7": 0.99,
    "8": 1.08,
    "9": 0.94,
    "10": 0.87,
    "11": 0.96,
    "12": 0.9,
}
TEXTS = [
    "Honorar underviser",
    "Lokaleleje",
    "Tolkebistand",
    "Materialer",
    "Forplejning",
    "Transport",
    "Aktivitetsudgifter",
    "Løn projektmedarbejder",
]


def danish_amount(value: Decimal) -> str:
    """1234.5 -> '1.234,50'; negatives with a trailing minus, as the finance system writes corrections."""
    q = abs(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, frac = f"{q:.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{frac}" + ("-" if value < 0 else "")


def make_economy(plan, rng: random.Random) -> bytes:
    rows = []
    for initiative in plan.initiatives:
        total = Decimal(int(initiative.budget_total * Decimal(str(SPEND_SHARE[initiative.id]))))
        months = [(2019, m) for m in range(2, 13)] + [(2020, m) for m in range(1, 13)]
        weights = [rng.uniform(0.5, 1.5) for _ in months]
        scale = total / Decimal(str(sum(weights)))
        remaining = total
        for k, ((year, month), w) in enumerate(zip(months, weights, strict=False)):
            amount = remaining if k == len(months) - 1 else (Decimal(str(w)) * scale).quantize(Decimal("0.01"))
            remaining -= amount
            parts = rng.choice([1, 1, 2])
            first = (amount / parts).quantize(Decimal("0.01")) if parts == 2 else amount
            for piece in [first, amount - first] if parts == 2 else [amount]:
                day = rng.randint(1, 28)
                rows.append(
                    (
                        f"{day:02d}-{month:02d}-{year}",
                        "5.46.60.001" if rng.random() < 0.8 else "5.46.61.002",
                        initiative.economy.projects[0],
                        rng.choice(TEXTS),
                        piece,
                    )
                )
            if rng.random() < 0.08:  # a correction: booked and reversed
                wrong = Decimal(rng.randint(500, 5000))
                rows.append(
                    (f"15-{month:02d}-{year}", "5.46.60.001", initiative.economy.projects[0], "Fejlpostering", wrong)
                )
                rows.append(
                    (
                        f"20-{month:02d}-{year}",
                        "5.46.60.001",
                        initiative.economy.projects[0],
                        "Korrektion af fejlpostering",
                        -wrong,
                    )
                )
    for month in range(1, 13):  # other jobcentre postings without a project: not part of any initiative
        rows.append(
            (
                f"10-{month:02d}-2019",
                "5.46.60.001",
                "",
                "Integrationsprogram, øvrige",
                Decimal(rng.randint(20000, 60000)),
            )
        )
    rows.sort(key=lambda r: (r[0][6:], r[0][3:5], r[0][:2]))
    out = io.StringIO()
    out.write("Posteringsudtræk – Jobcenter Frederiksberg, integrationspuljen\r\n")
    out.write("Udtrukket 15-01-2021 (illustrative eksempeldata)\r\n\r\n")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Bogføringsdato", "Konto", "Projekt", "Posteringstekst", "Beløb"])
    for date, account, project, text, amount in rows:
        writer.writerow([date, account, project, text, danish_amount(amount)])
    return out.getvalue().encode("cp1252")


INDICATORS = [
    (
        "beskaeftigelse_3aar",
        "Andel flygtninge og familiesammenførte (21-64 år) i ordinær beskæftigelse efter 3 år",
        "pct",
        (25, 50),
        0.9,
    ),
    (
        "offentlig_forsoergelse",
        "Andel flygtninge og familiesammenførte (21-64 år) på offentlig forsørgelse efter 3 år",
        "pct",
        (35, 65),
        -0.9,
    ),
    (
        "ungdomsuddannelse_20_24",
        "Andel 20-24-årige med ikke-vestlig baggrund, der har gennemført en ungdomsuddannelse",
        "pct",
        (40, 65),
        0.6,
    ),
    ("igu_forloeb", "Antal påbegyndte IGU-forløb", "antal", (0, 40), 0),
]
SUPPRESSED = {"Læsø", "Fanø", "Samsø", "Ærø"}


def make_barometer(rng: random.Random) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    areas = registry().municipalities
    years = list(range(2015, 2020))
    wb = Workbook()
    wb.remove(wb.active)
    for key, title, unit, (low, high), trend in INDICATORS:
        ws = wb.create_sheet(key[:31])
        ws.append([f"Integrationsbarometer – {title}"])
        ws["A1"].font = Font(bold=True)
        ws.append(["Indikator:", key])
        ws.append(["Enhed:", "pct" if unit == "pct" else "antal"])
        ws.append([])
        ws.append(["Kommune"] + [str(y) for y in years])
        for c in ws[5]:
            c.font = Font(bold=True)
        values_by_year: dict[int, list[float]] = {y: [] for y in years}
        for area in areas:
            base = rng.uniform(low, high)
            if area.code == 147 and unit == "pct":
                base = high - 2 if trend > 0 else low + 2  # Frederiksberg does relatively well
            row: list[object] = [area.name]
            for k, y in enumerate(years):
                if area.name in SUPPRESSED and unit == "pct":
                    row.append("..")
                    continue
                if unit == "pct":
                    v = round(min(95.0, max(3.0, base + trend * k + rng.uniform(-2, 2))), 1)
                else:
                    v = int(max(0, base * (0.4 + 0.3 * k) + rng.uniform(-2, 2)))
                values_by_year[y].append(v)
                row.append(v)
            ws.append(row)
        national = ["Hele landet"] + [
            round(sum(values_by_year[y]) / len(values_by_year[y]), 1) if unit == "pct" else int(sum(values_by_year[y]))
            for y in years
        ]
        ws.append(national)
        ws.append([])
        ws.append(["Kilde: illustrative eksempeldata i Integrationsbarometerets format; ikke officielle tal."])
        ws.column_dimensions["A"].width = 24
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def measurement_values(plan) -> dict[tuple[str, str, str], object]:
    values: dict[tuple[str, str, str], object] = {}
    for (initiative, measure), (final, first) in COUNTS.items():
        if (initiative, measure) in LEVELS:
            continue
        year = ONLY_YEAR.get((initiative, measure))
        quarters = [q for q in QUARTERS if year is None or q.startswith(str(year))]
        start = max(0, first - (QUARTERS.index(quarters[0])))
        full = FULL_BY.get((initiative, measure), len(quarters) - 1)
        span = full - start + 1
        for k, q in enumerate(quarters):
            if k < start:
                continue
            share = min(1.0, (k - start + 1) / span)
            values[(initiative, measure, q)] = round(final * share) if share < 1 else int(final)
    for (initiative, measure), series in LEVELS.items():
        for q, v in zip(QUARTERS, series, strict=False):
            values[(initiative, measure, q)] = v
    for (initiative, measure), entries in QUALITATIVE.items():
        for index, status, comment in entries:
            values[(initiative, measure, QUARTERS[index])] = (status, comment or None)
    return values


def main() -> None:
    plan = load_plan(HERE / "handleplan_2019.yaml")
    rng = random.Random(2019)
    atomic_write_bytes(HERE / "economy" / "oekonomi_2019_2020.csv", make_economy(plan, rng))
    atomic_write_bytes(HERE / "barometer" / "integrationsbarometer.xlsx", make_barometer(rng))
    values = measurement_values(plan)
    from reportgen.domain.danish_text import slugify

    for contact, rows in measurement_rows(plan).items():
        mine = {k: v for k, v in values.items() if any(r["initiative"] == k[0] and r["measure"] == k[1] for r in rows)}
        judged = {k: text for k, text in ASSESSMENTS.items() if any(r["initiative"] == k[0] for r in rows)}
        atomic_write_bytes(
            HERE / "maalinger" / f"maalinger-{slugify(contact)}.xlsx",
            build_workbook(plan, contact, rows, "2020K4", mine, judged),
        )
    print("wrote example inputs under", HERE)


if __name__ == "__main__":
    main()
