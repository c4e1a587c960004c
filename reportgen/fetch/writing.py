"""Writing a fetched table where the indicator reader reads it: a long-layout CSV (title row, ``Indikator:`` and
``Enhed:`` rows, ``Område;[Indikator;]Tid;Værdi``, the ``Kilde:`` note below), beside it ``<file>.source.json`` (what
was fetched, from where and when, the SHA-256 of each raw answer) and ``<file>.raw.json`` (the exchanges themselves).

Each file is written to a temporary file in the same folder and moved into place only when complete, so a failed or
interrupted fetch leaves the earlier files as they were. The indicator reader skips the ``.json`` files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from reportgen.fetch.common import FetchedTable
from reportgen.outputs.files import atomic_write_bytes


def table_csv(table: FetchedTable) -> bytes:
    """The long-layout CSV of ``table`` (UTF-8, ``;``-separated)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([table.title])
    writer.writerow([f"Indikator: {table.indicator}"])
    writer.writerow([f"Enhed: {table.unit}"])
    labelled = any(f.label for f in table.figures)
    writer.writerow(["Område", "Indikator", "Tid", "Værdi"] if labelled else ["Område", "Tid", "Værdi"])
    for f in table.figures:
        writer.writerow([f.area, f.label or "", f.period, f.value] if labelled else [f.area, f.period, f.value])
    writer.writerow([])
    writer.writerow([table.note])
    return out.getvalue().encode("utf-8")


def sidecars(target: Path) -> tuple[Path, Path]:
    """``<file>.source.json`` and ``<file>.raw.json`` beside ``target``."""
    return target.with_name(target.name + ".source.json"), target.with_name(target.name + ".raw.json")


def write_table(target: Path, table: FetchedTable) -> None:
    """Write the CSV and its two sidecars, each atomically; the source stamp last, naming the CSV's SHA-256."""
    data = table_csv(table)
    source_path, raw_path = sidecars(target)
    raw = [e.as_json() for e in table.exchanges]
    source: dict[str, Any] = {
        **table.source,
        "file": target.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "indicator": table.indicator,
        "unit": table.unit,
        "figures": len(table.figures),
        "note": table.note,
        "raw": raw_path.name,
        "responses": [
            {"method": e.request.method, "url": e.request.url, "status": e.status, "sha256": e.sha256}
            for e in table.exchanges
        ],
    }
    atomic_write_bytes(raw_path, _json(raw))
    atomic_write_bytes(target, data)
    atomic_write_bytes(source_path, _json(source))


def _json(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
