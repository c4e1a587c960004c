"""Benchmarks against the targets in the design (section 9). Prints a table; asserts nothing.

    python bench/run.py [--rows 1000000] [--municipalities 98] [--only national]

Each measurement runs in a fresh subprocess, so peak memory (max RSS) is that step's own.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.generate import generate, municipalities

READ_REPORTGEN = """
import resource, sys, time, json
from pathlib import Path
from reportgen.errors import ProblemLog
from reportgen.readers.economy import EconomyColumns, EconomySettings, read_postings
t = time.perf_counter()
cols = EconomyColumns(dato="Bogføringsdato", konto="Konto", projekt="Projekt", tekst="Posteringstekst", beloeb="Beløb")
postings = read_postings(Path(sys.argv[1]), "x", EconomySettings(columns=cols), ProblemLog())
from reportgen.plan import load_plan
from reportgen.evaluate.economy import economy_observations
obs = economy_observations(postings, load_plan(Path(sys.argv[2])))  # aggregate per initiative and month, as a run does
print(json.dumps({"s": time.perf_counter() - t, "rows": len(postings), "rss": rss()}))
"""
READ_NAIVE = """
import csv, resource, sys, time, json
from reportgen.domain.numbers import parse_danish_number
from reportgen.readers.danish import parse_date
t = time.perf_counter()
totals = {}
rows = 0
with open(sys.argv[1], encoding="cp1252", newline="") as fh:
    reader = csv.reader(fh, delimiter=";")
    for row in reader:
        if len(row) < 5 or row[0] == "Bogføringsdato":
            continue
        parse_date(row[0])
        totals[row[2]] = totals.get(row[2], 0) + parse_danish_number(row[4]).value
        rows += 1
print(json.dumps({"s": time.perf_counter() - t, "rows": rows, "rss": rss()}))
"""
READ_ENGINE = """
import resource, sys, time, json
import pandas as pd
t = time.perf_counter()
frame = pd.read_csv(sys.argv[1], sep=";", encoding="cp1252", skiprows=2, dtype=str, engine="c")
print(json.dumps({"s": time.perf_counter() - t, "rows": len(frame), "rss": rss()}))
"""

# The charts of the Frederiksberg 2020 annual pack (every indicator and the economy), drawn as a run draws them; the
# template contexts are built first and not timed. CPU time (process_time) per chart: each chart is drawn REPEAT
# times, its lowest time kept, and the median over the charts printed; "first" is the first pass, import included.
CHART_CONTEXT = """
import datetime as dt, os, statistics, sys, tempfile, time, json
os.chdir(sys.argv[1]); sys.path.insert(0, sys.argv[1])
from pathlib import Path
from reportgen.config import load_config
from reportgen.pipeline.building import pack_contexts
from reportgen.pipeline.inputs import read_inputs
from reportgen.pipeline.planning import plan_packs
config = load_config("reportgen.toml")
inputs = read_inputs(config)
specs = plan_packs(config, inputs.plan, today=dt.date(2021, 1, 15), annual=2020)
root = Path(tempfile.mkdtemp())
(_, context), = pack_contexts(config, inputs, specs, now=dt.datetime(2021, 1, 15), root=root, charts=None).packs
REPEAT = 5
def per_chart(draw_all):
    best = {}
    t = time.process_time()
    for rep in range(REPEAT):
        for name, seconds in draw_all(Path(tempfile.mkdtemp(dir=root))):
            best[name] = min(best.get(name, seconds), seconds)
        if rep == 0:
            first = time.process_time() - t
    print(json.dumps({"s": statistics.median(best.values()), "rows": len(best), "first": first, "rss": rss()}))
"""
CHARTS_REPORTGEN = """
def draw_all(folder):
    from reportgen.render.charts import ChartMaker
    maker = ChartMaker(folder)
    for i, series in enumerate(context["barometer"]):
        t = time.process_time()
        if maker.indicator(series) is not None:
            yield i, time.process_time() - t
    t = time.process_time()
    if maker.budget(context["budgets"]) is not None:
        yield "budget", time.process_time() - t
