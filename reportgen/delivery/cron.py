"""What to give cron or systemd: a daily line that builds the packs that are due and sends what is built, and a
yearly one on the annual follow-up's date. Both are idempotent: on a day with nothing due they do nothing, and a
missed day is caught up the next day without building or sending anything twice."""

from __future__ import annotations

import shlex
from pathlib import Path


def crontab(executable: Path, config: Path, *, annual: str, hour: int = 6, minute: int = 30) -> str:
    """Crontab lines for the configured schedule, with absolute paths."""
    month, day = (int(part) for part in annual.split("-"))
    folder = shlex.quote(str(config.parent))
    command = f"{shlex.quote(str(executable))} --quiet"
    cfg = f"--config {shlex.quote(str(config))}"
    return "\n".join(
        [
            "# reportgen: every day, build the committee packs that are due and e-mail what is built;",
            "# on a day with nothing due this does nothing, and a missed day is caught up the next day.",
            f"{minute} {hour} * * * cd {folder} && {command} run --due {cfg} && {command} send {cfg}",
            "# reportgen: the annual follow-up for last year, on its date ([schedule] annual) — the daily line",
            "# builds it too; this one only makes sure it is not missed (it is idempotent).",
            f"{minute} {hour + 1} {day} {month} * cd {folder} && {command} run --due {cfg} && {command} send {cfg}",
            "",
        ]
    )


def systemd_units(executable: Path, config: Path, *, hour: int = 6, minute: int = 30) -> str:
    """An equivalent systemd service and timer; ``Persistent=true`` runs a missed day when the machine is back."""
    command = f"{executable} --quiet"
    return "\n".join(
        [
            "# /etc/systemd/system/reportgen.service",
            "[Unit]",
            "Description=reportgen: build the packs that are due and e-mail them",
            "",
            "[Service]",
            "Type=oneshot",
            f"WorkingDirectory={config.parent}",
            f"ExecStart={command} run --due --config {config}",
            f"ExecStart={command} send --config {config}",
            "",
            "# /etc/systemd/system/reportgen.timer",
            "[Unit]",
            "Description=reportgen, every day",
            "",
            "[Timer]",
            f"OnCalendar=*-*-* {hour:02d}:{minute:02d}:00 Europe/Copenhagen",
            "Persistent=true",
            "",
            "[Install]",
            "WantedBy=timers.target",
            "",
        ]
    )
