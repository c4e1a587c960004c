"""Build the default templates, which ship inside the package: reportgen/templates/status.docx, aarsstatus.docx,
bilag.xlsx and aarsstatus.xlsx.

    python templates/build_templates.py

The generated files are committed as package data and used when a config has no [templates] section. Staff may copy
and restyle them in Word/Excel (keep the jinja tags and the header names; see templates/README.md). Re-run this
script only to reset the defaults.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.page import PageMargins

from reportgen.domain.status import STATUS_ORDER

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent / "reportgen" / "templates"
BLUE = "1F4E79"
GREY = "595959"
TABLE_FONT = 9.0
TEXT_WIDTH_CM = 17.0  # A4 portrait, 2 cm margins
CHANGES_IN_DETAIL = 15
"""Up to this many status changes are listed one by one; more are grouped by the way they went."""


def _cell(table, row: int, col: int, text: str, *, bold: bool = False, size: float = TABLE_FONT) -> None:
    cell = table.cell(row, col)
    cell.text = ""
    run = cell.paragraphs[0].add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _row_property(row, tag: str) -> None:
    """``tblHeader`` (repeat as a header row on every page) or ``cantSplit`` (never split across pages)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f"<w:{tag} {nsdecls('w')}/>"))


def _widths(table, widths: list[float]) -> None:
    table.autofit = False
    for j, w in enumerate(widths):
        table.columns[j].width = Cm(w)  # the grid, which LibreOffice and Word's layout use
        for row in table.rows:
            row.cells[j].width = Cm(w)


def _loop_table(
    doc, names: list[str], loop: str, cells: list[str], widths: list[float], total: list[str] | None = None
):
    """A table with a header row (repeated on each page) and one row repeated by docxtpl's {%tr %} tags (never split
    across pages); ``total``: a last row in bold after the repeated ones. reportgen widens a column whose longest word
    does not fit (taking the room from the others) and keeps a small table on one page."""
    assert abs(sum(widths) - TEXT_WIDTH_CM) < 0.05 or sum(widths) < TEXT_WIDTH_CM, (names, sum(widths))
    table = doc.add_table(rows=5 if total else 4, cols=len(names))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for j, name in enumerate(names):
        _cell(table, 0, j, name, bold=True)
    _cell(table, 1, 0, "{%tr " + loop + " %}")
    for j, text in enumerate(cells):
        _cell(table, 2, j, text)
    _cell(table, 3, 0, "{%tr endfor %}")
    for j, text in enumerate(total or []):
        _cell(table, 4, j, text, bold=True)
    _row_property(table.rows[0], "tblHeader")
    for row in table.rows:
        _row_property(row, "cantSplit")
    _widths(table, widths)
    return table


def _paragraph(doc, text: str, style: str | None = None):
    return doc.add_paragraph(text, style=style)


def _intro(doc, text: str, style: str | None = None):
    """A paragraph that introduces what follows (a table, a chart): never left alone at the foot of a page."""
    paragraph = doc.add_paragraph(text, style=style)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _chart(doc, variable: str) -> None:
    """A chart picture in its own paragraph, only when there is one."""
    doc.add_paragraph("{%p if " + variable + " %}")
    p = doc.add_paragraph("{{ " + variable + " }}")
    p.paragraph_format.keep_with_next = True
    doc.add_paragraph("{%p endif %}")


def _barometer_series(doc, variable: str, heading: str) -> None:
    """For each series in ``variable``: its title, a chart, a table of the municipality against the country, the
    source (the file's own note)."""
    doc.add_paragraph("{%p for s in " + variable + " %}")
    doc.add_paragraph("{{ s.title }}", style=heading)
    _chart(doc, "s.chart")
    _loop_table(
        doc,
        ["Periode", "{{ s.home_name }}", "Hele landet"],
        "for p in s.points",
        ["{{ p.period_text }}", "{{ p.home_text }}", "{{ p.national_text }}"],
        [5.0, 4.0, 4.0],
    )
    doc.add_paragraph("Kilde: {{ s.source }}", style="Kilde")
    doc.add_paragraph("{%p endfor %}")


def _field(paragraph, instruction: str, shown: str) -> None:
    """A simple field (PAGE, NUMPAGES) showing ``shown`` until it is updated."""
    paragraph._p.append(
        parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} "><w:r><w:t>{shown}</w:t></w:r></w:fldSimple>')
    )


