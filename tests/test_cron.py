"""``reportgen cron``: the crontab line run as cron runs it (``%`` unescaped, an empty environment, /bin/sh) on a copy
of the example in a folder whose name holds ``%``, a space and ``$``; the SMTP password from the mode-600
environment file reaching the mail server; the systemd units' quoting; and each refusal with its fix."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.conftest import REPO, edit_config, pack_dir
from tests.smtp_server import Handler, free_port
from tests.test_delivery import use_smtp

EXECUTABLE = Path(sys.executable).parent / "reportgen"
PASSWORD = "pa$$ 50% 'n\"x"  # noqa: S105 - a test password: what a shell or cron could mangle


def odd_copy(example: Path, tmp_path: Path, *, user: str = "x") -> Path:
    """The example moved into a folder whose name cron and the shell would mangle, with ``[smtp] user`` set and the
    environment file (mode 600) beside the config; returns the config's path."""
    root = tmp_path / "uge 50% $HOME" / "kommune"
    shutil.copytree(example, root)
    edit_config(root, 'user = ""', f'user = "{user}"')
    env = root / "reportgen.env"
    env.touch(mode=0o600)
    env.chmod(0o600)
    quoted = PASSWORD.replace("'", "'\\''")
    env.write_text(f"# the SMTP password\nREPORTGEN_SMTP_PASSWORD='{quoted}'\n", encoding="utf-8")
    return root / "reportgen.toml"


def daily_line(stdout: str) -> str:
    """The crontab line's command part, as cron hands it to /bin/sh: ``\\%`` becomes ``%``."""
    lines = [line for line in stdout.splitlines() if re.match(r"\d+ \d+ \* \* \* ", line)]
    assert len(lines) == 1, stdout
    command = lines[0].split(" ", 5)[5]
    assert "%" not in command.replace("\\%", "")  # every % escaped, or cron would cut the line there
    return command.replace("\\%", "%")


