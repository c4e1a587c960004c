"""``manifest.json``: what a run published, from what, and what was sent. This module is the only code that writes or
reads it; everyone else uses the typed ``Manifest``.

Schema versions: 1 is the format before the version key existed (it reads as it is); 2 adds ``schema_version`` and
the ``unscheduled`` flag of a pack. A manifest that is not valid JSON or not this model is an ``InputError`` naming
the file and the field (exit 2). An archived one that is not valid is left out with a warning, so one bad file in
``_arkiv`` never stops a run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_serializer, field_validator

from reportgen.domain.packs import PackSpec
from reportgen.errors import InputError, Problem
from reportgen.outputs.files import atomic_write_text, sha256_of
from reportgen.outputs.publishing import ARCHIVE, MANIFEST, MANIFESTS

log = logging.getLogger("reportgen.outputs")

SCHEMA_VERSION = 2
_PLAIN_NAME = re.compile(r"^(?!\.\.?$)[^/\\\x00]+$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class _Record(BaseModel):
    """Keys a newer version adds are ignored; a key this version needs must be there with its type."""

    model_config = ConfigDict(extra="ignore", strict=True)


def _plain_name(value: str) -> str:
    if not _PLAIN_NAME.match(value):
        raise ValueError(f"{value!r} is not a plain file or folder name")
    return value


class FileRecord(_Record):
    name: str
    sha256: str

    _name = field_validator("name")(_plain_name)

    @field_validator("sha256")
    @classmethod
    def _digest(cls, value: str) -> str:
        if not _SHA256.match(value):
            raise ValueError(f"{value[:70]!r} is not a SHA-256 digest (64 hexadecimal digits)")
        return value


class InputRecord(_Record):
    path: str
    sha256: str
    display: str = ""
    kind: str = ""
    size: int = 0
    rows: int = 0
    title: str | None = None
    note: str | None = None


class ConfigRecord(_Record):
    path: str
    sha256: str


class PlanRecord(_Record):
    path: str
    sha256: str
    title: str = ""
    municipality: int | None = None


class CriterionRecord(_Record):
    id: str
    status: str
    actual_text: str = ""


class PackSummary(_Record):
    initiatives: int
    criteria: dict[str, int]
    overall_status: str | None = None


class PackRecord(_Record):
    """One pack as published: where it is, what it is, its files and its criteria's statuses."""

    folder: str
    kind: Literal["committee", "annual"]
    committee: str | None = None
    meeting: dt.date | None = None
    year: int | None = None
    as_of: dt.date
    files: list[FileRecord] = []
    results: PackSummary | None = None
    criteria: list[CriterionRecord] = []
    unscheduled: bool = False
    sample: bool = False
    """Built while sample data (``EKSEMPELDATA-…`` inputs) was read: marked on every page, never sent."""

    _folder = field_validator("folder")(_plain_name)

    @property
    def spec(self) -> PackSpec:
        return PackSpec(
            self.kind,
            as_of=self.as_of,
            committee=self.committee,
            meeting=self.meeting,
            year=self.year,
            unscheduled=self.unscheduled,
        )

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def pack_id(self) -> str:
        """A short, stable id of the pack's exact files (printed by ``send --dry-run``, written in its e-mails)."""
        files = ",".join(f"{f.name}:{f.sha256}" for f in self.files)
        return f"{self.folder}/{hashlib.sha256(files.encode()).hexdigest()[:12]}"


class PrivacyRecord(_Record):
    findings: list[dict[str, str]] = []
    min_count: int = 0


