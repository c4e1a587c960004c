"""PDF copies of the reports, made by LibreOffice: tagged PDF (PDF/UA) and PDF/A-2b, with the table of contents
refreshed, for publication on a municipal website (the accessibility law: EN 301 549 / WCAG 2.1).

LibreOffice is driven through its UNO interface (``python3-uno``), which can refresh the table of contents before
exporting; where only ``soffice`` is installed, its command-line conversion is used with the same export options
(the contents then list the headings without page numbers).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from reportgen.errors import ReportgenError, UsageError

TIMEOUT_S = 300
EXPORT_OPTIONS = {"UseTaggedPDF": True, "PDFUACompliance": True, "SelectPdfVersion": 2, "ExportBookmarks": True}
FILTERS = {".docx": "writer_pdf_Export", ".xlsx": "calc_pdf_Export"}

_UNO_SCRIPT = r"""
import json, os, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

jobs, options, profile = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
pipe = "reportgen%d" % os.getpid()
office = subprocess.Popen(["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
                           "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
                           "--accept=pipe,name=%s;urp;" % pipe], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
remote = None
for _ in range(300):
    try:
        remote = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        break
    except Exception:
        time.sleep(0.1)
if remote is None:
    sys.exit("LibreOffice did not start")
desktop = remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
try:
    for source, target, export_filter in jobs:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
        if hasattr(doc, "getDocumentIndexes"):
            indexes = doc.getDocumentIndexes()
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
            doc.getTextFields().refresh()
        data = uno.Any("[]com.sun.star.beans.PropertyValue", tuple(prop(k, v) for k, v in options.items()))
        doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", export_filter), prop("FilterData", data)))
        doc.close(True)
finally:
    try:
        desktop.terminate()
    except Exception:
        pass
    office.wait(timeout=60)
"""


DANISH_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N">
 <prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>da-DK</value></prop></item>
<item oor:path="/org.openoffice.Office.Linguistic/General">
 <prop oor:name="DefaultLocale" oor:op="fuse"><value>da-DK</value></prop></item>
</oor:items>
"""
"""A private LibreOffice profile set to Danish: number formats such as ``#,##0 "kr."`` are rendered by the locale,
so the PDF shows ``250.000 kr.`` and ``97,0 %`` whatever the machine's own locale, and declares ``/Lang da-DK``."""


def _danish_profile(folder: str) -> None:
    user = Path(folder) / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(DANISH_PROFILE, encoding="utf-8")


def require_office() -> None:
    """Refuse ``--pdf`` before anything is built when LibreOffice is not installed (exit 2)."""
    if shutil.which("soffice") is None:
        raise UsageError.at(
            "--pdf",
            "LibreOffice (soffice) is not installed, so no PDF can be made",
            "LibreOffice installed (Debian: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui "
            "python3-uno), or run without --pdf",
        )


@functools.lru_cache(maxsize=1)
def _uno_python() -> str | None:
    """A Python interpreter that can import LibreOffice's ``uno`` module, if there is one."""
    for candidate in ("/usr/bin/python3", "/usr/lib/libreoffice/program/python", shutil.which("python3") or ""):
        if candidate and Path(candidate).exists():
            # a fixed argument list, no shell: the interpreter is one of the fixed paths above or python3 on PATH
            done = subprocess.run([candidate, "-c", "import uno"], capture_output=True, check=False)  # noqa: S603 - fixed argument list
            if done.returncode == 0:
                return candidate
    return None


def convert_to_pdf(paths: list[Path]) -> list[Path]:
    """PDF copies of Word and Excel files, next to them (``status-AUU-….pdf``). Raises ReportgenError if
    LibreOffice fails; a PDF that was not made is never left half-written."""
    jobs = [(str(p.resolve()), str(p.with_suffix(".pdf").resolve()), FILTERS[p.suffix.lower()]) for p in paths]
    with tempfile.TemporaryDirectory(prefix="reportgen-office-") as profile:
        _danish_profile(profile)
        python = _uno_python()
        if python is not None:
            command = [python, "-c", _UNO_SCRIPT, json.dumps(jobs), json.dumps(EXPORT_OPTIONS), profile]
            _run(command, paths)
        else:
            for source, _, export_filter in jobs:
                options = {
                    k: {"type": "boolean" if isinstance(v, bool) else "long", "value": str(v).lower()}
                    for k, v in EXPORT_OPTIONS.items()
                }
                command = [
                    "soffice",
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation=file://{profile}",
                    "--convert-to",
                    f"pdf:{export_filter}:{json.dumps(options)}",
                    "--outdir",
                    str(Path(source).parent),
                    source,
                ]
                _run(command, paths)
    made = [Path(target) for _, target, _ in jobs]
    missing = [p for p in made if not p.is_file() or p.stat().st_size == 0]
    if missing:
        for p in made:
            p.unlink(missing_ok=True)
        raise ReportgenError(f"LibreOffice made no PDF of {', '.join(p.with_suffix('').name for p in missing)}")
    return made


def _run(command: list[str], paths: list[Path]) -> None:
    env = {**os.environ, "HOME": os.environ.get("HOME", tempfile.gettempdir())}
    try:
        # an argument list built by convert_to_pdf (soffice or the uno script, the files' own paths), no shell
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False, env=env)  # noqa: S603 - argument list, no shell
    except subprocess.TimeoutExpired:
        raise ReportgenError(f"LibreOffice did not finish the PDF conversion within {TIMEOUT_S} s") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        names = ", ".join(p.name for p in paths)
        raise ReportgenError(f"LibreOffice could not convert {names} to PDF ({detail[0][:200]})")
