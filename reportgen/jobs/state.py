"""What the jobs know of a pack: where it is in the calendar, whether it is built, and whether it was sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from reportgen.config import Config
from reportgen.delivery.ledger import LEDGER_NAME, Delivery, Ledger
from reportgen.delivery.schedule import DuePack, calendar
from reportgen.outputs import PackRecord, RecordedPack, earlier_packs, packs_in_place
from reportgen.plan import Plan

SentState = Literal["sent", "partly", "unconfirmed", ""]


def schedule(config: Config, plan: Plan, today: dt.date) -> list[DuePack]:
    """Every pack of the calendar: the configured meetings and the plan years' annual follow-ups."""
    s = config.model.schedule
    years = range(plan.period.start.year, plan.period.end.year + 1)
    meetings = [(m.committee, m.date) for m in config.model.meetings]
    return calendar(meetings, lead_days=s.lead_days, annual=s.annual, years=years, today=today)


def recipients_of(config: Config, pack: PackRecord) -> list[str]:
    """A committee pack goes to its committee's recipients; the annual follow-up to every committee's. Each address
    once, whatever its case."""
    committees = config.model.committees
    if pack.kind == "annual":
        addresses = [r for c in committees.values() for r in c.recipients]
    else:
        code = pack.committee or ""
        addresses = list(committees[code].recipients) if code in committees else []
    unique: dict[str, str] = {}
    for address in addresses:
        unique.setdefault(address.casefold(), address)
    return list(unique.values())


def deliveries(config: Config, pack: PackRecord) -> list[Delivery]:
    """One delivery per recipient of the pack's exact files."""
    attachments = tuple((f.name, f.sha256) for f in pack.files)
    return [Delivery(pack.folder, r, attachments) for r in recipients_of(config, pack)]


@dataclass
class Folder:
    """The output folder of one plan as the jobs see it: the packs in place and the ledger's states."""

    config: Config
    earlier: list[RecordedPack]  # every pack the manifests record, newest manifest first
    in_place: dict[str, RecordedPack]
    ledger: Ledger
    states: dict[str, str]

    @classmethod
    def read(cls, config: Config, plan: Plan) -> Folder:
        """The manifests and the ledger, each read once."""
        root = config.pack_root(plan.slug)
        ledger = Ledger(root / LEDGER_NAME)
        earlier = earlier_packs(root)
        return cls(config, earlier, packs_in_place(root, earlier), ledger, ledger.states())

    def sent_state(self, folder: str) -> SentState:
        """Whether the pack in place at ``folder`` went to every recipient, some, or none (or is unconfirmed)."""
        recorded = self.in_place.get(folder)
        if recorded is None:
            return ""
        found = [self.states.get(d.key, "") for d in deliveries(self.config, recorded.record)]
        if not found:
            return ""
        if all(s == "sent" for s in found):
            return "sent"
        if any(s == "pending" for s in found):
            return "unconfirmed"
        return "partly" if any(s == "sent" for s in found) else ""

    def sent_to_all(self, pack: PackRecord) -> bool:
        found = deliveries(self.config, pack)
        return bool(found) and all(self.states.get(d.key) == "sent" for d in found)
