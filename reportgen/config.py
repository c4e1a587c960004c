"""``reportgen.toml``: the municipality's configuration.

Relative paths are relative to the config file. Unknown keys are errors that name the key and list the known ones.
The ``[economy]`` and ``[barometer]`` sections are validated straight into the readers' own settings dataclasses
(``EconomySettings``, ``BarometerSettings``), so the readers never see the config models.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from reportgen.domain.areas import registry
from reportgen.domain.models import StrictModel
from reportgen.errors import InputError, Problem
from reportgen.fetch.settings import FetchConfig
from reportgen.readers.economy import EconomySettings
from reportgen.readers.indicators import BarometerSettings

CONFIG_NAME = "reportgen.toml"


class InputsConfig(StrictModel):
    economy: list[str] = ["inputs/economy/*.csv", "inputs/economy/*.xlsx"]
    barometer: list[str] = ["inputs/barometer/*"]
    measurements: list[str] = ["inputs/maalinger/*.xlsx"]


class TemplatesConfig(StrictModel):
    """Staff templates; a key that is not set uses the default template that ships inside the package."""

    status: str | None = None
    appendix: str | None = None
    annual: str | None = None
    annual_appendix: str | None = None


DEFAULT_TEMPLATES = {
    "status": "status.docx",
    "appendix": "bilag.xlsx",
    "annual": "aarsstatus.docx",
    "annual_appendix": "aarsstatus.xlsx",
}


def default_template(name: str) -> Path:
    """The default template shipped with the package (``reportgen/templates``)."""
    from importlib import resources

    return Path(str(resources.files("reportgen").joinpath("templates", DEFAULT_TEMPLATES[name])))


class OutputConfig(StrictModel):
    dir: str = "outputs"


class PrivacyConfig(StrictModel):
    """``min_count``: small-number suppression; 0 is off, 3 is Statistics Denmark's rule. Person counts below it
    are shown as "færre end N", and shares on fewer persons (or that would give such a count away) are not shown."""

    min_count: int = Field(0, ge=0, le=100)


class ScheduleConfig(StrictModel):
    lead_days: int = Field(5, ge=0, le=60)  # working days: 60 is about three months
    annual: str = "01-15"
    timezone: str = "Europe/Copenhagen"
    max_data_age_days: int | None = Field(None, ge=1)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone (an IANA name such as Europe/Copenhagen)") from None
        return value

    @field_validator("annual")
    @classmethod
    def _month_day(cls, value: str) -> str:
        try:
            dt.date.fromisoformat(f"2001-{value}")  # a non-leap year: the date must exist every year
        except ValueError:
            raise ValueError(f"{value!r} is not a month and day that exists every year (MM-DD such as 01-15)") from None
        return value


class Meeting(StrictModel):
    committee: str
    date: dt.date


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@" + _LABEL + r"(?:\." + _LABEL + r")+$")


def _address(value: str) -> str:
    if not EMAIL.fullmatch(value):
        raise ValueError(f"{value!r} is not an e-mail address (name@domain.dk)")
    return value


class CommitteeConfig(StrictModel):
    recipients: list[str] = []

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        return [_address(v) for v in value]


class SmtpConfig(StrictModel):
    host: str = "localhost"
    port: int = Field(25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    user: str = ""
    password_env: str = "REPORTGEN_SMTP_PASSWORD"  # noqa: S105 - the variable's name, not a password
    sender: str = "reportgen@localhost.localdomain"
    secretariat: str | None = None
    max_message_mb: float = Field(20, gt=0)
    timeout: float = Field(30, gt=0)
    cafile: str | None = None
    retries: int = Field(3, ge=1, le=10)
    retry_delay_s: float = Field(2.0, ge=0)

    @field_validator("sender", "secretariat")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        return None if value is None else _address(value)


class LoggingConfig(StrictModel):
    """``keep_days``: run logs older than this are removed by the next run that writes one."""

    keep_days: int = Field(90, ge=1, le=3650)


class PathsConfig(StrictModel):
    """Folders outside the config's own folder that the plan, inputs, templates and output may be in (a network
    share, say). Nothing outside the config's folder is read or written unless it is inside one of these."""

    allowed: list[str] = []


class ConfigModel(StrictModel):
    municipality: int | str | None = None
    plan: str
    inputs: InputsConfig = InputsConfig()
    economy: EconomySettings = EconomySettings()
    barometer: BarometerSettings = BarometerSettings()
    templates: TemplatesConfig = TemplatesConfig()
    output: OutputConfig = OutputConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    meetings: list[Meeting] = []
    committees: dict[str, CommitteeConfig] = {}
    smtp: SmtpConfig | None = None  # no [smtp]: packs are built but not e-mailed
    logging: LoggingConfig = LoggingConfig()
    paths: PathsConfig = PathsConfig()
    fetch: FetchConfig = FetchConfig()

    @field_validator("municipality", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: object) -> object:
        if isinstance(value, bool):  # TOML's true would otherwise be read as kommunekode 1
            raise ValueError(f"{str(value).lower()} is not a Danish municipality (a kommunekode such as 147 or a name)")
        return value

    @field_validator("municipality")
    @classmethod
    def _known(cls, value: int | str | None) -> int | str | None:
        if value is not None:
            area = registry().lookup(value)
            if area is None or not area.is_municipality:
                raise ValueError(f"{value!r} is not a Danish municipality (a kommunekode such as 147 or a name)")
        return value


