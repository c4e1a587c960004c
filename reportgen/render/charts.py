"""Charts for the Word reports (matplotlib's object API on the Agg canvas): an indicator over time, and budget against
spending.

Every chart carries a Danish alt text that says what is drawn (set as the picture's description in the document),
and its figures also appear in a table next to it. A chart is drawn once per run, however many packs use it.

What a reader can trust: the country is drawn beside the municipality only for shares (a count of the whole country
would flatten the municipality's line at zero; its figures stay in the table); counts and amounts are drawn from 0;
the axis leaves room above and below so no marker is cut; every line, marker and bar has at least 3:1 contrast on
white and text at least 4.5:1; the two series differ by marker and line style, the two bars by fill and edge, so they
stay apart in black-and-white print. matplotlib is imported only when the first chart is drawn.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.domain.danish_text import kr, sentence, tal

WIDTH_CM = 16.0
HEIGHT_CM = 6.5
DPI = 150
"""The document shows a chart 16 cm wide: 150 dots per inch print sharply and keep the PNG small."""

INK = "#1F4E79"
"""The municipality's line and the spending bars (8.7:1 on white; grey 69 of 255 in black-and-white print)."""
NATIONAL_COLOUR = "#C55A11"
"""The whole country's line (4.3:1 on white; grey 114), dashed with open squares."""
BUDGET_COLOUR = "#6A94C4"
"""The budget bars (3.2:1 on white; grey 141), edged in INK."""
TEXT_COLOUR = "#262626"
"""Tick labels, legend and axis lines (15:1 on white)."""
GRID_COLOUR = "#D9D9D9"
"""Grid lines: decoration behind the data, never needed to read a value."""

SHARE_UNITS = frozenset({"pct", "pp"})
"""Units of shares and differences of shares: only these put the municipality and the country on one axis."""


@dataclass(frozen=True)
class Chart:
    """A drawn chart: the PNG file, its Danish alt text and its width in the document."""

    path: Path
    alt: str
    width_cm: float = WIDTH_CM


def is_share(unit: str) -> bool:
    """Whether a series of this unit is a share (then the country is drawn beside the municipality)."""
    return unit in SHARE_UNITS


class ChartMaker:
    """Draws charts into ``folder``, each once: a chart is keyed by what it shows."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._drawn: dict[str, Chart] = {}
        self._figures: dict[str, Any] = {}  # one figure per kind, redrawn for each chart: made once, not per chart

    def _cached(self, spec: dict[str, Any]) -> tuple[str, Chart | None]:
        key = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]
        return key, self._drawn.get(key)

    def indicator(self, series: dict[str, Any]) -> Chart | None:
        """The municipality over time, with the whole country on the same axis for shares (None when fewer than two
        periods have a value to draw)."""
        lines = indicator_lines(series)
        if not lines:
            return None
        spec = {"kind": "indicator", "title": series["title"], "unit": series["unit"], "lines": lines}
        spec["periods"] = [p["period_text"] for p in series["points"]]
        key, chart = self._cached(spec)
        if chart is not None:
            return chart
        path = self._save("indicator", indicator_figure(series, self._figures.get("indicator")), key)
        chart = Chart(path, indicator_alt(series, lines))
        self._drawn[key] = chart
        return chart

    def budget(self, rows: list[dict[str, Any]]) -> Chart | None:
        """Budget and spending side by side per initiative, the axis from 0 kr. (None for fewer than two initiatives
        with a budget or spending: one bar compares with nothing, and the table says it)."""
        rows = budget_rows(rows)
        if not rows:
            return None
        spec = {"kind": "budget", "rows": [(r["id"], r["budget"], r["spent"]) for r in rows]}
        key, chart = self._cached(spec)
        if chart is not None:
            return chart
        path = self._save("budget", budget_figure(rows, self._figures.get("budget")), key)
        chart = Chart(path, budget_alt(rows))
        self._drawn[key] = chart
        return chart

    def _save(self, kind: str, fig: Any, key: str) -> Path:
        self._figures[kind] = fig
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"chart-{key}.png"
        _write_png(fig, path)
        return path


# --- what is drawn ------------------------------------------------------------------------------------------------


def indicator_lines(series: dict[str, Any]) -> list[dict[str, Any]]:
    """The lines of an indicator chart: the municipality, and the whole country for a share; each with at least two
    values (no chart when the municipality has fewer). Each line: ``field``, ``name`` and ``values``."""
    points = series["points"]
    fields = [("home", series["home_name"])]
    if is_share(series["unit"]):
        fields.append(("national", "Hele landet"))
    lines = []
    for field, name in fields:
        values = [p[field] for p in points]
        if sum(v is not None for v in values) >= 2:
            lines.append({"field": field, "name": name, "values": values})
    return lines if lines and lines[0]["field"] == "home" else []


def budget_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The initiatives a budget chart draws: those with a budget or spending, when there are at least two."""
    rows = [r for r in rows if r["budget"] is not None or r["spent"] is not None]
    return rows if len(rows) >= 2 else []


