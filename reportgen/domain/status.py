"""The five statuses a success criterion (and an initiative) can have, their order and their Danish words."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Status(StrEnum):
    """A criterion's status. The value is the stable key stored in manifests; ``label`` is what a council reads."""

    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_MET = "not_met"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        """The Danish label printed in reports."""
        return _LABELS[self]

    @property
    def rank(self) -> int:
        """0 for the worst status (``not_met``); ``no_data`` ranks last, since it says nothing about progress."""
        return _ORDER.index(self)

    @classmethod
    def worst(cls, statuses: Iterable[str]) -> Status:
        """An initiative's status is its worst criterion's; ``no_data`` counts only when nothing else is known."""
        known = [cls(s) for s in statuses if s != cls.NO_DATA]
        if not known:
            return cls.NO_DATA
        return min(known, key=lambda s: s.rank)


_LABELS = {
    Status.MET: "Opfyldt",
    Status.ON_TRACK: "På vej",
    Status.BEHIND: "Bagud",
    Status.NOT_MET: "Ikke opfyldt",
    Status.NO_DATA: "Mangler data",
}
_ORDER = [Status.NOT_MET, Status.BEHIND, Status.ON_TRACK, Status.MET, Status.NO_DATA]  # worst first

STATUS_ORDER: list[Status] = list(_ORDER)
"""Every status, worst first (the order of status counts in the reports)."""

# What contact persons write in a measurement sheet's Værdi column for a qualitative criterion.
STATUS_WORDS: dict[str, Status] = {
    "opfyldt": Status.MET,
    "nået": Status.MET,
    "på vej": Status.ON_TRACK,
    "i gang": Status.ON_TRACK,
    "bagud": Status.BEHIND,
    "forsinket": Status.BEHIND,
    "ikke opfyldt": Status.NOT_MET,
    "ikke nået": Status.NOT_MET,
    "mangler data": Status.NO_DATA,
}
REPORTABLE_STATUSES = [Status.MET, Status.ON_TRACK, Status.BEHIND, Status.NOT_MET]
"""The statuses a contact person may choose in a measurement sheet."""


def worst_status(statuses: Iterable[str]) -> Status:
    """Shorthand for ``Status.worst``."""
    return Status.worst(statuses)


STATUS_LEGEND: list[tuple[Status, str]] = [
    (Status.MET, "Målet er nået. Et antal, der skal nå et mål, er opfyldt, så snart målet er nået."),
    (
        Status.ON_TRACK,
        "Fristen er ikke nået, og målet holder foreløbig. For et antal, der skal nå et mål: "
        "tallet svarer mindst til den del af perioden, der er gået.",
    ),
    (
        Status.BEHIND,
        "Fristen er ikke nået, og målet holder ikke på nuværende tidspunkt. For et antal: "
        "tallet er under den del af perioden, der er gået.",
    ),
    (Status.NOT_MET, "Fristen er nået, og målet blev ikke nået."),
    (Status.NO_DATA, "Tallene mangler; forklaringen siger hvilke."),
]
"""The status rule as the reports print it ("Sådan læses status"). From the deadline on, a criterion with data is
either met or not met; an initiative has the status of its worst criterion, criteria without data aside."""
