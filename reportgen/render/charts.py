"""Charts for the Word reports (matplotlib, Agg): an indicator over time, and budget against spending.

Every chart carries a Danish alt text that says what it shows (set as the picture's description in the document),
and its figures also appear in a table next to it. A chart is drawn once per run, however many packs use it.
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
COLOURS = {"home": "#1F4E79", "national": "#A5A5A5", "other": "#C55A11", "budget": "#9DC3E6", "spent": "#1F4E79"}


@dataclass(frozen=True)
class Chart:
    """A drawn chart: the PNG file, its Danish alt text and its width in the document."""

    path: Path
    alt: str
    width_cm: float = WIDTH_CM


class ChartMaker:
    """Draws charts into ``folder``, each once: a chart is keyed by what it shows."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._drawn: dict[str, Chart] = {}

    def _cached(self, spec: dict[str, Any]) -> tuple[str, Chart | None]:
        key = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]
        return key, self._drawn.get(key)

    def indicator(self, series: dict[str, Any]) -> Chart | None:
        """The municipality against the country over time (the series of the template context)."""
        points = [p for p in series["points"] if p["home"] is not None or p["national"] is not None]
        if len(points) < 2:
            return None
        spec = {"kind": "indicator", "title": series["title"], "unit": series["unit"], "home": series["home_name"]}
        spec["points"] = [(p["period_text"], p["home"], p["national"]) for p in points]
        key, chart = self._cached(spec)
        if chart is not None:
            return chart
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(WIDTH_CM / 2.54, HEIGHT_CM / 2.54), dpi=150)
        labels = [p["period_text"] for p in points]
        for name, field, colour in ((series["home_name"], "home", "home"), ("Hele landet", "national", "national")):
            values = [p[field] for p in points]
            if any(v is not None for v in values):
                ax.plot(
                    labels,
                    [float("nan") if v is None else v for v in values],
                    marker="o",
                    color=COLOURS[colour],
                    label=name,
                    linewidth=2,
                )
        _axis(ax, series["unit"])
        ax.legend(frameon=False, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
        path = self._save(fig, key)
        first, last = points[0], points[-1]
        alt = " ".join(
            sentence(part)
            for part in (
                f"Linjediagram: {series['title']}, {series['home_name']} og hele landet fra {first['period_text']} "
                f"til {last['period_text']}",
                f"{series['home_name']}: {first['home_text']} til {last['home_text']}; "
                f"hele landet: {first['national_text']} til {last['national_text']}",
                "Tallene står også i tabellen",
            )
        )
        chart = Chart(path, alt)
        self._drawn[key] = chart
        return chart

    def budget(self, rows: list[dict[str, Any]]) -> Chart | None:
        """Budget and spending side by side per initiative, the axis from 0 kr."""
        rows = [r for r in rows if r["budget"] is not None or r["spent"] is not None]
        if not rows:
            return None
        spec = {"kind": "budget", "rows": [(r["id"], r["budget"], r["spent"]) for r in rows]}
        key, chart = self._cached(spec)
        if chart is not None:
            return chart
        plt = _pyplot()
        height = max(HEIGHT_CM / 2.54, 0.9 + 0.32 * len(rows))
        fig, ax = plt.subplots(figsize=(WIDTH_CM / 2.54, height), dpi=150)
        labels = [f"Indsats {r['id']}" for r in rows][::-1]
        positions = list(range(len(rows)))
        budgets = [r["budget"] or 0 for r in rows][::-1]
        spent = [r["spent"] or 0 for r in rows][::-1]
        ax.barh([p + 0.2 for p in positions], budgets, height=0.4, color=COLOURS["budget"], label="Budget")
        ax.barh([p - 0.2 for p in positions], spent, height=0.4, color=COLOURS["spent"], label="Forbrugt")
        ax.set_yticks(positions, labels, fontsize=8)
        ax.set_xlim(left=0)
        ax.xaxis.set_major_formatter(_formatter(lambda v: tal(v / 1000, 0)))
        ax.set_xlabel("1.000 kr.", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", color="#D9D9D9", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(frameon=False, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
        path = self._save(fig, key)
        described = "; ".join(
            f"indsats {r['id']}: budget {kr(r['budget']) if r['budget'] is not None else 'intet'}, "
            f"forbrugt {kr(r['spent']) if r['spent'] is not None else 'intet registreret'}"
            for r in rows
        )
        chart = Chart(path, f"Søjlediagram: budget og forbrug pr. indsats, aksen fra 0 kr. {sentence(described)}")
        self._drawn[key] = chart
        return chart

    def _save(self, fig: Any, key: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"chart-{key}.png"
        fig.tight_layout()
        fig.savefig(path, format="png")
        _pyplot().close(fig)
        return path


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 8, "font.family": "DejaVu Sans", "svg.hashsalt": "reportgen"})
    return plt


def _formatter(fmt: Any) -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _position: fmt(value))


def _axis(ax: Any, unit: str) -> None:
    """Values from 0, Danish decimal commas, percentages on a percent axis."""
    ax.set_ylim(bottom=0)
    if unit == "pct":
        ax.yaxis.set_major_formatter(_formatter(lambda v: f"{tal(v * 100, 0)} %"))
    else:
        ax.yaxis.set_major_formatter(_formatter(lambda v: tal(v, 0)))
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for label in ax.get_xticklabels():
        label.set_fontsize(8)
