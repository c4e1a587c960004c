"""The benchmarks' generated data is what reportgen reads: the generators in ``bench/`` stay in step with the readers
(a benchmark over data the readers refuse, or read as fewer indicators, would measure nothing)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bench.generate import INDICATOR_YEARS, MADE, amount_text, indicator_municipality
from reportgen.config import load_config
from reportgen.pipeline.building import pack_contexts
from reportgen.pipeline.inputs import read_inputs
from reportgen.pipeline.planning import plan_packs
from reportgen.render.charts import ChartMaker


def test_the_indicator_folder_shows_every_generated_indicator_with_its_chart(tmp_path: Path) -> None:
    folder = indicator_municipality(5, tmp_path / "indikatorer")
    config = load_config(folder / "reportgen.toml")
    inputs = read_inputs(config)
    assert not inputs.problems.errors
    specs = plan_packs(config, inputs.plan, today=dt.date(2026, 1, 15), annual=2025)
    charts = ChartMaker(tmp_path / "charts")
    now = dt.datetime(2026, 1, 15, 12, tzinfo=ZoneInfo("Europe/Copenhagen"))
    ((_, context),) = pack_contexts(config, inputs, specs, now=now, root=tmp_path / "out", charts=charts).packs
    series = context["barometer"]
    assert [s["indicator"] for s in series] == ["beskaeftigelse", *(f"indikator_{n:02d}" for n in range(1, 5))]
    assert {s["unit"] for s in series} == {"pct", "antal"}  # both kinds of chart: shares with the country, counts
    for s in series:
        assert [p["period"] for p in s["points"]] == [str(y) for y in INDICATOR_YEARS]
        assert s["chart"] is not None and s["chart"].path.stat().st_size > 0


def test_a_generated_folder_is_reused_but_made_again_when_stale_or_half_made(tmp_path: Path) -> None:
    folder = indicator_municipality(2, tmp_path / "indikatorer")
    data = folder / "inputs" / "barometer" / "indikator_01.csv"
    before = data.stat().st_mtime_ns
    assert indicator_municipality(2, tmp_path / "indikatorer") == folder
    assert data.stat().st_mtime_ns == before  # reused
    (folder / MADE).write_text("made by an older generator", encoding="utf-8")
    indicator_municipality(2, tmp_path / "indikatorer")
    assert data.stat().st_mtime_ns != before  # stale: made again
    (folder / "reportgen.toml").unlink()
    (folder / MADE).unlink()  # as a folder whose making was interrupted
    indicator_municipality(2, tmp_path / "indikatorer")
    assert (folder / "reportgen.toml").is_file()
    with pytest.raises(ValueError, match="at least 1"):
        indicator_municipality(0, tmp_path / "none")


def test_amounts_are_written_as_the_finance_system_writes_them() -> None:
    assert amount_text(123456) == "1.234,56"
    assert amount_text(-5) == "0,05-"
