"""Schedule and e-mail against a real SMTP server on 127.0.0.1: exactly one message per recipient, retries of
transient refusals, a notice and exit 4 on failure, the size limit, certificate checks, kill -9 in the middle of a
send, the Danish working-day calendar and cron lines."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.delivery.schedule import is_working_day, working_days_before
from reportgen.domain.clock import today_in
from tests.conftest import pack_dir
from tests.smtp_server import SmtpServer

RECIPIENTS = {
    "AUU": ["auu-sekretariat@example.dk"],
    "UU": ["uu-sekretariat@example.dk"],
    "KFU": ["kfu-sekretariat@example.dk"],
    "SU": ["su-sekretariat@example.dk"],
    "ÆOU": ["aeou-sekretariat@example.dk"],
}


def use_smtp(root: Path, port: int, **extra: object) -> None:
    """Point the example's [smtp] at the test server (fast retries, a secretariat for notices)."""
    path = root / "reportgen.toml"
    text = path.read_text(encoding="utf-8")
    settings = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "user": "",
        "password_env": "REPORTGEN_SMTP_PASSWORD",
        "sender": "integration@example.dk",
        "secretariat": "sekretariat@example.dk",
        "max_message_mb": 20,
        "retries": 3,
        "retry_delay_s": 0.05,
        "timeout": 10,
        **extra,
    }
    block = "[smtp]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())
    text = re.sub(r"\[smtp\]\n(?:[a-z_]+ = [^\n]*\n)+", block, text)
    path.write_text(text, encoding="utf-8")


def set_recipients(root: Path, committee: str, recipients: list[str]) -> None:
    path = root / "reportgen.toml"
    text = path.read_text(encoding="utf-8")
    header = f'[committees."{committee}"]' if not committee.isascii() else f"[committees.{committee}]"
    text = re.sub(
        re.escape(header) + r"\nrecipients = \[[^\]]*\]", f"{header}\nrecipients = {json.dumps(recipients)}", text
    )
    path.write_text(text, encoding="utf-8")


def attachments(received: object) -> dict[str, bytes]:
    message = received.message  # type: ignore[attr-defined]
    return {part.get_filename(): part.get_payload(decode=True) for part in message.iter_attachments()}


def test_two_send_runs_deliver_exactly_one_message_per_recipient_byte_for_byte(example: Path, cli) -> None:
    with SmtpServer() as server:
        use_smtp(example, server.port)
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
        first = cli("send", "--today", "2020-03-05")
        assert first.exit_code == 0, first.stderr
        assert "Sent 2020-03-10-AUU to auu-sekretariat@example.dk" in first.stdout
        second = cli("send", "--today", "2020-03-05")
        assert second.exit_code == 0 and "Nothing to send." in second.stdout
        (message,) = server.handler.to("auu-sekretariat@example.dk")
        assert len(server.handler.messages) == 1
        folder = pack_dir(example) / "2020-03-10-AUU"
        assert attachments(message) == {p.name: p.read_bytes() for p in folder.iterdir()}
        headers = message.message
        assert headers["Subject"] == (
            "Status på Integrationspolitikkens handleplan 2019 til mødet i Arbejdsmarkeds- og Uddannelsesudvalget "
            "den 10. marts 2020"
        )
        plain = headers.get_body(("plain",))
        assert plain is not None
        body = plain.get_content()
        assert "status-AUU-2020-03-10.docx (Word" in body and "bilag-AUU-2020-03-10.xlsx (Excel" in body
        assert re.fullmatch(r"<[0-9a-f]{32}@example\.dk>", headers["Message-ID"])
    manifest = json.loads((pack_dir(example) / "manifest.json").read_text(encoding="utf-8"))
    assert [e["recipient"] for e in manifest["emails"]] == ["auu-sekretariat@example.dk"]
    assert manifest["emails"][0]["reply"].startswith("250 OK queued as 1")
    ledger = [json.loads(line) for line in (pack_dir(example) / "udsendelser.jsonl").read_text().splitlines()]
    assert [e["state"] for e in ledger] == ["pending", "sent"]


def test_a_temporary_refusal_is_retried_for_that_recipient_only(example: Path, cli) -> None:
    set_recipients(example, "AUU", ["a@example.dk", "b@example.dk", "c@example.dk"])
    with SmtpServer() as server:
        use_smtp(example, server.port)
        server.handler.temporary["b@example.dk"] = 2  # two 450s, then accepted: within the three attempts
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
        result = cli("send", "--today", "2020-03-05")
        assert result.exit_code == 0, result.stderr
        assert server.handler.rcpt_attempts == {"a@example.dk": 1, "b@example.dk": 3, "c@example.dk": 1}
        assert all(len(server.handler.to(r)) == 1 for r in ("a@example.dk", "b@example.dk", "c@example.dk"))


