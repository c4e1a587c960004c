"""What a PDF is, read back from the file itself: the claims in its metadata (PDF/UA, PDF/A), its structure tree, its
language, its fonts, and its text as a reader's tool extracts it (``pdftotext`` from poppler-utils).

Any test may use these on any PDF; each returns plain data so a failing assertion shows what was found.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from pypdf import PdfReader

WORD = re.compile(r"[^\W\d_]+")
"""A word: a run of letters (Danish letters included); digits, hyphens and punctuation separate words."""


def poppler_missing() -> bool:
    """True when ``pdftotext``/``pdffonts`` (poppler-utils) are not installed; the text and font checks need them."""
    return shutil.which("pdftotext") is None or shutil.which("pdffonts") is None


def tool(name: str) -> str:
    """The full path of a command-line tool (``pdftotext``); the tests that need it skip when it is missing."""
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed (poppler-utils: make office)")
    return found


@cache
def _reader(pdf: Path) -> PdfReader:
    return PdfReader(str(pdf))


def _root(pdf: Path) -> Any:
    return _reader(pdf).trailer["/Root"]


def _xmp(pdf: Path) -> str:
    metadata = _root(pdf).get("/Metadata")
    return "" if metadata is None else metadata.get_object().get_data().decode("utf-8", "replace")


def claims_pdfua(pdf: Path) -> bool:
    """Whether the PDF declares PDF/UA in its XMP metadata (``pdfuaid:part``, as element or attribute)."""
    return re.search(r"pdfuaid:part\s*(>|=)", _xmp(pdf)) is not None


def claims_pdfa(pdf: Path) -> str | None:
    """The PDF/A level the PDF declares, such as ``2B``; None when it declares none."""
    part = re.search(r"pdfaid:part\s*(?:>|=\s*[\"'])\s*(\d)", _xmp(pdf))
    level = re.search(r"pdfaid:conformance\s*(?:>|=\s*[\"'])\s*([A-Za-z])", _xmp(pdf))
    return None if part is None else part.group(1) + (level.group(1).upper() if level else "")


def lang(pdf: Path) -> str | None:
    """The document language of the catalogue (``/Lang``), such as ``da-DK``."""
    value = _root(pdf).get("/Lang")
    return None if value is None else str(value)


@dataclass
class Structure:
    """The structure tree, summed up: how many elements of each type (role-mapped to the standard types, so a
    ``/Standard`` paragraph counts as ``P``), the figures without ``/Alt``, the tables without a ``TH``, and the
    heading levels in reading order (``H1`` → 1)."""

    tagged: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    figures_without_alt: int = 0
    tables_without_th: int = 0
    headings: list[int] = field(default_factory=list)

    def skipped_levels(self) -> list[tuple[int, int]]:
        """Each place a heading goes deeper by more than one level: (level before, level) such as (1, 3)."""
        found, previous = [], 0
        for level in self.headings:
            if level > previous + 1:
                found.append((previous, level))
            previous = level
        return found


def structure_tags(pdf: Path) -> Structure:
    """The structure tree of a tagged PDF (an empty Structure when it has none)."""
    root = _root(pdf)
    structure = Structure()
    if "/StructTreeRoot" not in root:
        return structure
    tree = root["/StructTreeRoot"].get_object()
    role_map = {str(k): str(v) for k, v in (tree.get("/RoleMap") or {}).items()}
    structure.tagged = bool((root.get("/MarkInfo") or {}).get("/Marked"))
    for element in _elements(tree.get("/K")):
        kind = role_map.get(str(element["/S"]), str(element["/S"])).lstrip("/")
        structure.counts[kind] += 1
        if kind == "Figure" and not str(element.get("/Alt", "")).strip():
            structure.figures_without_alt += 1
        if kind == "Table" and not any(_kind(e, role_map) == "TH" for e in _elements(element.get("/K"))):
            structure.tables_without_th += 1
        if re.fullmatch(r"H[1-6]", kind):
            structure.headings.append(int(kind[1]))
    return structure


def _kind(element: Any, role_map: dict[str, str]) -> str:
    return role_map.get(str(element["/S"]), str(element["/S"])).lstrip("/")


def _elements(node: Any) -> Iterator[Any]:
    """Every structure element under ``node`` in reading order (depth first); marked-content ids are skipped."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for child in node:
            yield from _elements(child)
    elif hasattr(node, "get") and "/S" in node:
        yield node
        yield from _elements(node.get("/K"))


