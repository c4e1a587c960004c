"""The ``[fetch]`` section of ``reportgen.toml``: where fetched files go, the services' addresses, timeouts and
retries, and the tables to fetch. ``config`` validates the section straight into these models (as it does the
readers' settings), so ``fetch`` never needs the config itself."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from reportgen.domain.models import StrictModel

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FETCH_KEY = re.compile(r"^[a-z0-9_æøå]+$")
_TABLE_ID = re.compile(r"^[A-Za-z0-9_]{2,40}$")


def _fetch_file(value: str) -> str:
    if "/" in value or "\\" in value or value.startswith(".") or not value.lower().endswith(".csv"):
        raise ValueError(f"{value!r} is not a file name for [fetch] (a name ending in .csv, no folder: dst-ras200.csv)")
    return value


def _indicator(value: str) -> str:
    if not _FETCH_KEY.fullmatch(value):
        raise ValueError(f"{value!r} is not an indicator key (lower-case letters, digits and _, as in the plan)")
    return value


def _table(value: str) -> str:
    if not _TABLE_ID.fullmatch(value):
        raise ValueError(f"{value!r} is not a table id (letters and digits, such as RAS200 or y30r21)")
    return value


class _Entry(StrictModel):
    """What every fetch entry names: the table, the indicator key its figures are read as, the file written."""

    table: str
    indicator: str
    file: str

    @field_validator("table", "file", "indicator")
    @classmethod
    def _names(cls, value: str, info: ValidationInfo) -> str:
        return {"table": _table, "file": _fetch_file, "indicator": _indicator}[str(info.field_name)](value)


class StatbankFetch(_Entry):
    """One table from Statistics Denmark's Statbank: which values of each variable (codes, or ``"*"`` for all),
    the indicator key and unit the figures are read as, and the file they are written to."""

    selection: dict[str, list[str] | Literal["*"]] = Field(default_factory=dict)
    unit: Literal["pct", "antal", "kr"] | None = None  # None: from the table's own unit (pct., kr., else antal)
    area: str | None = None  # the table's area variable, where it is not found by itself (OMRÅDE, KOMK…)

    @field_validator("selection")
    @classmethod
    def _codes(cls, value: dict[str, list[str] | str]) -> dict[str, list[str] | str]:
        for variable, codes in value.items():
            if isinstance(codes, list) and not codes:
                raise ValueError(f'no values selected for {variable!r} (codes such as ["147"], or "*" for all)')
        return value


class JobindsatsFetch(_Entry):
    """One table from STAR's Jobindsats: periods, areas, further variables, the measure (a column of the answer)
    read as the indicator, and the environment variable holding the API key (never the key itself)."""

    periods: list[str] = Field(min_length=1)
    areas: list[str] = Field(default_factory=lambda: ["*"])
    variables: dict[str, list[str]] = Field(default_factory=dict)
    measure: str
    unit: Literal["pct", "antal", "kr"] = "antal"
    key_env: str = "JOBINDSATS_API_KEY"

    @field_validator("key_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not _ENV_NAME.fullmatch(value) or len(value) > 64:
            raise ValueError(
                "key_env is the name of the environment variable holding the API key (such as JOBINDSATS_API_KEY), "
                "never the key itself"
            )
        return value


class FetchConfig(StrictModel):
    """``reportgen fetch``: where the fetched files go, the services' addresses, timeouts and retries, and the
    tables to fetch."""

    dir: str = "inputs/barometer"
    statbank_url: str = "https://api.statbank.dk/v1"
    jobindsats_url: str = "https://api.jobindsats.dk/v2"
    timeout: float = Field(60, gt=0, le=600)
    retries: int = Field(3, ge=1, le=10)
    retry_delay_s: float = Field(2.0, ge=0, le=60)
    statbank: list[StatbankFetch] = Field(default_factory=list)
    jobindsats: list[JobindsatsFetch] = Field(default_factory=list)

    @field_validator("statbank_url", "jobindsats_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError(f"{value!r} is not a web address (https://host/path)")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _distinct_files(self) -> FetchConfig:
        files = [e.file for e in self.statbank] + [e.file for e in self.jobindsats]
        twice = sorted({f for f in files if files.count(f) > 1})
        if twice:
            raise ValueError(f"two fetch entries write the same file: {', '.join(twice)} (one file name per table)")
        return self
