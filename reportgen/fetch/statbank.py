"""Statistics Denmark's Statbank API (``https://api.statbank.dk/v1``; no key; CC BY 4.0, cite the source).

A table is fetched in two steps: ``tableinfo`` (POST ``{"table", "format": "JSON", "lang": "da"}``) gives the table's
title, unit, ``updated`` time and its variables with their codes (``OMRÅDE`` in FOLK1A, ``KOMK`` in others; the time
variable has ``time: true``); then ``data`` (POST, ``format: BULK``, ``lang: da``) with a value list — codes or
``*`` — for every variable, because BULK refuses a variable without values. The answer is ``;``-separated UTF-8
with a byte order mark: a header of the variables' ids and ``INDHOLD``, one row per cell with the values' texts and
the figure with a decimal comma (``38,5``), ``..`` where the figure is not published. A selection of more cells than
the non-streamed formats allow (1.000.000) is split into several requests on the time variable, else on the largest.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass
from typing import Any

from reportgen.fetch.common import FetchedTable, FetchError, Figure, Planned, danish_time, listed, value_cell
from reportgen.fetch.http import Client, Exchange, HttpFailure, Request
from reportgen.fetch.settings import StatbankFetch

CELL_LIMIT = 1_000_000
"""The most cells one data request may ask for in a format that is not streamed."""

LICENCE = "CC BY 4.0"
AREA_IDS = ("OMRÅDE", "KOMK", "KOMKODE", "KOMMUNE", "BOPKOM", "BOPOMR", "REGION", "GEO")
Selection = dict[str, list[str] | str]
"""A variable's id (as the table spells it) -> its selected codes, or ``"*"`` for all."""


@dataclass(frozen=True)
class Variable:
    id: str
    text: str
    time: bool
    mapped: bool  # the variable has a map (an area variable)
    values: list[tuple[str, str]]  # (code, text)

    def text_of(self, code: str) -> str:
        return next((t for c, t in self.values if c == code), code)


@dataclass(frozen=True)
class TableInfo:
    id: str
    text: str
    unit: str
    updated: str
    variables: list[Variable]

    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.id.casefold() == name.casefold()), None)


def tableinfo_request(base: str, table: str) -> Request:
    return Request("POST", f"{base}/tableinfo", {"table": table, "format": "JSON", "lang": "da"})


def data_request(base: str, table: str, selection: Selection) -> Request:
    variables = [{"code": v, "values": codes if isinstance(codes, list) else [codes]} for v, codes in selection.items()]
    return Request("POST", f"{base}/data", {"table": table, "format": "BULK", "lang": "da", "variables": variables})


def plan(base: str, entry: StatbankFetch) -> Planned:
    """The requests a fetch of ``entry`` sends, as far as they are known before ``tableinfo`` has answered."""
    return Planned(
        [tableinfo_request(base, entry.table), data_request(base, entry.table, dict(entry.selection))],
        "the data request is completed from tableinfo (the table's own variable ids, the time variable '*' if not "
        f"selected) and split if it asks for more than {CELL_LIMIT:,} cells".replace(",", "."),
    )


def fetch(
    client: Client, base: str, entry: StatbankFetch, now: dt.datetime, *, cell_limit: int = CELL_LIMIT
) -> FetchedTable:
    """Fetch one configured table; a ``FetchError`` says what went wrong (with Statbank's own message)."""
    info = parse_tableinfo(_send(client, tableinfo_request(base, entry.table), entry.table), entry.table)
    selection = resolve_selection(info, entry)
    area = area_variable(info, entry)
    time = next(v for v in info.variables if v.time)
    breakdown = breakdown_of(info, selection, area, time)
    figures: list[Figure] = []
    for part in split(info, selection, cell_limit):
        exchange = _send(client, data_request(base, info.id, part), entry.table)
        figures.extend(parse_bulk(exchange, info, area, time, breakdown))
    if not figures:
        raise FetchError(f"table {info.id}: the selection gave no figures", "a selection the table holds values for")
    chosen = "; ".join(_chosen(info, v, codes) for v, codes in selection.items())
    fetched = now.isoformat(timespec="seconds")
    note = (
        f"Kilde: Danmarks Statistik, tabel {info.id} ({info.text}), opdateret {_updated(info.updated)}, hentet "
        f"{danish_time(now)}. Udvalg: {chosen}. Licens: {LICENCE}, statistikbanken.dk/{info.id}"
    )
    source = {
        "source": "Danmarks Statistik (Statistikbanken)",
        "licence": LICENCE,
        "table": info.id,
        "title": info.text,
        "unit": info.unit,
        "selection": selection,
        "updated": info.updated,
        "fetched": fetched,
        "url": f"{base}/data",
    }
    unit = entry.unit or unit_of(info.unit)
    return FetchedTable(info.text, entry.indicator, unit, figures, note, source)


