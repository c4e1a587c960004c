"""The output folder: one run at a time (``lock``), files written whole (``files``), packs published through a
journal (``publishing``) and described by ``manifest.json`` (``manifest``, the only code that reads or writes it)."""

from reportgen.outputs.files import atomic_write_bytes, atomic_write_text, sha256_of
from reportgen.outputs.lock import LOCK_NAME, output_lock
from reportgen.outputs.manifest import (
    SCHEMA_VERSION,
    Manifest,
    PackRecord,
    RecordedPack,
    earlier_packs,
    manifests,
    packs_in_place,
    read_manifest,
    update_manifest,
)
from reportgen.outputs.publishing import ARCHIVE, JOURNAL, MANIFEST, Staging, archive_stamp, recover

__all__ = [
    "ARCHIVE",
    "JOURNAL",
    "LOCK_NAME",
    "MANIFEST",
    "SCHEMA_VERSION",
    "Manifest",
    "PackRecord",
    "RecordedPack",
    "Staging",
    "archive_stamp",
    "atomic_write_bytes",
    "atomic_write_text",
    "earlier_packs",
    "manifests",
    "output_lock",
    "packs_in_place",
    "read_manifest",
    "recover",
    "sha256_of",
    "update_manifest",
]
