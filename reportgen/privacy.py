"""Personal data and publication: the one gate every text passes before it reaches an output.

Every string a document, a sheet, a chart, a file or folder name, the manifest, a log or the console can show goes
through ``PrivacyGuard`` (or, for console lines and log records, ``masked``): CPR numbers (``DDMMYY-SSSS`` or
``DDMMYYSSSS`` with a valid date) are masked, and the finding is recorded with where it was found — never the number
itself, and never the text around it. With ``strict`` a finding is an error: nothing is published.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reportgen.domain.personal_data import CPR_MASK, NAME_MASK, is_cpr, mask_cpr, masked
from reportgen.errors import InputError, Problem

__all__ = ["CPR_MASK", "NAME_MASK", "PrivacyGuard", "is_cpr", "masked"]

log = logging.getLogger(__name__)


@dataclass
class PrivacyGuard:
    """Masks CPR numbers in text and keeps a record of where they were found (one entry per place)."""

    findings: list[dict[str, str]] = field(default_factory=list)

    def text(self, value: Any, where: str) -> str:
        """The text as it may appear in a public document. ``where`` names the place: file, sheet, row, field."""
        if value is None:
            return ""
        result, found = mask_cpr(str(value))
        if found:
            self._record(where)
        return result

    def scrub(self, value: Any, where: str, _memo: dict[int, Any] | None = None) -> Any:
        """A copy of ``value`` (dicts, lists, tuples of strings and other values) with every string masked; each
        finding is recorded under ``where`` and the key path inside ``value``. A dict or list reached twice (the
        same series under a goal and in the full list) is copied once, so the copies stay shared."""
        memo = {} if _memo is None else _memo
        if isinstance(value, str):
            return self.text(value, where)
        if id(value) in memo:
            return memo[id(value)]
        if isinstance(value, Mapping):
            out: dict[Any, Any] = {}
            memo[id(value)] = out
            for k, v in value.items():
                out[self.text(k, where) if isinstance(k, str) else k] = self.scrub(v, f"{where}.{k}", memo)
            return out
        if isinstance(value, list):
            items: list[Any] = []
            memo[id(value)] = items
            items.extend(self.scrub(v, f"{where}[{i}]", memo) for i, v in enumerate(value))
            return items
        if isinstance(value, tuple):
            return tuple(self.scrub(v, f"{where}[{i}]", memo) for i, v in enumerate(value))
        return value

    def _record(self, where: str) -> None:
        place = masked(where)  # a place named after a text must not carry the number back
        if not any(f["where"] == place for f in self.findings):
            self.findings.append({"where": place, "what": "CPR-nummer maskeret"})
            log.warning("masked a CPR number in %s", place)

    def raise_if_strict(self, strict: bool) -> None:
        """With ``--strict-privacy``, any finding stops the run before anything is published (exit 2)."""
        if strict and self.findings:
            raise InputError(
                [
                    Problem(f["where"], "holds a CPR number", "no personal data in any input that reaches a report")
                    for f in self.findings
                ]
            )