class Config:
    """A loaded configuration: the validated model plus where it lives, to resolve relative paths."""

    def __init__(self, model: ConfigModel, path: Path, *, output_root: Path | None = None):
        self.model = model
        self.path = path.resolve()
        self.base = self.path.parent
        self._output_root = output_root

    def resolve(self, relative: str) -> Path:
        p = Path(relative)
        return p if p.is_absolute() else self.base / p

    def display(self, path: Path) -> str:
        """A path as the user should read it in messages: relative to the working directory when possible."""
        try:
            return os.path.relpath(path)
        except ValueError:  # pragma: no cover - other drive on Windows
            return str(path)

    def today(self, override: dt.date | None = None) -> dt.date:
        """The one clock: ``override`` (``--today``) or today's date in ``[schedule] timezone``."""
        from reportgen.domain.clock import today_in

        return override or today_in(self.model.schedule.timezone)

    def now(self) -> dt.datetime:
        """The time now in ``[schedule] timezone`` (manifests, log file names)."""
        from reportgen.domain.clock import local_now

        return local_now(self.model.schedule.timezone)

    def pack_root(self, slug: str) -> Path:
        """The folder of one plan's packs, manifest, ledger and logs: ``<output>/<plan slug>``."""
        return self.output_dir / slug

    @property
    def plan_path(self) -> Path:
        return self.resolve(self.model.plan)

    @property
    def output_dir(self) -> Path:
        if self._output_root is not None:
            return self._output_root
        return self.resolve(self.model.output.dir)

    def template(self, name: str) -> Path:
        """The template to use: the one configured in ``[templates]``, else the package's default."""
        configured = getattr(self.model.templates, name)
        return self.resolve(configured) if configured else default_template(name)

    def template_display(self, name: str) -> str:
        """How messages name a template: its path, or "the built-in <file>" for a default."""
        configured = getattr(self.model.templates, name)
        return self.display(self.resolve(configured)) if configured else f"(built-in) {DEFAULT_TEMPLATES[name]}"

    def expand(self, patterns: list[str]) -> list[Path]:
        """Files matching the glob patterns, sorted, without duplicates; Office lock files (~$x.xlsx) skipped. A
        match outside the allowed folders (through ``..`` or a symbolic link) is an error."""
        found: dict[Path, None] = {}
        for pattern in patterns:
            full = self.resolve(pattern)
            anchor = Path(full.anchor)
            for p in sorted(anchor.glob(str(full.relative_to(anchor)))):
                if p.is_file() and not p.name.startswith(("~$", ".")):
                    self.require_allowed(p, f"inputs: {pattern}")
                    found[p] = None
        return list(found)

    @property
    def allowed_folders(self) -> list[Path]:
        return [self.base, *(self.resolve(a).resolve() for a in self.model.paths.allowed)]

    def require_allowed(self, path: Path, key: str) -> None:
        """InputError unless ``path`` (symbolic links followed) is inside the config's folder or an allowed one."""
        real = path.resolve()
        if not any(real.is_relative_to(folder) for folder in self.allowed_folders):
            raise InputError.at(
                self.display(self.path),
                f"{self.display(path)} is outside the config's folder",
                "a path inside " + self.display(self.base) + ", or its folder in [paths] allowed",
                column=key,
            )

    def check_paths(self) -> None:
        """The plan, the templates and the output folder must be inside the allowed folders."""
        self.require_allowed(self.plan_path, "plan")
        self.require_allowed(self.output_dir, "output.dir")
        for name in DEFAULT_TEMPLATES:
            if getattr(self.model.templates, name):
                self.require_allowed(self.template(name), f"templates.{name}")


def load_config(path: str | Path, *, output_root: Path | None = None) -> Config:
    path = Path(path)
    display = os.path.relpath(path) if path.is_absolute() else str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError.at(display, "file not found", "an existing reportgen.toml") from None
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError.at(display, "not UTF-8 text", "a TOML file saved as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+)", str(exc))  # Python 3.11 has no exc.lineno
        line = int(found.group(1)) if found else None
        message = str(exc).split(" (at line")[0]
        raise InputError.at(display, f"invalid TOML: {message}", "valid TOML", row=line) from None
    try:
        model = ConfigModel.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            key = ".".join(str(p) for p in e["loc"])
            if e["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
                problems.append(
                    Problem(
                        display, f"unknown key {key!r}", "see the reportgen.toml reference in README.md", column=key
                    )
                )
            elif e["type"] == "missing":
                problems.append(Problem(display, f"missing key {key!r}", "the key is required", column=key))
            else:
                msg = str(e["msg"]).removeprefix("Value error, ")
                problems.append(Problem(display, msg, "", column=key))
        raise InputError(problems) from None
    config = Config(model, path, output_root=output_root)
    if output_root is None:  # an explicit output root (the shipped example run elsewhere) is the user's choice
        config.check_paths()
    else:
        config.require_allowed(config.plan_path, "plan")
    return config
