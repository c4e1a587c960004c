"""Bounded staff templates: a Word template or an Excel title cell that would run without end, build gigabytes,
recurse or read another file stops the run with exit 2 naming the template (and the cell), never exit 1."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import load_workbook

from reportgen.render.sandbox import MAX_LOOP_ITERATIONS, MAX_OUTPUT_CHARS, TemplateLimitError
from reportgen.render.word import jinja_environment
from tests.conftest import local_templates

HOSTILE = {
    "nested-loops": "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    "loops-without-output": "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
    "{% endfor %}{% endfor %}{% endfor %}",
    "string-times-billions": "{{ 'x' * 3000000000 }}",
    "list-times-billions": "{{ ([1] * 3000000000)|length }}",
    "recursive-macro": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "huge-range": "{{ range(10**9)|list|length }}",
    "include": "{% include 'status.docx' %}",
    "import": "{% import 'bilag.xlsx' as b %}",
    "extends": "{% extends 'status.docx' %}",
    "doubling": "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
    "{{ ns.s|length }}",
    "wide-format": "{{ '{:>3000000000}'.format(1) }}",
    "wide-printf": "{{ '%*d'|format(3000000000, 1) }}",
    "wide-center": "{{ 'x'|center(3000000000) }}",
    "batch-fill": "{{ [1]|batch(3000000000, 0)|list|length }}",
    "division-by-zero": "{{ 1 / 0 }}",
}
EXPECTED_WORDS = {
    "nested-loops": f"more than {MAX_LOOP_ITERATIONS:,} times".replace(",", "."),
    "loops-without-output": f"more than {MAX_LOOP_ITERATIONS:,} times".replace(",", "."),
    "string-times-billions": "3.000.000.000 items",
    "list-times-billions": "3.000.000.000 items",
    "recursive-macro": "a macro calling itself",
    "huge-range": "range() of 1.000.000.000 numbers",
    "include": "{% include %} is not allowed",
    "import": "{% import %} is not allowed",
    "extends": "{% extends %} is not allowed",
    "doubling": "items (at most 10.000.000)",
    "wide-format": "3.000.000.000 wide",
    "wide-printf": "3.000.000.000 wide",
    "wide-center": "3.000.000.000 wide",
    "batch-fill": "3.000.000.000 wide",
    "division-by-zero": "ZeroDivisionError",
}


def add_paragraph(template: Path, text: str) -> None:
    """Add a paragraph holding ``text`` at the end of the Word template's body (before its section properties)."""
    with zipfile.ZipFile(template) as zf:
        parts = {item: zf.read(item) for item in zf.infolist()}
    (item,) = [i for i in parts if i.filename == "word/document.xml"]
    xml = parts[item].decode("utf-8")
    at = xml.rindex("<w:sectPr")
    paragraph = f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
    parts[item] = (xml[:at] + paragraph + xml[at:]).encode("utf-8")
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts.items():
            zf.writestr(info, data)


def set_title_cell(template: Path, text: str) -> str:
    """Put ``text`` in a title cell of the Excel template's first sheet; returns the cell's coordinate."""
    wb = load_workbook(template)
    ws = wb.worksheets[0]
    ws["A1"] = text
    wb.save(template)
    return "A1"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_word_template_stops_the_run_naming_it(example: Path, cli, name: str) -> None:
    folder = local_templates(example)
    add_paragraph(folder / "status.docx", HOSTILE[name])
    result = cli("run", "--committee", "AUU")
    assert result.exit_code == 2, result.stderr
    assert "templates/status.docx: " in result.stderr
    assert EXPECTED_WORDS[name] in result.stderr
    assert "Traceback" not in result.stderr
    assert not (example / "outputs").exists() or not any((example / "outputs").rglob("*.docx"))


@pytest.mark.parametrize("name", ["nested-loops", "string-times-billions", "recursive-macro", "huge-range", "include"])
def test_a_hostile_excel_title_cell_stops_the_run_naming_the_template_and_cell(example: Path, cli, name: str) -> None:
    folder = local_templates(example)
    cell = set_title_cell(folder / "bilag.xlsx", HOSTILE[name])
    result = cli("run", "--committee", "AUU")
    assert result.exit_code == 2, result.stderr
    assert re.search(rf"templates/bilag\.xlsx:[^:\n]+: cell {cell}\b", result.stderr), result.stderr
    assert EXPECTED_WORDS[name] in result.stderr


def test_the_rendered_output_is_capped() -> None:
    env = jinja_environment()
    big = "{% for i in range(900000) %}" + "x" * 60 + "{% endfor %}"
    with pytest.raises(TemplateLimitError, match="would exceed"):
        env.from_string(big).render()
    assert MAX_OUTPUT_CHARS < 900000 * 60


def test_an_ordinary_template_renders_as_before() -> None:
    env = jinja_environment()
    template = (
        "{% macro row(x) %}<{{ x }}>{% endmacro %}{% for x in items if x %}{{ row(x) }}{{ loop.index }}/"
        "{{ loop.length }}{% if loop.last %}.{% endif %}{% else %}none{% endfor %} {{ '%s kr' % 5 }} "
        "{{ '{}'.format(1500000000) }} {{ 'ab' * 3 }} {{ items|batch(2)|list|length }} {{ range(3)|sum }}"
    )
    rendered = env.from_string(template).render(items=["a", "", "b&c"])
    assert rendered == "<a>1/2<b&amp;c>2/2. 5 kr 1500000000 ababab 2 3"  # values escaped, the template's text not
