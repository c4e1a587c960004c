"""Benchmarks against the speed targets (README, "Benchmarks"). Prints a table; asserts nothing.

    python bench/run.py [--rows 5000000] [--repeat 7] [--only N]… [--municipalities 98]

Each measurement runs in a fresh subprocess, so peak memory (max RSS) is that step's own. The numbered scenarios run
paired with their baseline: each pair runs both, in alternating order, ``--repeat`` times in the same invocation; a
scenario's line gives its median CPU time (user + system, as the machine may be loaded) and its peak memory, the
baseline's beside it, the ratio of the medians, the target and whether it is met. They measure this checkout (its
root goes first on ``PYTHONPATH``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.generate import AS_OF, generate, indicator_municipality, municipalities, scaled_plan

ENV = {
    **{
        k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"
    },  # as installed: compiled once, then cached
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
}

# Scenario 3: read + aggregate a large Windows-1252 economy export by initiative and month. Each snippet runs in a
# fresh process and prints its whole-process CPU time (imports included, every thread), peak memory and the sums in
# øre per initiative and month, so the two can be checked against each other to the øre.
ECONOMY_REPORTGEN = """
from pathlib import Path
from reportgen.errors import ProblemLog
from reportgen.evaluate.economy import economy_observations
from reportgen.plan import load_plan
from reportgen.readers.economy import EconomyColumns, EconomySettings, read_economy
cols = EconomyColumns(dato="Bogføringsdato", konto="Konto", projekt="Projekt", tekst="Posteringstekst", beloeb="Beløb")
problems = ProblemLog()
postings = read_economy([Path(sys.argv[1])], ["x.csv"], EconomySettings(columns=cols), problems)
obs = economy_observations(postings, load_plan(Path(sys.argv[2])))  # per initiative and month, as a run does
assert not problems.errors, problems.errors[:3]
sums = {}
for r in obs.itertuples():
    if r.indicator in ("forbrug", "posteringer"):
        sums.setdefault((r.initiative, r.period), {})[r.indicator] = r.value
groups = sorted([i, p, round(v["forbrug"] * 100), int(v["posteringer"])] for (i, p), v in sums.items())
done(groups, len(postings))
"""
# The baseline: the file transcoded to UTF-8 in Python, then DuckDB's read_csv (every column VARCHAR), the Danish
# amounts (thousands dots, decimal comma, trailing minus) and dates (four forms) parsed in SQL, GROUP BY initiative
# and month. It knows the forms the generator writes and nothing else: no row widths, no line numbers, no errors.
ECONOMY_DUCKDB = """
import os, tempfile
import duckdb
fd, utf8 = tempfile.mkstemp(suffix=".csv")
with open(sys.argv[1], "rb") as src, os.fdopen(fd, "wb") as dst:
    for block in iter(lambda: src.read(1 << 24), b""):
        dst.write(block.decode("cp1252").encode("utf-8"))
