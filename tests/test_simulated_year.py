"""A year of cron: from 1 January 2020 to 20 January 2021 the daily cron command (``run --due --send``) runs with
``--today``, against a real SMTP server. Inputs change on the first of each month from January to August, then stay
as they are; the cron job misses a few days. Every pack is built and sent exactly once, the stale December pack of the
committee whose September pack was sent is refused (and the secretariat is told, once a day), and the annual
follow-ups go out once.

The daily lines are driven on every day on which the calendar (``[[meetings]]`` and ``[schedule]`` of the config, read
by the tool's own ``calendar``) has a pack open: a committee pack from its due date to its meeting, an annual
follow-up from its due date until it has been sent. On any other day ``run --due`` finds nothing due but annual
follow-ups already sent, and ``send`` finds nothing unsent (each driven day ends with everything built sent, checked
below), so those days are skipped (and counted).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from reportgen.config import load_config
from reportgen.delivery.schedule import DuePack, calendar, due_now
from reportgen.plan import load_plan
from tests.conftest import pack_dir
from tests.smtp_server import SmtpServer
from tests.test_delivery import use_smtp

START, END = dt.date(2020, 1, 1), dt.date(2021, 1, 20)
MISSED = {dt.date(2020, 3, 3), dt.date(2020, 3, 4), dt.date(2020, 12, 1)}  # the machine was off


def add_posting(root: Path, day: dt.date) -> None:
    """A new posting in the economy export: the export the secretariat drops in on the first of the month."""
    path = root / "inputs" / "economy" / "oekonomi_2019_2020.csv"
    line = f"{day:%d-%m-%Y};5.46.60.001;INT19-01;Ny postering;1.000,00\r\n".encode("cp1252")
    path.write_bytes(path.read_bytes() + line)


def the_calendar(root: Path) -> list[DuePack]:
    """Every pack of the example's calendar with the day it is due, as ``run --due`` sees it."""
    config = load_config(root / "reportgen.toml")
    plan = load_plan(config.plan_path)
    s = config.model.schedule
    return calendar(
        [(m.committee, m.date) for m in config.model.meetings],
        lead_days=s.lead_days,
        annual=s.annual,
        years=range(plan.period.start.year, plan.period.end.year + 1),
        today=START,
    )


def test_a_simulated_year_sends_every_pack_exactly_once(example: Path, cli) -> None:
    built: list[str] = []
    refused: Counter[str] = Counter()
    packs = the_calendar(example)
    sent_annual: set[str] = set()  # the annual follow-ups' folders seen sent
    with SmtpServer() as server:
        use_smtp(example, server.port)
        day = START
        days = quiet = 0
        while day <= END:
            if day.day == 1 and day.year == 2020 and day.month <= 8:
                add_posting(example, day)
            open_packs = [
                p for p in due_now(packs, day) if p.spec.kind == "committee" or p.spec.folder not in sent_annual
            ]
            if day not in MISSED and not open_packs:
                quiet += 1
            elif day not in MISSED:
                days += 1
                run = cli("run", "--due", "--send", "--today", day.isoformat())
                assert run.exit_code in (0, 2), (day, run.stderr)
                assert "unconfirmed" not in run.stderr and "could not be told" not in run.stderr, (day, run.stderr)
                built += [
                    line.split(" (")[0].removeprefix("Wrote ")
                    for line in run.stdout.splitlines()
                    if line.startswith("Wrote ")
                ]
                for line in run.stderr.splitlines():
                    if "refused:" in line:
                        refused[line.split("refused: ")[1].split(":")[0]] += 1
                sent_annual |= {
                    line.split()[1] for line in run.stdout.splitlines() if line.startswith("Sent aarsstatus-")
                }
            day += dt.timedelta(days=1)
        notices = server.handler.to("sekretariat@example.dk")
        messages = [m for m in server.handler.messages if m not in notices]
    per_pack_and_recipient = Counter((m.message["Subject"], recipient) for m in messages for recipient in m.recipients)
    duplicates = {k: n for k, n in per_pack_and_recipient.items() if n > 1}
    assert duplicates == {}
    assert days + quiet + len(MISSED) == (END - START).days + 1 and days > 30, (days, quiet)
    assert sent_annual == {"aarsstatus-2019", "aarsstatus-2020"}
    assert built == [
        "årlig status 2019",
        "AUU meeting 2020-03-10",  # due on 3 March, the machine was off on 3 and 4 March: caught up on the 5th
        "UU meeting 2020-03-11",
        "KFU meeting 2020-03-16",
        "SU meeting 2020-03-17",
        "ÆOU meeting 2020-03-18",
        "AUU meeting 2020-09-08",
        "KFU meeting 2020-12-07",
        "SU meeting 2020-12-08",  # due on 1 December, missed, built on the 2nd
        "UU meeting 2020-12-09",
        "ÆOU meeting 2020-12-09",
        "årlig status 2020",
    ]
    # AUU's December pack: nothing changed since its September pack was sent, so every day it was due it was refused
    assert set(refused) == {"AUU meeting 2020-12-08"} and refused["AUU meeting 2020-12-08"] >= 5
    assert not (pack_dir(example) / "2020-12-08-AUU").exists()
    # one message per committee pack to its secretariat, the two annual follow-ups to all five
    assert len(messages) == 10 + 5 + 5
    ledger = [json.loads(line) for line in (pack_dir(example) / "udsendelser.jsonl").read_text().splitlines()]
    packs_ledger = [e for e in ledger if not e["pack"].startswith("notice-")]
    assert Counter(e["state"] for e in packs_ledger) == {"pending": 20, "sent": 20}
    # every day AUU's December pack was refused, the secretariat heard of it once, and of nothing else
    assert len(notices) == refused["AUU meeting 2020-12-08"]
    assert all("AUU meeting 2020-12-08" in str(n.content, "utf-8", "replace") for n in notices)
    assert {str(n.message["Subject"]) for n in notices} == {"reportgen: 1 pakke ikke bygget"}
