"""Indicator spreadsheets (Integrationsbarometer, Statbank, Jobindsats): layouts, areas, periods, symbols, errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from reportgen.domain.areas import registry
from reportgen.errors import InputError, ProblemLog
from reportgen.readers.indicators import BarometerColumns, read_barometer
from reportgen.readers.indicators import BarometerFileSettings as BarometerFile
from reportgen.readers.indicators import BarometerSettings as BarometerConfig
from tests.conftest import DATA

STATBANK = DATA / "barometer" / "dst-straf11-2025.csv"  # the real export, committed as a fixture


def read(
    name: str, config: BarometerConfig | None = None
) -> tuple[dict[tuple[str, int, str], float | None], ProblemLog]:
    problems = ProblemLog()
    frame = read_barometer(DATA / "barometer" / name, name, config or BarometerConfig(), problems)
    values = {
        (r["indicator"], r["area"], r["period"]): (None if math.isnan(r["value"]) else r["value"])
        for r in frame.to_dict("records")
    }
    return values, problems


def test_wide_layout_with_every_spelling_symbol_and_percentage() -> None:
    values, problems = read("bred.xlsx")
    assert problems.problems == []
    k = "beskaeftigelse_3aar"
    assert values[(k, 147, "2018")] == pytest.approx(0.415)  # "Frederiksberg Kommune", 41.5 with unit pct
    assert values[(k, 147, "2019")] == pytest.approx(0.42)  # "42,0"
    assert values[(k, 101, "2018")] == pytest.approx(0.385)  # "Københavns Kommune", "38,5%"
    assert (
        values[(k, 480, "2018")] is None and values[(k, 480, "2019")] is None
    )  # "Nordfyns": '..' and '...' stay missing
    assert values[(k, 820, "2018")] == 0.0  # "Vesthimmerlands Kommune": '-' is nil
    assert values[(k, 400, "2019")] == pytest.approx(0.3125)  # "Bornholms Regionskommune"
    assert values[(k, 326, "2019")] == pytest.approx(0.38)  # "0326 Kalundborg"
    assert values[(k, 0, "2019")] == pytest.approx(0.412)  # Hele landet
    assert values[(k, 1084, "2019")] == pytest.approx(0.40)  # a region is kept as its own area
    assert values[(k, 411, "2019")] is None  # Christiansø, empty cells


def test_wide_csv_with_quarters_in_three_spellings() -> None:
    values, problems = read("bred_kvartal.csv")
    assert problems.problems == []
    assert values[("igu_forloeb", 492, "2019K1")] == 1  # Ærø, Windows-1252
    assert values[("igu_forloeb", 751, "2019K2")] == 11  # "2019Q2"
    assert values[("igu_forloeb", 0, "2019K3")] == 120  # "2019 3. kvt."


def test_long_layout_with_months_rolling_years_and_y01() -> None:
    values, problems = read("lang.csv")
    assert problems.problems == []
    assert values[("ledighed", 147, "2019M09")] == pytest.approx(0.035)
    assert values[("ledighed", 0, "2019M09")] == pytest.approx(0.041)
    assert values[("ydelse", 147, "2019QMAT04")] == 1234
    assert values[("ydelse", 147, "2019")] == 1300  # 2019Y01 is the year
    assert values[("ydelse", 0, "2019QMAT04")] is None


def test_jobindsats_long_layout_with_the_indicator_from_config() -> None:
    config = BarometerConfig(files={"jobindsats*.xlsx": BarometerFile(indicator="igu_forloeb")})
    values, problems = read("jobindsats.xlsx", config)
    assert problems.problems == []
    assert values[("igu_forloeb", 480, "2019M12")] == 4
    assert values[("igu_forloeb", 998, "2019M12")] == 1  # Uoplyst kommune: a non-municipal area
    assert not registry().by_code[998].is_municipality


def test_errors_name_sheet_row_and_column_and_suggest_the_nearest_area() -> None:
    _, problems = read("fejl.csv")
    messages = [str(p) for p in problems.errors]
    assert (
        "fejl.csv:2:C: header '2019X9' is not a period (a period such as 2019, 2019K3, 2019Q3, 2019M09, 2019 3. kvt., 2019QMAT04 or 2019Y01)"
        in messages
    )
    assert any(
        m.startswith("fejl.csv:3:A: unknown area 'Frederiksborg'; did you mean 'Frederiksberg'?") for m in messages
    )
    assert any(m.startswith("fejl.csv:4:B: '12,3,4' is not a number") for m in messages)


def test_a_file_in_neither_layout(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_barometer(path, "x.csv", BarometerConfig(), ProblemLog())
    assert "neither layout found" in str(info.value)


def test_symbols_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Indikator: n\nKommune;2019\nFrederiksberg;-\n", encoding="utf-8")
    config = BarometerConfig(symbols={"-": "missing"})
    frame = read_barometer(path, "x.csv", config, ProblemLog())
    assert math.isnan(frame["value"].iloc[0])


@pytest.fixture(scope="module")
def statbank() -> dict[tuple[str, int, str], float]:
    config = BarometerConfig(
        files={
            "dst-straf11*.csv": BarometerFile(
                columns=BarometerColumns(area="OMRÅDE", indicator="OVERTRÆD", period="TID", value="INDHOLD")
            )
        }
    )
    problems = ProblemLog()
    frame = read_barometer(STATBANK, "dst-straf11-2025.csv", config, problems)
    assert problems.problems == [] and len(frame) == 3286
    return {(r["indicator"], r["area"], r["period"]): r["value"] for r in frame.to_dict("records")}


def test_the_committed_copy_is_the_real_export() -> None:
    import hashlib

    assert (
        hashlib.sha256(STATBANK.read_bytes()).hexdigest()
        == "5ded9fde0d18e6a2f25612fb89c04f8e76fc90b507dd9ccba3680743cd1e69d1"
    )


def test_the_real_statbank_export_gives_frederiksberg_and_national_values(
    statbank: dict[tuple[str, int, str], float],
) -> None:
    assert statbank[("straffelov_i_alt", 0, "2025K1")] == 75797
    assert statbank[("voldsforbrydelser_i_alt", 0, "2025K1")] == 6739
    indicators = {k[0] for k in statbank}
    assert len(indicators) == 10
    for quarter in ("2025K1", "2025K2", "2025K3", "2025K4"):
        assert statbank[("straffelov_i_alt", 147, quarter)] > 0
        assert statbank[("straffelov_i_alt", 0, quarter)] > statbank[("straffelov_i_alt", 147, quarter)]


def test_the_real_statbank_export_adds_up(statbank: dict[tuple[str, int, str], float]) -> None:
    """Municipalities add up to their region (Christiansø counted in Hovedstaden), regions plus Uoplyst to the country."""
    areas = registry()
    for quarter in ("2025K1", "2025K4"):
        key = "straffelov_i_alt"
        for region in (1081, 1082, 1083, 1084, 1085):
            name = areas.by_code[region].name
            members = [a.code for a in areas.by_code.values() if a.region == name and a.kind in ("kommune", "andet")]
            assert sum(statbank.get((key, m, quarter), 0) for m in members) == statbank[(key, region, quarter)]
        regions = sum(statbank[(key, r, quarter)] for r in (1081, 1082, 1083, 1084, 1085))
        assert regions + statbank.get((key, 998, quarter), 0) == statbank[(key, 0, quarter)]


def test_the_shipped_municipalities() -> None:
    areas = registry()
    municipalities = areas.municipalities
    assert len(municipalities) == 98
    assert len({a.code for a in municipalities}) == 98
    assert len({a.name for a in municipalities}) == 98
    assert {a.region for a in municipalities} == {
        "Region Hovedstaden",
        "Region Sjælland",
        "Region Syddanmark",
        "Region Midtjylland",
        "Region Nordjylland",
    }
    for spelling, code in [
        ("Frederiksberg", 147),
        ("frederiksberg kommune", 147),
        ("København", 101),
        ("Københavns Kommune", 101),
        ("Nordfyns", 480),
        ("Nordfyns Kommune", 480),
        ("Vesthimmerlands", 820),
        ("Vesthimmerland", 820),
        ("Bornholm", 400),
        ("Bornholms Regionskommune", 400),
        ("Århus", 751),
        ("147", 147),
        (147, 147),
        ("Høje Taastrup", 169),
        ("Hele landet", 0),
        ("Region Hovedstaden", 1084),
        ("Christiansø", 411),
    ]:
        assert areas.resolve(spelling).code == code, spelling
    assert not areas.resolve("Christiansø").is_municipality
    assert not areas.resolve("Region Sjælland").is_municipality
    assert areas.lookup("Frederiksborg") is None
