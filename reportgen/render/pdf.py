"""PDF copies of the reports, made by LibreOffice: tagged PDF/A-2b with the table of contents refreshed, for
publication on a municipal website (the accessibility law: EN 301 549 / WCAG 2.1).

A PDF claims PDF/UA only when its structure is what PDF/UA asks for. LibreOffice's Calc tags an appendix only as
paragraphs and a figure without alt text (no Table, no TH), so the appendix PDF never claims it. The Word report's
PDF claims it when the document has headings without a skipped level, a header row on every table and a description
on every picture; otherwise it is converted without the claim and the run warns, naming what is missing.

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
from typing import Any

from reportgen.errors import ReportgenError, UsageError

TIMEOUT_S = 300
EXPORT_OPTIONS = {"UseTaggedPDF": True, "PDFUACompliance": False, "SelectPdfVersion": 2, "ExportBookmarks": True}
"""Tagged PDF/A-2b (``SelectPdfVersion`` 2); ``PDFUACompliance`` is set per file by ``export_options``."""
FILTERS = {".docx": "writer_pdf_Export", ".xlsx": "calc_pdf_Export"}

_UNO_SCRIPT = r"""
import json, os, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

jobs, profile = json.loads(sys.argv[1]), sys.argv[2]
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
    for source, target, export_filter, options in jobs:
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


def convert_to_pdf(paths: list[Path], warnings: list[str] | None = None) -> list[Path]:
    """PDF copies of Word and Excel files, next to them (``status-AUU-….pdf``). A Word report whose structure falls
    short of PDF/UA is converted without the claim and a warning naming why is added to ``warnings``. Raises
    ReportgenError if LibreOffice fails; a PDF that was not made is never left half-written."""
    jobs: list[tuple[str, str, str, dict[str, bool | int]]] = []
    for p in paths:
        options, gaps = export_options(p)
        if gaps and warnings is not None:
            warnings.append(f"{p.with_suffix('.pdf').name} is not marked PDF/UA (accessible PDF): {'; '.join(gaps)}")
        jobs.append((str(p.resolve()), str(p.with_suffix(".pdf").resolve()), FILTERS[p.suffix.lower()], options))
    with tempfile.TemporaryDirectory(prefix="reportgen-office-") as profile:
        _danish_profile(profile)
        python = _uno_python()
        if python is not None:
            _run([python, "-c", _UNO_SCRIPT, json.dumps(jobs), profile], paths)
        else:
            for source, _, export_filter, options in jobs:
                _run(_soffice_command(source, export_filter, options, profile), paths)
    made = [Path(job[1]) for job in jobs]
    missing = [p for p in made if not p.is_file() or p.stat().st_size == 0]
    if missing:
        for p in made:
            p.unlink(missing_ok=True)
        raise ReportgenError(f"LibreOffice made no PDF of {', '.join(p.with_suffix('').name for p in missing)}")
    return made


def export_options(path: Path) -> tuple[dict[str, bool | int], list[str]]:
    """The export options for one file and, for a Word report, why it may not claim PDF/UA (empty when it may).
    An Excel appendix never claims it: Calc tags no tables or table headers."""
    if path.suffix.lower() != ".docx":
        return dict(EXPORT_OPTIONS), []
    gaps = accessibility_gaps(path)
    return {**EXPORT_OPTIONS, "PDFUACompliance": not gaps}, gaps


def _soffice_command(source: str, export_filter: str, options: dict[str, bool | int], profile: str) -> list[str]:
    typed = {
        k: {"type": "boolean" if isinstance(v, bool) else "long", "value": str(v).lower()} for k, v in options.items()
    }
    return [
        "soffice",
        "--headless",
        "--norestore",
        f"-env:UserInstallation=file://{profile}",
        "--convert-to",
        f"pdf:{export_filter}:{json.dumps(typed)}",
        "--outdir",
        str(Path(source).parent),
        source,
    ]


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def accessibility_gaps(docx: Path) -> list[str]:
    """What keeps a Word document's tagged PDF from being PDF/UA, in the words of a warning: a heading level skipped
    (``Heading 1`` followed by ``Heading 3``), a table without a header row (``Gentag som overskriftsrække``), a
    picture without a description (its alt text). Empty when none is found."""
    from docx import Document

    document = Document(str(docx))
    levels = _outline_levels(document)
    body = document.element.body
    skipped: list[str] = []
    previous = 0
    for paragraph in body.iter(f"{_W}p"):
        level = _heading_level(paragraph, levels)
        if level is not None and level > previous + 1:
            skipped.append(f"{_text(paragraph)!r} is level {level} after level {previous}")
        previous = level if level is not None else previous
    gaps = [f"{len(skipped)} heading(s) skip a level (the first: {skipped[0]})"] if skipped else []
    no_header = [t for t in body.iter(f"{_W}tbl") if t.find(f"{_W}tr/{_W}trPr/{_W}tblHeader") is None]
    if no_header:
        first = _text(next(no_header[0].iter(f"{_W}tc")))
        gaps.append(f"{len(no_header)} table(s) without a header row (the first begins {first!r})")
    pictures = [d for d in body.iter(_WP_DOCPR) if not (d.get("descr") or "").strip()]
    if pictures:
        gaps.append(f"{len(pictures)} picture(s) without a description (alt text)")
    return gaps


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(f"{_W}t")).strip()


def _outline_levels(document: Any) -> dict[str, int]:
    """Each paragraph style's outline level (0 for ``Heading 1``; 9 is body text), following ``basedOn``, so a
    template whose headings are ``Overskrift 1`` (Danish Word) is read as well as ``Heading 1``."""
    styles = {s.get(f"{_W}styleId"): s for s in document.styles.element.iter(f"{_W}style")}

    def level(style_id: str, depth: int = 0) -> int:
        style = styles.get(style_id)
        if style is None or depth > 20:
            return 9
        own = style.find(f"{_W}pPr/{_W}outlineLvl")
        if own is not None:
            return _outline_value(own)
        based = style.find(f"{_W}basedOn")
        return 9 if based is None else level(str(based.get(f"{_W}val")), depth + 1)

    return {str(k): level(str(k)) for k in styles}


def _outline_value(element: Any) -> int:
    """A ``w:outlineLvl`` as a number, 0…8; anything else (9, missing, not a number) is body text (9)."""
    value = str(element.get(f"{_W}val") or "")
    return int(value) if value.isdigit() and int(value) < 9 else 9


def _heading_level(paragraph: Any, levels: dict[str, int]) -> int | None:
    """The paragraph's heading level (1 for ``Heading 1``) from its own or its style's outline level; None for text."""
    own = paragraph.find(f"{_W}pPr/{_W}outlineLvl")
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    outline = levels.get(str(style.get(f"{_W}val")), 9) if style is not None else 9
    if own is not None:
        outline = _outline_value(own)
    return outline + 1 if outline < 9 else None


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
