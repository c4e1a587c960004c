"""Build the default templates: status.docx, aarsstatus.docx, bilag.xlsx and aarsstatus.xlsx.

    python templates/build_templates.py

The generated files are committed; staff may restyle them in Word/Excel (keep the jinja tags and the header names;
see templates/README.md). Re-run this script only to reset them to the defaults.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

HERE = Path(__file__).resolve().parent
BLUE = "1F4E79"


def _cell(table, row: int, col: int, text: str, *, bold: bool = False, size: float = 9) -> None:
    cell = table.cell(row, col)
    cell.text = ""
    run = cell.paragraphs[0].add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _header_row(table, names: list[str]) -> None:
    for j, name in enumerate(names):
        _cell(table, 0, j, name, bold=True)


def _loop_table(doc, names: list[str], loop: str, cells: list[str], widths: list[float]):
    """A table with a header row and one row repeated by docxtpl's {%tr %} tags."""
    table = doc.add_table(rows=4, cols=len(names))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _header_row(table, names)
    _cell(table, 1, 0, "{%tr " + loop + " %}")
    for j, text in enumerate(cells):
        _cell(table, 2, j, text)
    _cell(table, 3, 0, "{%tr endfor %}")
    table.autofit = False
    for j, w in enumerate(widths):
        table.columns[j].width = Cm(w)  # the grid, which LibreOffice and Word's layout use
        for row in table.rows:
            row.cells[j].width = Cm(w)
    return table


def _barometer_series(doc, variable: str, heading: str, *, source: bool) -> None:
    """For each series in ``variable``: its title, a table of the municipality against the country, the source."""
    doc.add_paragraph("{%p for s in " + variable + " %}")
    doc.add_paragraph("{{ s.title }}", style=heading)
    _loop_table(
        doc,
        ["Periode", "{{ s.home_name }}", "Hele landet"],
        "for p in s.points",
        ["{{ p.period_text }}", "{{ p.home_text }}", "{{ p.national_text }}"],
        [4, 4, 4],
    )
    if source:
        doc.add_paragraph("Kilde: {{ s.source }}")
    doc.add_paragraph("{%p endfor %}")