per_chart(draw_all)
"""
# The same charts the usual way: pyplot figures laid out by tight_layout and saved by savefig (RGBA PNG).
CHARTS_PYPLOT = """
def draw_all(folder):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from reportgen.render.charts import LINE_STYLES, budget_rows, indicator_lines
    for i, series in enumerate(context["barometer"]):
        lines = indicator_lines(series)
        if not lines:
            continue
        t = time.process_time()
        fig, ax = plt.subplots(figsize=(16 / 2.54, 6.5 / 2.54), dpi=150)
        for line in lines:
            values = [float("nan") if v is None else v for v in line["values"]]
            ax.plot(range(len(values)), values, label=line["name"], **LINE_STYLES[line["field"]])
        ax.set_xticks(range(len(values)), [p["period_text"] for p in series["points"]])
        ax.set_ylim(bottom=0)
        ax.legend(frameon=False, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(lines))
        fig.tight_layout()
        fig.savefig(folder / f"{i}.png")
        plt.close(fig)
        yield i, time.process_time() - t
    rows = budget_rows(context["budgets"])
    if rows:
        t = time.process_time()
        fig, ax = plt.subplots(figsize=(16 / 2.54, max(6.5 / 2.54, 0.9 + 0.32 * len(rows))), dpi=150)
        for offset, field in ((0.2, "budget"), (-0.2, "spent")):
            ax.barh([p + offset for p in range(len(rows))], [r[field] or 0 for r in rows], height=0.4, label=field)
        ax.set_yticks(range(len(rows)), [f"Indsats {r['id']}" for r in rows])
        ax.legend(frameon=False, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
        fig.tight_layout()
        fig.savefig(folder / "budget.png")
        plt.close(fig)
        yield "budget", time.process_time() - t
per_chart(draw_all)
"""

# A whole `reportgen national` command, timed from outside; its worker processes are waited for, so RUSAGE_CHILDREN
# holds their CPU and the largest one's peak memory (the parent's own is smaller: it only imports and waits).
NATIONAL = """
import subprocess
t = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
if done.returncode:
    sys.exit(done.stderr)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"s": time.perf_counter() - t, "cpu": use.ru_utime + use.ru_stime, "rss": use.ru_maxrss}))
"""

# Every timed snippet ends by printing its time, rows and peak memory through this helper.
RSS = """
import json, resource, sys, time
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""


