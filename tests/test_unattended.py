"""Unattended and trusted: each pack sent once and in its window, corrections only on purpose, packs only for
calendar meetings, every refusal and failure told to the secretariat, SMTP semantics as promised, a journal that
cannot move a byte outside the output folder, configuration that says when delivery cannot work."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import edit_config, pack_dir
from tests.smtp_server import SmtpServer
from tests.test_delivery import set_recipients, use_smtp

SECRETARIAT = "sekretariat@example.dk"


def body_of(message: Any) -> str:
    plain = message.get_body(("plain",))
    assert plain is not None
    return str(plain.get_content())


def test_a_pack_built_ahead_is_not_sent_before_its_due_date(example: Path, cli) -> None:
    with SmtpServer() as server:
        use_smtp(example, server.port)
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10", "--today", "2020-02-01").exit_code == 0
        early = cli("send", "--today", "2020-02-01")
        assert early.exit_code == 0, early.stderr
        assert "Not sent: AUU meeting 2020-03-10: ikke aktuel før 3. marts 2020" in early.stdout
        assert server.handler.messages == []
        on_time = cli("send", "--today", "2020-03-03")
        assert on_time.exit_code == 0, on_time.stderr
        assert "Sent 2020-03-10-AUU" in on_time.stdout
        after = cli("send", "--today", "2020-03-11")  # the meeting has been held: nothing more, and it says why
        assert "allerede sendt" in after.stdout or "er holdt" in after.stdout


def test_a_pack_rebuilt_after_it_was_sent_goes_out_only_as_a_correction(example: Path, cli) -> None:
    with SmtpServer() as server:
        use_smtp(example, server.port)
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10", "--today", "2020-03-03").exit_code == 0
        assert cli("send", "--today", "2020-03-03").exit_code == 0
        first = len(server.handler.messages)
        assert first == 1
        # a new measurement arrives; the pack is rebuilt
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10", "--today", "2020-03-05").exit_code == 0
        plain = cli("send", "--today", "2020-03-05")
        assert plain.exit_code == 0, plain.stderr
        assert "rettet udgave af en sendt pakke; sendes kun med --correction" in plain.stdout
        recipients_before = [m for m in server.handler.messages if SECRETARIAT not in m.recipients]
        assert len(recipients_before) == first  # not sent again by a plain send
        [notice] = server.handler.to(SECRETARIAT)
        assert "rettet udgave venter" in str(notice.message["Subject"])
        assert "--correction" in body_of(notice.message)
        corrected = cli("send", "--correction", "--today", "2020-03-05")
        assert corrected.exit_code == 0, corrected.stderr
        latest = [m for m in server.handler.messages if SECRETARIAT not in m.recipients][-1]
        assert str(latest.message["Subject"]).startswith("Rettet: Status på")
        body = body_of(latest.message)
        assert "rettet udgave" in body and ("Ændret status" in body or "Ingen kriteriers status" in body)
        ledger = [json.loads(x) for x in (pack_dir(example) / "udsendelser.jsonl").read_text().splitlines()]
        assert len({e["key"] for e in ledger if e["state"] == "sent" and e["pack"] == "2020-03-10-AUU"}) == 2


def test_packs_only_for_meetings_in_the_calendar(example: Path, cli) -> None:
    none = cli("run", "--meeting", "2020-03-12")
    assert none.exit_code == 2
    assert "no committee meets on 2020-03-12" in none.stderr and "nearest meetings:" in none.stderr
    wrong = cli("run", "--meeting", "2020-03-10", "--committee", "KFU")
    assert wrong.exit_code == 2
    assert "'KFU' does not meet on 2020-03-10" in wrong.stderr and "KFU 2020-03-16" in wrong.stderr
    only_auu = cli("run", "--meeting", "2019-09-10", "--dry-run")
    assert only_auu.exit_code == 0, only_auu.stderr
    assert [line.split(" (")[0] for line in only_auu.stdout.splitlines() if line.startswith("Would")] == [
        "Would write AUU meeting 2019-09-10"
    ]
    adhoc = cli("run", "--meeting", "2020-03-12", "--committee", "KFU", "--unscheduled")
    assert adhoc.exit_code == 0, adhoc.stderr
    manifest = json.loads((pack_dir(example) / "manifest.json").read_text(encoding="utf-8"))
    assert [(p["folder"], p["unscheduled"]) for p in manifest["packs"]] == [("2020-03-12-KFU", True)]
    with SmtpServer() as server:
        use_smtp(example, server.port)
        plain = cli("send", "--today", "2020-03-11")
        assert "ad hoc-pakke" in plain.stdout and server.handler.messages == []
        named = cli("send", "--committee", "KFU", "--meeting", "2020-03-12", "--today", "2020-03-11")
        assert named.exit_code == 0 and len(server.handler.messages) == 1


def test_one_stale_committee_never_stops_another_and_the_secretariat_hears_once(example: Path, cli) -> None:
    with SmtpServer() as server:
        use_smtp(example, server.port)
        # AUU's September pack is built and sent; nothing changes; in March AUU is stale while UU is due and new
        assert cli("run", "--due", "--send", "--today", "2019-09-03").exit_code == 0
        sent_before = len(server.handler.messages)
        day = cli("run", "--due", "--send", "--today", "2020-03-04")
        assert day.exit_code == 2, day.stderr  # a refusal, said
        assert "AUU meeting 2020-03-10: every input is unchanged" in day.stderr
        assert any(
            "2020-03-11-UU" in str(m.content) or "UU" in str(m.message["Subject"])
            for m in server.handler.messages[sent_before:]
        )
        [notice] = server.handler.to(SECRETARIAT)
        assert "ikke bygget" in str(notice.message["Subject"])
        body = body_of(notice.message)
        assert "AUU meeting 2020-03-10" in body and f"--config {example / 'reportgen.toml'}" in body
        again = cli("run", "--due", "--send", "--today", "2020-03-04")  # the same day again: no second notice
        assert again.exit_code == 2 and len(server.handler.to(SECRETARIAT)) == 1


def test_when_the_server_is_down_the_notice_goes_to_stderr_and_the_log(example: Path, cli) -> None:
    use_smtp(example, 9)  # nothing listens on the discard port
    result = cli("run", "--due", "--send", "--today", "2020-03-03")
    assert result.exit_code == 4, result.stderr
    assert "the secretariat could not be told by e-mail" in result.stderr
    assert "Ikke sendt:" in result.stderr and "internal error" not in result.stderr
    [log] = (pack_dir(example) / "logs").glob("*-run-due.log")
    assert "could not be told by e-mail" in log.read_text(encoding="utf-8")


class DroppingServer(SmtpServer):
    """Stores the message, then closes the connection before its reply: the sender cannot know."""

    def __init__(self) -> None:
        super().__init__()
        handler = self.handler

        async def handle_data(server: Any, _session: Any, envelope: Any) -> str:
            with handler.lock:
                from tests.smtp_server import Received

                handler.messages.append(Received(list(envelope.rcpt_tos), bytes(envelope.content)))
            server.transport.close()
            return "250 OK"

        handler.handle_DATA = handle_data  # type: ignore[method-assign,assignment]


def test_a_server_that_drops_after_storing_leaves_the_message_unconfirmed_and_unsent_again(example: Path, cli) -> None:
    with DroppingServer() as server:
        use_smtp(example, server.port)
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10", "--today", "2020-03-03").exit_code == 0
        first = cli("send", "--today", "2020-03-03")
        assert first.exit_code == 0, first.stderr
        assert "unconfirmed" in first.stderr
        stored = len([m for m in server.handler.messages if SECRETARIAT not in m.recipients])
        assert stored == 1  # not retried at once
        second = cli("send", "--today", "2020-03-04")
        assert "unconfirmed" in second.stderr
        assert len([m for m in server.handler.messages if SECRETARIAT not in m.recipients]) == 1


class RefusingDataServer(SmtpServer):
    def __init__(self) -> None:
        super().__init__()
        self.attempts = 0

        async def handle_data(_server: Any, _session: Any, _envelope: Any) -> str:
            self.attempts += 1
            return "554 5.6.0 Message rejected"

        self.handler.handle_DATA = handle_data  # type: ignore[method-assign,assignment]


def test_554_on_data_is_permanent_not_retried_and_exit_4(example: Path, cli) -> None:
    refusing = RefusingDataServer()
    with refusing as server:
        use_smtp(example, server.port)
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10", "--today", "2020-03-03").exit_code == 0
        result = cli("send", "--today", "2020-03-03")
        assert result.exit_code == 4
        assert "554" in result.stderr and "connection lost" not in result.stderr
        assert refusing.attempts == 2  # the pack once, the notice once: no retries


def test_the_same_address_twice_in_any_case_gets_one_message(example: Path, cli) -> None:
    set_recipients(example, "AUU", ["Anna@Example.dk", "anna@example.dk", "ANNA@EXAMPLE.DK"])
    with SmtpServer() as server:
        use_smtp(example, server.port)
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10", "--today", "2020-03-03").exit_code == 0
        assert cli("send", "--today", "2020-03-03").exit_code == 0
        assert len(server.handler.messages) == 1


def test_a_ledger_line_torn_inside_a_multibyte_character_is_skipped_with_a_warning(example: Path, cli) -> None:
    with SmtpServer() as server:
        use_smtp(example, server.port)
        assert cli("run", "--committee", "ÆOU", "--meeting", "2020-03-18", "--today", "2020-03-11").exit_code == 0
        ledger = pack_dir(example) / "udsendelser.jsonl"
        ledger.write_bytes('{"state": "sent", "pack": "Æ'.encode()[:-1])  # torn inside Æ
        for command in (["due"], ["send"], ["run", "--due"]):
            result = cli(*command, "--today", "2020-03-11")
            assert result.exit_code in (0, 2), (command, result.stderr)
            assert "udsendelser.jsonl:1: not a complete ledger line; skipped" in result.stderr


def test_validate_says_when_delivery_cannot_work(example: Path, cli) -> None:
    set_recipients(example, "AUU", [])
    result = cli("validate")
    assert result.exit_code == 2
    assert "committee AUU meets in the calendar but has no recipients" in result.stderr
    text = (example / "reportgen.toml").read_text(encoding="utf-8")
    start = text.index("[smtp]")
    end = text.find("\n[", start + 1)
    (example / "reportgen.toml").write_text(text[:start] + (text[end:] if end != -1 else ""), encoding="utf-8")
    no_smtp = cli("validate")
    assert no_smtp.exit_code == 0, no_smtp.stderr
    assert "no [smtp] section: packs are built but never e-mailed" in no_smtp.stderr
    send = cli("send", "--today", "2020-03-03")
    assert send.exit_code == 2 and "no [smtp] section" in send.stderr


@pytest.mark.parametrize("breaker", ["\r\n", "\u2028", "\x85"], ids=["crlf", "u2028", "nel"])
def test_a_line_break_in_a_header_value_is_an_error_at_validate(example: Path, cli, breaker: str) -> None:
    plan = example / "inputs" / "handleplan_2019.yaml"
    text = plan.read_text(encoding="utf-8")
    assert "Arbejdsmarkeds- og Uddannelsesudvalget" in text
    plan.write_text(
        text.replace("Arbejdsmarkeds- og Uddannelsesudvalget", json.dumps("Arbejdsmarkeds-" + breaker + "udvalget"), 1),
        encoding="utf-8",
    )
    result = cli("validate")
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "committees.AUU" in result.stderr and "line break" in result.stderr


def test_validate_warns_of_a_meeting_on_a_sunday_or_langfredag(example: Path, cli) -> None:
    edit_config(example, "date = 2019-09-10", "date = 2019-09-08")  # a Sunday
    edit_config(example, "date = 2020-03-10", "date = 2020-04-10")  # Langfredag
    result = cli("validate")
    assert result.exit_code == 0, result.stderr
    assert "the AUU meeting on 2019-09-08 is on a Sunday" in result.stderr
    assert "the AUU meeting on 2020-04-10 is on Langfredag" in result.stderr


@pytest.mark.parametrize(("key", "value"), [("annual", '"02-29"'), ("lead_days", "1000000")])
def test_schedule_values_that_cannot_work_are_refused(example: Path, cli, key: str, value: str) -> None:
    import re

    path = example / "reportgen.toml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(rf"(?m)^{key} = .*\n", "", text).replace("[schedule]\n", f"[schedule]\n{key} = {value}\n", 1)
    path.write_text(text, encoding="utf-8")
    for command in (["validate"], ["due"]):
        result = cli(*command)
        assert result.exit_code == 2, (command, result.stderr)
        assert f"schedule.{key}" in result.stderr, result.stderr


@pytest.mark.usefixtures("example")
def test_today_after_the_real_date_or_before_the_plan_needs_simulate(cli) -> None:
    future = cli("run", "--committee", "AUU", "--dry-run", "--today", "2099-01-01")
    assert future.exit_code == 2 and "2099-01-01 is after today" in future.stderr and "--simulate" in future.stderr
    early = cli("due", "--today", "2018-06-01")
    assert early.exit_code == 2 and "before the plan starts (2019-01-01)" in early.stderr
    assert cli("due", "--today", "2099-01-01", "--simulate").exit_code == 0


def test_a_journal_pointing_outside_is_refused_and_nothing_moves(example: Path, cli, tmp_path: Path) -> None:
    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
    root = pack_dir(example)
    victim = tmp_path / "elsewhere"
    (victim / "keep").mkdir(parents=True)
    (root / ".staging-abc").mkdir()
    (root / ".publish.json").write_text(
        json.dumps(
            {
                "staging": ".staging-abc",
                "packs": ["2020-03-10-AUU"],
                "archive": {"2020-03-10-AUU": "../../../elsewhere/keep"},
                "old_manifest": None,
            }
        ),
        encoding="utf-8",
    )
    before = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    for command in (["send", "--dry-run"], ["due"], ["run", "--committee", "AUU", "--meeting", "2020-03-10"]):
        result = cli(*command, "--today", "2020-03-05")
        if command == ["send", "--dry-run"]:
            assert result.exit_code == 0, result.stderr  # a dry run does not recover: it writes nothing
        elif command != ["due"]:
            assert result.exit_code == 2, (command, result.stderr)
            assert ".publish.json" in result.stderr and "nothing was moved" in result.stderr
        assert (victim / "keep").is_dir()
        assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if "logs" not in p.parts) == [
            b for b in before if "logs" not in b
        ]


def test_a_symlinked_archive_is_refused(example: Path, cli, tmp_path: Path) -> None:
    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, pack_dir(example) / "_arkiv")
    result = cli("run", "--committee", "AUU", "--meeting", "2020-03-10")
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert list(outside.iterdir()) == []


def test_a_missing_configured_input_refuses_the_unattended_build(example: Path, cli) -> None:
    for export in (example / "inputs" / "economy").iterdir():
        export.unlink()
    result = cli("run", "--due", "--today", "2020-03-04")
    assert result.exit_code == 2
    assert "no economy exports found" in result.stderr and "refused" in result.stderr
    assert not (pack_dir(example) / "2020-03-10-AUU").exists()


def test_a_cpr_number_in_the_plan_title_or_a_committee_name_never_reaches_an_email(example: Path, cli) -> None:
    plan = example / "inputs" / "handleplan_2019.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace("title: Integrationspolitikkens handleplan 2019", "title: Handleplan 010190–1234 2019", 1)
    text = text.replace("Arbejdsmarkeds- og Uddannelsesudvalget", "Udvalget CPR0202902345", 1)
    plan.write_text(text, encoding="utf-8")
    with SmtpServer() as server:
        use_smtp(example, server.port)
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10", "--today", "2020-03-03").exit_code == 0
        assert cli("send", "--today", "2020-03-03").exit_code == 0
        assert server.handler.messages
        for received in server.handler.messages:
            raw = received.content.decode("utf-8", "replace")
            subject, body = str(received.message["Subject"]), body_of(received.message)
            for number in ("1234", "0202902345", "010190"):
                assert number not in subject and number not in body and number not in raw.split("\n\n")[0]
            assert "******-****" in subject


@pytest.mark.usefixtures("example")
def test_verbose_says_what_reportgen_does_and_not_what_its_libraries_log(cli) -> None:
    result = cli("--verbose", "run", "--committee", "AUU", "--meeting", "2020-03-10")
    assert result.exit_code == 0, result.stderr
    for library in ("matplotlib", "PIL", "fontTools", "docxtpl"):
        assert library not in result.stderr, library
    assert "Wrote AUU meeting 2020-03-10" in result.stdout
    assert "INFO: evaluating" in result.stderr and "INFO: rendering AUU meeting 2020-03-10" in result.stderr


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("!!timestamp not-a-time", "inputs/handleplan_2019.yaml:12: 'not-a-time' is not a valid timestamp"),
        ("Integrations\ufffepolitik", "inputs/handleplan_2019.yaml:12: the character U+FFFE is not allowed in YAML"),
    ],
    ids=["timestamp", "u+fffe"],
)
def test_a_plan_value_yaml_cannot_hold_is_exit_2_on_its_line(example: Path, cli, title: str, message: str) -> None:
    plan = example / "inputs" / "handleplan_2019.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text.replace("title: Integrationspolitikkens handleplan 2019", f"title: {title}", 1), encoding="utf-8"
    )
    result = cli("validate")
    assert result.exit_code == 2 and message in result.stderr, result.stderr


@pytest.mark.parametrize("breaker", ["\r\n", "\u2028", "\x85"], ids=["crlf", "u2028", "nel"])
def test_a_line_break_in_a_committee_name_never_breaks_a_sent_header(example: Path, cli, breaker: str) -> None:
    plan = example / "inputs" / "handleplan_2019.yaml"
    text = plan.read_text(encoding="utf-8")
    name = json.dumps("Arbejdsmarkeds-" + breaker + "udvalget")
    plan.write_text(text.replace("Arbejdsmarkeds- og Uddannelsesudvalget", name, 1), encoding="utf-8")
    with SmtpServer() as server:
        use_smtp(example, server.port)
        assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10", "--today", "2020-03-03").exit_code == 0
        sent = cli("send", "--today", "2020-03-03")  # not validated first: still a valid message, never exit 1
        assert sent.exit_code == 0, sent.stderr
        [message] = server.handler.messages
        assert "Arbejdsmarkeds- udvalget den 10. marts 2020" in str(message.message["Subject"])