initiatives = json.loads(sys.argv[2])  # project -> initiative
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE initiatives (projekt VARCHAR, initiative VARCHAR)")
con.executemany("INSERT INTO initiatives VALUES (?, ?)", list(initiatives.items()))
groups = con.execute(\"\"\"
WITH raw AS (SELECT * FROM read_csv(?, delim=';', header=true, skip=2, all_varchar=true)),
postings AS (
  SELECT "Projekt" AS projekt,
    coalesce(try_strptime("Bogføringsdato", '%d-%m-%Y'), try_strptime("Bogføringsdato", '%d.%m.%Y'),
             try_strptime("Bogføringsdato", '%d/%m/%Y'), try_strptime("Bogføringsdato", '%Y-%m-%d')) AS dato,
    (CASE WHEN ends_with("Beløb", '-') THEN -1 ELSE 1 END)
      * CAST(replace(replace(rtrim("Beløb", '-'), '.', ''), ',', '') AS BIGINT) AS oere
  FROM raw WHERE "Bogføringsdato" NOT ILIKE 'i alt%')
SELECT i.initiative, strftime(dato, '%YM%m') AS period, sum(oere)::BIGINT, count(*)
FROM postings JOIN initiatives i USING (projekt) GROUP BY ALL ORDER BY ALL
\"\"\", [utf8]).fetchall()
os.unlink(utf8)
done(sorted([i, p, int(o), int(n)] for i, p, o, n in groups), sum(int(n) for *_, n in groups))
"""

# The charts of an annual pack showing 50 indicators over 10 years (bench.generate.indicator_municipality; its plan
# has one initiative with money, so no budget chart), drawn as a run draws them; the template contexts are built
# first and not timed. CPU time (process_time) per chart: each chart is drawn REPEAT times, its lowest time kept, and
# the median over the charts printed; "first" is the first pass, import included. Arguments: the checkout, the
# folder, the year, the day.
CHART_CONTEXT = """
import datetime as dt, os, statistics, sys, tempfile, time, json
sys.path.insert(0, sys.argv[1]); os.chdir(sys.argv[2])
from pathlib import Path
from reportgen.config import load_config
from reportgen.pipeline.building import pack_contexts
from reportgen.pipeline.inputs import read_inputs
from reportgen.pipeline.planning import plan_packs
config = load_config("reportgen.toml")
inputs = read_inputs(config)
today = dt.date.fromisoformat(sys.argv[4])
specs = plan_packs(config, inputs.plan, today=today, annual=int(sys.argv[3]))
root = Path(tempfile.mkdtemp())
now = dt.datetime.combine(today, dt.time(12))
(_, context), = pack_contexts(config, inputs, specs, now=now, root=root, charts=None).packs
REPEAT = 3
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

# Scenario 4: the criteria engine alone, on a plan and its observations from bench.generate.scaled_plan. CPU time of
# evaluate() only (reading the plan and the table is not timed).
ENGINE = """
import datetime as dt, json, sys, time
from pathlib import Path
import pandas as pd
from reportgen.evaluate import evaluate
from reportgen.plan import load_plan
plan = load_plan(Path(sys.argv[1]))
observations = pd.read_pickle(sys.argv[2])
t = time.process_time()
results = evaluate(plan, observations, dt.date.fromisoformat(sys.argv[3]))
criteria = sum(len(i.criteria) for i in results)
print(json.dumps({"s": time.process_time() - t, "rows": criteria, "rss": rss()}))
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
def done(groups, rows):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss, "rows": rows, "groups": groups}))
"""


def py(code: str, *args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", RSS + code, *args], capture_output=True, text=True, check=True, env=ENV)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


Measure = Callable[[], tuple[float, int]]
"""One run of a scenario or its baseline: (CPU seconds, peak memory in KiB)."""


def process(cmd: list[str], cwd: Path, before: Callable[[], None] | None = None) -> Measure:
    """A whole process, measured by the kernel: its user + system CPU time and its max RSS."""

    def run() -> tuple[float, int]:
        if before is not None:
            before()
        proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise SystemExit(f"bench: {shlex.join(cmd)} exited with {proc.returncode}")
        return usage.ru_utime + usage.ru_stime, usage.ru_maxrss

    return run


def snippet(code: str, *args: str) -> Measure:
    """A timed snippet (its own CPU time of the step it times, the process's max RSS)."""

    def run() -> tuple[float, int]:
        out = subprocess.run(
            [sys.executable, "-c", RSS + code, *args], capture_output=True, text=True, check=True, env=ENV
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        return float(result["s"]), int(result["rss"])

    return run


@dataclass
class Paired:
    ours: list[float]
    base: list[float]
    ours_rss: int
    base_rss: int

    @property
    def ratio(self) -> float:
        return statistics.median(self.ours) / statistics.median(self.base)


def paired(ours: Measure, base: Measure, repeat: int) -> Paired:
    """Both runs, ``repeat`` times, alternating which goes first, after one run of each that is not counted (it
    compiles and caches the modules, as a first run after installing does)."""
    ours()
    base()
    result = Paired([], [], 0, 0)
    for i in range(repeat):
        order = ((ours, result.ours), (base, result.base))
        for measure, times in order if i % 2 == 0 else reversed(order):
            seconds, rss = measure()
            times.append(seconds)
            if times is result.ours:
                result.ours_rss = max(result.ours_rss, rss)
            else:
                result.base_rss = max(result.base_rss, rss)
    return result


def scenario(rows: list[tuple[str, str, str, str]], name: str, baseline: str, p: Paired, limit: float) -> None:
    """A scenario's three lines: its median and peak, its baseline's beside it, the ratio against the target."""
    n = len(p.ours)
    rows.append(
        (name, f"{statistics.median(p.ours):.3f} s", "", f"CPU, median of {n}; peak {p.ours_rss / 1024:.0f} MB")
    )
    rows.append(
        (f"   baseline: {baseline}", f"{statistics.median(p.base):.3f} s", "", f"peak {p.base_rss / 1024:.0f} MB")
    )
    best = min(p.ours) / min(p.base)  # the least disturbed run of each: what a shared machine's bursts cannot inflate
    verdict = "met" if p.ratio <= limit else "NOT MET"
    rows.append(("   ratio", f"{p.ratio:.2f}x", f"<= {limit:g}x", f"{verdict} (fastest run of each: {best:.2f}x)"))


def timed(cmd: list[str], cwd: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, capture_output=True, check=True, env=ENV)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


NATIONAL_TARGET = 1.8
"""Scenario 6: 2 workers at least this many times faster (wall clock) than 1."""

CHART_INDICATORS = 50
"""Scenario 5: the annual pack whose charts are drawn shows this many indicators."""
CHART_TARGET_S = 0.040
"""Scenario 5: at most this much CPU time per chart (median over the pack's charts)."""

ECONOMY_TARGET = 1.5
"""Scenario 3: reportgen's read + aggregate at most this many times the CPU time of the DuckDB baseline..."""
ECONOMY_MEMORY_MIB = 1024
"""... within this peak memory, with totals identical to the øre."""


def economy_scenario(rows: int, repeat: int) -> list[tuple[str, str, str, str]]:
    """Scenario 3, paired: reportgen and the baseline run alternately in fresh processes, ``repeat`` times each."""
    from reportgen.plan import load_plan

    path = generate(rows)
    plan_path = ROOT / "inputs" / "handleplan_2019.yaml"
    initiatives = {
        project: i.id for i in load_plan(plan_path).initiatives if i.economy for project in i.economy.projects
    }
    ours, base = [], []
    for _ in range(repeat):
        ours.append(py(ECONOMY_REPORTGEN, str(path), str(plan_path)))
        try:
            base.append(py(ECONOMY_DUCKDB, str(path), json.dumps(initiatives)))
        except subprocess.CalledProcessError as exc:
            return [(f"Economy export, {rows:,} rows: baseline failed", "", "", exc.stderr.strip()[-120:])]
    cpu = statistics.median(r["cpu"] for r in ours)
    base_cpu = statistics.median(r["cpu"] for r in base)
    ratio = statistics.median(o["cpu"] / b["cpu"] for o, b in zip(ours, base, strict=True))
    peak = max(r["rss"] for r in ours) / 1024
    base_peak = max(r["rss"] for r in base) / 1024
    same = all(r["groups"] == base[0]["groups"] for r in ours + base) and len(base[0]["groups"]) > 0
    met = ratio <= ECONOMY_TARGET and peak <= ECONOMY_MEMORY_MIB and same
    size_mb = path.stat().st_size / 1e6
    n = ours[0]["rows"]
    return [
        (
            f"3. Economy export, {rows:,} rows ({size_mb:.0f} MB cp1252): read + aggregate",
            f"{cpu:.1f} s CPU",
            f"<= {ECONOMY_TARGET}x, <= 1 GB",
            f"{'met' if met else 'NOT met'}; median of {repeat}; peak {peak:.0f} MiB",
        ),
        (
            "  baseline: transcode + DuckDB read_csv VARCHAR + SQL",
            f"{base_cpu:.1f} s CPU",
            "",
            f"peak {base_peak:.0f} MiB",
        ),
        ("  ratio reportgen / baseline (paired CPU)", f"{ratio:.2f}x", f"<= {ECONOMY_TARGET}x", ""),
        (
            "  totals per initiative and month",
            "identical" if same else "DIFFER",
            "to the øre",
            f"{len(base[0]['groups'])} groups",
        ),
        (
            "  rate, memory",
            f"{n / cpu:,.0f} rows/s",
            "",
            f"{peak / (n / 1e6):.0f} MiB per million rows (peak / rows)",
        ),
    ]


def national(count: int, repeat: int) -> list[tuple[str, str, str, str]]:
    """Scenario 6: ``count`` municipalities' annual packs (folders as ``reportgen init`` writes them), with 1 worker
    and with 2, paired: each repetition runs both, each on a fresh copy of the folders; the medians are compared."""
    import os

    source = municipalities(count)
    command = [str(Path(sys.executable).parent / "reportgen"), "-q", "national", "--annual", "2025"]
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
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
            f"6. National: {count} municipalities' annual packs, 1 worker",
            f"{one:.1f} s",
            "",
            f"{60 / cpu1:.0f} packs per CPU-minute ({cpu1:.2f} s CPU each); peak {peak:.0f} MB per worker",
        ),
        ("  same, 2 workers", f"{two:.1f} s", "", f"{cpu2:.2f} s CPU per pack (1 worker: {cpu1:.2f})"),
        (
            "  speed-up 2 workers / 1",
            f"{one / two:.2f}x",
            f">= {NATIONAL_TARGET:g}x",
            f"{'met' if one / two >= NATIONAL_TARGET else 'NOT MET'}; median of {repeat} paired runs; load average "
            f"{load} on {os.cpu_count()} cores",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rows",
        type=int,
        default=5_000_000,
        help="rows in the synthetic economy export (the target: 5000000)",
    )
    parser.add_argument("--repeat", type=int, default=7, help="pairs per numbered scenario (default 7)")
    parser.add_argument(
        "--only", type=int, action="append", metavar="N", help="run only the numbered scenario N (repeatable)"
    )
    parser.add_argument(
        "--municipalities", type=int, default=98, help="municipalities in the national scenario (all: 98)"
    )
    args = parser.parse_args()
    reportgen = str(Path(sys.executable).parent / "reportgen")
    rows: list[tuple[str, str, str, str]] = []
    wanted = set(args.only or [])

    def want(n: int) -> bool:
        return not wanted or n in wanted

    if want(3) and importlib.util.find_spec("duckdb") is None:
        raise SystemExit(
            "bench: scenario 3 compares with DuckDB, which is not installed: pip install -e '.[bench]' (or make bench),"
            " or leave the scenario out with --only"
        )

    if want(1):
        help_run = paired(
            process([reportgen, "--help"], ROOT),
            process([sys.executable, "-c", "import click, logging"], ROOT),
            args.repeat,
        )
        scenario(rows, "1. reportgen --help", "python -c 'import click, logging'", help_run, 1.1)

    if want(2):
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            shutil.copy(ROOT / "reportgen.toml", work)
            shutil.copytree(ROOT / "inputs", work / "inputs")
            fresh = lambda: shutil.rmtree(work / "outputs", ignore_errors=True)  # noqa: E731 - each run builds anew
            pack_run = paired(
                process([reportgen, "-q", "run", "--committee", "AUU", "--meeting", "2020-12-08"], work, fresh),
                process([sys.executable, "-c", "import pandas, openpyxl, docxtpl"], work),
                args.repeat,
            )
            allpacks = timed([reportgen, "-q", "run"], work, 3)
        scenario(
            rows,
            "2. Committee pack with charts, example plan (AUU, 2020-12-08)",
            "python -c 'import pandas, openpyxl, docxtpl'",
            pack_run,
            2,
        )
        rows.append(("All five committee packs, example plan", f"{allpacks:.2f} s", "", "whole command, wall"))

    if want(4):
        with tempfile.TemporaryDirectory() as tmp:
            small = scaled_plan(10, Path(tmp))
            large = scaled_plan(100, Path(tmp))
            engine = paired(
                snippet(ENGINE, str(large[0]), str(large[1]), AS_OF),
                snippet(ENGINE, str(small[0]), str(small[1]), AS_OF),
                args.repeat,
            )
        scenario(rows, "4. Criteria engine, 7.700 criteria (plan x100)", "770 criteria (plan x10)", engine, 12)
        per_criterion = statistics.median(engine.ours) / 7700 * 1000
        rows.append(("   per criterion at 7.700", f"{per_criterion:.2f} ms", "", f"{1000 / per_criterion:,.0f}/s"))

    if want(5):
        folder = str(indicator_municipality(CHART_INDICATORS))
        charts = py(CHART_CONTEXT + CHARTS_REPORTGEN, str(ROOT), folder, "2025", "2026-01-15")
        pyplot = py(CHART_CONTEXT + CHARTS_PYPLOT, str(ROOT), folder, "2025", "2026-01-15")
        verdict = "met" if charts["s"] <= CHART_TARGET_S else "NOT MET"
        rows.append(
            (
                f"5. Charts of an annual pack of {CHART_INDICATORS} indicators ({charts['rows']}): CPU per chart",
                f"{charts['s'] * 1000:.0f} ms",
                f"<= {CHART_TARGET_S * 1000:.0f} ms",
                f"{verdict}; median over the charts, each its fastest of 3; first pass {charts['first']:.2f} s",
            )
        )
        rows.append(
            ("  same charts through pyplot + tight_layout", f"{pyplot['s'] * 1000:.0f} ms", "", "the usual way")
        )
        rows.append(("  ratio reportgen / pyplot", f"{charts['s'] / pyplot['s']:.2f}", "< 1", ""))

    if want(3):  # 5 M rows: at most three pairs
        rows.extend(economy_scenario(args.rows, min(args.repeat, 3)))

    if want(6):  # minutes: --municipalities 20 for fewer
        national_repeat = 1 if args.municipalities >= 98 else min(args.repeat, 3)
        rows += national(args.municipalities, national_repeat)

    print_table(rows)


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}}  {'result':>16}  {'target':<18}  note")
    for name, result, target, note in rows:
        print(f"{name:<{width}}  {result:>16}  {target:<18}  {note}")


if __name__ == "__main__":
    main()
