"""Charts a reader can trust: the country beside the municipality only for shares, room so nothing is cut, contrast
read from the drawn figure (WCAG 2.1), series apart in black-and-white print, no chart of one initiative's money, a
legend only for what is drawn, alt text that says what is drawn, and matplotlib loaded only to draw."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from docx import Document
from docx.oxml.ns import qn
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from reportgen.render.charts import (
    DPI,
    WIDTH_CM,
    ChartMaker,
    budget_figure,
    budget_rows,
    indicator_figure,
)
from tests.conftest import REPO


def _series(
    unit: str, home: list[float | None], national: list[float | None], title: str = "Indikator"
) -> dict[str, Any]:
    def text(v: float | None) -> str:
        if v is None:
            return "–"
        return f"{round(v * 100)} pct." if unit == "pct" else str(round(v))

    years = [str(2015 + i) for i in range(len(home))]
    points = [
        {"period": y, "period_text": y, "home": h, "national": n, "home_text": text(h), "national_text": text(n)}
        for y, h, n in zip(years, home, national, strict=True)
    ]
    return {"title": title, "unit": unit, "home_name": "Kalundborg", "points": points}


IGU = _series("antal", [12, 18, 27, 37, 42], [778, 1371, 1998, 2603, 3235], "Antal påbegyndte IGU-forløb")
JOBPARATE = _series("pct", [0.35, 0.41], [0.38, 0.40], "Andel jobparate")
HOUSING = _series("antal", [1, 0], [43, 43], "Antal udsatte boligområder")
BUDGETS: list[dict[str, Any]] = [
    {"id": "1", "budget": 250000.0, "spent": 242500.0},
    {"id": "2", "budget": 150000.0, "spent": 139500.0},
    {"id": "10", "budget": None, "spent": 20000.0},
]


# --- WCAG 2.1 contrast, computed from the colours the figure holds --------------------------------------------------


def _luminance(rgb: tuple[float, float, float]) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _on_white(colour: Any) -> tuple[float, float, float]:
    r, g, b, a = to_rgba(colour)
    return (r * a + 1 - a, g * a + 1 - a, b * a + 1 - a)


def contrast(colour: Any) -> float:
    """The WCAG contrast ratio of a colour (its transparency laid over white) against white."""
    return 1.05 / (_luminance(_on_white(colour)) + 0.05)


def grey(colour: Any) -> float:
    """The grey a black-and-white printer makes of a colour (ITU-R 601 luma, 0 black to 1 white)."""
    r, g, b = _on_white(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


def legend(fig: Any) -> list[str]:
    """The legend's names: the figure's own texts, left to right, above the axes."""
    top = fig.axes[0].get_position().y1
    assert all(t.get_position()[1] > top for t in fig.texts)
    return [t.get_text() for t in sorted(fig.texts, key=lambda t: t.get_position()[0])]


def drawn_colours(fig: Any) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """The colours of every visible graphic element and every visible text of a figure, grid lines left out (they
    are decoration behind the data, not needed to read it)."""
    fig.canvas.draw()
    ax = fig.axes[0]
    grid = {id(line) for line in ax.get_xgridlines() + ax.get_ygridlines()}
    graphics: list[tuple[str, Any]] = []
    texts: list[tuple[str, Any]] = []
    for artist in fig.findobj(lambda a: a.get_visible()):
        if isinstance(artist, Text) and artist.get_text().strip():
            texts.append((artist.get_text(), artist.get_color()))
        elif isinstance(artist, Line2D) and id(artist) not in grid and np.size(artist.get_xdata()) > 0:
            if artist.get_linestyle() not in ("None", "none", ""):
                graphics.append(("line", artist.get_color()))
            if artist.get_marker() not in ("None", "none", "", None):
                graphics.append(("marker edge", artist.get_markeredgecolor()))
        elif isinstance(artist, Rectangle) and artist not in (fig.patch, ax.patch) and artist.get_fill():
            graphics.append(("bar", artist.get_facecolor()))
    for side, spine in ax.spines.items():
        if spine.get_visible():
            graphics.append((f"{side} axis", spine.get_edgecolor()))
    return graphics, texts


@pytest.mark.parametrize("figure", [lambda: indicator_figure(JOBPARATE), lambda: budget_figure(budget_rows(BUDGETS))])
def test_every_element_has_3_to_1_and_every_text_4_5_to_1_on_white(figure: Any) -> None:
    graphics, texts = drawn_colours(figure())
    assert graphics and texts
    low = [(what, colour, round(contrast(colour), 2)) for what, colour in graphics if contrast(colour) < 3]
    assert not low, low
    low = [(what, colour, round(contrast(colour), 2)) for what, colour in texts if contrast(colour) < 4.5]
    assert not low, low
    # the old colours fail the same measure: budget bars, the national line, the subtitle blue
    assert contrast("#9DC3E6") < 3 and contrast("#A5A5A5") < 3 and contrast("#4F81BD") < 4.5


def test_the_two_lines_differ_by_marker_and_line_style_and_the_bars_in_grey() -> None:
    home, national = [line for line in indicator_figure(JOBPARATE).axes[0].get_lines() if line.get_label()[0] != "_"]
    assert home.get_marker() != national.get_marker()
    assert home.get_linestyle() != national.get_linestyle()
    assert abs(grey(home.get_color()) - grey(national.get_color())) >= 0.15
    ax = budget_figure(budget_rows(BUDGETS)).axes[0]
    budget, spent = (container.patches[0] for container in ax.containers)
    assert abs(grey(budget.get_facecolor()) - grey(spent.get_facecolor())) >= 0.25
    assert contrast(budget.get_edgecolor()) >= 3  # the lighter bar is edged


def test_a_count_is_drawn_without_the_country_and_from_zero() -> None:
    fig = indicator_figure(IGU)
    ax = fig.axes[0]
    lines = [line for line in ax.get_lines() if line.get_label()[0] != "_"]
    assert [line.get_label() for line in lines] == ["Kalundborg"]
    assert legend(fig) == ["Kalundborg"]
    bottom, top = ax.get_ylim()
    assert bottom == 0 and 42 < top <= 60  # the municipality fills the axis instead of lying flat at 0


def test_a_share_has_the_country_on_the_same_axis_and_room_above_and_below() -> None:
    fig = indicator_figure(JOBPARATE)
    ax = fig.axes[0]
    assert legend(fig) == ["Kalundborg", "Hele landet"]
    bottom, top = ax.get_ylim()
    assert bottom == 0 and top >= 0.41 * 1.05
    high = indicator_figure(_series("pct", [0.9, 0.97], [0.96, 1.0])).axes[0]
    assert high.get_ylim()[1] == 1.0  # a share ends at 100 %


def test_no_marker_is_cut_at_the_top_or_bottom_of_the_axis() -> None:
    fig = indicator_figure(HOUSING)
    fig.canvas.draw()
    ax = fig.axes[0]
    (line,) = [line for line in ax.get_lines() if line.get_label()[0] != "_"]
    assert not line.get_clip_on()  # the 0 on the axis line is drawn whole
    assert ax.get_ylim() == (0.0, 2.0)
    box = ax.get_window_extent()
    for x, y in ax.transData.transform(list(zip(line.get_xdata(), line.get_ydata(), strict=True))):
        assert box.x0 < x < box.x1 and box.y0 - 0.5 <= y < box.y1
    labels = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    figure_box = fig.bbox
    for label in labels:  # every tick label and legend entry inside the picture
        extent = label.get_window_extent()
        assert figure_box.x0 <= extent.x0 and extent.x1 <= figure_box.x1, label.get_text()
        assert figure_box.y0 <= extent.y0 and extent.y1 <= figure_box.y1, label.get_text()


def test_a_wide_axis_label_fits_on_the_picture() -> None:
    fig = indicator_figure(_series("pct", [0.9, 0.97], [0.95, 0.99]))
    fig.canvas.draw()
    assert all(t.get_window_extent().x0 >= 0 for t in fig.axes[0].get_yticklabels() if t.get_text())


def test_money_of_one_initiative_is_no_chart_and_a_series_without_figures_no_legend(tmp_path: Path) -> None:
    maker = ChartMaker(tmp_path)
    assert maker.budget(BUDGETS[:1]) is None
    assert maker.budget([BUDGETS[0], {"id": "2", "budget": None, "spent": None}]) is None
    spent_only = [{"id": "R", "budget": None, "spent": 470855.0}, {"id": "S", "budget": None, "spent": 1000.0}]
    assert legend(budget_figure(budget_rows(spent_only))) == ["Forbrugt"]
    chart = maker.budget(spent_only)
    assert chart is not None
    assert chart.alt == (
        "Søjlediagram: forbrug pr. indsats, aksen fra 0 kr. Indsats R: budget intet, forbrugt 470.855 kr.; "
        "indsats S: budget intet, forbrugt 1.000 kr."
    )
    fig = budget_figure(budget_rows(BUDGETS))
    ax = fig.axes[0]
    assert legend(fig) == ["Budget", "Forbrugt"]
    assert len(fig.artists) == 2  # a sample bar for each entry
    assert len(ax.containers[0].patches) == 2 and len(ax.containers[1].patches) == 3  # no bar for a missing budget
    assert ax.get_xlim()[0] == 0


def test_alt_text_says_what_is_drawn_and_where_the_country_is(tmp_path: Path) -> None:
    maker = ChartMaker(tmp_path)
    igu = maker.indicator(IGU)
    share = maker.indicator(JOBPARATE)
    assert igu is not None and share is not None
    assert igu.alt.startswith("Linjediagram: Antal påbegyndte IGU-forløb, Kalundborg fra 2015 til 2019.")
    assert "Kalundborg: 12 til 42." in igu.alt and "Hele landets tal står i tabellen" in igu.alt
    assert "3235" not in igu.alt and "hele landet:" not in igu.alt
    assert share.alt == (
        "Linjediagram: Andel jobparate, Kalundborg og hele landet fra 2015 til 2016. "
        "Kalundborg: 35 pct. til 41 pct.; hele landet: 38 pct. til 40 pct. Tallene står også i tabellen."
    )
    assert maker.indicator(_series("antal", [None, 4], [10, 12])) is None  # one value draws no line
    no_country = maker.indicator(_series("antal", [21, 27], [None, None], "Nytilkomne i uddannelse"))
    assert no_country is not None and no_country.alt.endswith("Kalundborg: 21 til 27. Tallene står også i tabellen.")
    one_national = maker.indicator(_series("pct", [0.5, 0.6], [None, 0.55]))
    assert one_national is not None
    assert one_national.alt.endswith("Tallene står også i tabellen; hele landet har kun ét tal og er ikke tegnet.")


def test_charts_are_png_files_at_the_documents_resolution_drawn_once(tmp_path: Path) -> None:
    maker = ChartMaker(tmp_path / "charts")
    chart = maker.indicator(JOBPARATE)
    assert chart is not None and maker.indicator(JOBPARATE) is chart
    with Image.open(chart.path) as image:
        assert image.format == "PNG" and image.mode == "RGB"
        assert abs(image.width - WIDTH_CM / 2.54 * DPI) < 1  # 16 cm at 150 dpi
        assert round(image.info["dpi"][0]) == DPI
        assert image.getpixel((2, 2)) == (255, 255, 255)
    assert [p.name for p in (tmp_path / "charts").iterdir()] == [chart.path.name]


def test_matplotlib_is_loaded_only_to_draw_and_never_pyplot(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from reportgen.render.charts import ChartMaker\n"
        "assert 'matplotlib' not in sys.modules\n"
        "from tests.test_charts import JOBPARATE\n"
        f"ChartMaker(Path({str(tmp_path)!r})).indicator(JOBPARATE)\n"
        "print('matplotlib' in sys.modules, 'matplotlib.pyplot' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]
    assert list(tmp_path.glob("chart-*.png"))


def test_kalundborgs_counts_are_drawn_alone_and_its_one_budget_line_has_no_chart(
    tmp_path: Path, cli, monkeypatch
) -> None:
    shutil.copytree(REPO / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.chdir(tmp_path)
    assert cli("run", "--config", "examples/kalundborg-2019/reportgen.toml", "--annual", "2019").exit_code == 0
    path = next(tmp_path.rglob("aarsstatus-2019.docx"))
    descriptions = [e.get("descr") for e in Document(str(path)).element.body.iter(qn("wp:docPr"))]
    assert not any(d.startswith("Søjlediagram") for d in descriptions)  # one initiative's money: the table says it
    (housing,) = [d for d in descriptions if "Antal udsatte boligområder" in d]
    assert "Kalundborg: 1 til 0." in housing and "Hele landets tal står i tabellen" in housing
    with zipfile.ZipFile(path) as archive:
        pictures = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert len(pictures) == len(descriptions)


def test_a_redrawn_figure_gives_the_same_picture_as_a_new_one(tmp_path: Path) -> None:
    fresh = ChartMaker(tmp_path / "fresh")
    reused = ChartMaker(tmp_path / "reused")
    wide = _series("pct", [0.9, 0.97, 0.95], [0.96, 1.0, 0.99], "Bred akse")
    assert reused.indicator(IGU) and reused.indicator(wide) and reused.budget(BUDGETS)
    few = [{"id": "1", "budget": 1000.0, "spent": None}, {"id": "2", "budget": 2000.0, "spent": 500.0}]
    for chart in ("indicator", "budget"):
        first = fresh.indicator(JOBPARATE) if chart == "indicator" else fresh.budget(few)
        again = reused.indicator(JOBPARATE) if chart == "indicator" else reused.budget(few)
        assert first is not None and again is not None
        assert first.path.read_bytes() == again.path.read_bytes(), chart