def indicator_alt(series: dict[str, Any], lines: list[dict[str, Any]]) -> str:
    """Danish alt text: what is drawn, each line from its first to its last value, and where the rest is."""
    points = series["points"]
    home = series["home_name"]
    drawn = [i for i, p in enumerate(points) if any(line["values"][i] is not None for line in lines)]
    first, last = points[drawn[0]]["period_text"], points[drawn[-1]]["period_text"]
    who = f"{home} og hele landet" if len(lines) == 2 else home
    parts = [f"Linjediagram: {series['title']}, {who} fra {first} til {last}"]
    described = []
    for line in lines:
        shown = [p[f"{line['field']}_text"] for p, v in zip(points, line["values"], strict=True) if v is not None]
        described.append(f"{line['name'] if line['field'] == 'home' else 'hele landet'}: {shown[0]} til {shown[-1]}")
    parts.append("; ".join(described))
    parts.append(_where_the_country_is(series, lines))
    return " ".join(sentence(p) for p in parts)


def _where_the_country_is(series: dict[str, Any], lines: list[dict[str, Any]]) -> str:
    """The alt text's last sentence: the table has the figures, and why the country's are not drawn (if it has any)."""
    national = sum(p["national"] is not None for p in series["points"])
    if len(lines) == 2 or not national:
        return "Tallene står også i tabellen"
    if is_share(series["unit"]):
        return "Tallene står også i tabellen; hele landet har kun ét tal og er ikke tegnet"
    return (
        "Hele landets tal står i tabellen; de er ikke tegnet, da et antal for hele landet ikke kan sammenlignes med "
        "kommunens på samme akse"
    )


def budget_alt(rows: list[dict[str, Any]]) -> str:
    """Danish alt text of the budget chart: what the bars are and each initiative's figures."""
    has_budget = any(r["budget"] is not None for r in rows)
    what = "budget og forbrug" if has_budget else "forbrug"
    described = "; ".join(
        f"indsats {r['id']}: budget {kr(r['budget']) if r['budget'] is not None else 'intet'}, "
        f"forbrugt {kr(r['spent']) if r['spent'] is not None else 'intet registreret'}"
        for r in rows
    )
    return f"Søjlediagram: {what} pr. indsats, aksen fra 0 kr. {sentence(described[:1].upper() + described[1:])}"


# --- drawing --------------------------------------------------------------------------------------------------------

_MPL: dict[str, Any] = {}


def _matplotlib() -> dict[str, Any]:
    """matplotlib's figure, Agg canvas and tick helpers, imported and configured once, when the first chart is drawn
    (pyplot, its global figure registry and its backend switching are never loaded)."""
    if not _MPL:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.font_manager import FontProperties
        from matplotlib.lines import Line2D
        from matplotlib.patches import Rectangle
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        matplotlib.rcParams.update(
            {
                "font.size": 8,
                "font.family": "DejaVu Sans",
                "svg.hashsalt": "reportgen",
                "text.color": TEXT_COLOUR,
                "axes.edgecolor": TEXT_COLOUR,
                "axes.labelcolor": TEXT_COLOUR,
                "xtick.color": TEXT_COLOUR,
                "ytick.color": TEXT_COLOUR,
                "legend.frameon": False,
                "legend.fontsize": 8,
                # light grid lines behind the data along the value axis, no box on top and right: set once here
                # rather than per axes, so every tick is made with them (per-axes calls redo every tick)
                "axes.grid": True,
                "axes.grid.axis": "y",
                "axes.axisbelow": True,
                "grid.color": GRID_COLOUR,
                "grid.linewidth": 0.6,
                "axes.spines.top": False,
                "axes.spines.right": False,
            }
        )
        _MPL.update(
            Figure=Figure,
            Canvas=FigureCanvasAgg,
            FuncFormatter=FuncFormatter,
            MaxNLocator=MaxNLocator,
            Line2D=Line2D,
            Rectangle=Rectangle,
            font=FontProperties(family="DejaVu Sans", size=8),
        )
    return _MPL


