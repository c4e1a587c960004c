"""STAR's Jobindsats API (``https://api.jobindsats.dk/v2``): a key issued by STAR on request, sent as the
``Authorization`` header, read only from the environment variable the config names.

Everything that depends on the shape of this API is in this module, so it is the one place to correct:

* the request: POST ``<base>/data/<table>/json`` with a JSON body ``{"area": [...] or "*", "period": [...],
  "<variable>": [...]}`` (further variables by their names, such as ``_ygrp_y30r21``);
* the answer: a JSON list whose first element has ``Variables`` (each with ``Name`` and ``Label``) and ``Data`` (rows
  of values in the order of ``Variables``); the area, period and measure columns are found by name or label.

This shape is the one clients of the v2 API use; it has not been checked against STAR's documentation.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from reportgen.fetch.common import FetchedTable, FetchError, Figure, Planned, danish_time, listed, value_cell
from reportgen.fetch.http import Client, Exchange, HttpFailure, Request
from reportgen.fetch.settings import JobindsatsFetch

KEY_HELP = (
    "the Jobindsats API needs a key, which STAR issues on request: ask for one at jobindsats.dk → API, then set "
    "{env}=<the key> in the environment reportgen runs in; never in reportgen.toml"
)
AREA_NAMES = ("area", "område", "omraade")
PERIOD_NAMES = ("period", "periode")


def data_request(base: str, entry: JobindsatsFetch) -> Request:
    body: dict[str, Any] = {
        "area": "*" if entry.areas == ["*"] else entry.areas,
        "period": entry.periods,
        **entry.variables,
    }
    return Request("POST", f"{base}/data/{entry.table}/json", body)


def plan(base: str, entry: JobindsatsFetch) -> Planned:
    return Planned([data_request(base, entry)], f"with the header Authorization: ${entry.key_env}")


def fetch(client: Client, base: str, entry: JobindsatsFetch, key: str, now: dt.datetime) -> FetchedTable:
    request = data_request(base, entry)
    try:
        exchange = client.send(request, {"Authorization": key})
    except HttpFailure as exc:
        answered = f"answered HTTP {exc.status}" if exc.status else "did not answer"
        hint = f" (is the key in ${entry.key_env} valid?)" if exc.status in (401, 403) else ""
        raise FetchError(
            f"Jobindsats {answered} for table {entry.table}: {exc.text}{hint}",
            "a table id, periods and areas as jobindsats.dk shows them (api.jobindsats.dk reachable)",
        ) from None
    label, figures = parse(exchange, entry)
    fetched = now.isoformat(timespec="seconds")
    note = (
        f"Kilde: Jobindsats.dk (Styrelsen for Arbejdsmarked og Rekruttering), tabel {entry.table}, {label}, hentet "
        f"{danish_time(now)}. Udvalg: perioder {listed(entry.periods)}; områder {listed(entry.areas)}"
        + "".join(f"; {name} {listed(values)}" for name, values in entry.variables.items())
    )
    source = {
        "source": "Jobindsats.dk (STAR)",
        "table": entry.table,
        "measure": entry.measure,
        "selection": {"area": entry.areas, "period": entry.periods, **entry.variables},
        "updated": None,
        "fetched": fetched,
        "url": request.url,
    }
    return FetchedTable(f"Jobindsats: {label}", entry.indicator, entry.unit, figures, note, source)


def _malformed(table: str, what: str) -> FetchError:
    return FetchError(
        f"table {table}: the answer is not what Jobindsats sends: {what}",
        "a JSON list with Variables and Data (see reportgen/fetch/jobindsats.py)",
    )


def _column(variables: list[dict[str, Any]], names: tuple[str, ...]) -> int | None:
    for i, v in enumerate(variables):
        if str(v.get("Name", "")).casefold() in names or str(v.get("Label", "")).casefold() in names:
            return i
    return None


def parse(exchange: Exchange, entry: JobindsatsFetch) -> tuple[str, list[Figure]]:
    """The measure's label and its figures per area and period."""
    try:
        data: Any = json.loads(exchange.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _malformed(entry.table, f"not JSON ({str(exc)[:80]})") from None
    block = data[0] if isinstance(data, list) and data else data
    if (
        not isinstance(block, dict)
        or not isinstance(block.get("Variables"), list)
        or not isinstance(block.get("Data"), list)
    ):
        raise _malformed(entry.table, "no Variables and Data")
    variables = [v if isinstance(v, dict) else {"Label": str(v)} for v in block["Variables"]]
    area = _column(variables, AREA_NAMES)
    period = _column(variables, PERIOD_NAMES)
    measure = _column(variables, (entry.measure.casefold(),))
    if area is None or period is None:
        raise _malformed(entry.table, "no area or period column among " + _labels(variables))
    if measure is None:
        raise FetchError(
            f"table {entry.table} has no measure {entry.measure!r}",
            "measure = one of: " + _labels(variables),
        )
    label = str(variables[measure].get("Label") or entry.measure)
    figures: list[Figure] = []
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(block["Data"], start=1):
        if not isinstance(row, list) or len(row) != len(variables):
            raise _malformed(entry.table, f"data row {n} does not have one value per variable ({len(variables)})")
        value = value_cell(row[measure])
        if value is None:
            raise _malformed(entry.table, f"data row {n}: {str(row[measure])[:40]!r} is not a figure")
        key = (str(row[area]).strip(), str(row[period]).strip())
        if key in seen:
            others = [str(v.get("Name") or v.get("Label")) for i, v in enumerate(variables) if i not in (area, period)]
            raise FetchError(
                f"table {entry.table} gives more than one row for {key[0]} in {key[1]}",
                "one value of each further variable in variables = { … } (" + ", ".join(others[:6]) + ")",
            )
        seen.add(key)
        figures.append(Figure(key[0], key[1], None, value))
    return label, figures


def _labels(variables: list[dict[str, Any]]) -> str:
    return ", ".join(repr(str(v.get("Label") or v.get("Name"))) for v in variables[:20])
