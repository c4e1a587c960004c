"""A national run: many municipalities' packs in one command, built by a pool of worker processes.

Each municipality is a folder with its own ``reportgen.toml``, plan and inputs, and keeps its own output root, lock,
manifest and archive: a job is ``run_packs`` on one config, a pure function of that folder's files. Each worker
process imports the pipeline once and then builds one municipality after another (no subprocess per municipality).
A municipality that fails is an outcome with its errors, never an exception that stops the others.

>>> configs = find_configs([Path("kommuner")])           # every kommuner/*/reportgen.toml
>>> result = run_national(configs, NationalRequest(annual=2025), workers=2)
>>> [o.folder.name for o in result.outcomes if not o.ok]  # the municipalities that failed, with o.errors
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType

from reportgen.domain.clock import acting_day
from reportgen.errors import InputError, ReportgenError, UsageError, describe

CONFIG_NAME = "reportgen.toml"
NOT_STARTED = "not started (interrupted)"
WORKER_DIED = "the worker process building it stopped (killed, or out of memory?)"


@dataclass(frozen=True)
class NationalRequest:
    """What to build in every municipality: the same choices ``reportgen run`` takes for one."""

    annual: int | None = None
    meeting: dt.date | None = None
    committees: tuple[str, ...] = ()
    today: dt.date | None = None
    simulate: bool = False
    dry_run: bool = False
    command: str = "reportgen national"


@dataclass(frozen=True)
class Outcome:
    """One municipality's run: the packs built (their labels and files) or the errors that stopped it."""

    config: Path
    packs: tuple[str, ...] = ()
    files: tuple[Path, ...] = ()
    manifest: Path | None = None
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    seconds: float = 0.0
    peak_memory: int = 0  # the worker's peak resident memory after this job, in bytes (0 where unknown)
    worker: int = 0  # the worker's process id

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def folder(self) -> Path:
        return self.config.parent


@dataclass
class NationalResult:
    """Every municipality's outcome, in the order the configs were given; ``interrupted`` after Ctrl-C (then the
    municipalities not started have the error ``not started``)."""

    outcomes: list[Outcome] = field(default_factory=list)
    workers: int = 1
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


def find_configs(paths: Sequence[Path]) -> list[Path]:
    """The configs to run: each path a ``reportgen.toml``, a municipality's folder holding one, or a folder of
    municipality folders (every ``*/reportgen.toml`` in it, sorted). A config given twice runs once."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif (path / CONFIG_NAME).is_file():
            found.append(path / CONFIG_NAME)
        else:
            inside = sorted(path.glob(f"*/{CONFIG_NAME}"))
            if not inside:
                raise UsageError.at(
                    str(path),
                    f"no {CONFIG_NAME} in this folder or its subfolders",
                    "a reportgen.toml, a municipality's folder, or a folder of municipality folders",
                )
            found += inside
    unique: dict[Path, Path] = {}
    for config in found:
        unique.setdefault(config.resolve(), config)
    return list(unique.values())


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


Progress = Callable[[Outcome, int, int], None]
"""Told of each municipality as it finishes: its outcome, how many are done, how many in all."""


def run_national(
    configs: Sequence[Path],
    request: NationalRequest,
    *,
    workers: int,
    progress: Progress | None = None,
    worker_setup: Callable[[], None] | None = None,
) -> NationalResult:
    """Build every config's packs with ``workers`` processes. ``worker_setup`` runs once in each worker (the CLI's
    console logging, with its privacy filter). Ctrl-C cancels the municipalities not started; the ones running
    stop without publishing (each publish is all or nothing under its own output lock). A worker that dies (killed,
    out of memory) breaks the pool for the municipalities queued behind it: each of those is built again alone, so
    only the one that kills its worker is reported so."""
    started = time.perf_counter()
    workers = max(1, min(workers, len(configs)))
    result = NationalResult(workers=workers)
    context = _context()
    if context.get_start_method() == "fork":
        _preload()  # once, in this process: every worker starts with it, none imports it again
    pool = functools.partial(
        ProcessPoolExecutor, mp_context=context, initializer=_start_worker, initargs=(worker_setup,)
    )
    done: dict[Path, Outcome] = {}
    result.interrupted = _build_all(pool(workers), configs, request, done, progress, len(configs))
    for config in [c for c in configs if done[c].errors[:1] == (WORKER_DIED,)]:
        if result.interrupted:
            break
        result.interrupted = _build_all(pool(1), [config], request, done, progress, len(configs))
    result.outcomes = [done[config] for config in configs]
    result.seconds = time.perf_counter() - started
    return result


def _build_all(
    pool: ProcessPoolExecutor,
    configs: Sequence[Path],
    request: NationalRequest,
    done: dict[Path, Outcome],
    progress: Progress | None,
    total: int,
) -> bool:
    """Build ``configs`` in ``pool``, each outcome into ``done`` as it comes; True if Ctrl-C stopped it."""
    futures: dict[Future[Outcome], Path] = {}
    try:
        futures = {pool.submit(build_municipality, config, request): config for config in configs}
        for future in as_completed(futures):
            outcome = _outcome_of(future, futures[future])
            done[outcome.config] = outcome
            if progress:
                progress(outcome, len(done), total)
    except KeyboardInterrupt:
        pool.shutdown(wait=True, cancel_futures=True)
        for future, config in futures.items():
            done[config] = _outcome_of(future, config)
        for config in configs:
            done.setdefault(config, Outcome(config, errors=(NOT_STARTED,)))
        return True
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return False


def _context() -> multiprocessing.context.BaseContext:
    """``fork`` on Linux: a worker starts with what the parent imported and configured, at no cost. Elsewhere
    ``spawn`` (fork is unsafe on macOS), where the initializer imports the pipeline once per worker."""
    method = "fork" if sys.platform == "linux" else "spawn"
    return multiprocessing.get_context(method)


def _outcome_of(future: Future[Outcome], config: Path) -> Outcome:
    """A finished job's outcome; a job that never ran, or whose worker died, as an outcome with that error."""
    if future.cancelled() or not future.done():
        return Outcome(config, errors=(NOT_STARTED,))
    try:
        return future.result()
    except (CancelledError, BrokenProcessPool) as exc:
        return Outcome(config, errors=(WORKER_DIED, describe(exc)))


