"""Reading the plan workbook's rows into the plan's data (what the YAML would hold), remembering where each field
stands so that a validation error names the sheet, row and column. The sheets and columns are ``workbook_format``'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from reportgen.errors import Problem
from reportgen.plan.workbook_format import (
    BUDGETS_SHEET,
    COMMITTEES_SHEET,
    CRITERIA_SHEET,
    GOALS_SHEET,
    INITIATIVES_SHEET,
    LABELS_SHEET,
    LIST_SEPARATOR,
    NATIONAL_WORDS,
    PLAN_FIELDS,
    PLAN_HEADER,
    PLAN_SHEET,
    REQUIRED_SHEETS,
    SHEET_COLUMNS,
    WORDS,
    Column,
    Path_,
)


class PlanRows:
    """Turns the workbook's rows into the plan's data (what the YAML would hold) and remembers where each field
    stands, so a validation error names the sheet, row and column."""

    def __init__(self, display: str, parse_date: Callable[[object], dt.date]) -> None:
        self.display = display
        self.parse_date = parse_date
        self.where: dict[Path_, dict[str, Any]] = {(): {"sheet": PLAN_SHEET, "row": 1}}
        self.problems: list[Problem] = []

    def locate(self, path: Path_) -> dict[str, Any]:
        """Where the nearest enclosing field of ``path`` stands."""
        for cut in range(len(path), -1, -1):
            found = self.where.get(tuple(path[:cut]))
            if found is not None:
                return found
        return {}

    def error(self, message: str, expected: str, **where: Any) -> None:
        self.problems.append(Problem(self.display, message, expected, **where))

    def build(self, sheets: dict[str, list[list[Any]]]) -> dict[str, Any]:
        missing = [name for name in REQUIRED_SHEETS if name not in sheets]
        for name in missing:
            self.error(f"no sheet {name!r}", "the sheets " + ", ".join(REQUIRED_SHEETS), sheet=name)
        if missing:
            return {}
        data: dict[str, Any] = self._plan_fields(sheets[PLAN_SHEET])
        data["committees"] = self._mapping(sheets[COMMITTEES_SHEET], COMMITTEES_SHEET, "committees")
        data["goals"] = self._mapping(sheets[GOALS_SHEET], GOALS_SHEET, "goals")
        initiatives = list(self._records(sheets[INITIATIVES_SHEET], INITIATIVES_SHEET))
        data["initiatives"] = [self._initiative(i, row, fields) for i, (row, fields) in enumerate(initiatives)]
        by_id = {str(entry["id"]): (i, entry) for i, entry in enumerate(data["initiatives"]) if "id" in entry}
        for line, fields in self._records(sheets.get(BUDGETS_SHEET, []), BUDGETS_SHEET):
            self._budget(by_id, line, fields)
        for line, fields in self._records(sheets[CRITERIA_SHEET], CRITERIA_SHEET):
            self._criterion(by_id, line, fields)
        if LABELS_SHEET in sheets:
            data["labels"] = self._mapping(sheets[LABELS_SHEET], LABELS_SHEET, "labels")
        return data

    # The Plan sheet is "Felt | Værdi" pairs.
    def _plan_fields(self, rows: list[list[Any]]) -> dict[str, Any]:
        by_header = {_fold(c.header): c for c in PLAN_FIELDS}
        data: dict[str, Any] = {}
        for line, row in enumerate(rows, start=1):
            name = _text(row[0] if row else None)
            if not name or tuple(_fold(h) for h in row[:2]) == tuple(_fold(h) for h in PLAN_HEADER):
                continue
            column = by_header.get(_fold(name))
            if column is None:
                self.error(
                    f"unknown field {name!r}",
                    "one of: " + ", ".join(c.header for c in PLAN_FIELDS),
                    sheet=PLAN_SHEET,
                    row=line,
                    column="A",
                )
                continue
            value = self._value(row[1] if len(row) > 1 else None, column, sheet=PLAN_SHEET, row=line, column="B")
            if value is None:
                continue
            target = data
            *parents, last = column.key.split(".")
            for part in parents:
                target = target.setdefault(part, {})
            target[last] = value
            self.where[tuple(column.key.split("."))] = {"sheet": PLAN_SHEET, "row": line, "column": "B"}
        return data

    def _mapping(self, rows: list[list[Any]], sheet: str, key: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for line, fields in self._records(rows, sheet):
            name, value = fields.get(SHEET_COLUMNS[sheet][0].key), fields.get(SHEET_COLUMNS[sheet][1].key)
            if name is None:
                self.error("the row has no key", "a key in the first column", sheet=sheet, row=line)
                continue
            if str(name) in out:
                self.error(f"{name!r} is given twice", "each key once", sheet=sheet, row=line, column="A")
            out[str(name)] = value
            self.where[(key, str(name))] = {"sheet": sheet, "row": line, "column": "B"}
        return out

    def _records(self, rows: list[list[Any]], sheet: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each filled row below the header as ``(row number, {key: value})``; a header it does not know is an
        error (as an unknown key in YAML)."""
        columns = SHEET_COLUMNS[sheet]
        header_at = next((i for i, row in enumerate(rows) if any(_text(c) for c in row)), None)
        if header_at is None:
            return
        known = {_fold(c.header): c for c in columns}
        layout: dict[int, Column] = {}
        for j, cell in enumerate(rows[header_at]):
            name = _text(cell)
            if not name:
                continue
            if _fold(name) not in known:
                self.error(
                    f"unknown column {name!r}",
                    "columns named " + ", ".join(c.header for c in columns),
                    sheet=sheet,
                    row=header_at + 1,
                    column=_letter(j),
                )
                continue
            layout[j] = known[_fold(name)]
        for i in range(header_at + 1, len(rows)):
            row = rows[i]
            fields: dict[str, Any] = {}
            for j, column in layout.items():
                cell = row[j] if j < len(row) else None
                value = self._value(cell, column, sheet=sheet, row=i + 1, column=_letter(j))
                if value is not None:
                    fields[column.key] = value
            if fields:
                fields["__columns__"] = {c.key: _letter(j) for j, c in layout.items()}
                yield i + 1, fields

    def _value(self, cell: Any, spec: Column, **where: Any) -> Any:
        """A cell as the plan's data holds it (None for an empty cell). A word outside its list or a date that is
        not a date is an error here; everything else is judged by the plan's validation."""
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return None
        if isinstance(cell, str):
            cell = cell.strip()
        if isinstance(cell, float) and cell.is_integer() and spec.form not in ("amount", "target"):
            cell = int(cell)
        try:
            return _FORMS.get(spec.form, _as_is)(cell, self)
        except ValueError as exc:
            self.error(str(exc), _EXPECTED.get(spec.form, "a value"), **where)
            return None

    def _place(self, path: Path_, line: int, fields: dict[str, Any], sheet: str) -> None:
        columns: dict[str, str] = fields.pop("__columns__", {})
        self.where[path] = {"sheet": sheet, "row": line}
        for key, letter in columns.items():
            self.where[(*path, *key.split("."))] = {"sheet": sheet, "row": line, "column": letter}

    def _initiative(self, index: int, line: int, fields: dict[str, Any]) -> dict[str, Any]:
        self._place(("initiatives", index), line, fields, INITIATIVES_SHEET)
        entry: dict[str, Any] = {}
        for key, value in fields.items():
            if key.startswith("economy."):
                entry.setdefault("economy", {})[key.partition(".")[2]] = value
            else:
                entry[key] = value
        entry.setdefault("criteria", [])
        return entry

    def _owner(
        self, by_id: dict[str, tuple[int, dict[str, Any]]], fields: dict[str, Any], sheet: str, line: int
    ) -> Any:
        owner = fields.pop("initiative", None)
        columns = fields.get("__columns__", {})
        if owner is None or str(owner) not in by_id:
            self.error(
                f"no initiative {owner!r} in the sheet {INITIATIVES_SHEET!r}"
                if owner
                else "the row names no initiative",
                "the id of an initiative in " + INITIATIVES_SHEET,
                sheet=sheet,
                row=line,
                column=columns.get("initiative"),
            )
            return None
        return by_id[str(owner)]

    def _budget(self, by_id: dict[str, tuple[int, dict[str, Any]]], line: int, fields: dict[str, Any]) -> None:
        owner = self._owner(by_id, fields, BUDGETS_SHEET, line)
        if owner is None:
            return
        index, entry = owner
        year, columns = fields.get("year"), fields["__columns__"]
        if not isinstance(year, int) or "amount" not in fields:
            self.error(
                "the row needs a year and an amount",
                "a year such as 2024 and an amount in kr.",
                sheet=BUDGETS_SHEET,
                row=line,
                column=columns.get("year" if not isinstance(year, int) else "amount"),
            )
            return
        budget = entry.setdefault("budget", {})
        if year in budget:
            self.error(f"a second budget for {year}", "one row per initiative and year", sheet=BUDGETS_SHEET, row=line)
        budget[year] = fields["amount"]
        self.where[("initiatives", index, "budget", year)] = {
            "sheet": BUDGETS_SHEET,
            "row": line,
            "column": columns.get("amount"),
        }
        # the budget is checked as a whole ("budget for 2019 is negative"): its first row and the amount column
        self.where.setdefault(("initiatives", index, "budget"), self.where[("initiatives", index, "budget", year)])

    def _criterion(self, by_id: dict[str, tuple[int, dict[str, Any]]], line: int, fields: dict[str, Any]) -> None:
        owner = self._owner(by_id, fields, CRITERIA_SHEET, line)
        if owner is None:
            return
        index, entry = owner
        self._place(("initiatives", index, "criteria", len(entry["criteria"])), line, fields, CRITERIA_SHEET)
        entry["criteria"].append(fields)