def _page(doc) -> None:
    """A4 portrait, 2 cm margins; header with the municipality and the pack; footer "Side X af Y"."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2)
    section.header_distance = section.footer_distance = Cm(1)
    header = section.header.paragraphs[0]
    header.text = "{{ kommune }} · {{ pack.header_text }}"
    header.style = doc.styles["Sidehoved"]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Sidehoved"]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Side ")
    _field(footer, "PAGE", "1")
    footer.add_run(" af ")
    _field(footer, "NUMPAGES", "1")


def _language(element) -> None:
    """Danish as the language of the text (Word spell-checks it as Danish; a tagged PDF says so)."""
    r_pr = element.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        element.append(r_pr)
    for old in r_pr.findall(qn("w:lang")):
        r_pr.remove(old)
    r_pr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="da-DK" w:eastAsia="da-DK" w:bidi="ar-SA"/>'))


def _styles(doc) -> None:
    styles = doc.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(10)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    _language(defaults.find(qn("w:rPrDefault")))
    _language(styles["Normal"].element)
    for level, name in enumerate(("Heading 1", "Heading 2", "Heading 3")):
        style = styles[name]
        style.paragraph_format.space_before = Pt((16, 10, 8)[level])
        style.font.color.rgb = RGBColor.from_string(BLUE)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.keep_together = True
        p_pr = style.element.get_or_add_pPr()
        if p_pr.find(qn("w:outlineLvl")) is None:
            p_pr.append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="{level}"/>'))
    title = styles["Title"]
    title.font.color.rgb = RGBColor.from_string(BLUE)
    title.element.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="0"/>'))  # a heading
    styles["Subtitle"].font.color.rgb = RGBColor.from_string(BLUE)  # Word's own #4F81BD is 4,0:1 on white
    small = styles.add_style("Sidehoved", 1)
    small.base_style = styles["Normal"]
    small.font.size = Pt(8)
    small.font.color.rgb = RGBColor.from_string(GREY)
    source = styles.add_style("Kilde", 1)
    source.base_style = styles["Normal"]
    source.font.size = Pt(8)
    source.font.color.rgb = RGBColor.from_string(GREY)
    source.paragraph_format.space_before = Pt(2)
    source.paragraph_format.space_after = Pt(10)
    toc = styles.add_style("toc 1", 1)
    toc.base_style = styles["Normal"]
    toc.paragraph_format.space_after = Pt(1)
    toc.paragraph_format.keep_with_next = True  # the list is short: it stays on one page


def _contents(doc) -> None:
    """The contents: a plain list of the chapters (right as it is in Word and LibreOffice, no field to refresh)."""
    doc.add_paragraph("Indhold", style="Heading 1")
    doc.add_paragraph("{%p for e in contents %}")
    doc.add_paragraph("{{ e.text }}", style="toc 1")
    doc.add_paragraph("{%p endfor %}")


def _cover(doc, *, annual: bool) -> None:
    doc.add_paragraph("{{ plan.title }}", style="Title")
    doc.add_paragraph("{{ pack.title }}", style="Subtitle")
    rows = [("Kommune", "{{ kommune }}")]
    if annual:  # the subtitle says it is the annual follow-up of all committees
        rows += [("Handleplanens periode", "{{ plan.period_text }}")]
    else:
        rows += [("Udvalg", "{{ pack.committee_name }}"), ("Møde", "{{ pack.meeting_text }}")]
    rows += [("Tallene er opgjort pr.", "{{ pack.as_of_text }}"), ("Udarbejdet", "{{ generated_text }}")]
    for label, value in rows:  # label: value lines (a table without a header row is not an accessible table)
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(2)
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)


def _overview(doc, *, annual: bool) -> None:
    """The initiatives, one row each, with their status and how their criteria stand (the annual pack: with their
    committees when there are more than one, the codes spelled out below)."""
    doc.add_paragraph("Indsatserne", style="Heading 2")
    # an initiative is shown by how its criteria stand, never by its worst criterion alone
    cells = ["{{ i.id }}", "{{ i.title }}", "{{ i.distribution_text }}"]
    names = ["Nr.", "Indsats", "Succeskriterier"]
    if not annual:
        _loop_table(doc, names, "for i in initiatives", cells, [1.0, 9.5, 6.5])
        return
    doc.add_paragraph("{%p if committees|length > 1 %}")
    legend = _intro(
        doc,
        "Udvalg: {% for c in committees %}{{ c.code }} = {{ c.name }}{% if not loop.last %}; {% endif %}{% endfor %}.",
        style="Kilde",
    )
    legend.paragraph_format.space_after = Pt(4)
    _loop_table(
        doc,
        [*names[:2], "Udvalg", *names[2:]],
        "for i in initiatives",
        [*cells[:2], "{{ i.committee_codes|join(', ') }}", *cells[2:]],
        [1.0, 8.0, 1.5, 6.5],
    )
    doc.add_paragraph("{%p else %}")
    _loop_table(doc, names, "for i in initiatives", cells, [1.0, 9.5, 6.5])
    doc.add_paragraph("{%p endif %}")


def _attention(doc) -> None:
    doc.add_paragraph("Kræver opmærksomhed", style="Heading 2")
    doc.add_paragraph("{%p if attention %}")
    _intro(doc, "Disse succeskriterier er bagud eller ikke opfyldt, det dårligste først:")
    _loop_table(
        doc,
        ["Nr.", "Succeskriterium", "Status", "Forklaring"],
        "for c in attention",
        ["{{ c.id }}", "{{ c.text }}", "{% cellbg c.colour %}{{ c.status_label }}", "{{ c.explanation }}"],
        [1.2, 6.6, 2.2, 7.0],
    )
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("Ingen succeskriterier er bagud eller ikke opfyldt.")
    doc.add_paragraph("{%p endif %}")


def _changes(doc, *, annual: bool) -> None:
    doc.add_paragraph("Ændret siden sidste status", style="Heading 2")
    doc.add_paragraph("{%p if changes.previous %}")
    doc.add_paragraph("{%p if changes.rows %}")
    doc.add_paragraph("{%p if changes.rows|length > " + str(CHANGES_IN_DETAIL) + " %}")
    _intro(doc, "{{ changes.rows|length }} succeskriterier har fået ny status siden {{ changes.previous }}:")
    _loop_table(
        doc,
        ["Status før", "Status nu", "Antal", "Succeskriterier (nr.)"],
        "for g in changes.groups",
        [
            "{% cellbg g.before_colour %}{{ g.before_status_label }}",
            "{% cellbg g.colour %}{{ g.status_label }}",
            "{{ g.count }}",
            "{{ g.ids_text }}",
        ],
        [2.4, 2.4, 1.4, 10.8],
    )
    doc.add_paragraph("{%p else %}")
    _intro(doc, "Succeskriterier med ny status siden {{ changes.previous }}, det dårligste først:")
    _loop_table(
        doc,
        ["Nr.", "Succeskriterium", "Status før", "Tal før", "Status nu", "Tal nu"],
        "for c in changes.rows",
        [
            "{{ c.id }}",
            "{{ c.text }}",
            "{% cellbg c.before_colour %}{{ c.before_status_label }}",
            "{{ c.before_actual_text }}",
            "{% cellbg c.colour %}{{ c.status_label }}",
            "{{ c.actual_text }}",
        ],
        [1.2, 5.8, 2.2, 2.5, 2.2, 3.1],
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("Ingen succeskriterier har fået ny status siden {{ changes.previous }}.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if changes.figures_text %}")
    doc.add_paragraph("{{ changes.figures_text }}").paragraph_format.space_before = Pt(6)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p else %}")
    what = "årlig status" if annual else "status til udvalget"
    doc.add_paragraph(f"Der er ingen tidligere {what} at sammenligne med.")
    doc.add_paragraph("{%p endif %}")


def _status_counts(doc) -> None:
    """The criteria per status in one band: the statuses side by side (a column each, by docxtpl's {%tc %} tags),
    the counts below."""
    table = doc.add_table(rows=2, cols=3)
    table.style = "Table Grid"
    for row, text in ((0, "{% cellbg s.colour %}{{ s.label }}"), (1, "{{ s.count|tal }}")):
        _cell(table, row, 0, "{%tc for s in status_counts %}")
        _cell(table, row, 1, text, bold=row == 0)
        _cell(table, row, 2, "{%tc endfor %}")
        table.rows[row].cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _row_property(table.rows[row], "cantSplit")
    _row_property(table.rows[0], "tblHeader")
    # docxtpl rescales the grid to the columns the loop makes, keeping its average: three equal grid columns and
    # cells of a sixth of the width give six equal columns for the six statuses
    _widths(table, [TEXT_WIDTH_CM / 3] * 3)
    for row in table.rows:
        row.cells[1].width = Cm(TEXT_WIDTH_CM / len(STATUS_ORDER))


def _summary(doc, *, annual: bool) -> None:
    """Page 1: the status counts and the initiatives; then what needs attention, what changed and the legend."""
    doc.add_paragraph("Sammenfatning", style="Heading 1")
    _intro(doc, "Rapporten omfatter {{ initiatives_text }} med {{ criteria_text }}. Sådan står succeskriterierne:")
    _status_counts(doc)
    _overview(doc, annual=annual)
    _attention(doc)
    _changes(doc, annual=annual)
    doc.add_paragraph("Sådan læses status", style="Heading 2")
    _intro(
        doc,
        "Fra fristen er et succeskriterium med tal enten opfyldt eller ikke opfyldt. En indsats vises med, hvordan "
        "dens succeskriterier står (fx 9 af 12 opfyldt · 3 ikke opfyldt).",
    )
    _loop_table(
        doc,
        ["Status", "Betyder"],
        "for s in status_legend",
        ["{% cellbg s.colour %}{{ s.label }}", "{{ s.text }}"],
        [3.0, 14.0],
    )


def _economy(doc) -> None:
    doc.add_paragraph("{%p if budgets %}")
    doc.add_paragraph("Økonomi", style="Heading 1")
    doc.add_paragraph("{%p if pool_note %}")
    _intro(doc, "{{ pool_note }}")
    doc.add_paragraph("{%p endif %}")
    _intro(doc, "Budget og forbrug pr. indsats, opgjort fra økonomisystemets posteringer.")
    _chart(doc, "budget_chart")
    _loop_table(
        doc,
        ["Indsats", "Titel", "Budget", "Forbrugt", "Andel forbrugt"],
        "for b in budgets",
        ["{{ b.id }}", "{{ b.title }}", "{{ b.budget_text }}", "{{ b.spent_text }}", "{{ b.spent_share_text }}"],
        [1.6, 7.4, 2.8, 2.8, 2.4],
        total=[
            "I alt",
            "",
            "{{ budgets_total.budget_text }}",
            "{{ budgets_total.spent_text }}",
            "{{ budgets_total.spent_share_text }}",
        ],
    )
    doc.add_paragraph("{%p endif %}")


def _initiatives(doc, *, annual: bool) -> None:
    doc.add_paragraph("{%p for g in goals %}")
    doc.add_paragraph("Målsætning: {{ g.title }}", style="Heading 1")
    if annual:  # the annual follow-up: the indicators each goal's criteria follow, before its initiatives
        doc.add_paragraph("{%p if g.barometer %}")
        _intro(doc, "Udviklingen i de indikatorer, målsætningen følges med:")
        _barometer_series(doc, "g.barometer", "Heading 2")
        doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for i in g.initiatives %}")
    doc.add_paragraph("Indsats {{ i.id }}: {{ i.title }}", style="Heading 2")
    _assessment(doc)  # the written assessments lead, the figures follow
    _intro(doc, "Udvalg: {{ i.committees_text }}. Kontakt: {{ i.contact }}.")
    doc.add_paragraph("{%p if i.economy_text %}")
    _intro(doc, "{{ i.economy_text }}")
    doc.add_paragraph("{%p endif %}")
    _intro(doc, "Succeskriterier: {{ i.distribution_text }}.")
    _loop_table(
        doc,
        ["Nr.", "Succeskriterium", "Status", "Forklaring"],
        "for c in i.criteria",
        [
            "{{ c.id }}",
            "{{ c.text }}",
            "{% cellbg c.colour %}{{ c.status_label }}",
            "{{ c.explanation }}{% if c.note %} {{ c.note }}{% endif %}",
        ],
        [1.2, 6.6, 2.2, 7.0],
    )
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")


def _assessment(doc) -> None:
    """Under an initiative's heading: each written assessment as a paragraph led by who made it (and its period)."""
    doc.add_paragraph("{%p if i.assessment %}")
    doc.add_paragraph("{%p for a in i.assessment %}")
    p = doc.add_paragraph()
    p.paragraph_format.keep_together = True  # a short text: never split over two pages
    p.add_run("{{ a.who }}{% if a.period_text %} ({{ a.period_text }}){% endif %}: ").bold = True
    p.add_run("{{ a.text }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")


def _sources(doc) -> None:
    doc.add_paragraph("Datagrundlag", style="Heading 1")
    _intro(doc, "Rapporten indeholder kun sammentalte tal og ingen personoplysninger.")
    doc.add_paragraph("{%p if privacy_note %}")
    _intro(doc, "{{ privacy_note }}")
    doc.add_paragraph("{%p endif %}")
    _intro(
        doc,
        "Rapporten bygger på disse kilder.",
    )
    _loop_table(
        doc,
        ["Type", "Kilde", "Rækker"],
        "for s in sources",
        ["{{ s.kind_label }}", "{{ s.description }}", "{{ s.rows|tal }}"],
        [3.0, 12.0, 2.0],
    )


def build_word(target: Path, *, annual: bool) -> None:
    doc = Document()
    _styles(doc)
    _page(doc)
    _cover(doc, annual=annual)
    _contents(doc)
    _summary(doc, annual=annual)
    _economy(doc)
    _initiatives(doc, annual=annual)
    variable, heading = ("other_indicators", "Øvrige indikatorer") if annual else ("barometer", "Indikatorer")
    doc.add_paragraph("{%p if " + variable + " %}")
    doc.add_paragraph(heading, style="Heading 1")
    _intro(doc, "Udviklingen i kommunen sammenlignet med hele landet.")
    _barometer_series(doc, variable, "Heading 2")
    doc.add_paragraph("{%p endif %}")
    _sources(doc)
    doc.core_properties.author = ""
    doc.core_properties.title = ""
    doc.core_properties.comments = ""
    doc.core_properties.last_modified_by = ""
    doc.core_properties.language = "da-DK"
    doc.save(str(target))


SHEET_HEADERS = {
    "Overblik": [
        "Indsats",
        "Titel",
        "Målsætning",
        "Udvalg",
        "Kontakt",
        "Status",
        "Succeskriterier",
        "Opfyldt",
        "Budget",
        "Forbrugt",
        "Forbrugt af budget",
    ],
    "Succeskriterier": [
        "Indsats",
        "Nr.",
        "Succeskriterium",
        "Type",
        "Mål",
        "Målværdi",
        "Faktisk",
        "Status",
        "Forklaring",
        "Periode",
        "Frist",
        "Bemærkning",
    ],
    "Økonomi": ["Indsats", "Titel"],
    "Barometer": ["Indikator", "Titel", "Periode", "Kommune", "Hele landet", "Kilde"],
    "Datagrundlag": ["Type", "Kilde", "Rækker"],
}
XLSX_FONT = "Calibri"  # every cell style names its font: one without a name prints in a fallback serif


def build_excel(target: Path, *, annual: bool) -> None:
    """The sheets with their header rows; reportgen sets column widths from the content, A4 landscape printing,
    print titles and the scale when it fills them."""
    wb = Workbook()
    wb.remove(wb.active)
    header_font = Font(name=XLSX_FONT, size=11, bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", start_color=BLUE, end_color=BLUE)
    for name, headers in SHEET_HEADERS.items():
        ws = wb.create_sheet(name)
        first = 1
        if name == "Overblik":
            ws["A1"] = "{{ plan }}"
            ws["A1"].font = Font(name=XLSX_FONT, bold=True, size=14, color=BLUE)
            ws["A2"] = "{{ pakke }} – {{ kommune }}"
            ws["A2"].font = Font(name=XLSX_FONT, bold=True, size=11)
            ws["A3"] = (
                "Tal opgjort pr. {{ opgjort }}; dannet {{ dannet }}. Alle tal er sammentalte; ingen personoplysninger."
            )
            ws["A3"].font = Font(name=XLSX_FONT, size=11)
            first = 5
        for j, header in enumerate(headers, start=1):
            cell = ws.cell(row=first, column=j, value=header)
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            ws.column_dimensions[cell.column_letter].width = max(len(header) + 2, 10)
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape"
        # the header and footer (0.3" from the edge, one line of 9 points) clear of the table
        ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.85, bottom=0.85, header=0.3, footer=0.3)
        ws.oddFooter.center.text = "Side &P af &N"
        ws.oddFooter.center.font = f"{XLSX_FONT},Regular"
        ws.oddFooter.center.size = 9
        ws.oddHeader.right.text = "&A"
        ws.oddHeader.right.font = f"{XLSX_FONT},Regular"
        ws.oddHeader.right.size = 9
    wb.properties.title = "Årlig status" if annual else "Bilag til udvalgsmøde"
    wb.properties.language = "da-DK"
    wb.save(str(target))


def main() -> None:
    PACKAGE.mkdir(parents=True, exist_ok=True)
    build_word(PACKAGE / "status.docx", annual=False)
    build_word(PACKAGE / "aarsstatus.docx", annual=True)
    build_excel(PACKAGE / "bilag.xlsx", annual=False)
    build_excel(PACKAGE / "aarsstatus.xlsx", annual=True)
    print("wrote the default templates under", PACKAGE)


if __name__ == "__main__":
    main()