def _figure(height_in: float, reuse: Any = None) -> tuple[Any, Any]:
    """A figure WIDTH_CM wide with one axes. ``reuse`` is a figure this module drew before: its lines, bars and
    legend are removed and it is drawn again (making a figure and its axes costs a third of a chart; every setting a
    chart makes is made again for the next)."""
    if reuse is None:
        mpl = _matplotlib()
        fig = mpl["Figure"](figsize=(WIDTH_CM / 2.54, height_in), dpi=DPI)
        mpl["Canvas"](fig)
        fig.add_subplot()
    else:
        fig = reuse
        ax = fig.axes[0]
        for drawn in [*ax.containers, *ax.lines, *fig.artists, *fig.texts]:
            drawn.remove()
        fig.set_size_inches(WIDTH_CM / 2.54, height_in)
    return fig, fig.axes[0]


def _margins(fig: Any, left_labels: list[str], bottom_in: float) -> None:
    """Fixed margins (no layout pass, so nothing is measured twice): room left for the widest value label, below
    for the period labels (and an axis title) and above for the legend."""
    width_in, height_in = fig.get_size_inches()
    left_in = 0.17 + max((_text_width(fig, s) for s in left_labels), default=0.0)
    fig.subplots_adjust(
        left=left_in / width_in, right=1 - 0.2 / width_in, bottom=bottom_in / height_in, top=1 - 0.34 / height_in
    )


_TEXT_WIDTHS: dict[str, float] = {}


def _text_width(fig: Any, text: str) -> float:
    """How wide (inches) an 8-point text prints: the renderer's own measure, taken once per text (tick labels and
    legend names repeat from chart to chart; the width depends only on the text, the font and DPI, which are fixed)."""
    width = _TEXT_WIDTHS.get(text)
    if width is None:
        renderer = fig.canvas.get_renderer()
        points, _height, _descent = renderer.get_text_width_height_descent(text, _matplotlib()["font"], ismath=False)
        width = _TEXT_WIDTHS[text] = float(points) / DPI
    return width


def _legend(fig: Any, ax: Any, entries: list[tuple[str, dict[str, Any], str]]) -> None:
    """One row of legend entries (name, style, ``line`` or ``bar``) centred above the axes: a line with its marker,
    or a bar, and the name. Placed by hand: matplotlib's legend boxes cost a fifth of a chart."""
    mpl = _matplotlib()
    sample, gap, spacing = 0.3, 0.07, 0.3
    widths = [sample + gap + _text_width(fig, name) for name, _style, _kind in entries]
    width_in, height_in = fig.get_size_inches()
    box = ax.get_position()
    x = (box.x0 + box.x1) / 2 * width_in - (sum(widths) + spacing * (len(entries) - 1)) / 2
    y = box.y1 * height_in + 0.17
    for (name, style, kind), width in zip(entries, widths, strict=True):
        if kind == "line":
            xs = [(x + d) / width_in for d in (0, sample / 2, sample)]
            fig.add_artist(mpl["Line2D"](xs, [y / height_in] * 3, markevery=[1], **style))
        else:
            corner = (x / width_in, (y - 0.05) / height_in)
            fig.add_artist(mpl["Rectangle"](corner, 0.24 / width_in, 0.1 / height_in, linewidth=0.8, **style))
        fig.text((x + sample + gap) / width_in, y / height_in, name, va="center_baseline", ha="left")
        x += width + spacing


def _write_png(fig: Any, path: Path) -> None:
    """Draw the figure on its Agg canvas and write it as an opaque RGB PNG (the page is white: no alpha channel to
    compress, and zlib level 1 writes it in half the time of the default: 8 ms instead of 17 for 26 kB instead of
    21)."""
    from PIL import Image

    canvas = fig.canvas
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    image.convert("RGB").save(path, format="png", compress_level=1, dpi=(DPI, DPI))


LINE_STYLES = {
    "home": {"color": INK, "marker": "o", "linestyle": "-", "linewidth": 2.0, "markersize": 5},
    "national": {
        "color": NATIONAL_COLOUR,
        "marker": "s",
        "markerfacecolor": "white",
        "linestyle": (0, (4, 2)),
        "linewidth": 1.6,
        "markersize": 5,
    },
}
"""The two series differ by colour, marker (filled circle, open square) and line (solid, dashed)."""