def _word(form: str) -> Callable[[Any, PlanRows], str]:
    def read(cell: Any, _rows: PlanRows) -> str:
        word, words = str(cell), WORDS[form]
        if word.casefold() in words:
            return words[word.casefold()]
        if word in words.values():
            return word
        raise ValueError(f"{word!r} is not a choice here")

    return read


def _date(cell: Any, rows: PlanRows) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    try:
        return rows.parse_date(cell)
    except (ValueError, OverflowError):
        raise ValueError(f"{cell!r} is not a date") from None


def _split(cell: Any) -> list[str]:
    return [part.strip() for part in str(cell).split(LIST_SEPARATOR) if part.strip()]


def _against(cell: Any, _rows: PlanRows) -> str | list[int | str]:
    if str(cell).casefold() in NATIONAL_WORDS:
        return "national"
    if str(cell).casefold() == "kommunegruppe":
        return "kommunegruppe"
    return [_number_or_text(part) for part in _split(cell)]


def _amount(cell: Any, _rows: PlanRows) -> Any:
    return Decimal(repr(cell)) if isinstance(cell, float) else cell


def _text_cell(cell: Any, _rows: PlanRows) -> str:
    return cell.isoformat() if isinstance(cell, dt.datetime) else str(cell)


def _as_is(cell: Any, _rows: PlanRows) -> Any:
    return cell.date() if isinstance(cell, dt.datetime) else cell


_FORMS: dict[str, Callable[[Any, PlanRows], Any]] = {
    **{form: _word(form) for form in WORDS},
    "list": lambda cell, _rows: _split(cell),
    "committees": lambda cell, _rows: _split(cell),
    "against": _against,
    "amount": _amount,
    "date": _date,
    "area": lambda cell, _rows: _number_or_text(str(cell)) if isinstance(cell, (str, int)) else cell,
    "text": _text_cell,
    "goal": _text_cell,
    "initiative": _text_cell,
}
_EXPECTED = {
    **{form: "one of: " + ", ".join(words) for form, words in WORDS.items()},
    "date": "a date such as 31-12-2025",
}


def _number_or_text(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _fold(value: Any) -> str:
    return _text(value).casefold()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
