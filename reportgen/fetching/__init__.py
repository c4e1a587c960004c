"""``reportgen fetch``: indicator figures from Statistics Denmark's Statbank and STAR's Jobindsats, written as
long-layout files the indicator reader reads unchanged, each with its source stamp and the raw answers.

``statbank`` and ``jobindsats`` know the two APIs, ``http`` sends and records the requests, ``writing`` writes the
files. ``fetch_all`` fetches every configured table on its own: one that fails does not stop the others, and leaves
its earlier file as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from reportgen.config import Config, JobindsatsFetch, StatbankFetch
from reportgen.errors import InputError, Problem
from reportgen.fetching import jobindsats, statbank
from reportgen.fetching.common import FetchedTable, FetchError, Planned
from reportgen.fetching.http import Client, Exchange, Request
from reportgen.fetching.statbank import CELL_LIMIT
from reportgen.fetching.writing import write_table

__all__ = ["CELL_LIMIT", "FetchOutcome", "FetchReport", "Request", "fetch_all"]

Status = Literal["written", "planned", "skipped", "failed"]


@dataclass
class FetchOutcome:
    """What became of one configured table."""

    kind: Literal["statbank", "jobindsats"]
    table: str
    target: Path
    status: Status
    figures: int = 0
    problem: Problem | None = None
    planned: Planned | None = None


@dataclass
class FetchReport:
    outcomes: list[FetchOutcome] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Exit 2: a table failed, or no table was fetched at all (every one skipped)."""
        if any(o.status == "failed" for o in self.outcomes):
            return True
        return bool(self.outcomes) and all(o.status == "skipped" for o in self.outcomes)


def fetch_all(
    config: Config,
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    cell_limit: int = CELL_LIMIT,
    timeout: float | None = None,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchReport:
    """Fetch every table in ``[fetch]`` into ``[fetch] dir``. ``timeout`` overrides ``[fetch] timeout``;
    ``cell_limit`` is the most cells one Statbank request asks for. Nothing is written on a dry run."""
    settings = config.model.fetch
    entries: list[StatbankFetch | JobindsatsFetch] = [*settings.statbank, *settings.jobindsats]
    where = config.display(config.path)
    if not entries:
        raise InputError.at(
            where,
            "nothing to fetch",
            "[[fetch.statbank]] or [[fetch.jobindsats]] entries (see README.md)",
            column="fetch",
        )
    folder = config.resolve(settings.dir)
    config.require_allowed(folder, "fetch.dir")
    env = os.environ if environ is None else environ
    moment = now or config.now()
    report = FetchReport()
    for index, entry in enumerate(entries):
        kind: Literal["statbank", "jobindsats"] = "statbank" if isinstance(entry, StatbankFetch) else "jobindsats"
        position = index if kind == "statbank" else index - len(settings.statbank)
        key = f"fetch.{kind}[{position}] ({entry.table})"
        outcome = FetchOutcome(kind, entry.table, folder / entry.file, "written")
        report.outcomes.append(outcome)
        if dry_run:
            base = settings.statbank_url if kind == "statbank" else settings.jobindsats_url
            outcome.status = "planned"
            if isinstance(entry, StatbankFetch):
                outcome.planned = statbank.plan(base, entry)
            else:
                outcome.planned = jobindsats.plan(base, entry)
            continue
        client = Client(timeout or settings.timeout, settings.retries, settings.retry_delay_s, sleep)
        try:
            if isinstance(entry, StatbankFetch):
                table = statbank.fetch(client, settings.statbank_url, entry, moment, cell_limit=cell_limit)
            else:
                api_key = env.get(entry.key_env, "").strip()
                if not api_key:
                    outcome.status = "skipped"
                    outcome.problem = Problem(
                        where,
                        f"no API key in ${entry.key_env}; skipped",
                        jobindsats.KEY_HELP.format(env=entry.key_env),
                        column=key,
                        severity="warning",
                    )
                    continue
                table = jobindsats.fetch(client, settings.jobindsats_url, entry, api_key, moment)
        except FetchError as exc:
            outcome.status = "failed"
            outcome.problem = Problem(where, exc.message, exc.expected, column=key)
            continue
        _write(outcome, table, client.exchanges)
    return report


def _write(outcome: FetchOutcome, table: FetchedTable, exchanges: list[Exchange]) -> None:
    table.exchanges = list(exchanges)
    write_table(outcome.target, table)
    outcome.figures = len(table.figures)
