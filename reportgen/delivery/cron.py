"""What to give cron or systemd: one daily command, ``reportgen --quiet run --due --send``, which builds the packs
that are due, e-mails what is in its window and tells the secretariat of every refusal. It is idempotent: on a day
with nothing due it does nothing, and a missed day is caught up the next day without building or sending anything
twice. The SMTP password reaches it from an environment file readable by its owner only.

Every path is quoted for where it goes: for ``/bin/sh`` (and ``%`` escaped, which cron turns into a newline) in the
crontab line, by systemd's rules in the units; a path that cannot be written safely is refused (exit 2)."""

from __future__ import annotations

import re
import shlex
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import ReportgenError, shorten

SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
"""cron's own PATH is ``/usr/bin:/bin``; /usr/local/bin is where LibreOffice (``--pdf``) may be."""


class SetupError(ReportgenError):
    """A path or the environment file that the lines cannot be made with (exit 2). The fix is said in full, never
    cut: it is a command to copy."""

    exit_code = 2

    def __init__(self, path: str, message: str, fix: str):
        super().__init__(f"{shorten(path, 1000)}: {message} ({fix})")


@dataclass(frozen=True)
class Installation:
    """What the lines are made from. ``env_file`` None: no SMTP password is needed (``[smtp] user`` is empty, or
    there is no ``[smtp]``, and then ``sends`` is False: the packs are built, not e-mailed)."""

    executable: Path
    config: Path
    timezone: str
    env_file: Path | None
    password_env: str
    account: str
    sends: bool = True
    hour: int = 6
    minute: int = 30

    @property
    def arguments(self) -> list[str]:
        """The command's arguments after the executable."""
        return ["--quiet", "run", "--due", *(["--send"] if self.sends else []), "--config", str(self.config)]


def check_paths(paths: dict[str, Path]) -> None:
    """Refuse (exit 2) a path that no crontab line or unit file can hold: a control character (a newline would end
    the line), or a backslash before ``%`` (cron cannot be told to keep both)."""
    for what, path in paths.items():
        text = str(path)
        bad = next((c for c in text if unicodedata.category(c) == "Cc"), None)
        if bad is not None:
            raise SetupError(
                text,
                f"the {what} path contains a control character ({bad!r}), which a crontab line or a systemd unit "
                "cannot hold",
                "a path without control characters: rename the folder or file",
            )
        if "\\%" in text:
            raise SetupError(
                text,
                f"the {what} path has a backslash before '%', which a crontab line cannot hold",
                "rename the folder or file",
            )