def _send(client: Client, request: Request, table: str) -> Exchange:
    try:
        return client.send(request)
    except HttpFailure as exc:
        what = "tableinfo" if request.url.endswith("/tableinfo") else "data"
        answered = f"answered HTTP {exc.status}" if exc.status else "did not answer"
        raise FetchError(
            f"Statistics Denmark {answered} to the {what} request for table {table}: {exc.text}",
            "a table id and codes as statistikbanken.dk shows them (api.statbank.dk reachable)",
        ) from None


def _malformed(table: str, what: str) -> FetchError:
    return FetchError(f"table {table}: the answer is not what Statbank sends: {what}", "Statbank's documented format")


def parse_tableinfo(exchange: Exchange, table: str) -> TableInfo:
    """The table's title, unit, update time and variables from a ``tableinfo`` answer."""
    try:
        data: Any = json.loads(exchange.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _malformed(table, f"tableinfo is not JSON ({str(exc)[:80]})") from None
    if not isinstance(data, dict):
        raise _malformed(table, "tableinfo is not a JSON object")
    try:
        variables = [
            Variable(
                str(v["id"]),
                str(v.get("text", v["id"])),
                bool(v.get("time", False)),
                bool(v.get("map")),
                [(str(x["id"]), str(x.get("text", x["id"]))) for x in v["values"]],
            )
            for v in data["variables"]
        ]
        info = TableInfo(str(data["id"]), str(data["text"]), str(data.get("unit", "")), str(data["updated"]), variables)
    except (KeyError, TypeError) as exc:
        raise _malformed(table, f"tableinfo lacks {exc}") from None
    if sum(v.time for v in variables) != 1:
        raise _malformed(table, "tableinfo marks no variable (or more than one) as time")
    return info


def resolve_selection(info: TableInfo, entry: StatbankFetch) -> Selection:
    """The configured selection in the table's own variable ids, every variable given values (the time variable
    ``*`` unless selected); an unknown variable or code, or a variable left out, is an error listing the choices."""
    out: Selection = {}
    for name, codes in entry.selection.items():
        variable = info.variable(name)
        if variable is None:
            raise FetchError(
                f"table {info.id} has no variable {name!r}",
                "one of: " + ", ".join(v.id for v in info.variables),
            )
        if isinstance(codes, list):
            known = {c for c, _ in variable.values}
            unknown = [c for c in codes if c != "*" and c not in known]
            if unknown:
                raise FetchError(
                    f"table {info.id}, variable {variable.id}: no value {', '.join(map(repr, unknown))}",
                    "codes such as " + ", ".join(c for c, _ in variable.values[:8]) + ", or '*' for all",
                )
            codes = "*" if "*" in codes else codes
        out[variable.id] = codes
    for variable in info.variables:
        if variable.id not in out:
            if not variable.time:
                raise FetchError(
                    f"table {info.id}: no selection for the variable {variable.id} ({variable.text})",
                    f'{variable.id} = ["{variable.values[0][0]}"] (codes such as '
                    + ", ".join(f"{c} {t}" for c, t in variable.values[:5])
                    + ') or "*" in [fetch.statbank.selection]',
                )
            out[variable.id] = "*"
    return {v.id: out[v.id] for v in info.variables}  # the table's own order


def area_variable(info: TableInfo, entry: StatbankFetch) -> Variable:
    if entry.area:
        found = info.variable(entry.area)
        if found is None:
            raise FetchError(
                f"table {info.id} has no variable {entry.area!r} (area)",
                "one of: " + ", ".join(v.id for v in info.variables),
            )
        return found
    for variable in info.variables:
        if variable.mapped or variable.id.upper() in AREA_IDS:
            return variable
    raise FetchError(
        f"table {info.id}: no area variable found among " + ", ".join(v.id for v in info.variables),
        'area = "<the variable naming municipalities>" in [[fetch.statbank]]',
    )


def _known(info: TableInfo, name: str) -> Variable:
    variable = info.variable(name)
    if variable is None:  # pragma: no cover - selections are resolved against the table first
        raise FetchError(f"table {info.id} has no variable {name!r}")
    return variable


def _codes(info: TableInfo, name: str, codes: list[str] | str) -> list[str]:
    variable = _known(info, name)
    return [c for c, _ in variable.values] if codes == "*" else list(codes)


def cells(info: TableInfo, selection: Selection) -> int:
    """How many cells a data request for ``selection`` asks for: the product of the values counts."""
    return math.prod(len(_codes(info, v, codes)) for v, codes in selection.items())


def split(info: TableInfo, selection: Selection, limit: int = CELL_LIMIT) -> list[Selection]:
    """``selection`` as parts of at most ``limit`` cells each: split on the time variable, and where one period is
    still too large, on the largest of the other variables."""
    total = cells(info, selection)
    if total <= limit:
        return [selection]
    sizes = {v: len(_codes(info, v, codes)) for v, codes in selection.items()}
    time = next(v.id for v in info.variables if v.time)
    name = time if sizes[time] > 1 else max((v for v in sizes if sizes[v] > 1), key=lambda v: sizes[v])
    codes = _codes(info, name, selection[name])
    per_value = total // len(codes)
    size = max(1, limit // per_value)
    parts: list[Selection] = []
    for i in range(0, len(codes), size):
        parts.extend(split(info, {**selection, name: codes[i : i + size]}, limit))
    return parts


def breakdown_of(info: TableInfo, selection: Selection, area: Variable, time: Variable) -> list[Variable]:
    """The variables besides area and time with more than one value selected: their texts label the figures."""
    return [
        v for v in info.variables if v.id not in (area.id, time.id) and len(_codes(info, v.id, selection[v.id])) > 1
    ]


def parse_bulk(
    exchange: Exchange, info: TableInfo, area: Variable, time: Variable, breakdown: list[Variable]
) -> list[Figure]:
    """The figures of a BULK answer: a header of the variables and ``INDHOLD``, one row per cell."""
    try:
        text = exchange.body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise _malformed(info.id, f"the data is not UTF-8 (byte {exc.start})") from None
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=";") if any(c.strip() for c in row)]
    if not rows:
        raise _malformed(info.id, "the data answer is empty")
    header = [c.strip() for c in rows[0]]
    columns = _bulk_columns(header, info)
    for needed in (area, time, *breakdown):
        if needed.id not in columns:
            raise _malformed(info.id, f"the data's header lacks the variable {needed.id}")
    figures = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise _malformed(info.id, f"line {line} has {len(row)} fields, the header {len(header)}")
        value = value_cell(row[-1])
        if value is None:
            raise _malformed(info.id, f"line {line}: {row[-1][:40]!r} is not a figure (a number such as 38,5 or ..)")
        label = " – ".join(row[columns[v.id]].strip() for v in breakdown) or None
        figures.append(Figure(row[columns[area.id]].strip(), row[columns[time.id]].strip(), label, value))
    return figures