def fonts(pdf: Path) -> dict[str, bool]:
    """The fonts the PDF uses, by name without the subset prefix (``BAAAAA+Carlito`` → ``Carlito``), each with
    whether it is embedded (``pdffonts``)."""
    listing = subprocess.run([tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    found: dict[str, bool] = {}
    for line in listing.splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 6:
            name = parts[0].split("+", 1)[-1]
            found[name] = found.get(name, True) and parts[-5] == "yes"
    return found


def pdf_text(pdf: Path) -> str:
    """The text as ``pdftotext -raw`` extracts it: in the order it was drawn, a hyphen at a line's end kept (so
    ``sundheds-`` / ``og`` stay two words, as the document has them)."""
    command = [tool("pdftotext"), "-raw", "-enc", "UTF-8", str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


_BREAKS = re.compile(r"</(?:w:p|a:p|si|c|is|t|v|f|oddHeader|oddFooter)>|<w:(?:tab|br|cr)\b[^>]*>|&amp;[A-Z]")
_TAG = re.compile(r"<[^>]+>")


def document_words(source: Path) -> set[str]:
    """Every word (lower case) in the text of a .docx or .xlsx: the text of all its XML parts (body, headers and
    footers, styles with their number formats, shared strings, charts), a run's pieces joined within a paragraph."""
    words: set[str] = set()
    with zipfile.ZipFile(source) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                xml = archive.read(name).decode("utf-8", "replace")
                text = html.unescape(_TAG.sub("", _BREAKS.sub(" ", xml)))
                words.update(w.lower() for w in WORD.findall(text))
                words.update(_attribute_words(xml))
    return words


def _attribute_words(xml: str) -> Iterable[str]:
    """Words in number formats (``formatCode="#,##0 &quot;kr.&quot;"``), which the PDF prints beside the numbers."""
    for code in re.findall(r'formatCode="([^"]*)"', xml):
        yield from (w.lower() for w in WORD.findall(html.unescape(code)))


def broken_words(pdf: Path, words: set[str]) -> list[str]:
    """Words of the PDF's text that are not words of the document: a word broken over two lines (``beskæfti`` /
    ``gelse``), cut off by a narrow column, or mangled by a missing glyph. ``words`` is ``document_words`` of the
    source (lower case); the result keeps the PDF's order, each word once."""
    seen: dict[str, None] = {}
    for token in pdf_text(pdf).split():
        if any(ch.isdigit() for ch in token):
            continue  # a number, a date, a code or a checksum wrapped in its cell: not a word to read
        for word in WORD.findall(token):
            if word.lower() not in words:
                seen.setdefault(word)
    return list(seen)


@dataclass(frozen=True)
class Box:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def text_lines(pdf: Path) -> list[Box]:
    """Every text line of the PDF with its box (``pdftotext -bbox-layout``), page by page."""
    xhtml = subprocess.run(
        [tool("pdftotext"), "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    ns = "{http://www.w3.org/1999/xhtml}"
    tree = ElementTree.fromstring(xhtml)  # noqa: S314 - poppler's own output for a PDF the test made
    lines = []
    for number, page in enumerate(tree.iter(f"{ns}page"), start=1):
        for line in page.iter(f"{ns}line"):
            text = " ".join((w.text or "") for w in line.iter(f"{ns}word"))
            x0, y0, x1, y1 = (float(line.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax"))
            lines.append(Box(number, x0, y0, x1, y1, text))
    return lines


def overlapping_boxes(pdf: Path, tolerance: float = 1.5, share: float = 0.3) -> list[tuple[Box, Box]]:
    """Pairs of text lines on one page that overlap by more than ``tolerance`` points across and by more than
    ``share`` of the lower line's height down: text printed over other text (a row too low for its wrapped lines).
    A line's box is its font's full height, so lines set close overlap a little (a fifth of a line) without
    touching; that is allowed."""
    by_page: dict[int, list[Box]] = {}
    for box in text_lines(pdf):
        by_page.setdefault(box.page, []).append(box)
    pairs = []
    for boxes in by_page.values():
        boxes.sort(key=lambda b: b.y0)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                if b.y0 >= a.y1 - tolerance:
                    break
                across = min(a.x1, b.x1) - max(a.x0, b.x0)
                down = min(a.y1, b.y1) - max(a.y0, b.y0)
                if across > tolerance and down > max(tolerance, share * min(a.y1 - a.y0, b.y1 - b.y0)):
                    pairs.append((a, b))
    return pairs