_busy = False
"""True while this worker builds a municipality: only then does Ctrl-C interrupt it."""
_stopped = False
"""True once Ctrl-C interrupted this worker: it starts no other municipality (an import cut short would leave a
half-initialised module behind for the next one)."""


def _start_worker(setup: Callable[[], None] | None) -> None:
    """Once per worker: import the pipeline and the renderers (already there when forked from a parent that
    imported them), and take Ctrl-C only while building (an idle worker interrupted inside the pool's queue would
    die with a traceback)."""
    signal.signal(signal.SIGINT, _on_interrupt)
    if setup is not None:
        setup()
    _preload()
    gc.freeze()  # the modules: left out of the collection after each municipality, their pages shared with the parent


def _preload() -> None:
    """Import what building a pack needs, also what the modules import only when first used (pandas, openpyxl's
    reader, docxtpl, matplotlib's figure and Agg canvas): about 1,5 s CPU a worker would otherwise spend on its
    first municipality."""
    import docxtpl  # noqa: F401
    import matplotlib.backends.backend_agg
    import matplotlib.figure  # noqa: F401
    import openpyxl.reader.excel  # noqa: F401
    import pandas  # noqa: F401

    import reportgen.pipeline.publishing
    import reportgen.render.charts
    import reportgen.render.excel
    import reportgen.render.word  # noqa: F401


def _on_interrupt(_signum: int, _frame: FrameType | None) -> None:
    if _busy:
        raise KeyboardInterrupt


def build_municipality(config_path: Path, request: NationalRequest) -> Outcome:
    """One municipality's packs, as ``reportgen run`` builds them, with every error as the outcome's text."""
    global _busy, _stopped
    if _stopped:
        return Outcome(config_path, errors=(NOT_STARTED,))
    started = time.perf_counter()
    _busy = True
    try:
        outcome = _build(config_path, request)
    except InputError as exc:
        outcome = Outcome(config_path, errors=tuple(str(p) for p in exc.problems))
    except ReportgenError as exc:
        outcome = Outcome(config_path, errors=(str(exc),))
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        outcome = Outcome(config_path, errors=(f"{where}{exc.strerror or exc} (nothing new was published)",))
    except KeyboardInterrupt:
        _stopped = True
        outcome = Outcome(config_path, errors=("interrupted; nothing of it was published",))
    except Exception as exc:  # a defect in one municipality's run must not stop the others
        outcome = Outcome(config_path, errors=(f"internal error: {describe(exc)}",))
    finally:
        _busy = False
        gc.collect()  # the cycles it left: the worker goes on, and the CLI turned automatic collection off
    return replace(outcome, seconds=time.perf_counter() - started, peak_memory=_peak_memory(), worker=os.getpid())


def _build(config_path: Path, request: NationalRequest) -> Outcome:
    from reportgen.config import load_config
    from reportgen.pipeline.building import BuildOptions, run_packs
    from reportgen.pipeline.inputs import load_plan_of

    config = load_config(config_path)
    try:
        plan = load_plan_of(config)
    except InputError:
        plan = None  # run_packs reads every input and reports the plan's problems with theirs
    result = run_packs(
        config,
        today=acting_day(
            request.today,
            simulate=request.simulate,
            real=config.today(),
            plan_start=None if plan is None else plan.period.start,
            zone=config.model.schedule.timezone,
        ),
        plan=plan,
        meeting=request.meeting,
        committees=request.committees,
        annual=request.annual,
        options=BuildOptions(dry_run=request.dry_run, command=request.command),
    )
    return Outcome(
        config_path,
        packs=tuple(p.spec.label for p in result.packs),
        files=tuple(f for p in result.packs for f in p.files),
        manifest=result.manifest,
        warnings=tuple(result.warnings),
    )


def _peak_memory() -> int:
    """This process's peak resident memory in bytes (ru_maxrss: KiB on Linux, bytes on macOS)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)