def run_as_cron(command: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` (plus ``extra`` words) with cron's empty environment; PYTHONPATH so this tree is imported."""
    line = command + "".join(" " + shlex.quote(word) for word in extra)
    env = ["env", "-i", "PATH=/usr/bin:/bin", f"PYTHONPATH={REPO}"]
    return subprocess.run([*env, "/bin/sh", "-c", line], capture_output=True, text=True, timeout=300, check=False)


def unit_values(text: str, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(f"{key}=")]


def test_the_crontab_line_runs_as_cron_runs_it(example: Path, tmp_path: Path, cli) -> None:
    assert EXECUTABLE.exists()
    config = odd_copy(example, tmp_path)
    printed = cli("cron", "--config", str(config))
    assert printed.exit_code == 0, printed.stderr
    assert "PATH=/usr/local/bin:/usr/bin:/bin\n" in printed.stdout and "LANG=C.UTF-8\n" in printed.stdout
    command = daily_line(printed.stdout)
    assert command.count(" --quiet run --due --send --config ") == 1 and " send --config" not in command
    done = run_as_cron(command, "--today", "2019-07-01", "--simulate")  # a day with nothing due
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert not (pack_dir(config.parent) / "logs").exists()


def test_the_password_in_the_environment_file_reaches_the_mail_server(example: Path, tmp_path: Path, cli) -> None:
    config = odd_copy(example, tmp_path)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(_server: Any, _session: Any, _envelope: Any, _mechanism: str, auth_data: Any) -> AuthResult:
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    handler = Handler()
    port = free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    try:
        use_smtp(config.parent, port, user="x")
        command = daily_line(cli("cron", "--config", str(config)).stdout)
        done = run_as_cron(command, "--today", "2019-09-03")  # AUU's pack for 10 September is due
    finally:
        controller.stop()
    assert done.returncode == 0, done.stderr
    assert "password" not in done.stderr
    assert logins and set(logins) == {(b"x", PASSWORD.encode())}
    assert handler.to("auu-sekretariat@example.dk")


def test_without_the_password_in_the_environment_the_line_would_fail(example: Path, tmp_path: Path, cli) -> None:
    """The control: the same run with an environment file that sets nothing is refused for the missing password."""
    config = odd_copy(example, tmp_path)
    use_smtp(config.parent, free_port(), user="x")
    command = daily_line(cli("cron", "--config", str(config)).stdout)
    (config.parent / "reportgen.env").write_text("# empty\n", encoding="utf-8")
    done = run_as_cron(command, "--today", "2019-09-03")
    assert done.returncode == 4  # nothing could be sent, and not even the notice
    assert "the SMTP password is not in the environment variable REPORTGEN_SMTP_PASSWORD" in done.stderr


def test_the_systemd_units_quote_every_path_and_use_the_configured_timezone(example: Path, tmp_path: Path, cli) -> None:
    config = odd_copy(example, tmp_path)
    edit_config(config.parent, 'timezone = "Europe/Copenhagen"', 'timezone = "Atlantic/Faroe"')
    printed = cli("cron", "--config", str(config))
    assert printed.exit_code == 0, printed.stderr
    service = printed.stdout.split("# /etc/systemd/system/reportgen.service\n", 1)[1]
    [exec_start] = unit_values(service, "ExecStart")
    assert exec_start.startswith('"') and "%%" in exec_start and "$$HOME" in exec_start
    words = [w.replace("$$", "$") for w in shlex.split(exec_start.replace("%%", "%"))]  # as systemd reads it
    assert words == [str(EXECUTABLE), "--quiet", "run", "--due", "--send", "--config", str(config)]
    # systemd takes these two verbatim (no quotes removed), expanding only %-specifiers
    assert [v.replace("%%", "%") for v in unit_values(service, "WorkingDirectory")] == [str(config.parent)]
    assert [v.replace("%%", "%") for v in unit_values(service, "EnvironmentFile")] == [
        str(config.parent / "reportgen.env")
    ]
    assert unit_values(service, "User") and unit_values(service, "Environment") == ["LANG=C.UTF-8"]
    assert unit_values(service, "OnCalendar") == ["*-*-* 06:30:00 Atlantic/Faroe"]
    assert "Persistent=true" in service


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze on this machine")
def test_systemd_analyze_accepts_the_units(example: Path, tmp_path: Path, cli) -> None:
    config = odd_copy(example, tmp_path)
    text = cli("cron", "--config", str(config)).stdout
    service, timer = text.split("# /etc/systemd/system/reportgen.service\n", 1)[1].split(
        "# /etc/systemd/system/reportgen.timer\n"
    )
    units = tmp_path / "units"
    units.mkdir()
    (units / "reportgen.service").write_text(service, encoding="utf-8")
    (units / "reportgen.timer").write_text(timer, encoding="utf-8")
    verify = ["systemd-analyze", "--man=no", "verify", str(units / "reportgen.service"), str(units / "reportgen.timer")]
    done = subprocess.run(
        verify,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "not absolute" not in done.stderr and "Invalid" not in done.stderr


def test_a_missing_environment_file_is_refused_with_how_to_create_it(example: Path, tmp_path: Path, cli) -> None:
    config = odd_copy(example, tmp_path)
    (config.parent / "reportgen.env").unlink()
    result = cli("cron", "--config", str(config))
    assert result.exit_code == 2 and result.stdout == ""
    assert "the environment file with the SMTP password is missing" in result.stderr
    assert f"install -m 600 /dev/null {shlex.quote(str(config.parent / 'reportgen.env'))}" in result.stderr
    assert "REPORTGEN_SMTP_PASSWORD='<password>'" in result.stderr


def test_an_environment_file_others_can_read_is_refused(example: Path, tmp_path: Path, cli) -> None:
    config = odd_copy(example, tmp_path)
    secret = tmp_path / "secret.env"
    secret.write_text("REPORTGEN_SMTP_PASSWORD=x\n", encoding="utf-8")
    secret.chmod(0o644)
    result = cli("cron", "--config", str(config), "--env-file", str(secret))
    assert result.exit_code == 2 and result.stdout == ""
    assert "mode 0644" in result.stderr and f"chmod 600 {secret}" in result.stderr
    secret.chmod(0o600)
    fixed = cli("cron", "--config", str(config), "--env-file", str(secret))
    assert fixed.exit_code == 0 and f"EnvironmentFile={secret}\n" in fixed.stdout


def test_an_environment_file_without_the_variable_is_refused(example: Path, tmp_path: Path, cli) -> None:
    config = odd_copy(example, tmp_path)
    (config.parent / "reportgen.env").write_text("SMTP_PASSWORD=x\n", encoding="utf-8")
    result = cli("cron", "--config", str(config))
    assert result.exit_code == 2 and "does not set REPORTGEN_SMTP_PASSWORD" in result.stderr


def test_a_path_with_a_newline_is_refused(example: Path, tmp_path: Path, cli) -> None:
    root = tmp_path / "to\nlinjer"
    shutil.copytree(example, root)
    result = cli("cron", "--config", str(root / "reportgen.toml"))
    assert result.exit_code == 2 and result.stdout == ""
    assert "the config path contains a control character ('\\n')" in result.stderr
    assert "rename the folder or file" in result.stderr
    config = odd_copy(example, tmp_path)
    secret = tmp_path / "a\nb.env"
    env = cli("cron", "--config", str(config), "--env-file", str(secret))
    assert env.exit_code == 2 and "the environment file path contains a control character" in env.stderr


def test_no_password_no_environment_file_and_no_smtp_no_send(example: Path, cli) -> None:
    plain = cli("cron")  # the example: [smtp] user is empty
    assert plain.exit_code == 0, plain.stderr
    assert "no SMTP password (and no environment file) is needed" in plain.stdout
    assert "set -a" not in daily_line(plain.stdout) and not unit_values(plain.stdout, "EnvironmentFile")
    text = (example / "reportgen.toml").read_text(encoding="utf-8")
    (example / "reportgen.toml").write_text(text.split("[smtp]")[0], encoding="utf-8")
    unsent = cli("cron")
    assert unsent.exit_code == 0, unsent.stderr
    assert daily_line(unsent.stdout).endswith(
        f"--quiet run --due --config {shlex.quote(str(example / 'reportgen.toml'))}"
    )
    assert "There is no [smtp] in the config" in unsent.stdout and "--send" not in unsent.stdout