def indicator_figure(series: dict[str, Any], reuse: Any = None) -> Any:
    """The figure of an indicator over time (``indicator_lines``), not yet saved; drawn into ``reuse`` if given."""
    lines = indicator_lines(series)
    labels = [p["period_text"] for p in series["points"]]
    values = [v for line in lines for v in line["values"] if v is not None]
    low, top, ticks = _value_axis(values, series["unit"])
    tick_texts = [_tick_text(t, series["unit"], ticks) for t in ticks]
    fig, ax = _figure(HEIGHT_CM / 2.54, reuse)
    for axis in (ax.xaxis, ax.yaxis):  # no axis titles: their place is not worked out from every tick label's extent
        axis.set_label_coords(0.5, 0.5)
    _margins(fig, tick_texts, 0.32)
    positions = list(range(len(labels)))
    for line in lines:
        drawn = [float("nan") if v is None else v for v in line["values"]]
        (artist,) = ax.plot(positions, drawn, label=line["name"], **LINE_STYLES[line["field"]])
        artist.set_clip_on(False)  # a marker on the axis' edge is drawn whole
    ax.set_xlim(-0.3, len(labels) - 0.7)
    step = max(1, -(-len(labels) // 10))  # at most about ten period labels, evenly spaced
    ax.set_xticks(positions[::step], labels[::step])
    ax.set_ylim(low, top)
    ax.set_yticks(ticks, tick_texts)
    _legend(fig, ax, [(line["name"], LINE_STYLES[line["field"]], "line") for line in lines])
    return fig


def _value_axis(values: list[float], unit: str) -> tuple[float, float, list[float]]:
    """The value axis: from 0 (or a round number below the lowest negative value) to a round number with room above
    the highest value; shares end at 100 % unless a value is above. Returns bottom, top and the ticks."""
    high = max([*values, 0.0])
    low = min([*values, 0.0])
    share = is_share(unit)
    if high == low:
        high = 0.1 if share else 1.0
    locator = _matplotlib()["MaxNLocator"](nbins=5, integer=not share, steps=[1, 2, 2.5, 5, 10])
    ticks = [float(t) for t in locator.tick_values(low - 0.06 * (high - low) if low < 0 else 0.0, high * 1.08)]
    bottom = min(t for t in ticks if t <= low)
    top = next((t for t in ticks if t >= high * 1.05), ticks[-1])
    if unit == "pct" and max(values, default=0.0) <= 1.0:
        top = min(top, 1.0)
    return bottom, top, [t for t in ticks if bottom <= t <= top]


def _tick_text(value: float, unit: str, ticks: list[float]) -> str:
    """A value axis label in Danish: ``40 %`` for shares (a decimal when the ticks are closer than 1 %)."""
    if unit in SHARE_UNITS:
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
        return f"{tal(value * 100, 0 if step >= 0.01 else 1)}{' %' if unit == 'pct' else ''}"
    return tal(value, 0 if float(value).is_integer() else 1)


def budget_figure(rows: list[dict[str, Any]], reuse: Any = None) -> Any:
    """The figure of budget against spending per initiative (``budget_rows``), not yet saved (drawn into ``reuse``
    if given); a series without any figure is not drawn and has no legend entry."""
    labels = [f"Indsats {r['id']}" for r in rows][::-1]
    height = max(HEIGHT_CM / 2.54, 0.9 + 0.32 * len(rows))
    fig, ax = _figure(height, reuse)
    _margins(fig, labels, 0.5)
    positions = list(range(len(rows)))
    bars = (
        ("budget", "Budget", 0.2, {"facecolor": BUDGET_COLOUR, "edgecolor": INK}),
        ("spent", "Forbrugt", -0.2, {"facecolor": INK, "edgecolor": INK}),
    )
    entries = []
    for field, name, offset, style in bars:
        shown = [(p + offset, r[field]) for p, r in zip(positions, rows[::-1], strict=True) if r[field] is not None]
        if shown:
            ax.barh([y for y, _ in shown], [v for _, v in shown], height=0.4, linewidth=0.8, label=name, **style)
            entries.append((name, style, "bar"))
    ax.set_yticks(positions, labels)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    highest = max(v for r in rows for v in (r["budget"], r["spent"]) if v is not None)
    ax.set_xlim(0, max(highest, 1.0) * 1.06)
    ax.xaxis.set_major_formatter(_matplotlib()["FuncFormatter"](lambda v, _pos: tal(v / 1000, 0)))
    ax.set_xlabel("1.000 kr.")
    ax.grid(axis="y", visible=False)  # the value axis of a bar chart is x
    ax.grid(axis="x", visible=True)
    _legend(fig, ax, entries)
    return fig
