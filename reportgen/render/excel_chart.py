"""The budget chart of the Excel appendix: a native bar chart of budget and spending per initiative, in table order,
Danish labels, colours that stand apart on white and in greyscale, and alt text for a screen reader."""

from __future__ import annotations

from typing import Any

from reportgen.render.excel_layout import break_before

SERIES = (("Budget", "1F4E79"), ("Forbrugt", "C55A11"))  # dark blue 8.9:1 and orange 4.3:1 on white
TITLE = "Budget og forbrug pr. indsats"
EMU_PER_CM = 360000  # the drawing unit: 914400 per inch


def budget_chart(
    ws: Any, header_row: int, last_row: int, positions: dict[str, int], columns: dict[str, str], anchor: str
) -> bool:
    """Add the chart below the table; ``columns`` names the budget and spending columns of the sheet. No chart when
    fewer than two initiatives have a budget or spending: one bar tells nothing the table does not."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.data_source import AxDataSource, StrRef
    from openpyxl.utils.cell import coordinate_to_tuple

    cols = [positions[columns[name]] for name, _ in SERIES if columns.get(name) in positions]
    if last_row <= header_row or len(cols) < len(SERIES):
        return False
    rows = range(header_row + 1, last_row + 1)
    with_money = [r for r in rows if any(isinstance(ws.cell(row=r, column=c).value, (int, float)) for c in cols)]
    if len(with_money) < 2:
        return False
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"  # budget and spending side by side
    chart.title = TITLE
    chart.y_axis.title = "kr."  # the unit once, in the axis title: the amounts on the axis are plain numbers
    chart.y_axis.numFmt = "#,##0"
    chart.y_axis.scaling.min = 0  # from 0 kr., so a bar's length is its amount
    chart.y_axis.crosses = "max"  # with the categories top-down, the amounts stay below the bars
    chart.x_axis.title = "Indsats"
    chart.x_axis.scaling.orientation = "maxMin"  # the first initiative at the top, as in the table
    chart.x_axis.tickLblSkip = 1  # every initiative named
    chart.x_axis.tickMarkSkip = 1
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    for col, (_, colour) in zip(cols, SERIES, strict=True):
        chart.add_data(Reference(ws, min_col=col, min_row=header_row, max_row=last_row), titles_from_data=True)
        series = chart.series[-1]
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    label_col = positions.get("Indsats") or positions.get("Titel") or 1
    labels = Reference(ws, min_col=label_col, min_row=header_row + 1, max_row=last_row)
    for series in chart.series:  # the ids are text ("1", "R"): a text reference, so Excel shows them as written
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))
    chart.height = max(7.5, 1.0 * (last_row - header_row) + 3)
    chart.width = 24  # wide enough for the amounts on the axis to stand apart
    chart.anchor = described_anchor(chart, anchor, alt_text(ws, rows, cols, label_col))
    ws.add_chart(chart)
    break_before(ws, coordinate_to_tuple(anchor)[0], chart.height, max(positions.values()))
    return True


def alt_text(ws: Any, rows: range, cols: list[int], label_col: int) -> str:
    """What the chart shows, in Danish: its title and each initiative's budget and spending."""
    from reportgen.domain.danish_text import kr

    parts = []
    for r in rows:
        budget, spent = (ws.cell(row=r, column=c).value for c in cols)
        shown = [
            f"{name.lower()} {kr(v)}" for (name, _), v in zip(SERIES, (budget, spent), strict=True) if v is not None
        ]
        if shown:
            parts.append(f"indsats {ws.cell(row=r, column=label_col).value}: " + " og ".join(shown))
    listed = "; ".join(parts)
    return f"Søjlediagram: {TITLE.lower()}, i tabellens rækkefølge. {listed[:1].upper()}{listed[1:]}".rstrip(".") + "."


def described_anchor(chart: Any, cell: str, descr: str) -> Any:
    """A one-cell anchor whose chart frame carries ``descr`` as its alt text (openpyxl writes the frame without)."""
    from openpyxl.drawing.spreadsheet_drawing import OneCellAnchor
    from openpyxl.utils.cell import coordinate_to_tuple

    class DescribedAnchor(OneCellAnchor):
        __attrs__ = OneCellAnchor.__attrs__  # the metaclass would give a subclass no children to write
        __elements__ = OneCellAnchor.__elements__
        __nested__ = OneCellAnchor.__nested__

        def __setattr__(self, name: str, value: Any) -> None:
            if name == "graphicFrame" and value is not None:
                value.nvGraphicFramePr.cNvPr.descr = descr
                value.nvGraphicFramePr.cNvPr.title = TITLE
            super().__setattr__(name, value)

    anchor = DescribedAnchor()
    row, col = coordinate_to_tuple(cell)
    anchor._from.row, anchor._from.col = row - 1, col - 1
    anchor.ext.width, anchor.ext.height = round(chart.width * EMU_PER_CM), round(chart.height * EMU_PER_CM)
    return anchor