class Manifest(_Record):
    schema_version: int = 1  # a manifest without the key is of the first schema
    tool: str = "reportgen"
    version: str = ""
    created: AwareDatetime
    command: str = ""
    config: ConfigRecord
    plan: PlanRecord
    inputs: list[InputRecord] = []
    packs: list[PackRecord] = []
    results: list[dict[str, Any]] = []
    archived: dict[str, str] = {}
    warnings: list[str] = []
    emails: list[dict[str, Any]] = []
    privacy: PrivacyRecord = Field(default_factory=PrivacyRecord)

    @field_serializer("created")
    def _seconds(self, value: dt.datetime) -> str:
        return value.isoformat(timespec="seconds")

    def input_hashes(self) -> dict[str, str]:
        """What the packs were built from: every input's and the plan's SHA-256 by path relative to the config."""
        hashes = {i.path: i.sha256 for i in self.inputs}
        hashes[self.plan.path] = self.plan.sha256
        return hashes

    def dumps(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_data(cls, data: Any, shown: str) -> Manifest:
        """A manifest from JSON-like data (as written to the file); InputError naming ``shown`` and the field."""
        return cls._parse(json.dumps(data, ensure_ascii=False, default=_json_default), shown)

    @classmethod
    def _parse(cls, text: str, shown: str) -> Manifest:
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            problems = []
            for error in exc.errors(include_url=False)[:10]:
                field = ".".join(str(part) for part in error["loc"]) or "(the whole file)"
                problems.append(Problem(shown, error["msg"], "a manifest written by reportgen", column=field))
            raise InputError(problems) from None


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def read_manifest(path: Path) -> Manifest:
    """The manifest at ``path``; InputError (exit 2) naming the file, and the field, when it is not valid."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.at(str(path), f"not UTF-8 text (byte {exc.start})", "a manifest written by reportgen") from None
    try:
        json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise InputError.at(str(path), f"not valid JSON: {exc}", "a manifest written by reportgen", row=line) from None
    return Manifest._parse(text, str(path))


def write_manifest(path: Path, manifest: Manifest) -> None:
    atomic_write_text(path, manifest.dumps())


def update_manifest(path: Path, change: Callable[[Manifest], None]) -> None:
    """Rewrite one manifest atomically after ``change(manifest)`` has edited it."""
    manifest = read_manifest(path)
    change(manifest)
    write_manifest(path, manifest)


def _archived_when(path: Path) -> tuple[str, str]:
    """An archived manifest's time (from its folder, or its name among the earlier manifests), then its name."""
    if path.parent.name == MANIFESTS:
        return path.name.removeprefix("manifest-").partition(".json")[0], path.name
    return path.parent.name, path.name


def manifests(root: Path) -> list[tuple[Path, Manifest]]:
    """The current manifest and every archived one, newest first. The current one must be valid (InputError
    otherwise); an archived one that is not is left out, with a warning saying so."""
    archived = sorted(
        [*(root / ARCHIVE).glob(f"*/{MANIFEST}*"), *(root / ARCHIVE / MANIFESTS).glob("manifest-*.json*")],
        key=_archived_when,
        reverse=True,
    )
    out = []
    current = root / MANIFEST
    if current.is_file():
        out.append((current, read_manifest(current)))
    for path in archived:
        try:
            out.append((path, read_manifest(path)))
        except (InputError, OSError) as exc:
            log.warning("archived manifest left out (%s): %s", path, str(exc).splitlines()[0])
    return out


@dataclass(frozen=True)
class RecordedPack:
    """A pack as one manifest recorded it, with that manifest's path, creation time and inputs."""

    record: PackRecord
    manifest: Path
    created: AwareDatetime
    inputs: dict[str, str]


def earlier_packs(root: Path) -> list[RecordedPack]:
    """Every pack the manifests under ``root`` describe, newest manifest first."""
    return [
        RecordedPack(pack, path, manifest.created, manifest.input_hashes())
        for path, manifest in manifests(root)
        for pack in manifest.packs
    ]


def packs_in_place(root: Path, earlier: list[RecordedPack] | None = None) -> dict[str, RecordedPack]:
    """The packs at their canonical places, by folder: each with the newest manifest entry whose files match what is
    on disk (SHA-256), so a pack is never taken for another one built later or earlier. ``earlier``: the packs of
    ``earlier_packs(root)``, when the caller has read them already."""
    found: dict[str, RecordedPack] = {}
    for recorded in earlier_packs(root) if earlier is None else earlier:
        pack = recorded.record
        folder = root / pack.folder
        if pack.folder in found or not folder.is_dir() or not pack.files:
            continue
        if all((folder / f.name).is_file() and sha256_of(folder / f.name) == f.sha256 for f in pack.files):
            found[pack.folder] = recorded
    return found
