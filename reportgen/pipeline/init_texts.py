"""The texts ``reportgen init`` writes: the commented config and a README in each folder (Danish for the staff who
fill the folders; the config's comments in English, as the rest of the configuration reference)."""

from __future__ import annotations

from reportgen.domain.areas import Area, registry


def config_text(area: Area, plan_name: str) -> str:
    """A commented ``reportgen.toml`` for ``area``: its plan, inputs, output, schedule, an empty meeting calendar
    with instructions, e-mail left to fill in, and the standard indicators to fetch."""
    group = registry().by_code[area.group].name if area.group else "Hele landet"
    members = [a.code for a in registry().municipalities if a.group == area.group and a.code != area.code]
    areas = ", ".join(f'"{code:03d}"' for code in [0, area.code, *members])
    return CONFIG_TEMPLATE.format(
        kommune=area.official_name, code=area.code, group=group, plan_name=plan_name, domain=_domain(area), areas=areas
    )


CONFIG_TEMPLATE = """# reportgen configuration for {kommune}. Relative paths are relative to this file.
# Check it with `reportgen validate`; build with `reportgen run` (see README.md beside this file).
municipality = {code}                 # {kommune} (kommunegruppe: {group})
plan = "{plan_name}"

[inputs]
economy = ["inputs/economy/*.csv", "inputs/economy/*.xlsx"]
barometer = ["inputs/barometer/*.xlsx", "inputs/barometer/*.csv"]
measurements = ["inputs/maalinger/*.xlsx"]

# The finance system's export: canonical name = the column's name in your export.
[economy.columns]
dato = "Bogføringsdato"
konto = "Konto"
projekt = "Projekt"
tekst = "Posteringstekst"
beloeb = "Beløb"

[output]
dir = "outputs"

[privacy]
min_count = 0            # counts below this many persons are shown as "under N" (e.g. 5)

[schedule]
lead_days = 5            # a committee pack is due this many working days before its meeting
annual = "01-15"         # the annual follow-up is due on this day (MM-DD) after the year
timezone = "Europe/Copenhagen"

# The meeting calendar: one [[meetings]] entry per committee meeting, e.g.
#   [[meetings]]
#   committee = "BEU"
#   date = 2025-03-10
# Until there is one, `reportgen run` builds the annual follow-up (årlig status) of the current year.

# Who receives each committee's pack (once the calendar is there), e.g.
#   [committees.BEU]
#   recipients = ["beu-sekretariat@{domain}"]
#
# E-mail server, sender and the secretariat that hears of every refusal, e.g.
#   [smtp]
#   host = "smtp.{domain}"
#   port = 587
#   security = "starttls"
#   user = "reportgen"
#   password_env = "REPORTGEN_SMTP_PASSWORD"
#   sender = "integration@{domain}"
#   secretariat = "integrationssekretariatet@{domain}"

# Figures fetched by `reportgen fetch` (Statistics Denmark, no key needed; licence CC BY 4.0, cited in the
# reports). Each entry writes one file to inputs/barometer. Look a table up with its tableinfo on
# https://api.statbank.dk/v1/tableinfo/<TABLE>?lang=da and choose the values you follow.
[fetch]
dir = "inputs/barometer"

# Immigrants from non-Western countries living in the municipality, its kommunegruppe's municipalities and the
# whole country, per quarter (FOLK1E: OMRÅDE 000 = Hele landet; HERKOMST 25 = indvandrere fra ikke-vestlige lande).
[[fetch.statbank]]
table = "FOLK1E"
selection = {{ "OMRÅDE" = [{areas}], "KØN" = ["TOT"], ALDER = ["IALT"], HERKOMST = ["25"] }}
indicator = "indvandrere_ikkevestlige"
unit = "antal"
file = "dst-folk1e.csv"
"""


def _domain(area: Area) -> str:
    return f"{area.name.lower().replace(' ', '').replace('æ', 'ae').replace('ø', 'oe').replace('å', 'aa')}.dk"


FOLDER_README = """# reportgen – {kommune}

Mappen er lavet af `reportgen init`. Sådan kommer I i gang:

1. Udfyld planen i `{plan}` (arket *Vejledning* forklarer hvert ark). Eksempelindsatserne (markeret EKSEMPEL)
   erstattes af jeres egne.
2. Læg jeres data i `inputs/` – hver mappe har en README, der siger hvad der skal ligge der – og slet filerne
   `EKSEMPELDATA-…`. Så længe en eksempelfil ligger der, står der EKSEMPELDATA på hver side, og intet kan sendes.
3. Skriv udvalgenes møder og modtagere i `reportgen.toml`.
4. Kontrollér alt med `reportgen validate`, og byg rapporterne med `reportgen run`.

Indikatorer fra Danmarks Statistik hentes med `reportgen fetch` (se `[fetch]` i `reportgen.toml`).
"""

ECONOMY_README = """# Økonomiudtræk

Læg økonomisystemets udtræk her (CSV eller Excel), ét eller flere. reportgen læser posteringerne: dato, konto,
projekt og beløb. Kolonnernes navne i jeres udtræk skrives i `reportgen.toml` under `[economy.columns]`.

Kolonnen med posteringstekst læses aldrig ind i en rapport (den kan indeholde personoplysninger).
To udtræk, der dækker de samme datoer, er en fejl (posteringerne ville tælle to gange): slet det ældste.

`EKSEMPELDATA-oekonomi.csv` er opdigtet – slet den, når jeres eget udtræk ligger her.
"""

BAROMETER_README = """# Indikatorer

Læg indikatorfiler her: tal fra Integrationsbarometeret, Danmarks Statistik eller Jobindsats, som planens
succeskriterier følger (nøglen står i planens kolonne *Indikator*).

* `reportgen fetch` henter tal fra Danmarks Statistik (og Jobindsats med en nøgle) og lægger dem her.
* Integrationsbarometeret har ingen adgang for programmer: hent tabellen på integrationsbarometer.dk som Excel og
  læg den her. Over tabellen skrives to rækker, `Indikator:` med nøglen og `Enhed:` med `pct` eller `antal`; første
  kolonne er `Kommune` eller `Område`, og der er én kolonne pr. periode. Se `EKSEMPELDATA-indikatorer.csv`.

`EKSEMPELDATA-indikatorer.csv` er opdigtet – slet den, når jeres egne tal ligger her.
"""

MEASUREMENTS_README = """# Målingsark

Her ligger de målingsark, som indsatsernes kontaktpersoner udfylder. `reportgen collect` laver arkene udfyldt
på forhånd til hver kontaktperson; de sendes ud, udfyldes og lægges tilbage her.

`EKSEMPELDATA-maalinger.xlsx` er opdigtet – slet den, når de rigtige ark ligger her.
"""