def _bulk_columns(header: list[str], info: TableInfo) -> dict[str, int]:
    """Where each variable is in a BULK header (by its id, or its text); the last column is ``INDHOLD``."""
    if not header or header[-1].upper() != "INDHOLD":
        raise _malformed(info.id, f"the data's header {';'.join(header)[:120]!r} does not end with INDHOLD")
    columns: dict[str, int] = {}
    for i, cell in enumerate(header[:-1]):
        found = next((v for v in info.variables if cell.casefold() in (v.id.casefold(), v.text.casefold())), None)
        if found is None:
            raise _malformed(info.id, f"the data's header names {cell!r}, which is not a variable of the table")
        columns[found.id] = i
    return columns


def unit_of(text: str) -> str:
    """The reader's unit for Statbank's own (``pct.``, ``procent``, ``kr.``, ``1.000 kr.``; else ``antal``)."""
    t = text.casefold().strip()
    if t.startswith(("pct", "procent", "%")):
        return "pct"
    if t in ("kr.", "kr", "kroner"):
        return "kr"
    return "antal"


def _updated(text: str) -> str:
    try:
        return danish_time(dt.datetime.fromisoformat(text))
    except ValueError:
        return text


def _chosen(info: TableInfo, name: str, codes: list[str] | str) -> str:
    variable = _known(info, name)
    if codes == "*":
        return f"{variable.text}: alle"
    return f"{variable.text}: " + listed([variable.text_of(c) for c in codes])
