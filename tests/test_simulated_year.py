"""A year of cron: every day from 1 January 2020 to 20 January 2021 the daily lines run (``run --due`` then
``send``) with ``--today``, against a real SMTP server. Inputs change on the first of each month from January to
August, then stay as they are; the cron job misses a few days. Every pack is built and sent exactly once, the stale
December pack of the committee whose September pack was sent is refused, and the annual follow-ups go out once."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

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


def test_a_simulated_year_sends_every_pack_exactly_once(example: Path, cli) -> None:
    built: list[str] = []
    refused: Counter[str] = Counter()
    with SmtpServer() as server:
        use_smtp(example, server.port)
        day = START
        days = 0
        while day <= END:
            if day.day == 1 and day.year == 2020 and day.month <= 8:
                add_posting(example, day)
            if day not in MISSED:
                days += 1
                run = cli("run", "--due", "--today", day.isoformat())
                assert run.exit_code in (0, 2), (day, run.stderr)
                built += [
                    line.split(" (")[0].removeprefix("Wrote ")
                    for line in run.stdout.splitlines()
                    if line.startswith("Wrote ")
                ]
                for line in run.stderr.splitlines():
                    if "refused:" in line:
                        refused[line.split("refused: ")[1].split(":")[0]] += 1
                send = cli("send", "--today", day.isoformat())
                assert send.exit_code == 0, (day, send.stderr)
            day += dt.timedelta(days=1)
        messages = server.handler.messages
    per_pack_and_recipient = Counter((m.message["Subject"], recipient) for m in messages for recipient in m.recipients)
    duplicates = {k: n for k, n in per_pack_and_recipient.items() if n > 1}
    summary = {"days": days, "packs built": len(built), "mails": len(messages), "duplicates": len(duplicates)}
    print("simulated year:", json.dumps(summary), "refused:", dict(refused))
    assert duplicates == {}
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
    assert Counter(e["state"] for e in ledger) == {"pending": 20, "sent": 20}
