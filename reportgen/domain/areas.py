"""Danish areas: the 98 municipalities, the five regions, the five kommunegrupper, the national figure and
non-municipal areas.

Names are matched in any common spelling: ``Frederiksberg``, ``Frederiksberg Kommune``, ``Københavns Kommune``,
``Nordfyns``, ``Vesthimmerlands``, ``Bornholms Regionskommune``, ``Århus``, or the kommunekode (``147``, ``0147``).
Kommunekode 0 is ``Hele landet``.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from reportgen.domain.danish_text import fold_danish

NATIONAL = 0


@dataclass(frozen=True)
class Area:
    code: int
    name: str
    kind: str  # kommune | land | region | kommunegruppe | andet
    region: str
    group: int | None = None
    """A municipality's kommunegruppe (Statistics Denmark's grouping, 1-5: Hovedstadskommuner, Storbykommuner,
    Provinsbykommuner, Oplandskommuner, Landkommuner); the groups are areas with those codes."""

    @property
    def is_municipality(self) -> bool:
        return self.kind == "kommune"

    @property
    def official_name(self) -> str:
        """``Frederiksberg Kommune``, ``Københavns Kommune``, ``Bornholms Regionskommune``; other areas as named."""
        if not self.is_municipality:
            return self.name
        special = {101: "Københavns Kommune", 400: "Bornholms Regionskommune"}
        return special.get(self.code, f"{self.name} Kommune")


def _normalise(name: str) -> str:
    s = fold_danish(name)
    s = re.sub(r"\b(regions)?kommune\b", "", s)
    return re.sub(r"[^a-z0-9]", "", s)


class AreaRegistry:
    """Lookup of areas by code or by any spelling of their name."""

    def __init__(self, areas: list[Area], aliases: dict[str, int]):
        self.by_code = {a.code: a for a in areas}
        self._by_key = aliases

    @property
    def municipalities(self) -> list[Area]:
        return sorted((a for a in self.by_code.values() if a.is_municipality), key=lambda a: a.code)

    def lookup(self, value: object) -> Area | None:
        """Return the area for a name or code, or None if unknown."""
        if isinstance(value, str):
            return self._lookup_name(value)
        return self._lookup(value)

    @lru_cache(maxsize=4096)  # noqa: B019 - one registry per process; names repeat across every sheet
    def _lookup_name(self, value: str) -> Area | None:
        return self._lookup(value)

    def _lookup(self, value: object) -> Area | None:
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int):
            return self.by_code.get(value)
        text = str(value).strip()
        if re.fullmatch(r"\d{1,4}", text):
            return self.by_code.get(int(text))
        m = re.match(r"^(\d{3,4})\s+(.+)$", text)  # "147 Frederiksberg"
        if m and int(m.group(1)) in self.by_code:
            return self.by_code[int(m.group(1))]
        key = _normalise(text)
        code = self._by_key.get(key)
        if code is None and key.endswith("s"):
            code = self._by_key.get(key[:-1])  # genitive: "Vesthimmerlands", "Bornholms"
        return None if code is None else self.by_code[code]

    def suggest(self, value: object) -> str | None:
        names = [a.name for a in self.by_code.values()]
        close = difflib.get_close_matches(str(value).strip(), names, n=1, cutoff=0.6)
        return close[0] if close else None

    def resolve(self, value: object) -> Area:
        """Like lookup, but raise ValueError naming the unknown area and the nearest known name."""
        area = self.lookup(value)
        if area is None:
            hint = self.suggest(value)
            raise ValueError(f"unknown area {str(value).strip()!r}" + (f"; did you mean {hint!r}?" if hint else ""))
        return area


@lru_cache(maxsize=1)
def registry() -> AreaRegistry:
    """The shipped areas from ``reportgen/data/kommuner.csv``."""
    text = resources.files("reportgen").joinpath("data/kommuner.csv").read_text(encoding="utf-8")
    areas: list[Area] = []
    keys: dict[str, int] = {}
    for row in csv.DictReader(text.splitlines(), delimiter=";"):
        group = int(row["kommunegruppe"]) if row["kommunegruppe"] else None
        area = Area(int(row["kode"]), row["navn"], row["type"], row["region"], group)
        areas.append(area)
        names = [row["navn"]] + [a for a in (row["aliaser"] or "").split("|") if a]
        for name in names:
            key = _normalise(name)
            if keys.get(key, area.code) != area.code:
                raise RuntimeError(f"kommuner.csv: {name!r} is ambiguous")
            keys[key] = area.code
    return AreaRegistry(areas, keys)
