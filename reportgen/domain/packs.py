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
    unscheduled: bool = False  # an ad-hoc pack for a date that is not in the meeting calendar; never sent by cron

    @classmethod
    def for_meeting(cls, committee: str, meeting: dt.date, today: dt.date) -> PackSpec:
        """A committee's pack for a meeting. The as-of rule: figures are as of the meeting, or today if that is
        earlier, so a pack made again after the meeting shows the same figures."""
        return cls("committee", as_of=min(meeting, today), committee=committee, meeting=meeting)

    @classmethod
    def for_year(cls, year: int, today: dt.date) -> PackSpec:
        """The annual follow-up of ``year``: figures as of 31 December, or today if that is earlier."""
        return cls("annual", as_of=min(dt.date(year, 12, 31), today), year=year)

    @property
    def label(self) -> str:
        """How messages name the pack: ``AUU meeting 2020-03-10``, ``årlig status 2019``."""
        if self.kind == "annual":
            return f"årlig status {self.year}"
        return f"{self.committee} meeting {self.meeting}"

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
            return f"aarsstatus-{self.year}.docx", f"aarsbilag-{self.year}.xlsx"  # distinct names: distinct PDFs
        return f"status-{self.stem}.docx", f"bilag-{self.stem}.xlsx"