def test_a_recipient_still_refused_after_the_retries_is_sent_by_the_next_run_without_duplicates(
    example: Path, cli
) -> None:
    set_recipients(example, "AUU", ["a@example.dk", "b@example.dk", "c@example.dk"])
    with SmtpServer() as server:
        use_smtp(example, server.port)
        server.handler.temporary["b@example.dk"] = 5  # more 450s than the three attempts
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
        first = cli("send", "--today", "2020-03-05")
        assert first.exit_code == 4
        assert "2020-03-10-AUU to b@example.dk: 450" in first.stderr
        assert "run 'reportgen send --today 2020-03-05' again to send what is missing" in first.stderr
        server.handler.temporary.clear()
        second = cli("send", "--today", "2020-03-05")
        assert second.exit_code == 0, second.stderr
        assert [len(server.handler.to(r)) for r in ("a@example.dk", "b@example.dk", "c@example.dk")] == [1, 1, 1]
        notices = server.handler.to("sekretariat@example.dk")
        assert len(notices) == 1  # one notice after the failed run


def test_a_permanent_refusal_sends_one_notice_and_exits_4(example: Path, cli) -> None:
    set_recipients(example, "AUU", ["ok@example.dk", "gone@example.dk"])
    with SmtpServer() as server:
        use_smtp(example, server.port)
        server.handler.permanent.add("gone@example.dk")
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
        result = cli("send", "--committee", "AUU", "--today", "2020-03-05")
        assert result.exit_code == 4
        assert server.handler.rcpt_attempts["gone@example.dk"] == 1  # 5xx is not retried
        assert "a notice was e-mailed to the secretariat" in result.stderr
        (notice,) = server.handler.to("sekretariat@example.dk")
        plain = notice.message.get_body(("plain",))
        assert plain is not None
        body = plain.get_content()
        assert "Modtaget: ok@example.dk (2020-03-10-AUU)" in body
        assert "Ikke sendt: 2020-03-10-AUU til gone@example.dk: 550 5.1.1 No such user here" in body
        assert f"reportgen send --config {example / 'reportgen.toml'}" in body  # the command, with the absolute config
        assert len(server.handler.to("ok@example.dk")) == 1


def test_a_message_over_the_size_limit_is_refused_before_any_connection(example: Path, cli) -> None:
    with SmtpServer() as server:
        use_smtp(example, server.port, max_message_mb=0.05)
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
        result = cli("send", "--today", "2020-03-05")
        assert result.exit_code == 4
        assert re.search(
            r"pack 2020-03-10-AUU makes an e-mail of 0\.\d MB, more than \[smtp\] max_message_mb = 0\.05", result.stderr
        )
        assert server.handler.rcpt_attempts == {} and server.handler.messages == []


def test_dry_run_prints_what_would_be_sent_and_connects_to_nothing(example: Path, cli) -> None:
    use_smtp(example, 9)  # nothing listens there
    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
    result = cli("send", "--dry-run", "--today", "2020-03-05")
    assert result.exit_code == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("Would send")]
    assert line.startswith("Would send to auu-sekretariat@example.dk: 'Status på Integrationspolitikkens")
    assert "status-AUU-2020-03-10.docx (" in line and " bytes)" in line and "pack 2020-03-10-AUU/" in line
    assert not (pack_dir(example) / "udsendelser.jsonl").exists()


def test_starttls_verifies_the_certificate_unless_it_is_trusted(example: Path, cli, tmp_path: Path) -> None:
    import trustme

    ca = trustme.CA()
    server_context = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    with SmtpServer(tls=server_context) as server:
        use_smtp(example, server.port, security="starttls", retries=1)
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
        refused = cli("send", "--today", "2020-03-05")
        assert refused.exit_code == 4 and "certificate could not be verified" in refused.stderr
        assert server.handler.messages == []
        cafile = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(cafile))
        use_smtp(example, server.port, security="starttls", retries=1, cafile=str(cafile))
        trusted = cli("send", "--today", "2020-03-05")
        assert trusted.exit_code == 0, trusted.stderr
        assert len(server.handler.to("auu-sekretariat@example.dk")) == 1