def build_word(target: Path, *, annual: bool) -> None:
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    styles = doc.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(10)
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.color.rgb = RGBColor.from_string(BLUE)

    doc.add_paragraph("{{ plan.title }}", style="Title")
    doc.add_paragraph("{{ pack.title }}", style="Subtitle")
    doc.add_paragraph("{{ kommune }}")
    if annual:
        doc.add_paragraph(
            "Årlig opfølgning for alle udvalg. Handleplanens periode: {{ plan.period_text }}."
            "{% if plan.pool_text %} Integrationspulje: {{ plan.pool_text }}{% endif %}"
        )
    else:
        doc.add_paragraph("Bilag til mødet i {{ pack.committee_name }} den {{ pack.meeting_text }}.")
    doc.add_paragraph(
        "Tallene er opgjort pr. {{ pack.as_of_text }}. Rapporten er dannet {{ generated_text }} af reportgen "
        "{{ version }} "
        "ud fra de datakilder, der er nævnt sidst i rapporten."
    )

    doc.add_paragraph("Sammenfatning", style="Heading 1")
    doc.add_paragraph("Rapporten omfatter {{ initiatives|length }} indsatser. Statussen for hvert succeskriterium er:")
    _loop_table(
        doc,
        ["Status", "Antal succeskriterier"],
        "for s in status_counts",
        ["{% cellbg s.colour %}{{ s.label }}", "{{ s.count|tal }}"],
        [6, 4],
    )
    doc.add_paragraph("")
    _loop_table(
        doc,
        ["Indsats", "Titel", "Målsætning", "Udvalg", "Status", "Opfyldt"],
        "for i in initiatives",
        [
            "{{ i.id }}",
            "{{ i.title }}",
            "{{ i.goal }}",
            "{{ i.committee_codes|join(', ') }}",
            "{% cellbg i.colour %}{{ i.status_label }}",
            "{{ i.criteria_met }} af {{ i.criteria|length }}",
        ],
        [1.3, 6.0, 3.6, 1.8, 2.2, 1.8],
    )
    doc.add_paragraph("Sådan læses status", style="Heading 2")
    doc.add_paragraph(
        "Fra fristen er et succeskriterium med tal enten opfyldt eller ikke opfyldt. En indsats har status efter sit "
        "dårligste succeskriterium; kriterier uden data tæller ikke med."
    )
    _loop_table(
        doc,
        ["Status", "Betyder"],
        "for s in status_legend",
        ["{% cellbg s.colour %}{{ s.label }}", "{{ s.text }}"],
        [3, 14],
    )

    doc.add_paragraph("{%p for g in goals %}")
    doc.add_paragraph("Målsætning: {{ g.title }}", style="Heading 1")
    if annual:  # the annual follow-up: the barometer trends each goal's criteria follow, before its initiatives
        doc.add_paragraph("{%p if g.barometer %}")
        doc.add_paragraph("Udviklingen i de indikatorer, målsætningen følges med:")
        _barometer_series(doc, "g.barometer", "Heading 3", source=False)
        doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for i in g.initiatives %}")
    doc.add_paragraph("Indsats {{ i.id }}: {{ i.title }}", style="Heading 2")
    doc.add_paragraph("Udvalg: {{ i.committees_text }}. Kontakt: {{ i.contact }}.")
    doc.add_paragraph("{%p if i.economy_text %}")
    doc.add_paragraph("{{ i.economy_text }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("Samlet status: {{ i.status_label }}.")
    _loop_table(
        doc,
        ["Nr.", "Succeskriterium", "Mål", "Faktisk", "Status", "Forklaring"],
        "for c in i.criteria",
        [
            "{{ c.id }}",
            "{{ c.text }}",
            "{{ c.target_text }}",
            "{{ c.actual_text }}",
            "{% cellbg c.colour %}{{ c.status_label }}",
            "{{ c.explanation }}{% if c.note %} {{ c.note }}{% endif %}",
        ],
        [1.1, 5.6, 2.4, 1.9, 1.9, 4.6],
    )
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")

    doc.add_paragraph("Integrationsbarometeret" if not annual else "Alle indikatorer", style="Heading 1")
    doc.add_paragraph("{%p if barometer %}")
    doc.add_paragraph("Udviklingen i kommunen sammenlignet med hele landet.")
    _barometer_series(doc, "barometer", "Heading 2", source=True)
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("Der er ikke indlæst tal fra Integrationsbarometeret.")
    doc.add_paragraph("{%p endif %}")

    doc.add_paragraph("Datagrundlag", style="Heading 1")
    doc.add_paragraph(
        "Rapporten bygger udelukkende på disse kilder. Filernes navne og kontrolsummer (SHA-256), der viser præcis "
        "hvilken version der er brugt, står i Excel-bilaget på arket Datagrundlag."
    )
    _loop_table(
        doc,
        ["Type", "Kilde", "Rækker"],
        "for s in sources",
        ["{{ s.kind_label }}", "{{ s.description }}", "{{ s.rows|tal }}"],
        [3, 11, 2],
    )
    doc.add_paragraph("Rapporten indeholder kun sammentalte tal og ingen personoplysninger.")
    if annual:
        section.orientation = WD_ORIENT.PORTRAIT
    doc.save(str(target))


SHEET_HEADERS = {
    "Overblik": [
        "Indsats",
        "Titel",
        "Målsætning",
        "Udvalg",
        "Kontakt",
        "Status",
        "Kriterier",
        "Opfyldt",
        "Budget (kr.)",
        "Forbrug (kr.)",
        "Forbrug (pct.)",
    ],
    "Succeskriterier": [
        "Indsats",
        "Indsatstitel",
        "Kriterie",
        "Succeskriterie",
        "Type",
        "Mål",
        "Målværdi",
        "Faktisk",
        "Enhed",
        "Status",
        "Forklaring",
        "Periode",
        "Frist",
        "Bemærkning",
    ],
    "Økonomi": ["Indsats", "Titel"],
    "Barometer": ["Indikator", "Titel", "Periode", "Kommune", "Hele landet", "Enhed", "Kilde"],
    "Datagrundlag": ["Fil", "Type", "Kilde", "Størrelse (bytes)", "Rækker", "SHA-256"],
}
WIDTHS = {
    "Titel": 45,
    "Indsatstitel": 40,
    "Succeskriterie": 60,
    "Forklaring": 60,
    "Målsætning": 30,
    "Kontakt": 30,
    "Fil": 50,
    "SHA-256": 66,
    "Mål": 22,
    "Bemærkning": 40,
    "Kilde": 40,
    "Indikator": 26,
}


def build_excel(target: Path, *, annual: bool) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", start_color=BLUE, end_color=BLUE)
    for name, headers in SHEET_HEADERS.items():
        ws = wb.create_sheet(name)
        first = 1
        if name == "Overblik":
            ws["A1"] = "{{plan}}"
            ws["A1"].font = Font(bold=True, size=14, color=BLUE)
            ws["A2"] = "{{pakke}} – {{kommune}}"
            ws["A2"].font = Font(bold=True, size=11)
            ws["A3"] = (
                "Tal opgjort pr. {{opgjort}}; dannet {{dannet}}. Alle tal er sammentalte; ingen personoplysninger."
            )
            first = 5
        for j, header in enumerate(headers, start=1):
            cell = ws.cell(row=first, column=j, value=header)
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            ws.column_dimensions[cell.column_letter].width = WIDTHS.get(header, 13)
    wb.properties.title = "Årlig status" if annual else "Bilag til udvalgsmøde"
    wb.save(str(target))


def main() -> None:
    build_word(HERE / "status.docx", annual=False)
    build_word(HERE / "aarsstatus.docx", annual=True)
    build_excel(HERE / "bilag.xlsx", annual=False)
    build_excel(HERE / "aarsstatus.xlsx", annual=True)
    print("wrote templates under", HERE)


if __name__ == "__main__":
    main()
