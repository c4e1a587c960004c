"""Fetching every configured table, each on its own."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from reportgen.errors import InputError, Problem
from reportgen.fetch import jobindsats, statbank
from reportgen.fetch.common import FetchedTable, FetchError, Planned
from reportgen.fetch.http import Client, Request
from reportgen.fetch.settings import FetchConfig, JobindsatsFetch, StatbankFetch
from reportgen.fetch.statbank import CELL_LIMIT
from reportgen.fetch.writing import write_table

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
    settings: FetchConfig,
    folder: Path,
    *,
    where: str,
    now: dt.datetime,
    dry_run: bool = False,
    cell_limit: int = CELL_LIMIT,
    timeout: float | None = None,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchReport:
    """Fetch every table in ``settings`` into ``folder``; ``where`` names the config in messages, ``now`` is the
    fetch time the notes state. ``timeout`` overrides ``[fetch] timeout``; ``cell_limit`` is the most cells one
    Statbank request asks for. Nothing is sent or written on a dry run."""
    entries: list[StatbankFetch | JobindsatsFetch] = [*settings.statbank, *settings.jobindsats]
    if not entries:
        raise InputError.at(
            where,
            "nothing to fetch",
            "[[fetch.statbank]] or [[fetch.jobindsats]] entries (see README.md)",
            column="fetch",
        )
    env = os.environ if environ is None else environ
    report = FetchReport()
    for index, entry in enumerate(entries):
        kind: Literal["statbank", "jobindsats"] = "statbank" if isinstance(entry, StatbankFetch) else "jobindsats"
        position = index if kind == "statbank" else index - len(settings.statbank)
        outcome = FetchOutcome(kind, entry.table, folder / entry.file, "written")
        report.outcomes.append(outcome)
        if dry_run:
            outcome.status, outcome.planned = "planned", _plan(settings, entry)
            continue
        client = Client(timeout or settings.timeout, settings.retries, settings.retry_delay_s, sleep)
        key = f"fetch.{kind}[{position}] ({entry.table})"
        try:
            table = _fetch(client, settings, entry, env, now, cell_limit)
        except FetchError as exc:
            outcome.status = "failed"
            outcome.problem = Problem(where, exc.message, exc.expected, column=key)
            continue
        except _NoKey as exc:
            help_text = jobindsats.KEY_HELP.format(env=exc.env)
            outcome.status = "skipped"
            outcome.problem = Problem(
                where, f"no API key in ${exc.env}; skipped", help_text, column=key, severity="warning"
            )
            continue
        table.exchanges = list(client.exchanges)
        write_table(outcome.target, table)
        outcome.figures = len(table.figures)
    return report


class _NoKey(Exception):
    def __init__(self, env: str):
        self.env = env


def _plan(settings: FetchConfig, entry: StatbankFetch | JobindsatsFetch) -> Planned:
    if isinstance(entry, StatbankFetch):
        return statbank.plan(settings.statbank_url, entry)
    return jobindsats.plan(settings.jobindsats_url, entry)


def _fetch(
    client: Client,
    settings: FetchConfig,
    entry: StatbankFetch | JobindsatsFetch,
    env: Mapping[str, str],
    now: dt.datetime,
    cell_limit: int,
) -> FetchedTable:
    if isinstance(entry, StatbankFetch):
        return statbank.fetch(client, settings.statbank_url, entry, now, cell_limit=cell_limit)
    api_key = env.get(entry.key_env, "").strip()
    if not api_key:
        raise _NoKey(entry.key_env)
    return jobindsats.fetch(client, settings.jobindsats_url, entry, api_key, now)