def test_the_password_comes_only_from_the_environment(example: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    use_smtp(example, 9, user="integration")
    monkeypatch.delenv("REPORTGEN_SMTP_PASSWORD", raising=False)
    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
    result = cli("send", "--today", "2020-03-05")
    assert result.exit_code == 2
    assert "the SMTP password is not in the environment variable REPORTGEN_SMTP_PASSWORD" in result.stderr


@pytest.mark.parametrize(
    ("meeting", "lead", "due"),
    [
        (dt.date(2020, 4, 14), 3, dt.date(2020, 4, 6)),  # Easter 2020: Skærtorsdag, Langfredag, 2. påskedag
        (dt.date(2020, 12, 28), 2, dt.date(2020, 12, 22)),  # Christmas: 24th, 25th and the weekend do not count
        (dt.date(2021, 6, 8), 3, dt.date(2021, 6, 3)),  # Grundlovsdag, Saturday 5 June 2021: a weekend anyway
        (dt.date(2020, 6, 8), 3, dt.date(2020, 6, 2)),  # Grundlovsdag, Friday 5 June 2020
        (dt.date(2020, 3, 30), 1, dt.date(2020, 3, 27)),  # across the change to summer time (29 March)
        (dt.date(2020, 10, 26), 1, dt.date(2020, 10, 23)),  # across the change back (25 October)
    ],
)
def test_due_dates_count_danish_working_days(meeting: dt.date, lead: int, due: dt.date) -> None:
    assert working_days_before(meeting, lead) == due


def test_working_days_and_danish_dates() -> None:
    assert not is_working_day(dt.date(2020, 4, 10))  # Langfredag
    assert not is_working_day(dt.date(2020, 12, 25))
    assert is_working_day(dt.date(2020, 12, 23))
    # midnight in Copenhagen is 23:00 UTC in winter and 22:00 UTC in summer
    assert today_in("Europe/Copenhagen", dt.datetime(2020, 3, 28, 23, 30, tzinfo=dt.UTC)) == dt.date(2020, 3, 29)
    assert today_in("Europe/Copenhagen", dt.datetime(2020, 3, 29, 21, 30, tzinfo=dt.UTC)) == dt.date(2020, 3, 29)
    assert today_in("Europe/Copenhagen", dt.datetime(2020, 3, 29, 22, 30, tzinfo=dt.UTC)) == dt.date(2020, 3, 30)
    assert today_in("Europe/Copenhagen", dt.datetime(2020, 10, 24, 22, 30, tzinfo=dt.UTC)) == dt.date(2020, 10, 25)


def test_due_lists_the_coming_meetings_with_due_dates_and_state(example: Path, cli) -> None:
    with SmtpServer() as server:
        use_smtp(example, server.port)
        assert cli("run", "--due", "--today", "2020-03-03").exit_code == 0
        assert cli("send", "--today", "2020-03-03").exit_code == 0
    result = cli("due", "--today", "2020-03-03")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Today (Europe/Copenhagen): 2020-03-03"
    assert "2020-03-03  AUU meeting 2020-03-10             due      yes    yes" in lines
    assert "2020-03-04  UU meeting 2020-03-11              coming   no     no" in lines


def test_run_due_builds_only_what_is_due_once_and_refuses_stale_inputs(example: Path, cli) -> None:
    assert "Nothing is due on 2019-08-01." in cli("run", "--due", "--today", "2019-08-01").stdout
    first = cli("run", "--due", "--today", "2019-09-03")  # AUU's 10 September meeting: 5 working days before
    assert first.exit_code == 0, first.stderr
    assert [line.split(" (")[0] for line in first.stdout.splitlines() if line.startswith("Wrote")] == [
        "Wrote AUU meeting 2019-09-10"
    ]
    again = cli("run", "--due", "--today", "2019-09-03")  # the cron line once more: nothing new
    assert again.exit_code == 0 and "Wrote" not in again.stdout
    assert "AUU meeting 2019-09-10: already built from the same inputs" in again.stdout
    next_day = cli("run", "--due", "--today", "2019-09-04")  # UU's 11 September meeting is due from today
    assert [line.split(" (")[0] for line in next_day.stdout.splitlines() if line.startswith("Wrote")] == [
        "Wrote UU meeting 2019-09-11"
    ]
    with SmtpServer() as server:
        use_smtp(example, server.port)
        assert cli("send", "--today", "2019-09-04").exit_code == 0
        # the next AUU meeting, with not one input changed since the pack that was sent: refused
        stale = cli("run", "--due", "--today", "2020-03-03")
        assert stale.exit_code == 2
        assert (
            "reportgen: error: refused: AUU meeting 2020-03-10: every input is unchanged since the pack for AUU "
            "meeting 2019-09-10 was sent"
        ) in stale.stderr
        assert not (pack_dir(example) / "2020-03-10-AUU").exists()
        forced = cli("run", "--due", "--allow-stale", "--today", "2020-03-03")
        assert forced.exit_code == 0 and (pack_dir(example) / "2020-03-10-AUU").is_dir()


def test_a_run_with_nothing_new_is_silent_under_quiet_and_leaves_a_log(example: Path, cli) -> None:
    result = cli("--quiet", "run", "--due", "--today", "2019-09-03")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    logs = list((pack_dir(example) / "logs").glob("*-run-due.log"))
    assert logs and "Wrote AUU meeting 2019-09-10" in logs[0].read_text(encoding="utf-8")


def test_cron_prints_crontab_and_systemd_units_with_absolute_paths(example: Path, cli) -> None:
    result = cli("cron")
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    daily = next(line for line in lines if line.startswith("30 6 * * * "))
    assert daily.startswith(f"30 6 * * * cd {example} && exec /")
    assert daily.endswith(f" --quiet run --due --send --config {example / 'reportgen.toml'}")
    assert len([line for line in lines if line[0].isdigit()]) == 1  # one line: it also builds the annual follow-up
    assert "Persistent=true" in result.stdout and "OnCalendar=*-*-* 06:30:00 Europe/Copenhagen" in result.stdout
    executable = daily.split(" && exec ")[1].split(" ")[0]
    assert os.path.isabs(executable) and Path(executable).name == "reportgen"


def test_a_send_killed_after_the_server_accepted_a_message_never_duplicates_and_reports_it_unconfirmed(
    example: Path, cli
) -> None:
    """kill -9 of the sender at a known point: the server has accepted message 4 but the sender has not had the reply
    (the server holds it). What the ledger records as sent is exactly what the server confirmed; message 4 is
    unconfirmed; the next run sends the rest once each and only reports the unconfirmed one (README, *The send
    ledger*); ``--resend`` sends every one again, once."""
    recipients = [f"r{n}@example.dk" for n in range(12)]
    set_recipients(example, "AUU", recipients)
    ledger_path = pack_dir(example) / "udsendelser.jsonl"
    with SmtpServer() as server:
        server.handler.hold_after = 4
        use_smtp(example, server.port, timeout=600)  # the sender waits for the held reply until it is killed
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
        command = [sys.executable, "-m", "reportgen", "send", "--today", "2020-03-05"]
        proc = subprocess.Popen(command, cwd=example, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            # a bound on the wait only, so a broken sender cannot hang the suite; not a measure of anything
            held = server.handler.held.wait(timeout=600)
            assert held, "the sender never reached the fourth message"
            proc.kill()
            _, stderr = proc.communicate()
        finally:
            proc.kill()
            server.handler.release.set()
        assert proc.returncode == -signal.SIGKILL, stderr
        accepted = [m.recipients for m in server.handler.messages]
        assert accepted == [[r] for r in recipients[:4]]
        ledger = [json.loads(line) for line in ledger_path.read_text(encoding="utf-8").splitlines()]
        sent = [e["recipient"] for e in ledger if e["state"] == "sent"]
        pending = [e["recipient"] for e in ledger if e["state"] == "pending"]
        assert sent == recipients[:3]  # exactly the messages whose acceptance the sender saw
        assert pending == recipients[:4]  # each written before its transaction; the fourth never confirmed

        final = subprocess.run(command, cwd=example, capture_output=True, text=True)
        assert final.returncode == 0, final.stderr
        assert re.findall(r"2020-03-10-AUU to (\S+) is unconfirmed", final.stderr) == [recipients[3]]
        assert re.findall(r"Sent 2020-03-10-AUU to (\S+)", final.stdout) == recipients[4:]
        assert {r: len(server.handler.to(r)) for r in recipients} == dict.fromkeys(recipients, 1)  # nothing twice

        again = subprocess.run(command, cwd=example, capture_output=True, text=True)
        assert again.returncode == 0 and "Sent" not in again.stdout, again.stderr
        assert "is unconfirmed" in again.stderr  # reported on every run until resent

        resend = subprocess.run([*command, "--resend"], cwd=example, capture_output=True, text=True)
        assert resend.returncode == 0, resend.stderr
        assert {r: len(server.handler.to(r)) for r in recipients} == dict.fromkeys(recipients, 2)
        states = [json.loads(line) for line in ledger_path.read_text(encoding="utf-8").splitlines()]
        last = {e["recipient"]: e["state"] for e in states}
        assert last == dict.fromkeys(recipients, "sent")