def py(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", RSS + code, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(cmd: list[str], cwd: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def national(count: int, repeat: int) -> list[tuple[str, str, str, str]]:
    """Scenario 6: ``count`` municipalities' annual packs (folders as ``reportgen init`` writes them), with 1 worker
    and with 2, paired: each repetition runs both, each on a fresh copy of the folders; the medians are compared."""
    import os

    source = municipalities(count)
    command = [str(Path(sys.executable).parent / "reportgen"), "-q", "national", "--annual", "2025"]
    runs: dict[int, list[dict]] = {1: [], 2: []}
    for _ in range(repeat):
        for workers in (1, 2):
            with tempfile.TemporaryDirectory() as tmp:
                folders = shutil.copytree(source, Path(tmp) / "kommuner")
                runs[workers].append(py(NATIONAL, *command, "--workers", str(workers), str(folders)))
    one, two = (statistics.median(r["s"] for r in runs[w]) for w in (1, 2))
    peak = max(r["rss"] for r in runs[1] + runs[2]) / 1024
    cpu1, cpu2 = (statistics.median(r["cpu"] for r in runs[w]) / count for w in (1, 2))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        (
            f"National: {count} municipalities' annual packs, 1 worker",
            f"{one:.1f} s",
            "",
            f"{60 / cpu1:.0f} packs per CPU-minute ({cpu1:.2f} s CPU each); peak {peak:.0f} MB per worker",
        ),
        ("  same, 2 workers", f"{two:.1f} s", "", f"{cpu2:.2f} s CPU per pack (1 worker: {cpu1:.2f})"),
        (
            "  speed-up 2 workers / 1",
            f"{one / two:.2f}x",
            ">= 1.8x",
            f"median of {repeat} paired runs; load average {load} on {os.cpu_count()} cores",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="rows in the synthetic economy export (design target: 5000000)"
    )
    parser.add_argument(
        "--municipalities", type=int, default=98, help="municipalities in the national scenario (all: 98)"
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="paired runs of the national scenario (default 1 for 98, else 3)"
    )
    parser.add_argument("--only", choices=["national"], default=None, help="run only this scenario")
    args = parser.parse_args()
    reportgen = str(Path(sys.executable).parent / "reportgen")
    rows: list[tuple[str, str, str, str]] = []
    repeat = args.repeat or (1 if args.municipalities >= 98 else 3)
    if args.only == "national":
        print_table(national(args.municipalities, repeat))
        return

    bare_python = timed([sys.executable, "-c", "pass"], ROOT, 5)
    bare_imports = timed([sys.executable, "-c", "import pandas, openpyxl, docxtpl"], ROOT, 5)
    startup = timed([reportgen, "--help"], ROOT, 5)
    rows.append(("CLI start-up (reportgen --help)", f"{startup:.2f} s", "< 0.3 s", ""))
    rows.append(("  ratio start-up / python -c pass", f"{startup / bare_python:.1f}x", "<= 3x", ""))

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(ROOT / "reportgen.toml", work)
        shutil.copytree(ROOT / "inputs", work / "inputs")
        pack = timed([reportgen, "-q", "run", "--committee", "AUU"], work, 3)
        allpacks = timed([reportgen, "-q", "run"], work, 3)
    rows.append(("Committee pack with charts, example plan (AUU)", f"{pack:.2f} s", "well under 2 s", "whole command"))
    rows.append(("  bare python -c 'import pandas, openpyxl, docxtpl'", f"{bare_imports:.2f} s", "", ""))
    rows.append(("  ratio pack / bare imports", f"{pack / bare_imports:.1f}x", "<= 2x", ""))
    rows.append(("All five committee packs, example plan", f"{allpacks:.2f} s", "", "whole command"))

    charts = py(CHART_CONTEXT + CHARTS_REPORTGEN, str(ROOT))
    pyplot = py(CHART_CONTEXT + CHARTS_PYPLOT, str(ROOT))
    rows.append(
        (
            f"Charts of the annual pack 2020 ({charts['rows']}): CPU per chart",
            f"{charts['s'] * 1000:.0f} ms",
            "<= 40 ms",
            f"median; first pass with import {charts['first']:.2f} s",
        )
    )
    rows.append(("  same charts through pyplot + tight_layout", f"{pyplot['s'] * 1000:.0f} ms", "", "the usual way"))
    rows.append(("  ratio reportgen / pyplot", f"{charts['s'] / pyplot['s']:.2f}", "< 1", ""))

    path = generate(args.rows)
    size_mb = path.stat().st_size / 1e6
    ours = py(READ_REPORTGEN, str(path), str(ROOT / "inputs" / "handleplan_2019.yaml"))
    engine = py(READ_ENGINE, str(path))
    naive_rows = min(args.rows, 200_000)
    naive_path = generate(naive_rows)
    naive = py(READ_NAIVE, str(naive_path))
    naive_rate = naive["rows"] / naive["s"]
    ours_rate = ours["rows"] / ours["s"]
    engine_rate = engine["rows"] / engine["s"]
    rows.append(
        (
            f"Economy export, {args.rows:,} rows ({size_mb:.0f} MB): reportgen read+aggregate",
            f"{ours_rate:,.0f} rows/s",
            "close to the engine",
            f"{ours['s']:.1f} s, peak {ours['rss'] / 1024:.0f} MB",
        )
    )
    rows.append(
        (
            "  pandas C engine, raw strings only (ceiling)",
            f"{engine_rate:,.0f} rows/s",
            "",
            f"{engine['s']:.1f} s, peak {engine['rss'] / 1024:.0f} MB",
        )
    )
    rows.append(
        (
            f"  naive csv + per-row parsing ({naive_rows:,} rows)",
            f"{naive_rate:,.0f} rows/s",
            "",
            f"peak {naive['rss'] / 1024:.0f} MB",
        )
    )
    rows.append(("  ratio reportgen / naive", f"{ours_rate / naive_rate:.1f}x", "", ""))
    rows.append(
        ("  ratio reportgen / engine ceiling", f"{ours_rate / engine_rate:.2f}", "", "1.0 = as fast as the engine")
    )

    rows += national(args.municipalities, repeat)
    print_table(rows)


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}}  {'result':>16}  {'target':<18}  note")
    for name, result, target, note in rows:
        print(f"{name:<{width}}  {result:>16}  {target:<18}  {note}")


if __name__ == "__main__":
    main()