def check_env_file(path: Path, variable: str) -> None:
    """The environment file with the SMTP password: it must exist, be a file, be readable by its owner only, and
    set ``variable`` (exit 2 with the fix otherwise)."""
    create = f"install -m 600 /dev/null {shlex.quote(str(path))}"
    line = f"{variable}='<password>'"
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SetupError(
            str(path),
            "the environment file with the SMTP password is missing",
            f"create it with: {create} — then put the line {line} in it",
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise SetupError(str(path), "the environment file is not a file", f"create it with: {create}")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise SetupError(
            str(path),
            f"the environment file has mode {mode:04o}, so the SMTP password is readable by others than its owner",
            f"chmod 600 {shlex.quote(str(path))}",
        )
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except PermissionError:  # another account's file (the one that runs cron): it is theirs to fill in
        return
    if not re.search(rf"^\s*(export\s+)?{re.escape(variable)}=", text, re.MULTILINE):
        raise SetupError(
            str(path), f"the environment file does not set {variable} ([smtp] password_env)", f"add the line {line}"
        )


def cron_word(word: str) -> str:
    """``word`` for the command part of a crontab line: quoted for /bin/sh, and ``%`` written ``\\%``."""
    return shlex.quote(word).replace("%", "\\%")


def systemd_word(word: str) -> str:
    """``word`` as one argument of ``ExecStart=``: an option as it is; anything else double-quoted, with ``\\`` and
    ``"`` escaped, ``%`` (a specifier) as ``%%`` and ``$`` (a variable) as ``$$``."""
    if re.fullmatch(r"[-A-Za-z0-9]+", word):
        return word
    escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def systemd_path(path: Path) -> str:
    """A path for ``WorkingDirectory=``/``EnvironmentFile=``: systemd takes these verbatim (no quotes are removed),
    expanding only specifiers, so ``%`` is written ``%%``."""
    return str(path).replace("%", "%%")


def crontab(setup: Installation) -> str:
    """The crontab lines: the environment cron lacks, and the one daily command."""
    parts = [f"cd {cron_word(str(setup.config.parent))}"]
    if setup.env_file is not None:
        parts.append(f"set -a && . {cron_word(str(setup.env_file))} && set +a")
    words = [cron_word(str(setup.executable)), *(cron_word(a) for a in setup.arguments)]
    parts.append("exec " + " ".join(words))
    return "\n".join(
        [
            *_what_it_does(setup),
            "# cron runs it at this time in the machine's time zone; 'today' is always the date in",
            f"# [schedule] timezone ({setup.timezone}).",
            "# The lines below set SHELL, PATH and LANG for every later line of this crontab too.",
            "SHELL=/bin/sh",
            f"PATH={SYSTEM_PATH}",
            "LANG=C.UTF-8",
            f"{setup.minute} {setup.hour} * * * " + " && ".join(parts),
            "",
        ]
    )


def systemd_units(setup: Installation) -> str:
    """An equivalent systemd service and timer; ``Persistent=true`` runs a missed day when the machine is back."""
    exec_start = " ".join(systemd_word(w) for w in [str(setup.executable), *setup.arguments])
    secret = (
        [f"EnvironmentFile={systemd_path(setup.env_file)}"]
        if setup.env_file is not None
        else [f"# no EnvironmentFile=: {_no_password_why(setup)}"]
    )
    return "\n".join(
        [
            "# /etc/systemd/system/reportgen.service",
            "[Unit]",
            "Description=reportgen: build the committee packs that are due, e-mail them, report every refusal",
            "",
            "[Service]",
            "Type=oneshot",
            "# The account that runs it: it owns the environment file and may write the output folder.",
            f"User={setup.account}",
            f"WorkingDirectory={systemd_path(setup.config.parent)}",
            "Environment=LANG=C.UTF-8",
            *secret,
            "# Exit 0 ok, 2 a pack refused, 4 an e-mail or the notice to the secretariat failed.",
            f"ExecStart={exec_start}",
            "",
            "# /etc/systemd/system/reportgen.timer",
            "[Unit]",
            "Description=reportgen, every day",
            "",
            "[Timer]",
            f"OnCalendar=*-*-* {setup.hour:02d}:{setup.minute:02d}:00 {setup.timezone}",
            "Persistent=true",
            "",
            "[Install]",
            "WantedBy=timers.target",
            "",
        ]
    )


def _what_it_does(setup: Installation) -> list[str]:
    if not setup.sends:
        what = [
            "# reportgen: every day, build the committee packs that are due. There is no [smtp] in the config, so",
            "# nothing is e-mailed; add [smtp] and run 'reportgen cron' again for the line that sends them.",
        ]
    else:
        what = [
            "# reportgen: every day, build the committee packs that are due, e-mail what is in its window and tell",
            "# the secretariat of every refusal (exit 0 ok, 2 refused, 4 an e-mail or the notice failed).",
        ]
    what += [
        "# On a day with nothing due it does nothing, and a missed day is caught up the next day. There is no",
        "# separate yearly line: this one also builds and sends the annual follow-up from [schedule] annual.",
    ]
    if setup.env_file is None:
        what.append(f"# {_no_password_why(setup)}")
    else:
        what.append(f"# {setup.password_env} (the SMTP password) is read from the environment file, mode 600.")
    return what


def _no_password_why(setup: Installation) -> str:
    if not setup.sends:
        return "no [smtp], so no SMTP password is needed"
    return "[smtp] user is empty, so no SMTP password (and no environment file) is needed"
