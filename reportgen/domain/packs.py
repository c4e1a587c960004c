"""What a pack is: a committee's status before a meeting, or the annual follow-up for a year, and its file names."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from reportgen.domain.personal_data import NAME_MASK, masked

PackKind = Literal["committee", "annual"]


@dataclass(frozen=True)
class PackSpec:
    """One pack to build. ``as_of`` is the date the figures are from."""

    kind: PackKind
    as_of: dt.date
    committee: str | None = None
    meeting: dt.date | None = None
    year: int | None = None

    @property
    def committee_in_names(self) -> str:
        """The committee's code as it may appear in a file or folder name: never a CPR number, never a path."""
        code = masked(self.committee or "", NAME_MASK)
        return re.sub(r"[^\w-]+", "-", code).strip("-") or "udvalg"

    @property
    def folder(self) -> str:
        if self.kind == "annual":
            return f"aarsstatus-{self.year}"
        if self.meeting is None:
            raise ValueError("a committee pack has a meeting date")
        return f"{self.meeting.isoformat()}-{self.committee_in_names}"

    @property
    def stem(self) -> str:
        return self.folder if self.kind == "annual" else f"{self.committee_in_names}-{self.meeting}"

    def file_names(self) -> tuple[str, str]:
        """The Word report's and the Excel appendix's file names."""
        if self.kind == "annual":
            return f"aarsstatus-{self.year}.docx", f"aarsstatus-{self.year}.xlsx"
        return f"status-{self.stem}.docx", f"bilag-{self.stem}.xlsx"
