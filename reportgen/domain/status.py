"""The statuses a success criterion can have, their order, their Danish words, and how an initiative's criteria are
summed up by status (its distribution)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum


class Status(StrEnum):
    """A criterion's status. The value is the stable key stored in manifests; ``label`` is what a council reads."""

    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_MET = "not_met"
    NO_DATA = "no_data"
    NOT_MEASURED = "not_measured"

    @property
    def label(self) -> str:
        """The Danish label printed in reports."""
        return _LABELS[self]

    @property
    def rank(self) -> int:
        """0 for the worst status (``not_met``); ``no_data`` and ``not_measured`` rank last, since they say nothing
        about progress."""
        return _ORDER.index(self)

    @property
    def known(self) -> bool:
        """Whether the status says something about progress (neither ``no_data`` nor ``not_measured``)."""
        return self not in (Status.NO_DATA, Status.NOT_MEASURED)

    @classmethod
    def worst(cls, statuses: Iterable[str]) -> Status:
        """The worst criterion's status. Criteria without data count only when nothing else is known: then *Mangler
        data* if any report is missing, *Ikke målt endnu* if no measurement is due yet, so a criterion not yet
        measured never makes anything look worse."""
        given = [cls(s) for s in statuses]
        known = [s for s in given if s.known]
        if known:
            return min(known, key=lambda s: s.rank)
        if given and all(s == cls.NOT_MEASURED for s in given):
            return cls.NOT_MEASURED
        return cls.NO_DATA


_LABELS = {
    Status.MET: "Opfyldt",
    Status.ON_TRACK: "På vej",
    Status.BEHIND: "Bagud",
    Status.NOT_MET: "Ikke opfyldt",
    Status.NO_DATA: "Mangler data",
    Status.NOT_MEASURED: "Ikke målt endnu",
}
_ORDER = [Status.NOT_MET, Status.BEHIND, Status.ON_TRACK, Status.MET, Status.NO_DATA, Status.NOT_MEASURED]

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


def distribution(statuses: Iterable[str]) -> list[tuple[Status, int]]:
    """How many criteria have each status, worst first, only the statuses that occur."""
    counts = Counter(Status(s) for s in statuses)
    return [(s, counts[s]) for s in STATUS_ORDER if counts[s]]


def distribution_text(statuses: Iterable[str]) -> str:
    """An initiative's criteria in one line: how many of all are met, then the others worst first —
    ``9 af 12 opfyldt · 3 ikke opfyldt``, ``1 af 4 opfyldt · 1 bagud · 2 mangler data``. The status words are
    predicative and read the same for one criterion and for several (``1 bagud``, ``2 bagud``)."""
    counted = distribution(statuses)
    total = sum(n for _, n in counted)
    if not total:
        return ""
    met = sum(n for s, n in counted if s == Status.MET)
    parts = [f"{met} af {total} opfyldt"]
    parts += [f"{n} {s.label.lower()}" for s, n in counted if s != Status.MET]
    return " · ".join(parts)


STATUS_LEGEND: list[tuple[Status, str]] = [
    (
        Status.MET,
        "Målet er nået. Et antal, der skal nå et mål, er opfyldt, så snart målet er nået. En vurdering fra "
        "kontaktpersonen vises, som den er indberettet, indtil fristen.",
    ),
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
    (
        Status.NOT_MET,
        "Fristen er nået, og målet blev ikke nået – også når kontaktpersonen senest vurderede »på vej«. Et forbrug "
        "eller et antal, der kun kan vokse, er ikke opfyldt, så snart det er over grænsen, også før fristen.",
    ),
    (Status.NO_DATA, "Et tal eller en indberetning, der burde foreligge, mangler; forklaringen siger hvilket."),
    (Status.NOT_MEASURED, "Kriteriet skal først måles senere i perioden; forklaringen siger hvornår."),
]
"""The status rule as the reports print it ("Sådan læses status"). A status the contact person reports is shown as
reported until the deadline; from the deadline it is *Opfyldt* or *Ikke opfyldt*. An initiative is shown by its
distribution (``distribution_text``); its single status is its worst criterion's, criteria without data aside."""
